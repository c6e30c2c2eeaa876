import Foundation

/// Weighted terms, sorted by key: an article's TF-IDF vector, or a story's
/// centroid (the sum of its articles' vectors, kept to its heaviest terms).
struct StoryVector: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var key: UInt64
        var weight: Float
        /// A name, number or quotation: what tells events apart.
        var isName: Bool
    }

    private(set) var entries: [Entry] = []
    /// Euclidean length of all weights, and of the name weights alone.
    private(set) var norm: Float = 0
    private(set) var nameNorm: Float = 0
    /// The heaviest names, heaviest first: what name agreement compares (found once per vector,
    /// not once per candidate story scored).
    private(set) var heaviestNames: [Entry] = []

    /// Names compared by `nameAgreement`: this many of each side's heaviest.
    static let agreementNames = 6

    init(entries: [Entry] = []) {
        self.entries = entries
        measure()
    }

    /// The TF-IDF vector of an article's terms: (1 + ln tf) × idf × the boost of the term's kind,
    /// kept to its `limit` heaviest terms.
    init(features: StoryFeatures, statistics: TermStatistics, limit: Int) {
        var entries: [Entry] = []
        entries.reserveCapacity(features.terms.count)
        for term in features.terms {
            let weight = (1 + log(term.count)) * statistics.inverseFrequency(of: term.key) * Self.boost[Int(term.kind.rawValue)]
            if weight > 0 { entries.append(Entry(key: term.key, weight: weight, isName: term.kind != .word)) }
        }
        self.init(entries: Self.heaviest(entries, limit: limit))
    }

    /// How much more a name, a number and a quotation weigh than a word of the same rarity.
    static let boost: [Float] = [1, 2, 1.5, 2]

    /// Cosine similarity.
    func similarity(to other: StoryVector) -> Float {
        guard norm > 0, other.norm > 0 else { return 0 }
        var dot: Float = 0
        entries.withUnsafeBufferPointer { left in
            other.entries.withUnsafeBufferPointer { right in
                var i = 0
                var j = 0
                while i < left.count, j < right.count {
                    let a = left[i].key
                    let b = right[j].key
                    if a == b {
                        dot += left[i].weight * right[j].weight
                        i += 1
                        j += 1
                    } else if a < b { i += 1 } else { j += 1 }
                }
            }
        }
        return dot / (norm * other.norm)
    }

    /// This vector plus `other` scaled to unit length, kept to the `limit` heaviest terms; and the
    /// keys it has that this vector did not.
    func adding(_ other: StoryVector, limit: Int) -> (sum: StoryVector, added: [UInt64]) {
        guard other.norm > 0 else { return (self, []) }
        let scale = 1 / other.norm
        var merged: [Entry] = []
        merged.reserveCapacity(entries.count + other.entries.count)
        var i = 0
        var j = 0
        while i < entries.count || j < other.entries.count {
            if j == other.entries.count || (i < entries.count && entries[i].key < other.entries[j].key) {
                merged.append(entries[i])
                i += 1
            } else if i == entries.count || other.entries[j].key < entries[i].key {
                var entry = other.entries[j]
                entry.weight *= scale
                merged.append(entry)
                j += 1
            } else {
                var entry = entries[i]
                entry.weight += other.entries[j].weight * scale
                entry.isName = entry.isName || other.entries[j].isName
                merged.append(entry)
                i += 1
                j += 1
            }
        }
        let sum = StoryVector(entries: Self.heaviest(merged, limit: limit))
        // Both sorted by key: one walk finds the sum's keys this vector lacks.
        var added: [UInt64] = []
        var k = 0
        for entry in sum.entries {
            while k < entries.count, entries[k].key < entry.key { k += 1 }
            if k == entries.count || entries[k].key != entry.key { added.append(entry.key) }
        }
        return (sum, added)
    }

    /// How much of each side's heaviest names the other side has: the weight share of this
    /// vector's heaviest names found in `other`, averaged with the same the other way.
    /// Two hurricanes share "National Hurricane Center" and little else of what they are named by.
    func nameAgreement(with other: StoryVector) -> Float {
        (shareOfHeaviestNames(foundIn: other) + other.shareOfHeaviestNames(foundIn: self)) / 2
    }

    private func shareOfHeaviestNames(foundIn other: StoryVector) -> Float {
        var total: Float = 0
        var found: Float = 0
        for name in heaviestNames {
            total += name.weight
            if other.contains(name.key) { found += name.weight }
        }
        return total > 0 ? found / total : 0
    }

    func contains(_ key: UInt64) -> Bool {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].key == key
    }

    /// The `count` heaviest entries, heaviest first (the terms to look candidates up by).
    func heaviestKeys(_ count: Int) -> [UInt64] {
        guard entries.count > count else { return entries.sorted { $0.weight > $1.weight }.map(\.key) }
        return Array(entries.sorted { $0.weight > $1.weight }.prefix(count).map(\.key))
    }

    /// The `limit` heaviest of sorted `entries`, still sorted by key (ties at the cut: the first).
    private static func heaviest(_ entries: [Entry], limit: Int) -> [Entry] {
        guard entries.count > limit else { return entries }
        let cut = entries.map(\.weight).sorted(by: >)[limit - 1]
        var ties = limit - entries.reduce(0) { $0 + ($1.weight > cut ? 1 : 0) }
        var kept: [Entry] = []
        kept.reserveCapacity(limit)
        for entry in entries where entry.weight > cut || (entry.weight == cut && ties > 0) {
            if entry.weight == cut { ties -= 1 }
            kept.append(entry)
        }
        return kept
    }

    /// As stored: 12 bytes per entry, the key then the weight (negated for a name), little-endian.
    var blob: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(entries.count * 12)
        for entry in entries {
            withUnsafeBytes(of: entry.key.littleEndian) { bytes.append(contentsOf: $0) }
            let weight = entry.isName ? -entry.weight : entry.weight
            withUnsafeBytes(of: weight.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// A stored vector; nil when the bytes are not whole entries in key order.
    init?(blob: [UInt8]) {
        guard blob.count % 12 == 0 else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(blob.count / 12)
        var previous: UInt64?
        for offset in stride(from: 0, to: blob.count, by: 12) {
            var key: UInt64 = 0
            var bits: UInt32 = 0
            for index in 0..<8 { key |= UInt64(blob[offset + index]) << (8 * index) }
            for index in 0..<4 { bits |= UInt32(blob[offset + 8 + index]) << (8 * index) }
            if let previous, previous >= key { return nil }
            previous = key
            let weight = Float(bitPattern: bits)
            entries.append(Entry(key: key, weight: abs(weight), isName: weight.sign == .minus))
        }
        self.init(entries: entries)
    }

    private mutating func measure() {
        var sum: Float = 0
        var names: Float = 0
        for entry in entries {
            sum += entry.weight * entry.weight
            if entry.isName { names += entry.weight * entry.weight }
        }
        norm = sum.squareRoot()
        nameNorm = names.squareRoot()
        heaviestNames = Array(entries.filter(\.isName).sorted { $0.weight > $1.weight }.prefix(Self.agreementNames))
    }
}

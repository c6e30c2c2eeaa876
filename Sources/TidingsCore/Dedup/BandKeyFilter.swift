/// A Bloom filter over the keys of `dedup_bands`: most band keys of a new article are in no
/// stored article, and each such key cost a B-tree descent to a leaf page that a big store's
/// page cache does not hold (a million articles: 28 million rows, 140,000 lookups read 195,000
/// pages for 5,000 new articles). The filter answers "certainly not there" for all but a few
/// percent of them from memory. It may hold keys no longer in the table (pruned rows), never
/// miss one that is: every way into the table sets its bits.
///
/// 8 bits a key of capacity (2% false positives when full), 5 probes by double hashing of the
/// key, which is a well-mixed 64-bit hash already.
struct BandKeyFilter: Sendable, Equatable {
    private(set) var words: [UInt64]
    /// Keys inserted since it was built (including any inserted twice).
    private(set) var inserted: Int
    static let probes = 5

    /// An empty filter for `capacity` keys.
    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: max(capacity, 8192) / 8)
        inserted = 0
    }

    /// How many keys it holds at 2% false positives.
    var capacity: Int { words.count * 64 / 8 }

    func mayContain(_ key: UInt64) -> Bool {
        var found = true
        forEachBit(of: key) { word, mask in found = found && words[word] & mask != 0 }
        return found
    }

    mutating func insert(_ key: UInt64) {
        forEachBit(of: key) { word, mask in words[word] |= mask }
        inserted += 1
    }

    private func forEachBit(of key: UInt64, _ body: (Int, UInt64) -> Void) {
        let bits = UInt64(words.count * 64)
        let step = (key >> 32 | key << 32) &* 0x9E37_79B9_7F4A_7C15 | 1
        var position = key
        for _ in 0..<Self.probes {
            let bit = position.multipliedFullWidth(by: bits).high  // position scaled to 0..<bits
            body(Int(bit >> 6), 1 << (bit & 63))
            position &+= step
        }
    }

    /// Stored form: the words, little-endian.
    var blob: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(words.count * 8)
        for word in words { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    /// Reads a stored filter; nil when `blob` is not one (not a whole number of words, or too few).
    init?<Bytes: Collection>(blob: Bytes, inserted: Int) where Bytes.Element == UInt8 {
        let count = blob.count / 8
        guard blob.count % 8 == 0, count >= 1024 else { return nil }
        var words = [UInt64](repeating: 0, count: count)
        words.withUnsafeMutableBytes { target in target.copyBytes(from: blob) }
        self.words = words.map { UInt64(littleEndian: $0) }
        self.inserted = inserted
    }
}

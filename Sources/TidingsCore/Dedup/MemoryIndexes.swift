import CMinHash

/// Per-source line counts in memory, for `tidings dedup` over a corpus. Kept apart from
/// the candidates (`MemoryCandidateIndex`) so that one batch's lines can be counted while
/// the batch before it is judged.
struct MemoryLineIndex: BoilerplateIndex {
    private var lineCounts = LineCounts()

    func boilerplate(source: String, lines: [UInt64], repeats: Int) -> Set<UInt64> {
        let sourceKey = StableHash.fnv1a64(source)
        var found = Set<UInt64>()
        for line in lines where lineCounts.count(of: DedupHash.combine(sourceKey, line)) >= repeats {
            found.insert(line)
        }
        return found
    }

    mutating func remember(source: String, lines: [UInt64], at time: Double) {
        let sourceKey = StableHash.fnv1a64(source)
        for line in lines { lineCounts.increment(DedupHash.combine(sourceKey, line)) }
    }
}

/// The judged articles in memory, for `tidings dedup` over a corpus: flat arrays of
/// signatures and an open-addressing table of band keys, each bucket a chain of
/// articles, newest first. Ids are positions (0, 1, 2, …) in judging order.
///
/// A signature is kept as the low 16 bits of its values: band keys are made from the whole
/// values before it is stored, and only the similarity estimate reads it afterwards, which
/// 16 bits a slot make within 1/65,536 of the 32-bit one (25 MB less per 100,000 articles).
struct MemoryCandidateIndex: CandidateIndex {
    private var signatureLows = ChunkedValues<UInt16>()
    private var shingleCounts: [Int32] = []
    /// The top 16 bits of each article's shingles: exact enough to verify, half the memory.
    private var shingleTops = ChunkedValues<UInt16>()
    private var times: [Double] = []
    private var canonicalIDs: [Int32] = []
    private var exactHashes: [UInt64] = []
    private var buckets = BandBuckets()
    /// Per article, the judging round it was last collected in (avoids a Set per query).
    private var collectedIn: [UInt32] = []
    private var round: UInt32 = 0
    /// Candidates keep only their tops: shared ones are counted in a table.
    let topsTally: TopsTally? = TopsTally()

    mutating func candidates(bandKeys: [UInt64], notBefore: Double) -> [DedupCandidate] {
        round &+= 1
        let stamp = round
        var found: [DedupCandidate] = []
        // Tens of slots and chains far apart in a table of megabytes: their loads are started
        // together, slots then entries, before any chain is followed.
        for key in bandKeys { buckets.prefetchSlot(of: key) }
        for key in bandKeys { buckets.prefetchNewestEntry(of: key) }
        for key in bandKeys {
            var entry = buckets.head(of: key)
            var walked = 0
            while entry >= 0, walked < DedupEngine.bucketLimit {
                let position = Int(buckets.article(of: entry))
                if collectedIn[position] != stamp, times[position] >= notBefore {
                    collectedIn[position] = stamp
                    found.append(candidate(at: position))
                }
                entry = buckets.next(of: entry)
                walked += 1
            }
        }
        return found
    }

    mutating func insert(_ article: JudgedArticle) {
        let position = Int32(times.count)
        precondition(article.id == Int64(position), "MemoryCandidateIndex ids are judging positions")
        signatureLows.append(article.fingerprint.signature.values.lazy.map { UInt16(truncatingIfNeeded: $0) })
        shingleCounts.append(Int32(article.fingerprint.shingleCount))
        shingleTops.append(article.fingerprint.shingleTops)
        times.append(article.time)
        canonicalIDs.append(Int32(article.canonicalID))
        collectedIn.append(0)
        exactHashes.append(article.fingerprint.exactHash)
        for key in article.bandKeys { buckets.add(key: key, article: position) }
    }

    private func candidate(at position: Int) -> DedupCandidate {
        return DedupCandidate(id: Int64(position), canonicalID: Int64(canonicalIDs[position]),
                              exactHash: exactHashes[position], signatureLows: signatureLows[position],
                              shingleCount: Int(shingleCounts[position]),
                              shingleTops: shingleTops[position])
    }
}

/// Band key → the articles that had it, newest first: a chained hash table whose chains
/// run through the entries themselves (4 bytes a slot, 12 bytes an entry, an entry's key,
/// article and link side by side so that following a chain touches one cache line an entry).
/// Keys are kept as their low 32 bits: two band keys that collide there only add a candidate,
/// which verification drops. The entries sit in chunks of a fixed size, so growing never
/// copies them (an array's doubling held them twice and left up to half its room unused).
struct BandBuckets {
    fileprivate struct Entry {
        var key: UInt32
        var article: Int32
        var next: Int32
    }

    /// The chunks of entries, copied on write like an array's storage.
    private final class Chunks {
        static let shift = 16
        static let size = 1 << shift
        var pointers: [UnsafeMutablePointer<Entry>] = []

        func copy(count: Int) -> Chunks {
            let copy = Chunks()
            for (chunk, pointer) in pointers.enumerated() {
                let fresh = UnsafeMutablePointer<Entry>.allocate(capacity: Self.size)
                fresh.initialize(from: pointer, count: min(Self.size, count - chunk * Self.size))
                copy.pointers.append(fresh)
            }
            return copy
        }

        deinit { for pointer in pointers { pointer.deallocate() } }
    }

    private var heads: [Int32] = [Int32](repeating: -1, count: 1 << 16)
    private var chunks = Chunks()
    private var count = 0

    @inline(__always)
    private func entry(_ index: Int32) -> Entry {
        chunks.pointers[Int(index) >> Chunks.shift][Int(index) & (Chunks.size - 1)]
    }

    /// Starts loading the slot `key` falls in.
    func prefetchSlot(of key: UInt64) {
        heads.withUnsafeBufferPointer { tidings_prefetch($0.baseAddress! + Self.slot(of: key, in: $0.count)) }
    }

    /// Starts loading the newest entry of the slot `key` falls in.
    func prefetchNewestEntry(of key: UInt64) {
        let index = heads[Self.slot(of: key, in: heads.count)]
        guard index >= 0 else { return }
        tidings_prefetch(chunks.pointers[Int(index) >> Chunks.shift] + (Int(index) & (Chunks.size - 1)))
    }

    private static func slot(of key: UInt64, in count: Int) -> Int { Int(UInt32(truncatingIfNeeded: key)) & (count - 1) }

    /// The newest entry with `key`, or -1.
    func head(of key: UInt64) -> Int32 {
        first(UInt32(truncatingIfNeeded: key), from: heads[Int(UInt32(truncatingIfNeeded: key)) & (heads.count - 1)])
    }

    func article(of entry: Int32) -> Int32 { self.entry(entry).article }

    /// The next older entry with the same key, or -1.
    func next(of entry: Int32) -> Int32 {
        let current = self.entry(entry)
        return first(current.key, from: current.next)
    }

    private func first(_ key: UInt32, from start: Int32) -> Int32 {
        var index = start
        while index >= 0 {
            let current = entry(index)
            if current.key == key { return index }
            index = current.next
        }
        return index
    }

    mutating func add(key: UInt64, article: Int32) {
        if !isKnownUniquelyReferenced(&chunks) { chunks = chunks.copy(count: count) }
        if count >= heads.count { grow() }
        if count & (Chunks.size - 1) == 0 { chunks.pointers.append(.allocate(capacity: Chunks.size)) }
        let short = UInt32(truncatingIfNeeded: key)
        let slot = Int(short) & (heads.count - 1)
        (chunks.pointers[count >> Chunks.shift] + (count & (Chunks.size - 1)))
            .initialize(to: Entry(key: short, article: article, next: heads[slot]))
        heads[slot] = Int32(count)
        count += 1
    }

    /// Doubles the slots and relinks every entry, oldest first, so chains stay newest first.
    private mutating func grow() {
        heads = [Int32](repeating: -1, count: heads.count * 2)
        heads.withUnsafeMutableBufferPointer { heads in
            let mask = heads.count - 1
            for index in 0..<count {
                let entry = chunks.pointers[index >> Chunks.shift] + (index & (Chunks.size - 1))
                let slot = Int(entry.pointee.key) & mask
                entry.pointee.next = heads[slot]
                heads[slot] = Int32(index)
            }
        }
    }
}

/// Open-addressing counts keyed by an already well-mixed 64-bit hash (no re-hashing, no
/// per-entry allocation): how many articles of a source had a line. A slot is one word: the
/// key's top 48 bits and a 16-bit count (saturating; the repeats compared with are at most
/// 1,000), so a million lines take 16 MiB, not 32. Two keys equal in those 48 bits count as one
/// line: among millions of lines, a chance of about one in ten million per lookup.
struct LineCounts {
    private static let countBits: UInt64 = 16
    private static let countMask: UInt64 = (1 << countBits) - 1

    /// 0: empty; otherwise the key's top bits and a count of at least 1.
    private var slots = [UInt64](repeating: 0, count: 1 << 16)
    private var used = 0

    /// Where a key's probe starts: from the bits a slot keeps, so growing can place it again.
    private static func home(of stored: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: stored >> countBits) & mask }

    func count(of key: UInt64) -> UInt32 {
        let stored = key & ~Self.countMask
        let mask = slots.count - 1
        var index = Self.home(of: stored, mask: mask)
        while slots[index] != 0 {
            if slots[index] & ~Self.countMask == stored { return UInt32(slots[index] & Self.countMask) }
            index = (index + 1) & mask
        }
        return 0
    }

    mutating func increment(_ key: UInt64) {
        if (used + 1) * 10 > slots.count * 7 { grow() }
        let stored = key & ~Self.countMask
        let mask = slots.count - 1
        var index = Self.home(of: stored, mask: mask)
        while slots[index] != 0 {
            if slots[index] & ~Self.countMask == stored {
                if slots[index] & Self.countMask < Self.countMask { slots[index] += 1 }
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = stored | 1
        used += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot != 0 {
            var index = Self.home(of: slot, mask: mask)
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

/// Runs of values (one run per article) kept in fixed-size chunks: growing never copies
/// what is stored (a flat array's doubling would briefly hold it twice), and a run is lent
/// out as a slice without copying.
struct ChunkedValues<Value> {
    private static var chunkCapacity: Int { 1 << 20 }
    private var chunks: [[Value]] = []
    private var chunkOf: [Int32] = []
    private var startOf: [Int32] = []
    private var countOf: [Int32] = []

    mutating func append<Values: Collection<Value>>(_ values: Values) {
        if chunks.isEmpty || chunks[chunks.count - 1].count + values.count > chunks[chunks.count - 1].capacity {
            var chunk = [Value]()
            chunk.reserveCapacity(max(Self.chunkCapacity, values.count))
            chunks.append(chunk)
        }
        let last = chunks.count - 1
        chunkOf.append(Int32(last))
        startOf.append(Int32(chunks[last].count))
        countOf.append(Int32(values.count))
        chunks[last].append(contentsOf: values)
    }

    subscript(item: Int) -> ArraySlice<Value> {
        let start = Int(startOf[item])
        return chunks[Int(chunkOf[item])][start..<(start + Int(countOf[item]))]
    }
}

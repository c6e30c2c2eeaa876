import Testing
@testable import TidingsCore

@Suite("In-memory dedup indexes: line counts, band buckets, stored runs")
struct MemoryIndexesTests {
    @Test("line counts match a dictionary's across growth, and saturate instead of wrapping")
    func lineCounts() {
        var counts = LineCounts()
        var expected: [UInt64: UInt32] = [:]
        var random = DedupHash.SplitMix64(state: 7)
        // 200,000 increments of 120,000 keys: the table grows from 65,536 slots to 262,144.
        var keys = (0..<120_000).map { _ in random.next() }
        // Keys that share a probe start (their bits above the count's) but not their top bits,
        // and keys that differ only in the 16 bits a slot does not keep (those count as one).
        keys += [0x0000_0000_0001_0000, 0x0001_0000_0001_0000, 0x0002_0000_0001_0000]
        for _ in 0..<200_000 {
            let key = keys[random.below(keys.count)]
            counts.increment(key)
            expected[key & ~0xFFFF, default: 0] += 1
        }
        for key in keys { #expect(counts.count(of: key) == expected[key & ~0xFFFF] ?? 0) }
        #expect(counts.count(of: 0x0000_0000_0001_0000 | 0x1234) == expected[0x0000_0000_0001_0000])
        #expect(counts.count(of: random.next()) == 0)

        var saturated = LineCounts()
        for _ in 0..<70_000 { saturated.increment(42 << 16) }
        #expect(saturated.count(of: 42 << 16) == 65_535)
    }

    @Test("band buckets list each key's articles newest first, across chunks and growth")
    func bandBuckets() {
        var buckets = BandBuckets()
        var expected: [UInt32: [Int32]] = [:]
        var random = DedupHash.SplitMix64(state: 11)
        // 300,000 entries: five chunks, and the slots double from 65,536 to 524,288.
        let keys = (0..<40_000).map { _ in random.next() }
        for article in 0..<300_000 {
            let key = keys[random.below(keys.count)]
            buckets.add(key: key, article: Int32(article))
            expected[UInt32(truncatingIfNeeded: key), default: []].insert(Int32(article), at: 0)
        }
        for key in keys.prefix(2_000) {
            var found: [Int32] = []
            var entry = buckets.head(of: key)
            while entry >= 0 {
                found.append(buckets.article(of: entry))
                entry = buckets.next(of: entry)
            }
            #expect(found == expected[UInt32(truncatingIfNeeded: key)] ?? [])
        }
        #expect(buckets.head(of: random.next()) == -1)

        // A copy is a value: adding to it copies the chunks, and the original keeps its chains.
        var copy = buckets
        copy.add(key: keys[0], article: 300_000)
        #expect(copy.article(of: copy.head(of: keys[0])) == 300_000)
        #expect(buckets.article(of: buckets.head(of: keys[0])) == expected[UInt32(truncatingIfNeeded: keys[0])]?.first)
        buckets.add(key: keys[1], article: 300_001)  // the same position in the original's own chunks
        #expect(copy.article(of: copy.head(of: keys[0])) == 300_000)
        #expect(buckets.article(of: buckets.head(of: keys[1])) == 300_001)
    }

    @Test("runs of values come back as stored, across chunks, whatever their length")
    func chunkedValues() {
        var values = ChunkedValues<UInt16>()
        var expected: [[UInt16]] = []
        var random = DedupHash.SplitMix64(state: 3)
        // About 3.5 million values: four chunks, and one run longer than a chunk.
        for run in 0..<4_000 {
            let count = run == 1_000 ? 1_500_000 : random.below(1_000)
            let stored = (0..<count).map { _ in UInt16(truncatingIfNeeded: random.next()) }
            values.append(stored)
            expected.append(stored)
        }
        for (run, stored) in expected.enumerated() { #expect(Array(values[run]) == stored) }
    }

    @Test("16-bit signature slots give the full signature's estimate (a chance match is one in 65,536 a slot)")
    func signatureLows() {
        let hasher = MinHasher(permutations: 128)
        var random = DedupHash.SplitMix64(state: 5)
        let base = (0..<400).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        for kept in [0, 100, 200, 300, 400] {
            let other = Array(base.prefix(kept)) + (kept..<400).map { _ in UInt32(truncatingIfNeeded: random.next()) }
            let left = hasher.signature(of: base)
            let right = hasher.signature(of: other)
            let lows = right.values.map { UInt16(truncatingIfNeeded: $0) }
            #expect(left.similarity(toLows: lows[...]) == left.similarity(to: right))
            #expect(left.similarity(toLows: lows[...]) > 0 || kept == 0)
        }
    }
}

import Testing
@testable import TidingsCore

@Suite("RecentBands: band rows not yet merged, in memory")
struct RecentBandsTests {
    func found(_ bands: RecentBands, _ keys: [UInt64], notBefore: Double = 0) -> [Int64: [Int64]] {
        var buckets: [Int64: [Int64]] = [:]
        bands.collect(keys, notBefore: notBefore, into: &buckets)
        return buckets.mapValues { $0.sorted() }
    }

    @Test("articles are found by any of their keys, not before the given time; a key repeated in one article is one row")
    func collects() {
        var bands = RecentBands(mergedThrough: 10)
        bands.add(articleID: 11, time: 100, keys: [1, 2, 3, 2])
        bands.add(articleID: 12, time: 200, keys: [3, 4])
        bands.add(articleID: 13, time: 300, keys: [])
        #expect(bands.rowCount == 5)
        #expect(found(bands, [3]) == [3: [11, 12]])
        #expect(found(bands, [2, 4, 9]) == [2: [11], 4: [12]])
        #expect(found(bands, [3], notBefore: 150) == [3: [12]])
        // Keys that share their low bits with others (the chain heads) are told apart by the whole key.
        bands.add(articleID: 14, time: 400, keys: [3 + (1 << 40)])
        #expect(found(bands, [3]) == [3: [11, 12]])
        #expect(bands.holds(11) && !bands.holds(10))
    }

    @Test("removing or replacing an article's rows leaves the others; many removals compact the table without losing a row")
    func removes() {
        var bands = RecentBands(mergedThrough: 0)
        for id in Int64(1)...6000 { bands.add(articleID: id, time: Double(id), keys: [UInt64(id), UInt64(id % 7) + 1_000_000]) }
        #expect(bands.remove(3) == 2)
        #expect(bands.remove(3) == 0)
        bands.add(articleID: 4, time: 4, keys: [1 << 50])
        #expect(found(bands, [4, 1 << 50]) == [1 << 50: [4]])
        for id in Int64(5)...5000 { bands.remove(id) }  // more dead than live rows: rebuilt
        #expect(bands.rowCount == 2 * 2 + 1 + 1000 * 2)
        #expect(found(bands, [1_000_000 + 5001 % 7]) == [Int64(1_000_000 + 5001 % 7): Array(stride(from: Int64(5001), through: 6000, by: 7))])
        #expect(found(bands, [1, 1 << 50, 5999, 5000]) == [1: [1], 1 << 50: [4], 5999: [5999]])
    }

    @Test("rows come in the table's key order (signed, then article); those added after a point can be told apart")
    func rowsInKeyOrder() {
        var bands = RecentBands(mergedThrough: 0)
        bands.add(articleID: 2, time: 2, keys: [5, UInt64.max])  // UInt64.max is -1 as SQLite's integer
        bands.add(articleID: 1, time: 1, keys: [5])
        let mark = bands.sequence
        bands.add(articleID: 3, time: 3, keys: [7])
        #expect(bands.rows(through: 2).map { [$0.key, $0.articleID] } == [[-1, 2], [5, 1], [5, 2]])
        #expect(bands.rows(through: 3, addedAfter: mark).map(\.articleID) == [3])
        #expect(bands.contains(RecentBands.Row(key: 5, articleID: 1, time: 1)))
        #expect(!bands.contains(RecentBands.Row(key: 7, articleID: 1, time: 1)))
        #expect(bands.newestArticle == 3)
    }

    @Test("once merged, articles up to the mark leave memory and later ones stay")
    func markMerged() {
        var bands = RecentBands(mergedThrough: 0)
        bands.add(articleID: 1, time: 1, keys: [1])
        bands.add(articleID: 2, time: 2, keys: [1, 2])
        bands.markMerged(through: 1)
        #expect(bands.mergedThrough == 1)
        #expect(!bands.holds(1))
        #expect(bands.rowCount == 2)
        #expect(found(bands, [1, 2]) == [1: [2], 2: [2]])
        bands.markMerged(through: 2)
        #expect(bands.rowCount == 0)
        #expect(bands.newestArticle == 2)
    }
}

import Testing
@testable import TidingsCore

@Suite("BandKeyFilter: which band keys the merged table may hold")
struct BandKeyFilterTests {
    /// Well-mixed keys, as band keys are.
    func key(_ number: Int) -> UInt64 { DedupHash.finalize(DedupHash.combine(DedupHash.seed, UInt64(number))) }

    @Test("every inserted key is found; at capacity, about 2% of other keys are (never over 4%)")
    func noFalseNegatives() {
        var filter = BandKeyFilter(capacity: 100_000)
        for number in 0..<filter.capacity { filter.insert(key(number)) }
        #expect((0..<filter.capacity).allSatisfy { filter.mayContain(key($0)) })
        let others = (1_000_000..<1_100_000).filter { filter.mayContain(key($0)) }.count
        #expect(others > 500 && others < 4_000, "\(others) of 100,000 absent keys pass")
        #expect(filter.inserted == filter.capacity)
    }

    @Test("stored and read back, it is the same filter; a blob that is not one is refused")
    func blobRoundTrip() {
        var filter = BandKeyFilter(capacity: 50_000)
        for number in 0..<1000 { filter.insert(key(number)) }
        #expect(BandKeyFilter(blob: filter.blob, inserted: filter.inserted) == filter)
        #expect(BandKeyFilter(blob: filter.blob.dropLast(3), inserted: 0) == nil)
        #expect(BandKeyFilter(blob: [UInt8](repeating: 0, count: 16), inserted: 0) == nil)
    }
}

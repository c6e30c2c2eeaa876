/// An article already judged, as the detector sees it when it is a candidate.
struct DedupCandidate: Sendable {
    var id: Int64
    /// The canonical article of its cluster: itself when it is an original.
    var canonicalID: Int64
    /// The hash of its normalized words (`DedupFingerprint.exactHash`): equal for an exact copy.
    var exactHash: UInt64
    /// The signature's values (a slice: the memory index lends them without copying)…
    var signature: ArraySlice<UInt32> = []
    /// …or only their low 16 bits (b-bit MinHash: half the memory; two slots that differ match by
    /// chance once in 65,536, which adds (1 − s)/65,536 to an estimate s).
    var signatureLows: ArraySlice<UInt16> = []
    var shingleCount: Int
    /// The sorted distinct shingles when the index keeps them (exact verification), else empty.
    var shingles: ArraySlice<UInt32> = []
    /// Or their top 16 bits (half the memory; chance collisions add about n·m/65536 to the overlap).
    var shingleTops: ArraySlice<UInt16> = []
}

/// Where the detector keeps what it has seen: per-source line counts for
/// boilerplate (`BoilerplateIndex`), exact-text hashes, signatures and LSH band
/// keys (`CandidateIndex`). One implementation lives in memory (`tidings dedup`
/// over a corpus), one in the store (the daemon), so both run the same decisions.
typealias DedupIndex = BoilerplateIndex & CandidateIndex

/// Per-source line counts: which lines a source repeats.
protocol BoilerplateIndex {
    /// The lines among `lines` seen in at least `repeats` earlier articles of `source`.
    mutating func boilerplate(source: String, lines: [UInt64], repeats: Int) throws -> Set<UInt64>
    /// Counts `lines` (distinct) as seen once more in `source`.
    mutating func remember(source: String, lines: [UInt64], at time: Double) throws
}

/// Another index's line counts, read but not added to: for text whose lines were counted
/// already (an article's revision).
struct LineCountsReadOnly<Base: BoilerplateIndex>: BoilerplateIndex {
    var base: Base

    mutating func boilerplate(source: String, lines: [UInt64], repeats: Int) throws -> Set<UInt64> {
        try base.boilerplate(source: source, lines: lines, repeats: repeats)
    }

    func remember(source: String, lines: [UInt64], at time: Double) throws {}
}

/// The articles judged so far, found by LSH band key (an exact copy shares all of them).
protocol CandidateIndex {
    /// The articles that share at least one band key, not older than `notBefore`.
    mutating func candidates(bandKeys: [UInt64], notBefore: Double) throws -> [DedupCandidate]
    /// Records an article judged now.
    mutating func insert(_ article: JudgedArticle) throws
    /// A table to count shared shingle tops in, for an index whose candidates keep only tops.
    var topsTally: TopsTally? { get }
}

extension CandidateIndex {
    var topsTally: TopsTally? { nil }
}

/// An article after judging: what the index stores about it.
struct JudgedArticle: Sendable {
    var id: Int64
    var time: Double
    var fingerprint: DedupFingerprint
    var bandKeys: [UInt64]
    /// `id` for an original, the original's id for a duplicate.
    var canonicalID: Int64
}

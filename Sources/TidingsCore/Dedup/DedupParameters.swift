/// Everything the detector is tuned by; built from the `[dedup]` settings.
public struct DedupParameters: Sendable, Equatable {
    /// Words per shingle.
    public var shingleSize: Int
    /// MinHash permutations (signature slots).
    public var permutations: Int
    /// Estimated Jaccard similarity at which two articles are near-duplicates;
    /// the LSH banding is derived from it.
    public var threshold: Double
    /// Estimated share of the shorter article's shingles found in the longer
    /// one at which the shorter is a (truncated, excerpted) copy.
    public var containment: Double
    /// Seconds: an earlier article older than this is not looked at.
    public var window: Double
    /// A line seen in this many earlier articles of the same source is boilerplate.
    public var boilerplateRepeats: Int
    /// Fewer shingles than this (after boilerplate) and only exact copies are detected.
    public var minimumShingles: Int
    /// The LSH banding derived from `threshold` and `permutations`.
    public let bands: LSHBands

    public init(settings: DedupSettings) {
        shingleSize = settings.shingleSize
        permutations = settings.permutations
        threshold = settings.threshold
        containment = settings.containment
        window = Double(settings.window.seconds)
        boilerplateRepeats = settings.boilerplateRepeats
        minimumShingles = settings.minimumShingles
        bands = LSHBands.optimal(threshold: settings.threshold, permutations: settings.permutations)
    }
}

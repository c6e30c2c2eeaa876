import Foundation

/// How a signature is cut into LSH bands: `bands` bands of `rows` slots each.
/// Two articles become candidates when all the slots of at least one band are
/// equal, which happens with probability 1 − (1 − s^rows)^bands at similarity s.
public struct LSHBands: Sendable, Equatable {
    public var bands: Int
    public var rows: Int

    public init(bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
    }

    /// The banding for `permutations` slots that minimizes the false-positive
    /// area below `threshold` plus the false-negative area above it (as datasketch does).
    public static func optimal(threshold: Double, permutations: Int) -> LSHBands {
        var best = LSHBands(bands: 1, rows: permutations)
        var bestError = Double.infinity
        for bands in 1...permutations {
            for rows in 1...(permutations / bands) {
                let candidate = LSHBands(bands: bands, rows: rows)
                let falsePositive = integrate(from: 0, to: threshold) { candidate.candidateProbability(at: $0) }
                let falseNegative = integrate(from: threshold, to: 1) { 1 - candidate.candidateProbability(at: $0) }
                let error = falsePositive + falseNegative
                if error < bestError {
                    bestError = error
                    best = candidate
                }
            }
        }
        return best
    }

    /// Probability that two signatures of Jaccard similarity `similarity` share a band.
    public func candidateProbability(at similarity: Double) -> Double {
        1 - pow(1 - pow(similarity, Double(rows)), Double(bands))
    }

    /// The hash of band `band` of `signature`: which bucket it falls in.
    func key(of signature: MinHashSignature, band: Int) -> UInt64 {
        var hash = DedupHash.combine(DedupHash.seed, UInt64(band))
        let start = band * rows
        for index in start..<(start + rows) { hash = DedupHash.combine(hash, UInt64(signature.values[index])) }
        return DedupHash.finalize(hash)
    }

    private static func integrate(from lower: Double, to upper: Double, _ function: (Double) -> Double) -> Double {
        let steps = 100
        let width = (upper - lower) / Double(steps)
        var sum = (function(lower) + function(upper)) / 2
        for step in 1..<steps { sum += function(lower + Double(step) * width) }
        return sum * width
    }
}

/// A MinHash signature: for each of `count` fixed permutations of the 32-bit
/// shingle space, the least permuted shingle. The share of equal slots of two
/// signatures estimates the Jaccard similarity of the two shingle sets.
public struct MinHashSignature: Sendable, Equatable {
    public var values: [UInt32]

    public init(values: [UInt32]) { self.values = values }

    /// Estimated Jaccard similarity: the share of equal slots.
    public func similarity(to other: MinHashSignature) -> Double {
        let count = min(values.count, other.values.count)
        guard count > 0 else { return 0 }
        var equal = 0
        values.withUnsafeBufferPointer { left in
            other.values.withUnsafeBufferPointer { right in
                for index in 0..<count where left[index] == right[index] { equal += 1 }
            }
        }
        return Double(equal) / Double(count)
    }

    /// Little-endian 32-bit values: 4 bytes a permutation.
    public var blob: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            bytes.append(UInt8(truncatingIfNeeded: value))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value >> 16))
            bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        }
        return bytes
    }

    /// Reads `blob`; `nil` when the length is not a whole number of values.
    public init?<Bytes: Collection>(blob: Bytes) where Bytes.Element == UInt8 {
        guard blob.count % 4 == 0 else { return nil }
        var values = [UInt32]()
        values.reserveCapacity(blob.count / 4)
        var iterator = blob.makeIterator()
        while let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
            values.append(UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24)
        }
        self.values = values
    }
}

/// Computes signatures with one hash per shingle and cheap derived
/// permutations: permutation i maps a shingle x to `a[i] * x + b[i]` modulo
/// 2^32 (`a[i]` odd, so each is a bijection), with `a` and `b` drawn from a
/// fixed seed. The loop runs 16 permutations a step on SIMD vectors.
struct MinHasher: Sendable {
    typealias Lane = SIMD16<UInt32>
    let permutations: Int
    private let multipliers: [Lane]
    private let increments: [Lane]

    init(permutations: Int) {
        precondition(permutations > 0)
        self.permutations = permutations
        var random = DedupHash.SplitMix64(state: DedupHash.seed)
        let lanes = (permutations + Lane.scalarCount - 1) / Lane.scalarCount
        var multipliers = [Lane](repeating: .zero, count: lanes)
        var increments = [Lane](repeating: .zero, count: lanes)
        for index in 0..<(lanes * Lane.scalarCount) {
            let draw = random.next()
            multipliers[index / Lane.scalarCount][index % Lane.scalarCount] = UInt32(truncatingIfNeeded: draw) | 1
            increments[index / Lane.scalarCount][index % Lane.scalarCount] = UInt32(truncatingIfNeeded: draw >> 32)
        }
        self.multipliers = multipliers
        self.increments = increments
    }

    func signature(of shingles: [UInt32]) -> MinHashSignature {
        var minima = [Lane](repeating: Lane(repeating: .max), count: multipliers.count)
        minima.withUnsafeMutableBufferPointer { minima in
            multipliers.withUnsafeBufferPointer { multipliers in
                increments.withUnsafeBufferPointer { increments in
                    for shingle in shingles {
                        let value = Lane(repeating: shingle)
                        for lane in 0..<minima.count {
                            let permuted = multipliers[lane] &* value &+ increments[lane]
                            minima[lane].replace(with: permuted, where: permuted .< minima[lane])
                        }
                    }
                }
            }
        }
        var values = [UInt32]()
        values.reserveCapacity(minima.count * Lane.scalarCount)
        for lane in minima {
            for index in 0..<Lane.scalarCount { values.append(lane[index]) }
        }
        values.removeLast(values.count - permutations)
        return MinHashSignature(values: values)
    }
}

import CMinHash

/// A MinHash signature: for each of `count` fixed permutations of the 32-bit
/// shingle space, the least permuted shingle. The share of equal slots of two
/// signatures estimates the Jaccard similarity of the two shingle sets.
public struct MinHashSignature: Sendable, Equatable {
    public var values: [UInt32]

    public init(values: [UInt32]) { self.values = values }

    /// Estimated Jaccard similarity: the share of equal slots.
    public func similarity(to other: MinHashSignature) -> Double { similarity(to: other.values[...]) }

    /// The same against signature values held elsewhere.
    func similarity(to other: ArraySlice<UInt32>) -> Double { shareOfEqualSlots(other) }

    /// The same against the low 16 bits of another signature's values.
    func similarity(toLows other: ArraySlice<UInt16>) -> Double { shareOfEqualSlots(other) }

    /// The share of slots where `other` equals this signature's value cut to its width.
    private func shareOfEqualSlots<Slot: FixedWidthInteger>(_ other: ArraySlice<Slot>) -> Double {
        let count = min(values.count, other.count)
        guard count > 0 else { return 0 }
        var equal = 0
        values.withUnsafeBufferPointer { left in
            other.withUnsafeBufferPointer { right in
                for index in 0..<count where Slot(truncatingIfNeeded: left[index]) == right[index] { equal += 1 }
            }
        }
        return Double(equal) / Double(count)
    }

    /// Little-endian 32-bit values: 4 bytes a permutation.
    public var blob: [UInt8] { UInt32Blob.encode(values) }

    /// Reads `blob`; `nil` when the length is not a whole number of values.
    public init?<Bytes: Collection>(blob: Bytes) where Bytes.Element == UInt8 {
        guard let values = UInt32Blob.decode(blob) else { return nil }
        self.values = values
    }
}

/// 32-bit values as little-endian bytes: how signatures and shingle sets are stored.
enum UInt32Blob {
    static func encode(_ values: [UInt32]) -> [UInt8] {
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

    /// `nil` when the length is not a multiple of 4.
    static func decode<Bytes: Collection>(_ bytes: Bytes) -> [UInt32]? where Bytes.Element == UInt8 {
        guard bytes.count % 4 == 0 else { return nil }
        var values = [UInt32]()
        values.reserveCapacity(bytes.count / 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
            values.append(UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24)
        }
        return values
    }
}

/// Computes signatures with one hash per shingle and cheap derived
/// permutations: permutation i maps a shingle x to `a[i] * x + b[i]` modulo
/// 2^32 (`a[i]` odd, so each is a bijection), with `a` and `b` drawn from a
/// fixed seed. The loop over permutations is the C kernel in `CMinHash`,
/// vectorized (AVX2 where the CPU has it).
struct MinHasher: Sendable {
    let permutations: Int
    private let multipliers: [UInt32]
    private let increments: [UInt32]

    init(permutations: Int) {
        precondition(permutations > 0)
        self.permutations = permutations
        var random = DedupHash.SplitMix64(state: DedupHash.seed)
        // Drawn in blocks of 16 (the first layout's SIMD width), so signatures keep their values.
        let drawn = (permutations + 15) / 16 * 16
        var multipliers = [UInt32]()
        var increments = [UInt32]()
        for _ in 0..<drawn {
            let draw = random.next()
            multipliers.append(UInt32(truncatingIfNeeded: draw) | 1)
            increments.append(UInt32(truncatingIfNeeded: draw >> 32))
        }
        self.multipliers = Array(multipliers.prefix(permutations))
        self.increments = Array(increments.prefix(permutations))
    }

    func signature(of shingles: [UInt32]) -> MinHashSignature {
        var minima = [UInt32](repeating: .max, count: permutations)
        shingles.withUnsafeBufferPointer { shingles in
            multipliers.withUnsafeBufferPointer { multipliers in
                increments.withUnsafeBufferPointer { increments in
                    minima.withUnsafeMutableBufferPointer { minima in
                        tidings_minhash(shingles.baseAddress, shingles.count, multipliers.baseAddress,
                                        increments.baseAddress, minima.baseAddress, permutations)
                    }
                }
            }
        }
        return MinHashSignature(values: minima)
    }
}

/// Word k-shingles of a normalized text as a set of 32-bit hashes.
enum Shingles {
    /// The distinct shingles of `words`, sorted. A text shorter than `size`
    /// words is one shingle of all its words, so short texts still compare.
    static func of(_ words: [UInt64], size: Int) -> [UInt32] {
        guard !words.isEmpty else { return [] }
        let width = min(size, words.count)
        var shingles = [UInt32]()
        shingles.reserveCapacity(words.count - width + 1)
        words.withUnsafeBufferPointer { words in
            for start in 0...(words.count - width) {
                var hash = DedupHash.seed
                for offset in 0..<width { hash = DedupHash.combine(hash, words[start + offset]) }
                shingles.append(UInt32(truncatingIfNeeded: DedupHash.finalize(hash) >> 32))
            }
        }
        RadixSort.sort(&shingles)
        return shingles.uniqued()
    }

    /// The top 16 bits of sorted shingles: still sorted (with repeats where two shingles share them).
    static func tops(of shingles: [UInt32]) -> [UInt16] { shingles.map { UInt16(truncatingIfNeeded: $0 >> 16) } }

    /// Hash of the whole word sequence: equal for texts that normalize to the same words.
    static func exactHash(of words: [UInt64]) -> UInt64 {
        var hash = DedupHash.seed
        for word in words { hash = DedupHash.combine(hash, word) }
        return DedupHash.finalize(hash ^ UInt64(words.count))
    }
}

extension Array where Element: Equatable {
    /// Drops adjacent repeats (on a sorted array: the distinct elements).
    fileprivate func uniqued() -> [Element] {
        guard count > 1 else { return self }
        var result = self
        var write = 1
        for read in 1..<count where result[read] != result[write - 1] {
            result[write] = result[read]
            write += 1
        }
        result.removeLast(count - write)
        return result
    }
}

/// LSD radix sort of 32-bit values, a byte a pass: a few times faster than a
/// comparison sort for the few hundred shingles of an article.
enum RadixSort {
    static func sort(_ values: inout [UInt32]) {
        guard values.count > 64 else { values.sort(); return }
        var scratch = [UInt32](repeating: 0, count: values.count)
        values.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                var from = source
                var to = target
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
                    for shift in stride(from: 0, to: 32, by: 8) {
                        counts.initialize(repeating: 0)
                        for value in from { counts[Int((value >> UInt32(shift)) & 0xFF)] += 1 }
                        var total = 0
                        for bucket in 0..<256 {
                            let count = counts[bucket]
                            counts[bucket] = total
                            total += count
                        }
                        for value in from {
                            let bucket = Int((value >> UInt32(shift)) & 0xFF)
                            to[counts[bucket]] = value
                            counts[bucket] += 1
                        }
                        swap(&from, &to)
                    }
                }
            }
        }
        // Four passes: the sorted values are back in `values`.
    }
}

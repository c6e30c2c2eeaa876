import CMinHash

/// Word k-shingles of a normalized text as a set of 32-bit hashes.
enum Shingles {
    /// The distinct shingles of `words`, sorted. A text shorter than `size`
    /// words is one shingle of all its words, so short texts still compare.
    static func of(_ words: [UInt64], size: Int) -> [UInt32] {
        guard !words.isEmpty else { return [] }
        let width = min(size, words.count)
        let count = words.count - width + 1
        // One buffer holds the shingles and what sorting them needs; the result is its distinct part.
        let work = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count + RadixSort.scratchCapacity(for: count))
        defer { work.deallocate() }
        let shingles = UnsafeMutableBufferPointer(rebasing: work[..<count])
        words.withUnsafeBufferPointer { words in
            // DedupHash.combine over each window, then finalize; in C, on as many lanes as the CPU has.
            tidings_shingles(words.baseAddress, count, width, DedupHash.seed, shingles.baseAddress)
        }
        RadixSort.sort(shingles, scratch: UnsafeMutableBufferPointer(rebasing: work[count...]))
        return Array(shingles[..<dropRepeats(shingles)])
    }

    /// Drops adjacent repeats of sorted `values` in place; returns how many distinct values lead.
    private static func dropRepeats(_ values: UnsafeMutableBufferPointer<UInt32>) -> Int {
        guard values.count > 1, let base = values.baseAddress else { return values.count }
        // Branch-free: every value is written, and the write position moves on past a new one.
        var write = 1
        var last = base[0]
        for read in 1..<values.count {
            let value = base[read]
            base[write] = value
            write &+= value != last ? 1 : 0
            last = value
        }
        return write
    }

    /// The top 16 bits of sorted shingles: still sorted (with repeats where two shingles share them).
    static func tops(of shingles: [UInt32]) -> [UInt16] {
        [UInt16](unsafeUninitializedCapacity: shingles.count) { tops, initialized in
            shingles.withUnsafeBufferPointer { shingles in
                for index in shingles.indices { tops[index] = UInt16(truncatingIfNeeded: shingles[index] >> 16) }
            }
            initialized = shingles.count
        }
    }

    /// Hash of the whole word sequence: equal for texts that normalize to the same words.
    static func exactHash(of words: [UInt64]) -> UInt64 {
        var hash = DedupHash.seed
        for word in words { hash = DedupHash.combine(hash, word) }
        return DedupHash.finalize(hash ^ UInt64(words.count))
    }
}

/// Sorting the few hundred 32-bit shingles of an article: one counting pass on the top bits
/// spreads them over buckets of a handful each, in bucket order, and one insertion-sort pass
/// over the whole then orders each bucket (a value only ever moves within its own) — about
/// three passes over the values instead of a comparison sort's n log n or an LSD radix sort's eight.
enum RadixSort {
    /// How many values of scratch space sorting `count` values takes.
    static func scratchCapacity(for count: Int) -> Int { count + (1 << bits(for: count)) + 1 }

    /// Sorts `values`, using `scratch` (at least `scratchCapacity(for: values.count)` long).
    static func sort(_ values: UnsafeMutableBufferPointer<UInt32>, scratch space: UnsafeMutableBufferPointer<UInt32>) {
        let count = values.count
        guard count > 64, let values = values.baseAddress else {
            insertionSort(values)
            return
        }
        let bits = bits(for: count)
        let shift = UInt32(32 - bits)
        let buckets = 1 << bits
        precondition(space.count >= scratchCapacity(for: count))
        // The values bucketed, and where each bucket's next value goes.
        let scratch = space.baseAddress!
        let next = scratch + count
        next.initialize(repeating: 0, count: buckets + 1)
        for index in 0..<count { next[Int(values[index] >> shift) + 1] &+= 1 }
        for bucket in 0..<buckets { next[bucket + 1] &+= next[bucket] }
        for index in 0..<count {
            let value = values[index]
            let bucket = Int(value >> shift)
            scratch[Int(next[bucket])] = value
            next[bucket] &+= 1
        }
        insertionSort(UnsafeMutableBufferPointer(start: scratch, count: count))
        values.update(from: scratch, count: count)
    }

    /// Top bits to bucket by: a handful of values a bucket, long texts included.
    private static func bits(for count: Int) -> Int { min(16, max(8, Int.bitWidth - (count / 2).leadingZeroBitCount)) }

    private static func insertionSort(_ values: UnsafeMutableBufferPointer<UInt32>) {
        let count = values.count
        guard count > 1, let values = values.baseAddress else { return }
        for index in 1..<count {
            let value = values[index]
            guard values[index - 1] > value else { continue }
            var position = index
            repeat {
                values[position] = values[position - 1]
                position -= 1
            } while position > 0 && values[position - 1] > value
            values[position] = value
        }
    }
}

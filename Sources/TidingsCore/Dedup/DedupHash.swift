/// The fixed hashing that dedup's stored data depends on. Signatures and band
/// keys are kept in the store, so these functions and constants must never
/// change (a golden test pins them); Swift's per-process `Hasher` is never used. The shingle
/// kernel in `CMinHash` repeats `combine` and `finalize` in C (a test checks they agree).
enum DedupHash {
    static let seed: UInt64 = 0x7469_6469_6e67_7331  // "tidings1"

    /// MurmurHash3's 64-bit finalizer: every output bit depends on every input bit.
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    /// Folds `value` into a running, order-sensitive hash.
    @inline(__always)
    static func combine(_ running: UInt64, _ value: UInt64) -> UInt64 {
        let mixed = (running ^ value) &* 0x9e37_79b9_7f4a_7c15
        return mixed ^ (mixed >> 29)
    }

    /// SplitMix64: the fixed pseudo-random sequence the MinHash permutations are drawn from
    /// (and seeded tests their inputs).
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var value = state
            value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
            value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
            return value ^ (value >> 31)
        }

        /// A number in 0..<bound (0 when bound is not positive).
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    }
}

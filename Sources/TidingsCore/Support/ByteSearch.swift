/// Finding bytes in a buffer eight at a time (SWAR): the scans that skip most of a text
/// (a JSON string's end, the first markup character) run at a fraction of a loop's cost.
enum ByteSearch {
    /// The index of the first `first` or `second` at or after `start`; `bytes.count` when there is none.
    @inline(__always)
    static func firstIndex(of first: UInt8, or second: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let firsts = ones &* UInt64(first), seconds = ones &* UInt64(second)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let a = word ^ firsts, b = word ^ seconds
                // Nonzero exactly when a byte of `a` or `b` is zero, i.e. the word holds one of the two.
                if ((a &- ones) & ~a | (b &- ones) & ~b) & highs != 0 { break }
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != first, bytes[index] != second { index += 1 }
        return index
    }
}

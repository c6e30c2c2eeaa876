import Glibc

/// Finding bytes in UTF-8 buffers sixteen at a time. The parsers spend most of
/// their time looking for the next byte that matters ('<', '&', a quote, a
/// control character) across long runs that hold none.
enum ByteScan {
    private typealias Block = SIMD16<UInt8>

    /// True when some lane of `mask` is set: its 16 bytes read as two words. The standard
    /// `any(_:)` reduces the lanes with a `min()` that is not always inlined (a call per block).
    @inline(__always)
    private static func isAnySet(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return words[0] | words[1] != 0
    }

    /// The first index in `start..<end` holding `byte`, else `end` (glibc's `memchr`,
    /// which reads 32 or 64 bytes at a time).
    @inline(__always)
    static func first(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard start < end, let base = bytes.baseAddress else { return max(start, end) }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return end }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The first index in `start..<end` holding `a` or `b`, else `end`.
    @inline(__always)
    static func first(_ a: UInt8, or b: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        first(in: bytes, from: start, to: end,
              block: { ($0 .== Block(repeating: a)) .| ($0 .== Block(repeating: b)) },
              byte: { $0 == a || $0 == b })
    }

    /// The first index in `start..<end` holding `a`, `b` or `c`, else `end`.
    @inline(__always)
    static func first(_ a: UInt8, or b: UInt8, or c: UInt8, in bytes: UnsafeBufferPointer<UInt8>,
                      from start: Int, to end: Int) -> Int {
        first(in: bytes, from: start, to: end,
              block: { ($0 .== Block(repeating: a)) .| ($0 .== Block(repeating: b)) .| ($0 .== Block(repeating: c)) },
              byte: { $0 == a || $0 == b || $0 == c })
    }

    /// The first index in `start..<end` holding `a`, `b`, or a byte below 0x20
    /// other than tab, line feed and carriage return (a character XML forbids), else `end`.
    @inline(__always)
    static func first(_ a: UInt8, or b: UInt8, orForbiddenControlIn bytes: UnsafeBufferPointer<UInt8>,
                      from start: Int, to end: Int) -> Int {
        first(in: bytes, from: start, to: end,
              block: { block in
                  let control = (block .< Block(repeating: 0x20)) .& (block .!= Block(repeating: 0x09))
                      .& (block .!= Block(repeating: 0x0A)) .& (block .!= Block(repeating: 0x0D))
                  return control .| (block .== Block(repeating: a)) .| (block .== Block(repeating: b))
              },
              byte: { $0 == a || $0 == b || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) })
    }

    /// The first index in `start..<end` holding `&`, a character XML forbids, or the `<`
    /// of `<!` or `<?` (a comment, CDATA section, declaration or processing instruction),
    /// else `end`: what `XMLPreprocessor` looks at, passing over ordinary tags.
    @inline(__always)
    static func firstReferenceControlOrDeclaration(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard let base = bytes.baseAddress else { return end }
        let count = bytes.count
        var index = start
        // The byte after each one is needed too: blocks stop one short of the buffer's end.
        while index + 17 <= min(end + 1, count) {
            let block = UnsafeRawPointer(base + index).loadUnaligned(as: Block.self)
            let next = UnsafeRawPointer(base + index + 1).loadUnaligned(as: Block.self)
            let control = (block .< Block(repeating: 0x20)) .& (block .!= Block(repeating: 0x09))
                .& (block .!= Block(repeating: 0x0A)) .& (block .!= Block(repeating: 0x0D))
            let declaration = (block .== Block(repeating: 0x3C))
                .& ((next .== Block(repeating: 0x21)) .| (next .== Block(repeating: 0x3F)))
            if isAnySet(control .| declaration .| (block .== Block(repeating: 0x26))) { break }
            index += 16
        }
        while index < end {
            let byte = base[index]
            if byte == 0x26 || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { break }
            if byte == 0x3C, index + 1 < count, base[index + 1] == 0x21 || base[index + 1] == 0x3F { break }
            index += 1
        }
        return min(index, end)
    }

    /// The first index in `start..<end` whose byte is not ASCII, else `end`.
    @inline(__always)
    static func firstNonASCII(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        first(in: bytes, from: start, to: end, block: { $0 .>= Block(repeating: 0x80) }, byte: { $0 >= 0x80 })
    }

    /// The first index in `start..<end` whose byte JSON must escape (`"`, `\`, or below 0x20), else `end`.
    @inline(__always)
    static func firstNeedingJSONEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        first(in: bytes, from: start, to: end,
              block: { ($0 .< Block(repeating: 0x20)) .| ($0 .== Block(repeating: 0x22)) .| ($0 .== Block(repeating: 0x5C)) },
              byte: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
    }

    /// Whether `needle` is written at `start`.
    static func hasPrefix(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard start >= 0, start + count <= bytes.count, let base = bytes.baseAddress else { return false }
        return memcmp(base + start, needle.utf8Start, count) == 0
    }

    /// Where `needle` is first written at or after `start`, or nil.
    static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let last = bytes.count - needle.utf8CodeUnitCount  // the last index where it fits
        var index = first(needle.utf8Start.pointee, in: bytes, from: start, to: last + 1)
        while index <= last {
            if hasPrefix(needle, in: bytes, at: index) { return index }
            index = first(needle.utf8Start.pointee, in: bytes, from: index + 1, to: last + 1)
        }
        return nil
    }

    @inline(__always)
    private static func first(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                              block matches: (Block) -> SIMDMask<SIMD16<Int8>>, byte: (UInt8) -> Bool) -> Int {
        guard let base = bytes.baseAddress else { return end }
        var index = start
        // Two blocks a round: one reduction of the mask for 32 bytes.
        while index + 32 <= end {
            let low = UnsafeRawPointer(base + index).loadUnaligned(as: Block.self)
            let high = UnsafeRawPointer(base + index + 16).loadUnaligned(as: Block.self)
            if isAnySet(matches(low) .| matches(high)) { break }
            index += 32
        }
        while index + 16 <= end {
            let block = UnsafeRawPointer(base + index).loadUnaligned(as: Block.self)
            if isAnySet(matches(block)) { break }
            index += 16
        }
        while index < end, !byte(base[index]) { index += 1 }
        return index
    }
}

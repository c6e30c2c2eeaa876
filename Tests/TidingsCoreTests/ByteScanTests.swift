import Testing
@testable import TidingsCore

/// `ByteScan` reads sixteen bytes a step; it must find exactly what a byte-by-byte
/// search finds, at every position, at block edges and in any range.
@Suite("Byte scanning")
struct ByteScanTests {
    /// Buffers of every length up to 70 holding one interesting byte (or none) at each position.
    private func cases(_ interesting: [UInt8], filler: UInt8 = 0x61) -> [[UInt8]] {
        var all: [[UInt8]] = []
        for length in 0...70 {
            all.append([UInt8](repeating: filler, count: length))
            for position in 0..<length {
                for byte in interesting {
                    var bytes = [UInt8](repeating: filler, count: length)
                    bytes[position] = byte
                    all.append(bytes)
                }
            }
        }
        return all
    }

    private func check(_ interesting: [UInt8], naive: (UInt8) -> Bool,
                       scan: (UnsafeBufferPointer<UInt8>, Int, Int) -> Int) {
        for bytes in cases(interesting + [0x00, 0x80, 0xFF]) {
            bytes.withUnsafeBufferPointer { buffer in
                for start in [0, 1, 15, 16, 17] where start <= bytes.count {
                    for end in Set([bytes.count, max(start, bytes.count - 1), min(bytes.count, start + 16)]) where end >= start {
                        let expected = (start..<end).first { naive(bytes[$0]) } ?? end
                        #expect(scan(buffer, start, end) == expected, "\(bytes) from \(start) to \(end)")
                    }
                }
            }
        }
    }

    @Test("one byte, two bytes, three bytes")
    func plainBytes() {
        check([0x3C], naive: { $0 == 0x3C }) { ByteScan.first(0x3C, in: $0, from: $1, to: $2) }
        check([0x26, 0x0D], naive: { $0 == 0x26 || $0 == 0x0D }) { ByteScan.first(0x26, or: 0x0D, in: $0, from: $1, to: $2) }
        check([0x3C, 0x26, 0x22], naive: { $0 == 0x3C || $0 == 0x26 || $0 == 0x22 }) {
            ByteScan.first(0x3C, or: 0x26, or: 0x22, in: $0, from: $1, to: $2)
        }
    }

    @Test("characters XML forbids: controls other than tab, line feed and carriage return")
    func forbiddenControls() {
        let naive: (UInt8) -> Bool = { $0 == 0x3C || $0 == 0x26 || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) }
        check([0x3C, 0x26, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20], naive: naive) {
            ByteScan.first(0x3C, or: 0x26, orForbiddenControlIn: $0, from: $1, to: $2)
        }
    }

    @Test("what the XML preprocessor stops at: references, forbidden controls, and only the tags that start with <! or <?")
    func preprocessorStops() {
        let snippets: [[UInt8]] = ["<!", "<?", "<", "<a", "&", "\u{01}", "\t", "!", "?<"].map { Array($0.utf8) }
        for length in 0...70 {
            for position in 0..<max(length, 1) {
                for snippet in snippets {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    for (offset, byte) in snippet.enumerated() where position + offset < length { bytes[position + offset] = byte }
                    let naive: (Int) -> Bool = { index in
                        let byte = bytes[index]
                        if byte == 0x26 || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { return true }
                        return byte == 0x3C && index + 1 < bytes.count && (bytes[index + 1] == 0x21 || bytes[index + 1] == 0x3F)
                    }
                    bytes.withUnsafeBufferPointer { buffer in
                        for start in [0, 1, 15, 16, 17, 31, 32, 33] where start <= length {
                            for end in Set([length, max(start, length - 1), min(length, start + 16), min(length, start + 32)]) where end >= start {
                                let expected = (start..<end).first(where: naive) ?? end
                                let found = ByteScan.firstReferenceControlOrDeclaration(in: buffer, from: start, to: end)
                                #expect(found == expected, "\(bytes) from \(start) to \(end)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("non-ASCII bytes and bytes JSON escapes")
    func classes() {
        check([0x7F, 0xC3], naive: { $0 >= 0x80 }) { ByteScan.firstNonASCII(in: $0, from: $1, to: $2) }
        check([0x22, 0x5C, 0x1F, 0x20, 0x7F], naive: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            ByteScan.firstNeedingJSONEscape(in: $0, from: $1, to: $2)
        }
    }

    @Test("an empty buffer and an empty range find nothing")
    func empty() {
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(ByteScan.first(0x3C, in: none, from: 0, to: 0) == 0)
        [UInt8]("<<<<".utf8).withUnsafeBufferPointer { buffer in
            #expect(ByteScan.first(0x3C, in: buffer, from: 2, to: 2) == 2)
        }
    }

    @Test("a literal is found where it is written, whole, and only inside the buffer")
    func literals() {
        [UInt8]("]]]>x]]".utf8).withUnsafeBufferPointer { bytes in
            #expect(ByteScan.find("]]>", in: bytes, from: 0) == 1)
            #expect(ByteScan.find("]]>", in: bytes, from: 2) == nil)
            #expect(ByteScan.find("]]", in: bytes, from: 2) == 5, "at the very end")
            #expect(ByteScan.find("]]]>x]]!", in: bytes, from: 0) == nil, "longer than what is left")
            #expect(ByteScan.hasPrefix("]>", in: bytes, at: 2))
            #expect(!ByteScan.hasPrefix("]]!", in: bytes, at: 5), "past the end")
            #expect(!ByteScan.hasPrefix("]", in: bytes, at: -1))
        }
        // Far into a long buffer, past many blocks of the first byte alone.
        let long = [UInt8](repeating: 0x5D, count: 1000) + [UInt8]("-->".utf8)
        long.withUnsafeBufferPointer { #expect(ByteScan.find("]-->", in: $0, from: 0) == 999) }
    }
}

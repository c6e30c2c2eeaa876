/// Byte-level measures of UTF-8 text for the extractor's hot loops (Unicode
/// property lookups per character cost more than the whole HTML parse).
/// White space is ASCII white space and the no-break space U+00A0.
enum UTF8Text {
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }

    /// Characters that are not white space (counted as Unicode scalars).
    static func visibleCount(_ text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte & 0xC0 != 0x80, !isSpace(byte) { count += 1 }
            // U+00A0 is C2 A0: undo the count of its lead byte.
            if previous == 0xC2, byte == 0xA0 { count -= 1 }
            previous = byte
        }
        return count
    }

    /// True when the text has nothing but white space.
    static func isBlank(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if !isSpace(byte), byte != 0xC2, !(previous == 0xC2 && byte == 0xA0) { return false }
            previous = byte
        }
        return true
    }

    /// Commas, including the Arabic (U+060C), ideographic (U+3001) and full-width (U+FF0C) ones.
    static func commaCount(_ text: String) -> Int {
        var count = 0
        var history: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch (history.0, history.1, byte) {
            case (_, _, 0x2C), (_, 0xD8, 0x8C), (0xE3, 0x80, 0x81), (0xEF, 0xBC, 0x8C): count += 1
            default: break
            }
            history = (history.1, byte)
        }
        return count
    }

    /// Lower-cased words of letters and digits separated by single spaces: what
    /// two renderings of the same text share. ASCII punctuation, Latin-1
    /// punctuation and General Punctuation (quotes, dashes) separate words.
    static func key(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        let bytes = Array(text.lowercased().utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var length = 1
            var isWordByte: Bool
            if byte < 0x80 {
                isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
            } else {
                length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                isWordByte = !(byte == 0xC2 || (byte == 0xE2 && (next == 0x80 || next == 0x81)) || byte == 0xC3 && (next == 0x97 || next == 0xB7))
            }
            let end = min(index + length, bytes.count)
            if isWordByte {
                if pendingSpace, !output.isEmpty { output.append(0x20) }
                pendingSpace = false
                output.append(contentsOf: bytes[index..<end])
            } else {
                pendingSpace = true
            }
            index = end
        }
        return output
    }
}

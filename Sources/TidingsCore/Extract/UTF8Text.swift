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

    /// Words: runs of characters between ASCII white space (extracted and feed
    /// text have their no-break spaces turned into spaces already).
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let space = isSpace(byte)
            if !space, !inWord { count += 1 }
            inWord = !space
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

    /// Words of letters and digits, ASCII lower-cased, separated by single
    /// spaces: what two renderings of the same text share. ASCII punctuation,
    /// Latin-1 punctuation and General Punctuation (quotes, dashes) separate words.
    static func key(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var continuation = 0
        var skipping = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            defer { previous = byte }
            if continuation > 0 {
                continuation -= 1
                // The second byte decides for E2 80/81 (General Punctuation) and C3 97/B7 (× ÷).
                if previous == 0xE2 || previous == 0xC3, output.last == previous, !skipping {
                    let punctuation = previous == 0xE2 ? (byte == 0x80 || byte == 0x81) : (byte == 0x97 || byte == 0xB7)
                    if punctuation {
                        output.removeLast()
                        if output.last == 0x20 { output.removeLast() }
                        skipping = true
                        pendingSpace = true
                        continue
                    }
                }
                if !skipping { output.append(byte) }
                continue
            }
            skipping = false
            if byte < 0x80 {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                if (lower >= 0x30 && lower <= 0x39) || (lower >= 0x61 && lower <= 0x7A) {
                    if pendingSpace, !output.isEmpty { output.append(0x20) }
                    pendingSpace = false
                    output.append(lower)
                } else {
                    pendingSpace = true
                }
                continue
            }
            continuation = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0
            if byte == 0xC2 {
                // Latin-1 punctuation and the no-break space.
                skipping = true
                pendingSpace = true
                continue
            }
            if pendingSpace, !output.isEmpty { output.append(0x20) }
            pendingSpace = false
            output.append(byte)
        }
        return output
    }
}

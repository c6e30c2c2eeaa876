/// Decodes HTML character references: `&amp;`, `&eacute;`, `&#233;`, `&#xE9;`,
/// the legacy forms without `;`, and leaves anything unknown as written.
public enum HTMLEntities {
    public static func decode(_ text: String) -> String {
        guard text.containsByte(0x26) else { return text }
        var text = text
        let decoded = text.withUTF8 { bytes in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0x26, let (replacement, length) = reference(in: bytes, at: index) {
                    output.append(contentsOf: replacement.utf8)
                    index += length
                } else {
                    output.append(bytes[index])
                    index += 1
                }
            }
            return output
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The replacement of the reference at `start` (on its `&`) in UTF-8 `bytes`, and how many
    /// bytes it takes; `nil` when there is none there (the `&` is then text).
    static func reference(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (String, Int)? {
        var index = start + 1
        let count = bytes.count
        guard index < count else { return nil }
        if bytes[index] == 0x23 {  // #
            index += 1
            var radix: UInt32 = 10
            if index < count, bytes[index] | 0x20 == 0x78 {  // x, X
                radix = 16
                index += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while index < count, digits < 8, let digit = hexValue(bytes[index]), digit < radix {
                value = value * radix + digit
                index += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
            if index < count, bytes[index] == 0x3B { index += 1 }
            return (String(numericScalar(value)), index - start)
        }
        let nameStart = index
        while index < count, index - nameStart < 32, isASCIIAlphanumeric(bytes[index]) { index += 1 }
        guard index > nameStart else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<index]), as: UTF8.self)
        if index < count, bytes[index] == 0x3B, let value = HTMLEntityTable.byName[name] {
            return (value, index + 1 - start)
        }
        // Legacy references without ';': the longest known prefix wins (`&copy2024` is "©2024").
        for length in stride(from: name.utf8.count, through: 2, by: -1) {
            let prefix = String(name.prefix(length))
            if HTMLEntityTable.legacyNames.contains(prefix), let value = HTMLEntityTable.byName[prefix] {
                return (value, 1 + length)
            }
        }
        return nil
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// Code points the way browsers map them: Windows-1252 for 0x80–0x9F, U+FFFD for invalid ones.
    private static func numericScalar(_ value: UInt32) -> Character {
        if (0x80...0x9F).contains(value), let mapped = windows1252[value] { return Character(mapped) }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return Character(scalar)
    }

    private static let windows1252: [UInt32: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}", 0x86: "\u{2020}",
        0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}", 0x8B: "\u{2039}", 0x8C: "\u{0152}",
        0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}",
        0x96: "\u{2013}", 0x97: "\u{2014}", 0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}",
        0x9C: "\u{0153}", 0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]
}

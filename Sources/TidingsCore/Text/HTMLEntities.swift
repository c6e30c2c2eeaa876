/// Decodes HTML character references: `&amp;`, `&eacute;`, `&#233;`, `&#xE9;`,
/// the legacy forms without `;`, and leaves anything unknown as written.
public enum HTMLEntities {
    public static func decode(_ text: String) -> String {
        guard text.utf8.contains(0x26) else { return text }
        var output = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "&", let (replacement, length) = reference(in: scalars, at: index) {
                output.append(contentsOf: replacement.unicodeScalars)
                index += length
            } else {
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// The replacement and the length consumed of a reference starting at `start` (`&`).
    private static func reference(in scalars: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        var index = start + 1
        guard index < scalars.count else { return nil }
        if scalars[index] == "#" {
            index += 1
            var radix = 10
            if index < scalars.count, scalars[index] == "x" || scalars[index] == "X" {
                radix = 16
                index += 1
            }
            var digits = ""
            while index < scalars.count, digits.count < 8, scalars[index].properties.isASCIIHexDigit,
                  radix == 16 || ("0"..."9").contains(scalars[index]) {
                digits.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard let value = UInt32(digits, radix: radix) else { return nil }
            if index < scalars.count, scalars[index] == ";" { index += 1 }
            return (String(numericScalar(value)), index - start)
        }
        var name = ""
        while index < scalars.count, name.count < 32, scalars[index].properties.isAlphabetic || ("0"..."9").contains(scalars[index]) {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard !name.isEmpty else { return nil }
        if index < scalars.count, scalars[index] == ";", let value = HTMLEntityTable.byName[name] {
            return (value, index + 1 - start)
        }
        // Legacy references without ';': the longest known prefix wins (`&copy2024` is "©2024").
        for length in stride(from: name.count, through: 2, by: -1) {
            let prefix = String(name.prefix(length))
            if HTMLEntityTable.legacyNames.contains(prefix), let value = HTMLEntityTable.byName[prefix] {
                return (value, 1 + length)
            }
        }
        return nil
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

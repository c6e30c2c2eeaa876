/// XML's own character references, read from bytes: the five predefined
/// entities and numeric references. The preprocessor leaves these as they are
/// (and repairs every other `&`); the scanner turns them into characters.
enum XMLReference {
    static let predefined: [(name: StaticString, character: Unicode.Scalar)] = [
        ("lt;", "<"), ("gt;", ">"), ("amp;", "&"), ("quot;", "\""), ("apos;", "'"),
    ]

    /// The character and the length of the reference at `start` (on its `&`) when it
    /// ends before `end` and is one of XML's own: a predefined entity, or `&#…;` /
    /// `&#x…;` naming a character XML allows. Nil for anything else.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (character: Unicode.Scalar, length: Int)? {
        var cursor = start + 1
        guard cursor < end else { return nil }
        guard bytes[cursor] == 0x23 else {  // not '#'
            for (name, character) in predefined
            where cursor + name.utf8CodeUnitCount <= end && ByteScan.hasPrefix(name, in: bytes, at: cursor) {
                return (character, 1 + name.utf8CodeUnitCount)
            }
            return nil
        }
        cursor += 1
        let radix: UInt32 = cursor < end && bytes[cursor] | 0x20 == 0x78 ? 16 : 10  // x or X
        if radix == 16 { cursor += 1 }
        let digits = cursor
        var value: UInt32 = 0
        while cursor < end, let digit = HTMLEntities.hexValue(bytes[cursor]), digit < radix {
            guard value <= 0x10FFFF else { return nil }  // no character: and the next digit could overflow
            value = value * radix + digit
            cursor += 1
        }
        guard cursor > digits, cursor < end, bytes[cursor] == 0x3B, isXMLChar(value), let scalar = Unicode.Scalar(value) else {
            return nil
        }
        return (scalar, cursor + 1 - start)
    }

    /// A character XML allows in a document (its `Char` production).
    static func isXMLChar(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }
}

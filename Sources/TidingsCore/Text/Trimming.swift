extension String {
    /// The string without leading and trailing whitespace and newlines.
    ///
    /// Foundation's `trimmingCharacters(in:)` converts the whole string to
    /// UTF-16 and back; this looks only at the ends, byte by byte while they
    /// are ASCII, and copies once (or not at all when there is nothing to trim).
    var trimmedWhitespace: String {
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        // Fast path: nothing to trim at either end.
        if firstByte > 0x20, firstByte < 0x80, lastByte > 0x20, lastByte < 0x80 { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !String.isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !String.isWhitespace($0) })!
        let end = scalars.index(after: last)
        if first == startIndex, end == endIndex { return self }
        return String(self[first..<end])
    }

    /// True when the string is empty or only whitespace.
    var isBlank: Bool {
        unicodeScalars.allSatisfy(String.isWhitespace)
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: return true
        case 0x21..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }
}

extension Substring {
    var trimmedWhitespace: String { String(self).trimmedWhitespace }
}

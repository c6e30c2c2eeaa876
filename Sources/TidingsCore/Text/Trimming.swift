extension String {
    /// The string without leading and trailing whitespace and newlines.
    ///
    /// Foundation's `trimmingCharacters(in:)` converts the whole string to
    /// UTF-16 and back; this looks only at the ends and copies once (or not at
    /// all when there is nothing to trim), so long feed bodies cost nothing.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        let end = scalars.index(after: last)
        if first == startIndex, end == endIndex { return self }
        return String(self[first..<end])
    }
}

extension Substring {
    var trimmedWhitespace: String { String(self).trimmedWhitespace }
}

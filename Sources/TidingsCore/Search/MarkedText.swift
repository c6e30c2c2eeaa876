/// Text with some stretches marked as matches, as FTS5's `snippet()` and `highlight()` return it
/// between two control characters that never occur in stored text. Runs of white space
/// (paragraph breaks included) become one space, so a snippet is one line.
public struct MarkedText: Sendable, Equatable, Codable {
    /// The text without marks.
    public var text: String
    /// Each match as `[start, end)` offsets in Unicode code points of `text` (as Python and jq count).
    public var matches: [[Int]]

    static let open: Unicode.Scalar = "\u{02}"
    static let close: Unicode.Scalar = "\u{03}"

    /// The marker arguments for `snippet()` and `highlight()`.
    static let sqlMarkers = "char(2), char(3)"

    init(marked: String) {
        var text = String.UnicodeScalarView()
        var matches: [[Int]] = []
        var start: Int?
        var count = 0
        var pendingSpace = false
        for scalar in marked.unicodeScalars {
            switch scalar {
            case Self.open:
                if pendingSpace, count > 0 { text.append(" "); count += 1 }
                pendingSpace = false
                start = count
            case Self.close:
                if let begin = start, count > begin { matches.append([begin, count]) }
                start = nil
            case _ where Self.isWhitespace(scalar):
                pendingSpace = true
            default:
                if pendingSpace, count > 0 { text.append(" "); count += 1 }
                pendingSpace = false
                text.append(scalar)
                count += 1
            }
        }
        self.text = String(text)
        self.matches = matches
    }

    /// Unicode's White_Space, answered without a table lookup for ASCII (almost every character of a snippet).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// The text with each match wrapped in `before` and `after` (ANSI codes, or brackets).
    public func rendered(before: String, after: String) -> String {
        guard !matches.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = ""
        var position = 0
        for match in matches {
            result.unicodeScalars.append(contentsOf: scalars[position..<match[0]])
            result += before
            result.unicodeScalars.append(contentsOf: scalars[match[0]..<match[1]])
            result += after
            position = match[1]
        }
        result.unicodeScalars.append(contentsOf: scalars[position...])
        return result
    }
}

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
        // Built as UTF-8 bytes: appending to a String's scalar view one scalar at a time cost
        // 0.9 ms for a page of 50 snippets.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(marked.utf8.count)
        var matches: [[Int]] = []
        var start: Int?
        var count = 0
        var pendingSpace = false
        for scalar in marked.unicodeScalars {
            switch scalar {
            case Self.open:
                if pendingSpace, count > 0 { bytes.append(0x20); count += 1 }
                pendingSpace = false
                start = count
            case Self.close:
                if let begin = start, count > begin { matches.append([begin, count]) }
                start = nil
            case _ where Self.isWhitespace(scalar):
                pendingSpace = true
            default:
                if pendingSpace, count > 0 { bytes.append(0x20); count += 1 }
                pendingSpace = false
                UTF8.encode(scalar) { bytes.append($0) }
                count += 1
            }
        }
        self.text = String(decoding: bytes, as: UTF8.self)
        self.matches = matches
    }

    /// Unicode's White_Space, answered without a table lookup for ASCII (almost every character of a snippet).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// The text with each match wrapped in `before` and `after` (ANSI codes, or brackets).
    public func rendered(before: String, after: String) -> String {
        guard !matches.isEmpty else { return text }
        // The matches' edges in order (a start, then its end): `before` goes at each start, `after` at each end.
        let edges = matches.flatMap { $0 }
        var next = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + matches.count * (before.utf8.count + after.utf8.count))
        func markEdges(at scalar: Int) {
            while next < edges.count, edges[next] == scalar {
                bytes.append(contentsOf: next % 2 == 0 ? before.utf8 : after.utf8)
                next += 1
            }
        }
        var scalar = 0
        for unit in text.utf8 {
            if !UTF8.isContinuation(unit) {  // the first byte of scalar number `scalar`
                markEdges(at: scalar)
                scalar += 1
            }
            bytes.append(unit)
        }
        markEdges(at: scalar)
        return String(decoding: bytes, as: UTF8.self)
    }
}

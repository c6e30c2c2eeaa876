/// A plain-text table sized to a width: columns keep their natural width
/// while it fits, and the widest flexible column is shortened with "…".
public struct TextTable {
    public struct Column {
        public var title: String
        public var rightAligned: Bool
        /// May be shortened to fit the width.
        public var flexible: Bool

        public init(_ title: String, rightAligned: Bool = false, flexible: Bool = false) {
            self.title = title
            self.rightAligned = rightAligned
            self.flexible = flexible
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ row: [String]) {
        rows.append(row.map { $0.replacingByte(UInt8(ascii: "\n"), with: " ") })
    }

    /// The table as lines no wider than `width` (as far as fixed columns allow).
    public func render(width: Int) -> String {
        var widths = columns.indices.map { index in
            rows.reduce(columns[index].title.count) { max($0, $1[index].count) }
        }
        let gap = 2
        var total = widths.reduce(0, +) + gap * (columns.count - 1)
        while total > width {
            guard let widest = columns.indices.filter({ columns[$0].flexible && widths[$0] > 8 })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            let cut = min(total - width, widths[widest] - 8)
            widths[widest] -= cut
            total -= cut
        }
        var lines = [line(columns.map(\.title), widths: widths)]
        lines += rows.map { line($0, widths: widths) }
        return lines.joined(separator: "\n")
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let width = widths[index]
            let fitted = cell.count > width ? String(cell.prefix(max(width - 1, 0))) + "…" : cell
            let padding = String(repeating: " ", count: width - fitted.count)
            let isLast = index == cells.count - 1
            if columns[index].rightAligned {
                parts.append(padding + fitted)
            } else {
                parts.append(isLast ? fitted : fitted + padding)
            }
        }
        let joined = parts.joined(separator: "  ")
        // An empty last cell must not leave the separator and padding behind. (A byte scan:
        // rebuilding the line from reversed Characters, grapheme by grapheme, was 6% of a search.)
        let bytes = joined.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: " ") {
            end = bytes.index(before: end)
        }
        return String(joined[..<end])
    }
}

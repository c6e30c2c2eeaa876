/// Finds the line on which a key was written. TOMLKit keeps no positions for
/// values, so this reads the text: table headers, then `key =` lines inside.
struct ConfigKeyLocator {
    private struct Line {
        let number: Int
        let header: String?  // "daemon", "[source]" for array tables
        let key: String?
        let column: Int
    }

    private let lines: [Line]

    init(text: String) {
        var parsed: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let leading = raw.prefix { $0 == " " || $0 == "\t" }.count
            let body = raw.dropFirst(leading).trimmingTrailingComment()
            if body.hasPrefix("[[") {
                let name = body.dropFirst(2).prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                parsed.append(Line(number: index + 1, header: "[\(name)]", key: nil, column: leading + 1))
            } else if body.hasPrefix("[") {
                let name = body.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                parsed.append(Line(number: index + 1, header: name, key: nil, column: leading + 1))
            } else if let equals = body.firstIndex(of: "=") {
                let key = body[..<equals].trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                parsed.append(Line(number: index + 1, header: nil, key: key, column: leading + 1))
            }
        }
        lines = parsed
    }

    /// Line and column of `key` in the table `table` (the `occurrence`-th
    /// `[[table]]` for array tables, 0-based), or of the table header when
    /// `key` is nil. Nil when it cannot be found.
    func position(table: String, arrayIndex: Int? = nil, key: String? = nil) -> (line: Int, column: Int)? {
        var seen = -1
        var inside = false
        var headerPosition: (Int, Int)?
        for line in lines {
            if let header = line.header {
                if let arrayIndex {
                    if header == "[\(table)]" {
                        seen += 1
                        inside = seen == arrayIndex
                        if inside { headerPosition = (line.number, line.column) }
                    } else {
                        // A sub-table such as [source.headers] stays inside the current [[source]].
                        inside = inside && header.hasPrefix("\(table).")
                    }
                } else {
                    inside = header == table
                    if inside { headerPosition = (line.number, line.column) }
                }
                continue
            }
            guard inside, let key, let lineKey = line.key else { continue }
            if lineKey == key || lineKey.hasPrefix("\(key).") { return (line.number, line.column) }
        }
        if key == nil, let headerPosition { return headerPosition }
        // Dotted keys at the top level: `daemon.concurrency = 4`.
        if let key, arrayIndex == nil,
           let line = lines.first(where: { $0.header == nil && $0.key == "\(table).\(key)" }) {
            return (line.number, line.column)
        }
        return key == nil ? nil : headerPosition
    }
}

private extension Substring {
    func trimmingTrailingComment() -> Substring {
        guard !hasPrefix("#") else { return "" }
        return self
    }
}

import Foundation

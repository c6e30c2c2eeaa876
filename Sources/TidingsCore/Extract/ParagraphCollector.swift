import Glibc

/// Turns the chosen content elements into paragraphs as a reader sees them —
/// block edges and `<br><br>` end a paragraph — and drops the lines inside
/// the content that are not article text: link lists and "Read also:" lines,
/// the headline and byline repeated in the body, bare dates, and pull quotes
/// that repeat a sentence of the text.
struct ParagraphCollector {
    let tree: PageTree
    let pruned: [Bool]
    let stats: TextStatistics

    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "pre", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "dd", "dt", "dl", "center", "address", "hr",
        "figure", "header", "footer", "aside", "nav", "details", "summary", "body", "form", "fieldset", "caption",
    ]

    /// A paragraph as lines: a single `<br>` starts a new line.
    private struct Paragraph {
        var lines = [WordJoiner()]
        var linkCharacters = 0
        var characters = 0

        var isEmpty: Bool { lines.allSatisfy(\.isEmpty) }

        mutating func append(_ text: String) { lines[lines.count - 1].append(text) }

        mutating func breakLine() {
            if !lines[lines.count - 1].isEmpty { lines.append(WordJoiner()) }
        }
    }

    /// The article's paragraphs from `roots`, filtered; `title` is the page's headline, when known.
    func paragraphs(of roots: [Int], title: String?) -> [String] {
        var collected: [Paragraph] = []
        var current = Paragraph()
        var pendingBreaks = 0
        func flush() {
            if !current.isEmpty { collected.append(current) }
            current = Paragraph()
            pendingBreaks = 0
        }
        for root in roots {
            flush()
            var index = root
            // Ends of open elements, to notice block ends while walking forward.
            var closing: [Int] = []
            let end = tree.nodes[root].end
            while index < end {
                while let last = closing.last, last <= index {
                    closing.removeLast()
                    flush()
                }
                let node = tree.nodes[index]
                if pruned[index] {
                    index = node.end
                    continue
                }
                if node.isText {
                    let visible = stats.characters[index]
                    if visible > 0 {
                        if pendingBreaks >= 2 { flush() }
                        pendingBreaks = 0
                        let inLink = isInsideLink(index, below: root)
                        current.characters += visible
                        if inLink { current.linkCharacters += visible }
                    }
                    current.append(node.text)
                } else if node.name == "br" {
                    pendingBreaks += 1
                    current.breakLine()
                } else if Self.blockTags.contains(node.name) {
                    flush()
                    closing.append(node.end)
                }
                index += 1
            }
            flush()
        }
        return filter(collected, title: title)
    }

    private func isInsideLink(_ index: Int, below root: Int) -> Bool {
        var ancestor = tree.nodes[index].parent
        while ancestor >= root {
            if tree.nodes[ancestor].name == "a" { return true }
            ancestor = tree.nodes[ancestor].parent
        }
        return false
    }

    private func filter(_ paragraphs: [Paragraph], title: String?) -> [String] {
        let titleKey = title.map(UTF8Text.key)
        var kept: [String] = []
        for paragraph in paragraphs {
            if paragraph.characters > 0, Double(paragraph.linkCharacters) / Double(paragraph.characters) >= 0.5 { continue }
            // Each line on its own: a headline and a byline share a paragraph when only a <br> parts them.
            let lines = paragraph.lines.map(\.result).filter { line in
                if line.isEmpty { return false }
                if let titleKey, line.utf8.count < titleKey.count * 2 + 8, UTF8Text.key(line) == titleKey { return false }
                return !(ParagraphKind.isReferral(line) || ParagraphKind.isByline(line) || ParagraphKind.isDateLine(line))
            }
            if !lines.isEmpty { kept.append(lines.joined(separator: "\n")) }
        }
        return Self.withoutRepeats(kept)
    }

    /// Drops a paragraph that repeats another, or a sentence-long one (six words or
    /// more) found word for word inside a longer one (a pull quote).
    static func withoutRepeats(_ paragraphs: [String]) -> [String] {
        let keys = paragraphs.map(UTF8Text.key)
        var result: [String] = []
        var seen: [Int: [Int]] = [:]
        for (index, paragraph) in paragraphs.enumerated() {
            let key = keys[index]
            var hasher = Hasher()
            key.withUnsafeBytes { hasher.combine(bytes: $0) }
            let hash = hasher.finalize()
            if seen[hash, default: []].contains(where: { keys[$0] == key }) { continue }
            seen[hash, default: []].append(index)
            let words = key.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
            let quoted = key.count < 400 && words >= 6 && keys.indices.contains { other in
                other != index && keys[other].count > key.count && contains(keys[other], key)
            }
            if !quoted { result.append(paragraph) }
        }
        return result
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        return haystack.withUnsafeBytes { outer in
            needle.withUnsafeBytes { inner in
                for start in 0...(outer.count - inner.count) where outer[start] == first {
                    // Whole words only: "the protest" is not inside "the protestors".
                    let end = start + inner.count
                    guard start == 0 || outer[start - 1] == 0x20, end == outer.count || outer[end] == 0x20 else { continue }
                    if memcmp(outer.baseAddress! + start, inner.baseAddress!, inner.count) == 0 { return true }
                }
                return false
            }
        }
    }
}

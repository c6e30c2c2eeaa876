/// Plain, readable text from an HTML fragment: tags removed, script and style
/// dropped, block elements and `<br>` turned into line breaks, character
/// references decoded, runs of spaces collapsed. Paragraphs stay apart by one
/// blank line. (Full-page extraction is a different job; this is for feed
/// fragments and titles.)
public enum HTMLText {
    public static func plainText(fromHTML html: String) -> String {
        guard html.utf8.contains(where: { $0 == 0x3C || $0 == 0x26 }) else { return collapse(html) }
        var pieces = ""
        var skipUntil: String?
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                if skipUntil == nil { pieces.append(character) }
                index = html.index(after: index)
                continue
            }
            guard let close = html[index...].firstIndex(of: ">") else {
                if skipUntil == nil { pieces += html[index...] }
                break
            }
            let tag = html[html.index(after: index)..<close]
            index = html.index(after: close)
            if tag.hasPrefix("!--") {
                // A comment may contain '>'; skip to its real end.
                if let end = html[html.index(after: close)...].range(of: "-->"), !tag.hasSuffix("--") {
                    index = end.upperBound
                }
                continue
            }
            let isEnd = tag.hasPrefix("/")
            let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            if let skipping = skipUntil {
                if isEnd, name == skipping { skipUntil = nil }
                continue
            }
            if !isEnd, rawTextElements.contains(name), !tag.hasSuffix("/") {
                skipUntil = name
                continue
            }
            if name == "br" {
                pieces.append("\n")
            } else if blockElements.contains(name) {
                pieces.append("\n\n")
            } else if name == "td" || name == "th" {
                pieces.append(" ")
            }
        }
        return collapse(HTMLEntities.decode(pieces))
    }

    /// Collapses spaces within lines and blank lines between paragraphs.
    static func collapse(_ text: String) -> String {
        var paragraphs: [String] = []
        var current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" || $0 == "\u{C}" }
            if words.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(words.joined(separator: " "))
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
        return paragraphs.joined(separator: "\n\n")
    }

    private static let rawTextElements: Set<String> = ["script", "style", "noscript", "template", "iframe", "object", "svg"]
    private static let blockElements: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure",
        "figcaption", "hr", "address", "details", "summary",
    ]
}

/// Plain, readable text from an HTML fragment: tags removed, script and style
/// dropped, block elements and `<br>` turned into line breaks, character
/// references decoded, runs of spaces collapsed. Paragraphs stay apart by one
/// blank line. (Full-page extraction is a different job; this is for feed
/// fragments and titles.)
public enum HTMLText {
    public static func plainText(fromHTML html: String) -> String {
        guard html.utf8.contains(where: { $0 == 0x3C || $0 == 0x26 }) else { return collapse(html) }
        var tokenizer = HTMLTokenizer(Array(html.utf8))
        var text = [UInt8]()
        var skipping: String?
        while let token = tokenizer.next() {
            switch token {
            case .text(let bytes), .rawText(let bytes):
                if skipping == nil { text.append(contentsOf: bytes) }
            case .startTag(let name, _, let selfClosing):
                guard skipping == nil else { continue }
                if rawTextElements.contains(name), !selfClosing {
                    skipping = name
                } else {
                    text.append(contentsOf: separator(after: name).utf8)
                }
            case .endTag(let name):
                if skipping == name {
                    skipping = nil
                } else if skipping == nil, name != "br" {
                    text.append(contentsOf: separator(after: name).utf8)
                }
            case .comment:
                break
            }
        }
        return collapse(HTMLEntities.decode(String(decoding: text, as: UTF8.self)))
    }

    /// What an element's tag stands for in plain text: a line break, a paragraph break, a cell gap.
    private static func separator(after name: String) -> String {
        if name == "br" { return "\n" }
        if blockElements.contains(name) { return "\n\n" }
        if name == "td" || name == "th" { return " " }
        return ""
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

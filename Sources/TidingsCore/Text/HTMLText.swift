/// Plain, readable text from an HTML fragment: tags removed, script and style
/// dropped, block elements and `<br>` turned into line breaks, character
/// references decoded, runs of spaces collapsed. Paragraphs stay apart by one
/// blank line. (Full-page extraction is a different job; this is for feed
/// fragments and titles.)
public enum HTMLText {
    public static func plainText(fromHTML html: String) -> String {
        guard html.firstByteOffset(where: { $0 == 0x3C || $0 == 0x26 }) != nil else { return collapse(html) }
        var html = html
        return html.withUTF8(plainText)
    }

    private static func plainText(_ html: UnsafeBufferPointer<UInt8>) -> String {
        var tokenizer = HTMLTokenizer(html)
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

    /// Collapses spaces within lines and blank lines between paragraphs: words on a
    /// line are joined by one space, lines of a paragraph by one line break,
    /// paragraphs (separated by any blank line) by one empty line. Works on UTF-8
    /// bytes; space, tab, CR, form feed and no-break space separate words.
    static func collapse(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var newlines = 0
            var spaced = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0A {
                    newlines += 1
                } else if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                    spaced = true
                } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                    spaced = true
                    index += 1
                } else {
                    if !output.isEmpty {
                        if newlines >= 2 {
                            output.append(0x0A)
                            output.append(0x0A)
                        } else if newlines == 1 {
                            output.append(0x0A)
                        } else if spaced {
                            output.append(0x20)
                        }
                    }
                    newlines = 0
                    spaced = false
                    output.append(byte)
                }
                index += 1
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    private static let rawTextElements: Set<String> = ["script", "style", "noscript", "template", "iframe", "object", "svg"]
    private static let blockElements: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure",
        "figcaption", "hr", "address", "details", "summary",
    ]
}

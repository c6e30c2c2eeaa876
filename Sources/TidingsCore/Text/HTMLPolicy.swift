/// What survives sanitizing. Elements and attributes follow the Universal Feed
/// Parser's lists, without forms and embedded objects.
enum HTMLPolicy {
    static let allowedElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote",
        "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl",
        "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
        "img", "ins", "kbd", "li", "map", "mark", "menu", "meter", "nav", "noscript", "ol", "p", "picture", "pre",
        "progress", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "tt", "u", "ul", "var",
        "video", "wbr",
    ]

    /// Dropped together with everything inside them.
    static let removedWithContent: Set<String> = [
        "script", "style", "applet", "object", "embed", "iframe", "frame", "frameset", "noembed", "noframes", "template",
        "svg", "math", "textarea", "select", "button", "base", "meta", "link", "head", "title",
    ]

    static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ]

    static let allowedAttributes: Set<String> = [
        "abbr", "align", "alt", "axis", "background", "bgcolor", "border", "cellpadding", "cellspacing", "char",
        "charoff", "cite", "class", "clear", "color", "cols", "colspan", "compact", "controls", "coords", "datetime",
        "dir", "face", "headers", "height", "href", "hreflang", "hspace", "kind", "label", "lang", "longdesc", "loop",
        "media", "muted", "name", "noshade", "nowrap", "poster", "preload", "rel", "rev", "rows", "rowspan", "rules",
        "scope", "shape", "size", "sizes", "span", "src", "srclang", "start", "style", "summary", "title", "type",
        "usemap", "valign", "value", "vspace", "width", "xml:lang",
    ]

    /// Attributes whose value is a URL: resolved, and emptied when the scheme is not safe.
    static let urlAttributes: Set<String> = ["href", "src", "cite", "longdesc", "poster", "background", "usemap"]

    /// What the sanitizer does with an element, found with one lookup.
    struct ElementRule {
        /// Kept (with its safe attributes); otherwise its tags are dropped.
        var isAllowed = false
        /// Dropped with everything inside it.
        var isRemovedWithContent = false
        /// Has no end tag and no content.
        var isVoid = false
    }

    static func rule(for name: String) -> ElementRule { rules[name] ?? ElementRule() }

    /// The rule for a name of up to 8 lower-case ASCII bytes packed big-end first into a
    /// word (`"em"` is `0x656D`), found without making a string or hashing one.
    static func rule(packedName: UInt64) -> ElementRule? {
        var low = 0
        var high = packedRules.count
        while low < high {
            let middle = (low + high) / 2
            if packedRules[middle].name < packedName { low = middle + 1 } else { high = middle }
        }
        return low < packedRules.count && packedRules[low].name == packedName ? packedRules[low].rule : nil
    }

    private static let packedRules: [(name: UInt64, rule: ElementRule)] = rules.compactMap { name, rule in
        guard name.utf8.count <= 8 else { return nil }
        return (name.utf8.reduce(0) { $0 << 8 | UInt64($1) }, rule)
    }.sorted { $0.name < $1.name }

    private static let rules: [String: ElementRule] = {
        var rules: [String: ElementRule] = [:]
        for name in allowedElements { rules[name, default: ElementRule()].isAllowed = true }
        for name in removedWithContent { rules[name, default: ElementRule()].isRemovedWithContent = true }
        for name in voidElements { rules[name, default: ElementRule()].isVoid = true }
        return rules
    }()
}

/// Keeps only harmless declarations of a `style` attribute (after feedparser's rules).
enum CSSSanitizer {
    static func sanitize(_ style: String) -> String {
        let withoutURLs = removeURLs(style)
        guard passesGauntlet(withoutURLs) else { return "" }
        var clean: [String] = []
        for declaration in withoutURLs.split(separator: ";") {
            guard let colon = declaration.firstIndex(of: ":") else {
                if declaration.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                return ""
            }
            let property = declaration[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = declaration[declaration.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, !property.isEmpty, !value.contains(":") else { continue }
            if allowedProperties.contains(property) {
                clean.append("\(property): \(value);")
            } else if let family = property.split(separator: "-").first,
                      ["background", "border", "margin", "padding"].contains(String(family)),
                      value.split(separator: " ").allSatisfy({ isSafeKeyword(String($0)) }) {
                clean.append("\(property): \(value);")
            }
        }
        return clean.joined(separator: " ")
    }

    private static func removeURLs(_ style: String) -> String {
        var result = style
        while let start = result.range(of: "url(", options: .caseInsensitive) {
            let end = result[start.upperBound...].firstIndex(of: ")") ?? result.endIndex
            result.replaceSubrange(start.lowerBound..<(end < result.endIndex ? result.index(after: end) : end), with: " ")
        }
        return result
    }

    /// Only letters, digits, spaces and `:,;#%.!-`, quoted words and parenthesised numbers.
    private static func passesGauntlet(_ style: String) -> Bool {
        var characters = style[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if character.isASCII, character.isLetter || character.isNumber || character.isWhitespace { continue }
            if ":,;#%.!-_".contains(character) { continue }
            if character == "'" || character == "\"" {
                guard let close = characters.firstIndex(of: character) else { return false }
                guard characters[..<close].allSatisfy({ $0.isLetter || $0.isNumber || $0.isWhitespace || $0 == "_" }) else { return false }
                characters = characters[characters.index(after: close)...]
                continue
            }
            if character == "(" {
                guard let close = characters.firstIndex(of: ")") else { return false }
                guard characters[..<close].allSatisfy({ $0.isNumber || $0 == "," || $0 == " " || $0 == "%" || $0 == "." })
                else { return false }
                characters = characters[characters.index(after: close)...]
                continue
            }
            return false
        }
        return true
    }

    private static func isSafeKeyword(_ keyword: String) -> Bool {
        if allowedKeywords.contains(keyword.lowercased()) { return true }
        if keyword.hasPrefix("#"), keyword.dropFirst().allSatisfy(\.isHexDigit) { return true }
        if keyword.lowercased().hasPrefix("rgb(") { return true }
        // A length: up to two digits, a dot, two digits, a unit.
        let number = keyword.prefix { $0.isNumber || $0 == "." }
        let unit = keyword.dropFirst(number.count).lowercased()
        return number.count <= 5 && ["", "cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%", "rem"].contains(unit)
            && !(number.isEmpty && unit.isEmpty)
    }

    private static let allowedProperties: Set<String> = [
        "azimuth", "background-color", "border-bottom-color", "border-collapse", "border-color", "border-left-color",
        "border-right-color", "border-top-color", "clear", "color", "cursor", "direction", "display", "elevation",
        "float", "font", "font-family", "font-size", "font-style", "font-variant", "font-weight", "height",
        "letter-spacing", "line-height", "overflow", "pause", "pause-after", "pause-before", "pitch", "pitch-range",
        "richness", "speak", "speak-header", "speak-numeral", "speak-punctuation", "speech-rate", "stress",
        "text-align", "text-decoration", "text-indent", "unicode-bidi", "vertical-align", "voice-family", "volume",
        "white-space", "width",
    ]

    private static let allowedKeywords: Set<String> = [
        "auto", "aqua", "black", "block", "blue", "bold", "both", "bottom", "brown", "center", "collapse", "dashed",
        "dotted", "fuchsia", "gray", "green", "!important", "italic", "left", "lime", "maroon", "medium", "none", "navy",
        "normal", "nowrap", "olive", "pointer", "purple", "red", "right", "solid", "silver", "teal", "top",
        "transparent", "underline", "white", "yellow",
    ]
}

import Foundation

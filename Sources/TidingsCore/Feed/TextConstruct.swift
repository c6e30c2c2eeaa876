import Foundation

/// How a text construct's content is to be read.
struct TextConstructKind: Equatable {
    var isMarkup: Bool
    var keepsChildMarkup: Bool
    var isBase64: Bool

    static let plain = TextConstructKind(isMarkup: false, keepsChildMarkup: false, isBase64: false)
    static let html = TextConstructKind(isMarkup: true, keepsChildMarkup: false, isBase64: false)
    static let xhtml = TextConstructKind(isMarkup: true, keepsChildMarkup: true, isBase64: false)

    /// The kind for an element that is a text construct, from its `type`/`mode`
    /// attributes and the element's default; nil for other elements.
    static func of(_ name: FeedName, attributes: XMLAttributes, isAtom: Bool) -> TextConstructKind? {
        let fallback: TextConstructKind
        switch name {
        case .title, .subtitle, .tagline, .summary, .content, .itunesSummary, .itunesSubtitle, .info, .rights, .copyright,
             .dcTitle:
            fallback = .plain
        case .description, .dcDescription, .contentEncoded, .fullitem, .body:
            fallback = .html
        case .xhtmlBody:
            fallback = .xhtml
        default:
            return nil
        }
        var kind = fallback
        if let type = attributes["type"]?.lowercased() {
            switch type {
            case "text", "text/plain": kind = .plain
            case "html", "text/html": kind = .html
            case "xhtml", "application/xhtml+xml": kind = .xhtml
            default:
                if type.contains("html") {
                    kind = .html
                } else if type.hasSuffix("xml") {
                    kind = .xhtml
                } else {
                    kind = .plain
                    // Atom 1.0: content of any other media type is Base64.
                    kind.isBase64 = isAtom && !type.hasPrefix("text/") && attributes["mode"] == nil
                }
            }
        }
        switch attributes["mode"]?.lowercased() {
        case "escaped": kind = kind.isMarkup ? .html : kind
        case "xml": kind = .xhtml
        case "base64": kind.isBase64 = true
        default: break
        }
        return kind
    }
}

/// feedparser's guess for RSS text: HTML when it has an end tag or a character
/// reference, and only known HTML elements and entities.
enum LooksLikeHTML {
    static func check(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(check)
    }

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.contains(where: { $0 == 0x3C || $0 == 0x26 }) else { return false }
        var hasEndTagOrReference = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == 0x3C || byte == 0x26 else { continue }
            let isReference = byte == 0x26
            let isEnd = !isReference && index < bytes.count && bytes[index] == 0x2F
            let nameStart = isEnd ? index + 1 : index
            var nameEnd = nameStart
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) || (isReference && bytes[nameEnd] == 0x23) {
                nameEnd += 1
            }
            guard nameEnd > nameStart else { continue }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]), as: UTF8.self)
            if isReference {
                guard nameEnd < bytes.count, bytes[nameEnd] == 0x3B else { continue }
                if !name.hasPrefix("#"), HTMLEntityTable.byName[name] == nil { return false }
                hasEndTagOrReference = true
            } else {
                guard knownElements.contains(name.lowercased()) else { return false }
                if isEnd { hasEndTagOrReference = true }
            }
        }
        return hasEndTagOrReference
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    private static let knownElements: Set<String> = HTMLPolicy.allowedElements.union([
        "button", "form", "input", "label", "legend", "fieldset", "option", "optgroup", "select", "textarea", "canvas",
        "command", "datagrid", "datalist", "dialog", "event-source", "keygen", "m", "multicol", "nextid", "output",
        "sound", "spacer", "noscript",
    ])
}

/// Rebuilds markup for XHTML constructs from SAX events.
enum XHTMLMarkup {
    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func startTag(_ name: String, attributes: XMLAttributes) -> String {
        var tag = "<" + name
        for (key, value) in attributes.sortedByName() {
            tag += " \(key)=\"\(escape(value).replacingByte(UInt8(ascii: "\""), with: "&quot;"))\""
        }
        return tag + ">"
    }

    static func isVoid(_ name: String) -> Bool { HTMLPolicy.voidElements.contains(name) }

    /// Atom 1.0 wraps xhtml content in one `<div>`; the wrapper is not content.
    static func unwrapDiv(_ markup: String) -> String {
        let trimmed = markup.trimmedWhitespace
        guard trimmed.hasPrefix("<div"), trimmed.hasSuffix("</div>"), let open = trimmed.firstIndex(of: ">") else {
            return trimmed
        }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(trimmed.endIndex, offsetBy: -6)]
        return inner.trimmedWhitespace
    }
}

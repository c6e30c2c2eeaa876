import Foundation

/// Makes an HTML fragment from a feed safe to show and store: only harmless
/// elements and attributes survive (scripts, styles, event handlers, forms,
/// embeds and `javascript:` URLs do not), `style` keeps only safe CSS, and
/// relative URLs are resolved against `baseURL`. Character references are kept
/// as written; a bare `&` or `<` in text is escaped.
public struct HTMLSanitizer {
    public let baseURL: URL?

    public init(baseURL: URL?) {
        self.baseURL = baseURL
    }

    public static func sanitize(_ html: String, baseURL: URL?) -> String {
        HTMLSanitizer(baseURL: baseURL).sanitize(html)
    }

    public func sanitize(_ html: String) -> String {
        var html = html
        guard let changed = html.withUTF8(changes) else { return html }  // already safe as written: no copy
        return String(decoding: changed, as: UTF8.self)
    }

    /// `html` sanitized, made a String once (from `html` itself when nothing changes).
    func sanitized(_ html: UnsafeBufferPointer<UInt8>) -> String {
        changes(html).map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: html, as: UTF8.self)
    }

    /// The sanitized bytes, or nil when they are `html` as written (most feed HTML).
    /// Each token is written anew only where that differs from how it was written.
    private func changes(_ html: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var tokenizer = HTMLTokenizer(html)
        var copy = LazyCopy(input: html)
        var tag: [UInt8] = []
        var skipping: (name: String, depth: Int)?
        while true {
            let start = tokenizer.position
            if skipping == nil, let end = HTMLSanitizer.plainAllowedTagEnd(html, at: start) {
                tokenizer.skip(to: end)  // `<p>`, `</em>`: kept as written, without a token
                continue
            }
            guard let token = tokenizer.next() else { break }
            let end = tokenizer.position
            if var skip = skipping {
                switch token {
                case .startTag(let name, _, let selfClosing) where name == skip.name && !selfClosing:
                    skip.depth += 1
                    skipping = skip
                case .endTag(let name) where name == skip.name:
                    skip.depth -= 1
                    skipping = skip.depth == 0 ? nil : skip
                default:
                    break
                }
                copy.replace(start, upTo: end, with: EmptyCollection())
                continue
            }
            tag.removeAll(keepingCapacity: true)
            switch token {
            case .text(let bytes):
                escapeText(bytes, at: start, in: &copy)
                continue
            case .rawText:
                continue
            case .startTag(let name, let attributes, let selfClosing):
                let rule = HTMLPolicy.rule(for: name)
                if rule.isRemovedWithContent, !selfClosing, !rule.isVoid { skipping = (name, 1) }
                if rule.isAllowed, !rule.isRemovedWithContent { write(name, attributes, isVoid: rule.isVoid, to: &tag) }
            case .endTag(let name):
                let rule = HTMLPolicy.rule(for: name)
                if rule.isAllowed, !rule.isVoid {
                    tag.append(0x3C)
                    tag.append(0x2F)
                    tag.append(contentsOf: name.utf8)
                    tag.append(0x3E)
                }
            case .comment:
                break
            }
            if !html[start..<end].elementsEqual(tag) { copy.replace(start, upTo: end, with: tag) }
        }
        return copy.finish()
    }

    /// The end of the tag at `start` when it is written exactly as the sanitizer would
    /// write it and needs no token: `<name>` or `</name>`, in lower case, without
    /// attributes, of an allowed element that is not void (void ones are written `<br />`).
    private static func plainAllowedTagEnd(_ html: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        guard start + 2 < html.count, html[start] == 0x3C else { return nil }
        let nameStart = html[start + 1] == 0x2F ? start + 2 : start + 1
        var cursor = nameStart
        var packed: UInt64 = 0
        while cursor < html.count, cursor - nameStart < 8 {
            let byte = html[cursor]
            guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39 && cursor > nameStart) else { break }
            packed = packed << 8 | UInt64(byte)
            cursor += 1
        }
        guard cursor > nameStart, cursor < html.count, html[cursor] == 0x3E,
              let rule = HTMLPolicy.rule(packedName: packed), rule.isAllowed, !rule.isVoid, !rule.isRemovedWithContent
        else { return nil }
        return cursor + 1
    }

    /// A start tag as the sanitizer writes it: lower case, safe attributes only, values in double quotes.
    private func write(_ name: String, _ attributes: [(String, String)], isVoid: Bool, to tag: inout [UInt8]) {
        tag.append(0x3C)
        tag.append(contentsOf: name.utf8)
        // Sorted by name, as the Universal Feed Parser does: stable output for equal input.
        // Of repeated attributes the first written counts (ties keep document order).
        let sorted = attributes.count < 2 ? attributes
            : attributes.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        for (position, (attribute, value)) in sorted.enumerated() where position == 0 || sorted[position - 1].0 != attribute {
            guard let safe = sanitizedAttribute(attribute, value: value, element: name) else { continue }
            tag.append(0x20)
            tag.append(contentsOf: attribute.utf8)
            tag.append(0x3D)
            tag.append(0x22)
            tag.append(contentsOf: safe.utf8)
            tag.append(0x22)
        }
        tag.append(contentsOf: isVoid ? " />".utf8 : ">".utf8)
    }

    /// Text stays as written, except that a `<` is escaped and a `&` that starts no known
    /// reference becomes `&amp;`. `text` begins at byte `offset` of the input.
    private func escapeText(_ text: UnsafeBufferPointer<UInt8>, at offset: Int, in copy: inout LazyCopy) {
        var index = ByteScan.first(0x3C, or: 0x26, in: text, from: 0, to: text.count)
        while index < text.count {
            if text[index] == 0x3C {
                copy.replace(offset + index, upTo: offset + index + 1, with: "&lt;".utf8)
            } else if !HTMLSanitizer.startsKnownReference(text, at: index) {
                copy.replace(offset + index, upTo: offset + index + 1, with: "&amp;".utf8)
            }
            index = ByteScan.first(0x3C, or: 0x26, in: text, from: index + 1, to: text.count)
        }
    }

    /// The attribute's value ready to write between double quotes, or nil to drop it.
    /// Values keep their character references as written; URLs are resolved.
    private func sanitizedAttribute(_ name: String, value: String, element: String) -> String? {
        guard HTMLPolicy.allowedAttributes.contains(name) else { return nil }
        if name == "style" {
            let clean = CSSSanitizer.sanitize(HTMLEntities.decode(value))
            return clean.isEmpty ? nil : HTMLSanitizer.escapeAttribute(clean)
        }
        if HTMLPolicy.urlAttributes.contains(name) {
            return HTMLSanitizer.escapeAttribute(SafeURL.resolve(HTMLEntities.decode(value), against: baseURL))
        }
        return HTMLSanitizer.escapeWrittenAttribute(value)
    }

    /// Escapes `<`, `>` and `"`, and a `&` that starts no reference; leaves references alone.
    static func escapeWrittenAttribute(_ value: String) -> String {
        var value = value
        return value.withUTF8 { bytes in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            for index in bytes.indices {
                switch bytes[index] {
                case 0x3C: output.append(contentsOf: "&lt;".utf8)
                case 0x3E: output.append(contentsOf: "&gt;".utf8)
                case 0x22: output.append(contentsOf: "&quot;".utf8)
                case 0x26 where !startsKnownReference(bytes, at: index): output.append(contentsOf: "&amp;".utf8)
                default: output.append(bytes[index])
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Escapes `&`, `<`, `>` and `"` (byte by byte: they are ASCII, and most values have none).
    static func escapeAttribute(_ value: String) -> String {
        guard value.firstByteOffset(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) != nil else { return value }
        var escaped = [UInt8]()
        escaped.reserveCapacity(value.utf8.count + 16)
        for byte in value.utf8 {
            switch byte {
            case 0x26: escaped.append(contentsOf: "&amp;".utf8)
            case 0x3C: escaped.append(contentsOf: "&lt;".utf8)
            case 0x3E: escaped.append(contentsOf: "&gt;".utf8)
            case 0x22: escaped.append(contentsOf: "&quot;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// True when `&` at `index` starts `&name;` with a known HTML entity, or `&#...;`.
    static func startsKnownReference(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var cursor = index + 1
        var name = [UInt8]()
        while cursor < bytes.endIndex, name.count < 40 {
            let byte = bytes[cursor]
            guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x23 else { break }
            name.append(byte)
            cursor += 1
        }
        guard cursor < bytes.endIndex, bytes[cursor] == 0x3B, let first = name.first else { return false }
        if first == 0x23 { return name.count > 1 }
        return HTMLEntityTable.byName[String(decoding: name, as: UTF8.self)] != nil
    }
}

/// Resolves a URL and keeps it only if its scheme is a harmless one.
enum SafeURL {
    static func resolve(_ value: String, against base: URL?) -> String {
        let trimmed = value.trimmedWhitespace
        if trimmed.utf8.starts(with: "https://".utf8) || trimmed.utf8.starts(with: "http://".utf8) { return trimmed }
        let resolved: String
        if let base, let url = URL(string: trimmed, relativeTo: base) {
            resolved = url.absoluteString
        } else {
            resolved = trimmed
        }
        // The scheme ends at the first `:`, unless a `/`, `?` or `#` comes first (then there is none).
        // By bytes: these are ASCII, and a Character search would break graphemes all along.
        guard let end = resolved.firstByteOffset(where: { $0 == 0x3A || $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }),
              resolved.utf8[resolved.utf8.index(resolved.utf8.startIndex, offsetBy: end)] == 0x3A else {
            return resolved  // relative (no base to resolve against)
        }
        // Browsers ignore tabs and newlines inside a scheme ("java\tscript:"): so do we. Any
        // other byte, a Unicode space included, stays and makes the scheme an unknown one.
        let scheme = resolved.utf8.prefix(end).filter { !($0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x0C) }
        let normalizedScheme = String(decoding: scheme, as: UTF8.self).lowercased()
        return allowedSchemes.contains(normalizedScheme) ? resolved : ""
    }

    static let allowedSchemes: Set<String> = [
        "http", "https", "ftp", "ftps", "mailto", "news", "nntp", "tel", "sms", "irc", "ircs", "xmpp", "magnet", "git",
        "ssh", "sftp", "rtsp", "mms", "webcal", "feed", "gopher", "callto", "skype", "geo",
    ]
}

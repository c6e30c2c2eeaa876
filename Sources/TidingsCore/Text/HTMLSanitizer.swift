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
        return html.withUTF8(sanitize)
    }

    private func sanitize(_ html: UnsafeBufferPointer<UInt8>) -> String {
        var tokenizer = HTMLTokenizer(html)
        var output = [UInt8]()
        output.reserveCapacity(html.count)
        var skipping: (name: String, depth: Int)?
        while let token = tokenizer.next() {
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
                continue
            }
            switch token {
            case .text(let bytes):
                appendText(bytes, to: &output)
            case .rawText(let bytes):
                output.append(contentsOf: bytes)
            case .startTag(let name, let attributes, let selfClosing):
                let rule = HTMLPolicy.rule(for: name)
                if rule.isRemovedWithContent {
                    if !selfClosing, !rule.isVoid { skipping = (name, 1) }
                    continue
                }
                guard rule.isAllowed else { continue }
                output.append(0x3C)
                output.append(contentsOf: name.utf8)
                // Sorted by name, as the Universal Feed Parser does: stable output for equal input.
                // Of repeated attributes the first written counts (ties keep document order).
                let sorted = attributes.count < 2 ? attributes
                    : attributes.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
                for (position, (attribute, value)) in sorted.enumerated() where position == 0 || sorted[position - 1].0 != attribute {
                    guard let safe = sanitizedAttribute(attribute, value: value, element: name) else { continue }
                    output.append(0x20)
                    output.append(contentsOf: attribute.utf8)
                    output.append(0x3D)
                    output.append(0x22)
                    output.append(contentsOf: safe.utf8)
                    output.append(0x22)
                }
                output.append(contentsOf: rule.isVoid ? " />".utf8 : ">".utf8)
            case .endTag(let name):
                let rule = HTMLPolicy.rule(for: name)
                guard rule.isAllowed, !rule.isVoid else { continue }
                output.append(0x3C)
                output.append(0x2F)
                output.append(contentsOf: name.utf8)
                output.append(0x3E)
            case .comment:
                continue
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Text as written, except that a `<` is escaped and `&` that starts no known
    /// reference becomes `&amp;`.
    private func appendText(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var runStart = 0
        var index = ByteScan.first(0x3C, or: 0x26, in: bytes, from: 0, to: bytes.count)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x3C || !HTMLSanitizer.startsKnownReference(bytes, at: index) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                output.append(contentsOf: byte == 0x3C ? "&lt;".utf8 : "&amp;".utf8)
                runStart = index + 1
            }
            index = ByteScan.first(0x3C, or: 0x26, in: bytes, from: index + 1, to: bytes.count)
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
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
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return value }
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
        if trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://") { return trimmed }
        let resolved: String
        if let base, let url = URL(string: trimmed, relativeTo: base) {
            resolved = url.absoluteString
        } else {
            resolved = trimmed
        }
        let scheme = resolved.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }
        guard resolved.utf8.contains(0x3A), scheme.count < resolved.count, resolved[scheme.endIndex] == ":" else {
            return resolved  // relative (no base to resolve against)
        }
        // Browsers ignore tabs and newlines inside a scheme ("java\tscript:"): so do we.
        let normalizedScheme = scheme.filter { !$0.isWhitespace && !$0.isNewline }.lowercased()
        return allowedSchemes.contains(normalizedScheme) ? resolved : ""
    }

    static let allowedSchemes: Set<String> = [
        "http", "https", "ftp", "ftps", "mailto", "news", "nntp", "tel", "sms", "irc", "ircs", "xmpp", "magnet", "git",
        "ssh", "sftp", "rtsp", "mms", "webcal", "feed", "gopher", "callto", "skype", "geo",
    ]
}

/// Decides a page's character encoding the way browsers do — a byte-order
/// mark, then the HTTP `charset`, then `<meta charset>` or `<meta
/// http-equiv=Content-Type>` near the top, then UTF-8 when the bytes are valid
/// UTF-8, else windows-1252 — and converts the page to UTF-8.
enum PageCharset {
    /// The page as UTF-8 (byte-order mark removed).
    static func utf8(_ bytes: [UInt8], contentType: String?) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return ICONVConverter.convert(bytes[...], from: "utf-16")?.utf8 ?? bytes
        }
        let declared = ContentType.charset(contentType) ?? metaCharset(bytes)
        let encoding = FeedTextDecoder.normalized(declared ?? (UTF8Validation.isValid(bytes) ? "utf-8" : "windows-1252"))
        if encoding == "utf-8" || encoding == "us-ascii" {
            return UTF8Validation.isValid(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)
        }
        return ICONVConverter.convert(bytes[...], from: encoding)?.utf8 ?? Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    /// The charset a `<meta>` in the first 4 KiB declares: `charset="x"` or `content="text/html; charset=x"`.
    static func metaCharset(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(4096).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        var index = 0
        while let meta = find(Array("<meta".utf8), in: head, from: index) {
            let tagEnd = head[meta...].firstIndex(of: UInt8(ascii: ">")) ?? head.count
            if let key = find(Array("charset".utf8), in: head, from: meta), key < tagEnd {
                let value = head[(key + 7)..<tagEnd]
                    .drop { $0 == 0x20 || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
                    .prefix { byte in
                        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
                            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                    }
                if !value.isEmpty { return String(decoding: value, as: UTF8.self) }
            }
            index = tagEnd
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }
}

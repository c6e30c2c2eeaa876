/// The character set an HTML page declares for itself (`FeedTextDecoder`
/// decides the encoding and converts; this is its HTML declaration reader).
enum PageCharset {
    /// The charset a `<meta>` in the first 4 KiB declares: `charset="x"` or `content="text/html; charset=x"`.
    static func metaCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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

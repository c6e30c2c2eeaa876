import Foundation

/// Turns feed and page bytes into UTF-8, deciding the encoding the way the
/// web does: a byte-order mark, then the HTTP `charset`, then the document's
/// own declaration (the XML declaration of a feed, the `<meta>` of an HTML
/// page), then sniffing, then UTF-8 — for an undeclared HTML page only when
/// its bytes are valid UTF-8, else windows-1252, as browsers do. Bytes that do
/// not decode are replaced (U+FFFD), not dropped, and the result says the
/// input was not clean.
enum FeedTextDecoder {
    /// Where the document declares its own encoding.
    enum Markup {
        /// `<?xml version="1.0" encoding="..."?>`
        case xml
        /// `<meta charset="...">` or `<meta http-equiv="Content-Type" content="...; charset=...">`
        case html
    }

    struct Decoded {
        /// The text as UTF-8 when it had to be converted or repaired; nil when the
        /// input's own bytes from `start` on are valid UTF-8 already (no copy is made).
        /// (The XML declaration still names the original encoding; `FeedXMLScanner`
        /// reads UTF-8 whatever it says.)
        var converted: [UInt8]?
        /// Where the text starts in the input: after the byte-order mark, if any.
        var start: Int
        var encoding: String
        /// Why the bytes were not clean, if they were not.
        var problem: String?

        /// Calls `body` with the UTF-8 text of `input` (the bytes this was decoded from).
        func withUTF8<Result>(of input: UnsafeBufferPointer<UInt8>,
                              _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
            guard let converted else { return try body(UnsafeBufferPointer(rebasing: input[start...])) }
            return try converted.withUnsafeBufferPointer(body)
        }
    }

    /// The UTF-8 text of `bytes`, BOM removed.
    static func utf8(_ bytes: [UInt8], httpCharset: String?, markup: Markup) -> [UInt8] {
        let decoded = bytes.withUnsafeBufferPointer { decode($0, httpCharset: httpCharset, markup: markup) }
        return decoded.converted ?? (decoded.start == 0 ? bytes : Array(bytes[decoded.start...]))
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, httpCharset: String?, markup: Markup) -> Decoded {
        var start = 0
        var fromBOM: String?
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { fromBOM = "utf-8"; start = 3 }
        else if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { fromBOM = "utf-32be"; start = 4 }
        else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { fromBOM = "utf-32le"; start = 4 }
        else if bytes.starts(with: [0xFE, 0xFF]) { fromBOM = "utf-16be"; start = 2 }
        else if bytes.starts(with: [0xFF, 0xFE]) { fromBOM = "utf-16le"; start = 2 }
        let body = UnsafeBufferPointer(rebasing: bytes[start...])

        let sniffed = sniffWideEncoding(body)
        let declared = sniffed == nil ? (markup == .xml ? declaredEncoding(body) : PageCharset.metaCharset(body)) : nil
        var problem: String?
        var served = httpCharset.flatMap(usableCharset)
        if fromBOM == nil, let charset = served, let truth = contradiction(charset: normalized(charset), body, sniffed: sniffed) {
            problem = "served as charset=\(charset), but the bytes are \(truth)"
            served = nil
        }
        let label = fromBOM ?? served ?? sniffed ?? declared
        var encoding = normalized(label ?? "utf-8")

        var converted: [UInt8]?
        if encoding == "utf-8" || encoding == "us-ascii" {
            if UTF8Validation.isValid(body) {
                converted = nil
            } else if markup == .html, label == nil, let windows = ICONVConverter.convert(body, from: "windows-1252") {
                // An HTML page that declares nothing and is not UTF-8: windows-1252, as browsers read it.
                encoding = "windows-1252"
                converted = windows.utf8
            } else {
                // Commonly windows-1252 mislabelled (or unlabelled) as UTF-8: keep what is valid, repair the rest.
                converted = Array(String(decoding: body, as: UTF8.self).utf8)
                problem = problem ?? "bytes that are not valid \(encoding) were replaced"
            }
        } else if let result = ICONVConverter.convert(body, from: encoding) {
            converted = result.utf8
            if result.replaced > 0 { problem = problem ?? "\(result.replaced) bytes that are not valid \(encoding) were replaced" }
        } else {
            converted = Array(String(decoding: body, as: UTF8.self).utf8)
            problem = "unknown character encoding \"\(encoding)\"; read as UTF-8"
        }
        return Decoded(converted: converted, start: start, encoding: encoding, problem: problem)
    }

    /// What the bytes are when an HTTP charset cannot be true of them (a server's
    /// default, not the document's): a wide encoding for bytes without a NUL, or a
    /// single-byte Latin one for valid UTF-8 with multi-byte characters (read as
    /// Latin-1 it would be mojibake: "ZÃ¼rich"). Nil when the charset may be right.
    private static func contradiction(charset: String, _ body: UnsafeBufferPointer<UInt8>, sniffed: String?) -> String? {
        if charset.hasPrefix("utf-16") || charset.hasPrefix("utf-32") || charset.hasPrefix("ucs-") {
            return sniffed == nil && !body.prefix(64).contains(0) ? "not \(charset.uppercased())" : nil
        }
        guard ["iso-8859-1", "windows-1252"].contains(charset), body.contains(where: { $0 >= 0x80 }) else { return nil }
        return UTF8Validation.isValid(body) ? "UTF-8" : nil
    }

    /// UTF-16/32 without a BOM, recognised by how `<?` or `<` is spelled.
    private static func sniffWideEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = Array(bytes.prefix(4))
        guard head.count == 4 else { return nil }
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0x00, 0x3C): return "utf-32be"
        case (0x3C, 0x00, 0x00, 0x00): return "utf-32le"
        case (0x00, 0x3C, 0x00, _): return "utf-16be"
        case (0x3C, 0x00, _, 0x00): return "utf-16le"
        default: return nil
        }
    }

    /// The `encoding` of an `<?xml ... ?>` declaration at the start, if any.
    private static func declaredEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = String(decoding: bytes.prefix(256), as: UTF8.self)
        let trimmed = head.drop { $0.isWhitespace }
        guard trimmed.hasPrefix("<?xml"), let end = trimmed.range(of: "?>") else { return nil }
        let declaration = trimmed[..<end.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : String(value)
    }

    /// A charset worth believing: not empty, and not an obvious placeholder.
    private static func usableCharset(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Canonical lower-case names, with the common aliases folded.
    static func normalized(_ name: String) -> String {
        let lowered = name.lowercased().trimmingCharacters(in: .whitespaces)
        switch lowered {
        case "utf8", "utf-8", "unicode-1-1-utf-8": return "utf-8"
        case "ascii", "us-ascii", "ansi_x3.4-1968": return "us-ascii"
        case "latin1", "latin-1", "l1", "iso8859-1", "iso_8859-1", "iso-8859-1": return "iso-8859-1"
        case "cp1251", "win-1251", "windows-1251", "x-cp1251": return "windows-1251"
        case "cp1252", "win-1252", "windows-1252", "x-cp1252": return "windows-1252"
        case "koi8r", "koi8-r", "cskoi8r": return "koi8-r"
        case "utf-16", "utf16": return "utf-16"
        default: return lowered
        }
    }
}

/// iconv, for every encoding glibc knows (windows-125x, KOI8-R, ISO-8859-x, UTF-16/32, CJK ...).
enum ICONVConverter {
    struct Result {
        var utf8: [UInt8]
        /// How many undecodable bytes became U+FFFD.
        var replaced: Int
    }

    static func convert(_ input: UnsafeBufferPointer<UInt8>, from encoding: String) -> Result? {
        let descriptor = iconv_open("UTF-8", encoding)
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 2)
        var replaced = 0
        var source = Array(input)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        while offset < source.count {
            var inLeft = source.count - offset
            var outLeft = buffer.count
            let (status, consumed, produced) = source.withUnsafeMutableBufferPointer { sourceBuffer in
                buffer.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int, Int) in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(sourceBuffer.baseAddress! + offset)
                        .assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    let before = inLeft
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result == Int.max ? -1 : Int(bitPattern: UInt(bitPattern: result)), before - inLeft,
                            outBuffer.count - outLeft)
                }
            }
            output.append(contentsOf: buffer[0..<produced])
            offset += consumed
            if status == -1 {
                switch errno {
                case E2BIG:
                    continue
                case EILSEQ, EINVAL:
                    // An invalid or truncated sequence: one replacement character, skip one byte.
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    replaced += 1
                    offset += 1
                    iconv(descriptor, nil, nil, nil, nil)
                default:
                    return nil
                }
            }
        }
        _ = source.count
        source.removeAll()
        return Result(utf8: output, replaced: replaced)
    }
}

/// Checks UTF-8 without building a String (a large feed is not copied to be checked).
enum UTF8Validation {
    /// A buffer of 2 MiB or more is checked on every core, in pieces cut where a
    /// character starts (no valid sequence then spans two pieces, and an invalid
    /// one is found in the piece where it starts).
    static func isValid(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let starts = [0] + Parallel.Split.automatic.cuts(buffer.count, after: 0) { share in
            var cut = share
            while cut < buffer.count, buffer[cut] & 0xC0 == 0x80 { cut += 1 }
            return cut
        }
        guard starts.count > 1 else { return isValidPiece(buffer) }
        var valid = [Bool](repeating: true, count: starts.count)
        Parallel.forEach(&valid, block: 1) { number, valid in
            let end = number + 1 < starts.count ? starts[number + 1] : buffer.count
            valid = isValidPiece(UnsafeBufferPointer(rebasing: buffer[starts[number]..<end]))
        }
        return !valid.contains(false)
    }

    private static func isValidPiece(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if byte < 0x80 {
                index = ByteScan.firstNonASCII(in: buffer, from: index + 1, to: count)
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: return false
            }
            guard index + length <= count else { return false }
            for offset in 1..<length {
                let continuation = buffer[index + offset]
                guard continuation & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
            index += length
        }
        return true
    }
}

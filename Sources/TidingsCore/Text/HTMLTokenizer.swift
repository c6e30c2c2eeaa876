/// A lenient HTML tokenizer over UTF-8 bytes: text, start tags with their
/// attributes, end tags and comments. It never fails: what is not a tag is text.
/// It reads the caller's buffer in place; tokens point into it.
struct HTMLTokenizer {
    enum Token {
        case text(UnsafeBufferPointer<UInt8>)
        /// Text to pass through exactly as written (an unfinished declaration at the end).
        case rawText(UnsafeBufferPointer<UInt8>)
        /// Lower-cased name; attributes lower-cased, values as written (undecoded).
        case startTag(name: String, attributes: [(String, String)], selfClosing: Bool)
        case endTag(name: String)
        case comment
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Where the next token starts (after `next()`, where the token it gave ends).
    var position: Int { index }

    /// Goes on from `position` (the end of something the caller read itself).
    mutating func skip(to position: Int) { index = position }

    /// Tokens are valid as long as `bytes` is.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func next() -> Token? {
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x3C, let token = markup() { return token }
        let start = index
        index = ByteScan.first(0x3C, in: bytes, from: start + 1, to: bytes.count)
        return .text(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    }

    /// A tag, comment or declaration at `index` ('<'), or nil when the '<' is just text.
    private mutating func markup() -> Token? {
        let start = index
        guard start + 1 < bytes.count else { return nil }
        let next = bytes[start + 1]
        if next == 0x21 {  // <! comment, CDATA or declaration
            if ByteScan.hasPrefix("<!--", in: bytes, at: start) {
                index = ByteScan.find("-->", in: bytes, from: start + 4).map { $0 + 3 } ?? bytes.count
                return .comment
            }
            // "<!DOCTYPE ...>" is a declaration; "<!'" or an unfinished "<!DOCTYPE" is text.
            guard start + 2 < bytes.count, isLetter(bytes[start + 2]) || bytes[start + 2] == 0x5B,
                  let close = bytes[start...].firstIndex(of: 0x3E) else {
                if start + 2 < bytes.count, isLetter(bytes[start + 2]) {
                    index = bytes.count
                    return .rawText(UnsafeBufferPointer(rebasing: bytes[start...]))
                }
                return nil
            }
            index = close + 1
            return .comment
        }
        if next == 0x3F {  // <? processing instruction
            index = (bytes[start...].firstIndex(of: 0x3E) ?? bytes.count - 1) + 1
            return .comment
        }
        if next == 0x2F {  // </name>
            var cursor = start + 2
            let name = readName(&cursor)
            guard !name.isEmpty else { return nil }
            index = (bytes[cursor...].firstIndex(of: 0x3E) ?? bytes.count - 1) + 1
            return .endTag(name: name)
        }
        guard isLetter(next) else { return nil }
        var cursor = start + 1
        let name = readName(&cursor)
        var attributes: [(String, String)] = []
        var selfClosing = false
        while cursor < bytes.count {
            skipSpace(&cursor)
            guard cursor < bytes.count else { break }
            let byte = bytes[cursor]
            if byte == 0x3E { cursor += 1; break }
            if byte == 0x2F {
                selfClosing = cursor + 1 < bytes.count && bytes[cursor + 1] == 0x3E
                cursor += 1
                continue
            }
            var attributeName = readAttributeName(&cursor)
            if attributeName.isEmpty { cursor += 1; continue }
            attributeName = attributeName.lowercased()
            skipSpace(&cursor)
            var value = attributeName
            if cursor < bytes.count, bytes[cursor] == 0x3D {  // =
                cursor += 1
                skipSpace(&cursor)
                value = readAttributeValue(&cursor)
            }
            attributes.append((attributeName, value))
        }
        index = cursor
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    private func readName(_ cursor: inout Int) -> String {
        let start = cursor
        var isLowercase = true
        while cursor < bytes.count, isNameByte(bytes[cursor]) {
            if bytes[cursor] >= 0x41 && bytes[cursor] <= 0x5A { isLowercase = false }
            cursor += 1
        }
        let name = String(decoding: bytes[start..<cursor], as: UTF8.self)
        return isLowercase ? name : name.lowercased()
    }

    private func readAttributeName(_ cursor: inout Int) -> String {
        let start = cursor
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == 0x3D || byte == 0x3E || byte == 0x2F || isSpace(byte) || byte == 0x22 || byte == 0x27 { break }
            cursor += 1
        }
        return String(decoding: bytes[start..<cursor], as: UTF8.self)
    }

    private func readAttributeValue(_ cursor: inout Int) -> String {
        guard cursor < bytes.count else { return "" }
        let quote = bytes[cursor]
        if quote == 0x22 || quote == 0x27 {
            let start = cursor + 1
            let end = ByteScan.first(quote, in: bytes, from: start, to: bytes.count)
            cursor = min(end + 1, bytes.count)
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        let start = cursor
        while cursor < bytes.count, !isSpace(bytes[cursor]), bytes[cursor] != 0x3E { cursor += 1 }
        return String(decoding: bytes[start..<cursor], as: UTF8.self)
    }

    private func skipSpace(_ cursor: inout Int) {
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }
    private func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }
    private func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x3A || byte == 0x5F
    }
}

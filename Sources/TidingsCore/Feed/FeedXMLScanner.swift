/// A fast, lenient XML tokenizer for feeds, reading UTF-8 bytes that
/// `XMLPreprocessor` has already cleaned (no DTD, no undefined entities, no
/// forbidden characters). It resolves namespaces, decodes character and
/// entity references, normalizes line ends, and recovers from broken markup
/// as libxml2 does in recovery mode; the first problem is reported with its
/// line and column.
///
/// It exists for speed: Foundation's `XMLParser` spends more time bridging
/// names, attributes and text than parsing them.
struct FeedXMLScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var builder: FeedBuilder
    private(set) var index = 0
    /// Open elements: qualified name, local name, and how many namespace bindings they declared.
    private var open: [(qualified: NameBytes, local: String, bindings: Int)] = []
    /// In-scope namespace bindings, innermost last ("" is the default namespace).
    private var namespaces: [(prefix: String, uri: String)] = [("xml", "http://www.w3.org/XML/1998/namespace")]
    private var rootClosed = false
    /// Element names resolved under the namespace bindings in scope (emptied when they change):
    /// a feed uses a dozen names over and over, and resolving one costs several hashes.
    private var resolvedNames: [ElementName] = []
    /// `resolvedNames`' qualified names, searched without touching the names themselves.
    private var resolvedKeys: [NameBytes] = []
    /// Set by `run(to:stoppingBeforeEntry:)` when it stopped before an entry: that entry's qualified name.
    private(set) var entryTag: String?
    private var stopsBeforeEntry = false

    init(bytes: UnsafeBufferPointer<UInt8>, builder: FeedBuilder) {
        self.bytes = bytes
        self.builder = builder
    }

    /// A scanner that goes on from this one's place and state at byte `index`, into `builder`.
    func resumed(at index: Int, into builder: FeedBuilder) -> FeedXMLScanner {
        var copy = self
        copy.index = index
        copy.stopsBeforeEntry = false
        copy.entryTag = nil
        copy.builder = builder
        return copy
    }

    /// True when both stand inside the same elements with the same namespaces in scope.
    func isInSameContext(as other: FeedXMLScanner) -> Bool {
        rootClosed == other.rootClosed
            && open.elementsEqual(other.open) { $0 == $1 }
            && namespaces.elementsEqual(other.namespaces) { $0 == $1 }
    }

    /// Scans up to byte `limit` (a token that starts before it is read whole), or until just
    /// before the start tag of the document's first entry when `stoppingBeforeEntry`.
    /// Only a scan that reaches the end of the document reports elements left open.
    mutating func run(to limit: Int, stoppingBeforeEntry: Bool = false) {
        stopsBeforeEntry = stoppingBeforeEntry
        entryTag = nil
        let count = bytes.count
        let limit = min(limit, count)
        while index < limit, !builder.shouldStop, entryTag == nil {
            if bytes[index] != 0x3C {
                text()
                continue
            }
            guard index + 1 < count else {
                fail(.truncated, at: count)
                return
            }
            switch bytes[index + 1] {
            case 0x3F:  // <? processing instruction (the XML declaration included)
                guard let end = ByteScan.find("?>", in: bytes, from: index + 2) else { return fail(.unclosedProcessingInstruction, at: count) }
                index = end + 2
            case 0x21:  // <! comment, CDATA, or a declaration
                markupDeclaration()
            case 0x2F:  // </ end tag
                endTag()
            default:
                if isNameStart(bytes[index + 1]) {
                    startTag()
                } else {
                    // A '<' that starts nothing: libxml2 reports it and keeps it as text.
                    fail(.strayLessThan, at: index + 1)
                    if !open.isEmpty { builder.characters("<") }
                    index += 1
                }
            }
        }
        if limit == count, index >= count, !open.isEmpty, !builder.shouldStop { fail(.truncated, at: count) }
    }

    // MARK: Markup

    private mutating func markupDeclaration() {
        if ByteScan.hasPrefix("<!--", in: bytes, at: index) {
            guard let end = ByteScan.find("-->", in: bytes, from: index + 4) else { return fail(.unclosedComment, at: bytes.count, stop: true) }
            index = end + 3
        } else if ByteScan.hasPrefix("<![CDATA[", in: bytes, at: index) {
            let start = index + 9
            let end = ByteScan.find("]]>", in: bytes, from: start)
            if !open.isEmpty { characters(start, end ?? bytes.count, decodeReferences: false) }
            guard let end else { return fail(.unclosedCDATA, at: bytes.count, stop: true) }
            index = end + 3
        } else {
            // A declaration the preprocessor left (none should remain): skip it.
            var cursor = index + 2
            while cursor < bytes.count, bytes[cursor] != 0x3E { cursor += 1 }
            index = cursor + 1
        }
    }

    private mutating func startTag() {
        let tagStart = index
        index += 1
        let qualifiedRange = nameRange()
        let qualified = NameBytes(bytes, qualifiedRange)
        if rootClosed {
            fail(.contentAfterRoot, at: tagStart)
            index = bytes.count
            return
        }
        var attributes = XMLAttributes()
        var bindings = 0
        var selfClosing = false
        while true {
            skipSpace()
            guard index < bytes.count else { return fail(.unclosedTag, at: bytes.count, stop: true) }
            let byte = bytes[index]
            if byte == 0x3E { index += 1; break }
            if byte == 0x2F, index + 1 < bytes.count, bytes[index + 1] == 0x3E {
                selfClosing = true
                index += 2
                break
            }
            guard isNameStart(byte) else {
                fail(.strayLessThan, at: index)
                index += 1
                continue
            }
            let attribute = string(of: nameRange())
            skipSpace()
            var value = ""
            if index < bytes.count, bytes[index] == 0x3D {
                index += 1
                skipSpace()
                value = attributeValue()
            } else {
                fail(.attributeWithoutValue, at: index)
            }
            if attribute == "xmlns" || attribute.hasPrefix("xmlns:") {
                namespaces.append((attribute == "xmlns" ? "" : String(attribute.dropFirst(6)), value))
                bindings += 1
            } else if !attributes.add(attribute, value) {
                fail(.duplicateAttribute, at: index)
            }
        }
        if bindings > 0 { forgetResolvedNames() }
        let element = resolve(qualified, at: qualifiedRange)
        if stopsBeforeEntry, builder.wouldOpenEntry(element) {
            unbind(bindings)
            index = tagStart
            entryTag = element.qualified
            return
        }
        if element.hasUndeclaredPrefix { fail(.undeclaredPrefix, at: index) }
        for key in attributes.allNames where key.containsByte(0x3A) {
            let attributePrefix = split(key).prefix
            if attributePrefix != "xml", namespace(for: attributePrefix) == nil { fail(.undeclaredPrefix, at: index) }
        }
        builder.startElement(element, attributes: attributes)
        if selfClosing {
            builder.endElement(name: element.local)
            unbind(bindings)
            if open.isEmpty { rootClosed = true }
        } else {
            open.append((qualified, element.local, bindings))
        }
    }

    private mutating func endTag() {
        index += 2
        let qualified = NameBytes(bytes, nameRange())
        skipSpace()
        if index < bytes.count, bytes[index] == 0x3E { index += 1 } else { fail(.unclosedTag, at: index) }
        guard let position = open.lastIndex(where: { $0.qualified == qualified }) else {
            fail(.mismatchedEndTag, at: index)  // closes nothing that is open: ignored
            return
        }
        if position != open.count - 1 { fail(.mismatchedEndTag, at: index) }
        // Recovery as in libxml2: the end tag closes everything opened inside its element.
        while open.count > position {
            let element = open.removeLast()
            builder.endElement(name: element.local)
            unbind(element.bindings)
        }
        if open.isEmpty { rootClosed = true }
    }

    // MARK: Text

    private mutating func text() {
        let start = index
        index = ByteScan.first(0x3C, in: bytes, from: index, to: bytes.count)
        let isBlank = !bytes[start..<index].contains(where: { !isSpace($0) })
        if open.isEmpty {
            if !isBlank { fail(rootClosed ? .contentAfterRoot : .textOutsideRoot, at: start) }
            return
        }
        if builder.needsText(isBlank: isBlank) { characters(start, index) }
    }

    /// Hands the text of `start..<end` to the builder: as the document's bytes when they
    /// need no decoding (the common case), else decoded.
    private mutating func characters(_ start: Int, _ end: Int, decodeReferences: Bool = true) {
        let first = firstByteToDecode(start, end, decodeReferences: decodeReferences)
        if first == end {
            builder.characters(in: start..<end)
        } else {
            builder.characters(string(start, end, decodeReferences: decodeReferences, firstToDecode: first))
        }
    }

    /// The first CR, or `&` when references are decoded, in `start..<end` (`end` when none).
    private func firstByteToDecode(_ start: Int, _ end: Int, decodeReferences: Bool) -> Int {
        decodeReferences ? ByteScan.first(0x26, or: 0x0D, in: bytes, from: start, to: end)
            : ByteScan.first(0x0D, in: bytes, from: start, to: end)
    }

    private mutating func attributeValue() -> String {
        guard index < bytes.count else { return "" }
        let quote = bytes[index]
        let start: Int
        let end: Int
        if quote == 0x22 || quote == 0x27 {
            start = index + 1
            let cursor = ByteScan.first(quote, in: bytes, from: start, to: bytes.count)
            end = cursor
            index = min(cursor + 1, bytes.count)
            if cursor >= bytes.count { fail(.unclosedAttribute, at: cursor) }
        } else {
            fail(.unquotedAttribute, at: index)
            start = index
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != 0x3E { index += 1 }
            end = index
        }
        // Attribute-value normalization: each whitespace character becomes a space.
        var value = string(start, end)
        if value.firstByteOffset(where: { $0 == 0x0A || $0 == 0x09 }) != nil {
            value = String(decoding: value.utf8.map { $0 == 0x0A || $0 == 0x09 ? 0x20 : $0 }, as: UTF8.self)
        }
        return value
    }

    /// The text of `start..<end` with CR/CRLF made LF and references decoded (not in CDATA);
    /// `firstToDecode` is where the first byte that needs it is, when the caller looked already.
    private func string(_ start: Int, _ end: Int, decodeReferences: Bool = true, firstToDecode: Int? = nil) -> String {
        var cursor = firstToDecode ?? firstByteToDecode(start, end, decodeReferences: decodeReferences)
        guard cursor < end else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
        var output = [UInt8]()
        output.reserveCapacity(end - start)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<cursor]))
        while cursor < end {
            let byte = bytes[cursor]
            if byte == 0x0D {
                output.append(0x0A)
                cursor += cursor + 1 < end && bytes[cursor + 1] == 0x0A ? 2 : 1
            } else if byte == 0x26, decodeReferences, let (scalar, length) = XMLReference.read(bytes, at: cursor, end: end) {
                UTF8.encode(scalar) { output.append($0) }
                cursor += length
            } else {
                output.append(byte)
                cursor += 1
            }
            // Copy the run up to the next byte that needs work in one go.
            let next = firstByteToDecode(cursor, end, decodeReferences: decodeReferences)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<next]))
            cursor = next
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Names and namespaces

    /// Reads a name: its bytes' place.
    private mutating func nameRange() -> Range<Int> {
        let start = index
        var end = index  // a local: `index` would be stored at every byte
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        index = end
        return start..<end
    }

    private func string(of range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private func split(_ qualified: String) -> (prefix: String, local: String) {
        // By bytes: a Character search would run grapheme breaking on every name.
        guard let colon = qualified.utf8.firstIndex(of: 0x3A) else { return ("", qualified) }
        return (String(qualified[..<colon]), String(qualified[qualified.utf8.index(after: colon)...]))
    }

    /// The element name `qualified` (read at `range`) stands for here.
    private mutating func resolve(_ qualified: NameBytes, at range: Range<Int>) -> ElementName {
        if let known = resolvedKeys.firstIndex(of: qualified) { return resolvedNames[known] }
        let text = string(of: range)
        let (prefix, local) = split(text)
        let uri = namespace(for: prefix)
        let element = ElementName(local: local, namespaceURI: uri ?? "", qualified: text,
                                  hasUndeclaredPrefix: uri == nil && !prefix.isEmpty)
        if resolvedNames.count == 32 {
            resolvedNames.removeLast()
            resolvedKeys.removeLast()
        }
        resolvedNames.append(element)
        resolvedKeys.append(qualified)
        return element
    }

    private mutating func forgetResolvedNames() {
        resolvedNames.removeAll()
        resolvedKeys.removeAll()
    }

    /// Drops the namespace bindings an element declared.
    private mutating func unbind(_ bindings: Int) {
        guard bindings > 0 else { return }
        namespaces.removeLast(bindings)
        forgetResolvedNames()
    }

    /// The namespace bound to `prefix` ("" for the default namespace), innermost first.
    private func namespace(for prefix: String) -> String? {
        for binding in namespaces.reversed() where binding.prefix == prefix {
            return binding.uri.isEmpty && !prefix.isEmpty ? nil : binding.uri
        }
        return prefix.isEmpty ? "" : nil
    }

    // MARK: Bytes

    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
    }

    private mutating func skipSpace() {
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    }

    /// Reports a problem at byte `offset` (its line and column are counted only for the first one).
    private mutating func fail(_ problem: XMLProblem, at offset: Int, stop: Bool = false) {
        if !builder.hasError {
            var line = 1
            var lineStart = 0
            for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0A {
                line += 1
                lineStart = position + 1
            }
            builder.error(line: line, column: offset - lineStart + 1, problem: problem)
        }
        if stop { index = bytes.count }
    }
}

/// What is wrong with a document that `FeedXMLScanner` recovered from, in words.
enum XMLProblem: Sendable, Equatable, CustomStringConvertible {
    case textOutsideRoot, truncated, unquotedAttribute, unclosedAttribute, attributeWithoutValue, duplicateAttribute
    case unclosedComment, unclosedProcessingInstruction, unclosedCDATA, strayLessThan, unclosedTag
    case mismatchedEndTag, contentAfterRoot, undeclaredPrefix

    var description: String {
        switch self {
        case .textOutsideRoot: "text outside the root element"
        case .truncated: "the document ends before its elements are closed (truncated?)"
        case .unquotedAttribute: "an attribute value without quotes"
        case .unclosedAttribute: "an attribute value whose quote is never closed"
        case .attributeWithoutValue: "an attribute without '='"
        case .duplicateAttribute: "an attribute appears twice on one element"
        case .unclosedComment: "a comment that is not closed"
        case .unclosedProcessingInstruction: "a processing instruction (<?...?>) that is not closed"
        case .unclosedCDATA: "a CDATA section that is not closed"
        case .strayLessThan: "a '<' that starts no tag"
        case .unclosedTag: "a tag that is not closed with '>'"
        case .mismatchedEndTag: "an end tag that does not match the open element"
        case .contentAfterRoot: "content after the end of the root element"
        case .undeclaredPrefix: "an undeclared namespace prefix"
        }
    }
}

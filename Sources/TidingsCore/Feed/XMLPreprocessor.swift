/// Makes real-world feed XML safe and digestible for a strict XML parser,
/// without changing what it says:
///
/// - the DOCTYPE is removed, so no DTD is ever processed (no external
///   entities, no entity-expansion bombs); its simple text entities
///   (`<!ENTITY name "text">`) are kept and substituted here;
/// - HTML named entities (`&nbsp;`, `&eacute;`) become character references;
/// - undefined entities and bare `&` become literal text (`&amp;`);
/// - characters XML forbids (C0 controls) are dropped;
/// - junk before the first `<` is dropped.
///
/// Each repair is reported as a problem: the document was not well-formed.
struct XMLPreprocessor {
    private(set) var problem: String?
    /// In how many pieces the last `process` repaired the document (1 when its pieces were given up).
    private(set) var piecesKept = 1
    private var entities: [String: [UInt8]] = [:]
    /// Bytes substituted for DTD entities so far; capped so that many references
    /// to one entity cannot blow up memory ("quadratic blowup").
    private var expandedBytes = 0
    static let maxExpandedBytes = 1 << 20

    /// Returns the repaired bytes (a copy made at the first repair), or nil when
    /// nothing needed repair (most feeds): then the input is the document. A large
    /// document is repaired in pieces on every core, cut at the `<` of an ordinary
    /// tag, as `split` says; a piece is kept only if the one before it ended exactly
    /// there (no comment, CDATA section or DOCTYPE ran across the cut) and defined
    /// no entities, otherwise the whole document is repaired in one piece.
    mutating func process(_ input: UnsafeBufferPointer<UInt8>,
                          split: Parallel.Split = .automatic) -> [UInt8]? {
        piecesKept = 1
        guard needsWork(input) else { return nil }
        let count = input.count
        let firstTag = input.firstIndex(of: 0x3C) ?? count
        let starts = [0] + split.cuts(count, after: firstTag) { XMLPreprocessor.pieceStart(in: input, from: $0) }
        let ranges = starts.indices.map { starts[$0]..<($0 + 1 < starts.count ? starts[$0 + 1] : count) }
        var copy = LazyCopy(input: input, range: ranges[0])
        // Junk before the first '<' (whitespace there is harmless).
        if input[..<firstTag].contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) {
            note("content before the first tag was dropped")
            copy.replace(0, upTo: firstTag, with: input[..<firstTag].filter { $0 == 0x0A })  // keep line numbers
        }
        guard ranges.count > 1 else {
            repair(input, from: firstTag, to: count, copy: &copy)
            return copy.finish()
        }
        var pieces = ranges.indices.map { number in
            Piece(repairer: number == 0 ? self : XMLPreprocessor(),
                  copy: number == 0 ? copy : LazyCopy(input: input, range: ranges[number]))
        }
        Parallel.forEach(&pieces, block: 1) { number, piece in
            piece.end = piece.repairer.repair(input, from: number == 0 ? firstTag : piece.copy.range.lowerBound,
                                              to: piece.copy.range.upperBound, copy: &piece.copy)
        }
        guard pieces.allSatisfy({ $0.end == $0.copy.range.upperBound && $0.repairer.entities.isEmpty }) else {
            var whole = XMLPreprocessor()
            let repaired = whole.process(input, split: .none)
            self = whole
            return repaired
        }
        problem = pieces.lazy.compactMap(\.repairer.problem).first
        piecesKept = pieces.count
        let outputs = pieces.indices.map { pieces[$0].copy.finish() }
        guard outputs.contains(where: { $0 != nil }) else { return nil }
        let lengths = pieces.indices.map { outputs[$0]?.count ?? pieces[$0].copy.range.count }
        return Parallel.joined(lengths: lengths) { number, destination in
            if let output = outputs[number] {
                _ = destination.initialize(fromContentsOf: output)
            } else {
                _ = destination.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: input[pieces[number].copy.range]))
            }
        }
    }

    private struct Piece {
        var repairer: XMLPreprocessor
        var copy: LazyCopy
        /// Where the repair stopped: past the range when something ran across its end.
        var end = 0
    }

    /// A place to cut at or after `start`: the `<` of an ordinary tag outside CDATA sections
    /// and comments. Whether `start` is inside one is judged by what comes first in the next
    /// MiB, its end or the start of another: HTML in CDATA is full of ordinary-looking tags,
    /// and a cut inside one made the whole document be repaired again on one core.
    private static func pieceStart(in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let window = UnsafeBufferPointer(rebasing: input[..<min(input.count, start + (1 << 20))])
        var cursor = start
        if let end = ByteScan.find("]]>", in: window, from: cursor),
           ByteScan.find("<![CDATA[", in: window, from: cursor).map({ $0 > end }) ?? true {
            cursor = end + 3
        }
        if let end = ByteScan.find("-->", in: window, from: cursor),
           ByteScan.find("<!--", in: window, from: cursor).map({ $0 > end }) ?? true {
            cursor = end + 3
        }
        return ordinaryTag(in: input, from: cursor)
    }

    /// The first `<` at or after `start` of an ordinary tag (not `<!` or `<?`).
    private static func ordinaryTag(in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var cursor = start
        while true {
            cursor = ByteScan.first(0x3C, in: input, from: cursor, to: input.count)
            guard cursor + 1 < input.count else { return nil }
            if input[cursor + 1] != 0x21, input[cursor + 1] != 0x3F { return cursor }
            cursor += 1
        }
    }

    /// Repairs `input[start..<limit]`; returns where it stopped (beyond `limit` when a
    /// comment, CDATA section or DOCTYPE that began before `limit` ends after it).
    @discardableResult
    private mutating func repair(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int,
                                 copy: inout LazyCopy) -> Int {
        var index = ByteScan.firstReferenceControlOrDeclaration(in: input, from: start, to: limit)
        while index < limit {
            let byte = input[index]
            if byte == 0x3C {  // '<'
                index = skipSpecial(input, at: index, copy: &copy) ?? index + 1
            } else if byte == 0x26 {  // '&'
                index = XMLPreprocessor.wellFormedReferenceEnd(input, at: index)
                    ?? reference(input, at: index, copy: &copy)
            } else {
                note("a control character that XML does not allow was dropped")
                copy.replace(index, upTo: index + 1, with: [])
                index += 1
            }
            if index < limit { index = ByteScan.firstReferenceControlOrDeclaration(in: input, from: index, to: limit) }
        }
        return index
    }

    private func needsWork(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = input.first, first != 0x3C { return true }
        // `&` twice: a reference or a forbidden control is what needs work here.
        let found = ByteScan.first(0x26, or: 0x26, orForbiddenControlIn: input, from: 0, to: input.count) < input.count
        // A DOCTYPE needs removing even without references.
        return found || (input.count > 9 && containsDoctype(input))
    }

    /// The index after the reference at `start` when it is one XML reads as it is
    /// (`&lt;`, `&amp;`, `&#8212;`, `&#x2014;` ...: the common case), else nil.
    private static func wellFormedReferenceEnd(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        guard let (_, length) = XMLReference.read(bytes, at: start, end: bytes.count) else { return nil }
        let upperCaseX = length > 2 && bytes[start + 1] == 0x23 && bytes[start + 2] == 0x58  // repaired to 'x'
        return upperCaseX ? nil : start + length
    }

    private func containsDoctype(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.find("<!DOCTYPE", in: UnsafeBufferPointer(rebasing: input.prefix(4096)), from: 0) != nil
    }

    private mutating func note(_ text: String) {
        if problem == nil { problem = text }
    }

    /// Steps over a comment, CDATA section or processing instruction (left as they are),
    /// or removes a DOCTYPE; returns the index after it, or nil for an ordinary tag.
    private mutating func skipSpecial(_ input: UnsafeBufferPointer<UInt8>, at start: Int, copy: inout LazyCopy) -> Int? {
        guard start + 1 < input.count else { return nil }
        if input[start + 1] == 0x3F {  // <? ... ?>
            let end = ByteScan.find("?>", in: input, from: start + 2) ?? input.count
            return min(end + 2, input.count)
        }
        guard input[start + 1] == 0x21 else { return nil }  // <!
        if ByteScan.hasPrefix("<!--", in: input, at: start) {
            return ByteScan.find("-->", in: input, from: start + 4).map { $0 + 3 } ?? input.count
        }
        if ByteScan.hasPrefix("<![CDATA[", in: input, at: start) {
            return ByteScan.find("]]>", in: input, from: start + 9).map { $0 + 3 } ?? input.count
        }
        if ByteScan.hasPrefix("<!DOCTYPE", in: input, at: start) || ByteScan.hasPrefix("<!doctype", in: input, at: start) {
            let end = skipDoctype(input, at: start)
            copy.replace(start, upTo: end, with: input[start..<end].filter { $0 == 0x0A })  // keep line numbers
            return end
        }
        return nil
    }

    /// The index after the DOCTYPE at `start`, remembering simple text entities of its internal subset.
    private mutating func skipDoctype(_ input: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
        var index = start + 9
        var inSubset = false
        var quote: UInt8?
        var subsetStart = 0
        while index < input.count {
            let byte = input[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x5B {  // [
                inSubset = true
                subsetStart = index + 1
            } else if byte == 0x5D, inSubset {  // ]
                readEntities(Array(input[subsetStart..<index]))
                inSubset = false
            } else if byte == 0x3E, !inSubset {  // >
                return index + 1
            }
            index += 1
        }
        note("the document ends inside its DOCTYPE")
        return input.count
    }

    /// `<!ENTITY name "value">` with plain-text values only: no references, no markup,
    /// at most 1,000 bytes — nothing that could expand or reach outside the document.
    private mutating func readEntities(_ subset: [UInt8]) {
        let text = String(decoding: subset, as: UTF8.self)
        var rest = Substring(text)
        while let range = rest.range(of: "<!ENTITY") {
            rest = rest[range.upperBound...]
            let parts = rest.prefix { $0 != ">" }
            rest = rest.dropFirst(parts.count)
            let tokens = parts.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard tokens.count == 2, tokens[0] != "%" else { continue }
            let name = String(tokens[0])
            let value = tokens[1].trimmingCharacters(in: .whitespacesAndNewlines)
            guard let quote = value.first, quote == "\"" || quote == "'", value.last == quote, value.count >= 2 else { continue }
            let literal = value.dropFirst().dropLast()
            guard literal.utf8.count <= 1000, !literal.contains("&"), !literal.contains("<"), !literal.contains("%") else {
                continue
            }
            entities[name] = Array(literal.utf8)
        }
    }

    /// Handles the reference at `start` ('&'); returns the index after it.
    /// XML's own references stay as they are; everything else is repaired.
    private mutating func reference(_ input: UnsafeBufferPointer<UInt8>, at start: Int, copy: inout LazyCopy) -> Int {
        var index = start + 1
        var name = [UInt8]()
        while index < input.count, name.count < 40 {
            let byte = input[index]
            let isNameByte = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x23 || byte == 0x2E || byte == 0x2D || byte == 0x5F || byte == 0x3A || byte >= 0x80
            guard isNameByte else { break }
            name.append(byte)
            index += 1
        }
        guard index < input.count, input[index] == 0x3B, !name.isEmpty else {  // no ';': a bare '&'
            note("a bare '&' was read as text")
            copy.replace(start, upTo: start + 1, with: Array("&amp;".utf8))
            return start + 1
        }
        let text = String(decoding: name, as: UTF8.self)
        let after = index + 1
        if text.hasPrefix("#") {
            if let scalar = numericScalar(text), XMLReference.isXMLChar(scalar) {
                if text.hasPrefix("#X") {  // XML wants a lower-case x
                    copy.replace(start, upTo: after, with: Array("&#x\(text.dropFirst(2));".utf8))
                }
            } else {
                note("an invalid character reference &\(text); was replaced")
                copy.replace(start, upTo: after, with: Array("&#xFFFD;".utf8))
            }
            return after
        }
        switch text {
        case "amp", "lt", "gt", "quot", "apos":
            break
        default:
            if let value = entities[text], expandedBytes + value.count <= XMLPreprocessor.maxExpandedBytes {
                expandedBytes += value.count
                var escaped = [UInt8]()
                for byte in value { appendEscaped(byte, into: &escaped) }
                copy.replace(start, upTo: after, with: escaped)
            } else if entities[text] != nil {
                note("DTD entities expand to more than \(XMLPreprocessor.maxExpandedBytes >> 20) MiB; the rest were read as text")
                copy.replace(start, upTo: start + 1, with: Array("&amp;".utf8))
            } else if let value = HTMLEntityTable.byName[text] {
                copy.replace(start, upTo: after, with: Array(value.unicodeScalars.map { "&#\($0.value);" }.joined().utf8))
                note("the HTML entity &\(text); is not defined in XML")
            } else {
                note("the undefined entity &\(text); was read as text")
                copy.replace(start, upTo: start + 1, with: Array("&amp;".utf8))
            }
        }
        return after
    }

    private func appendEscaped(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case 0x26: output.append(contentsOf: "&amp;".utf8)
        case 0x3C: output.append(contentsOf: "&lt;".utf8)
        default: output.append(byte)
        }
    }

    private func numericScalar(_ text: String) -> UInt32? {
        let digits = text.dropFirst()
        if digits.hasPrefix("x") || digits.hasPrefix("X") { return UInt32(digits.dropFirst(), radix: 16) }
        return UInt32(digits, radix: 10)
    }
}

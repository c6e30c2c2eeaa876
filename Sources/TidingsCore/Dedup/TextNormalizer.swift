import Foundation

/// An article's text reduced to what dedup compares: a stable 64-bit hash per
/// normalized word, grouped into lines (paragraphs) so that per-source
/// boilerplate lines can be recognised and left out.
struct NormalizedText: Sendable, Equatable {
    /// One line (a paragraph, a heading, a byline…): a hash of its words and where they are.
    struct Line: Sendable, Equatable {
        /// Hash of the line's normalized words: the same for the same line however it was formatted.
        var key: UInt64
        var words: Range<Int>
    }

    var words: [UInt64] = []
    var lines: [Line] = []
    /// What each word looked like before normalizing (`WordFlags`), for story grouping.
    var flags: [WordFlags] = []

    /// The key all the words would have as one line (a headline's key).
    var singleLineKey: UInt64 { Self.singleLineKey(of: words) }

    /// The key `words` would have as one line.
    static func singleLineKey(of words: some Sequence<UInt64>) -> UInt64 {
        var key = DedupHash.seed
        for word in words { key = DedupHash.combine(key, word) }
        return DedupHash.finalize(key)
    }

    /// The words of the lines that are not in `excluded`.
    func words(excludingLines excluded: Set<UInt64>) -> [UInt64] {
        guard !excluded.isEmpty else { return words }
        var kept: [UInt64] = []
        kept.reserveCapacity(words.count)
        for line in lines where !excluded.contains(line.key) { kept.append(contentsOf: words[line.words]) }
        return kept
    }
}

/// How a word was written, which normalizing forgets: story grouping reads names,
/// numbers and quotations from it.
struct WordFlags: OptionSet, Sendable, Equatable {
    let rawValue: UInt8
    /// Its first letter was upper case ("Almaty", "CSTO").
    static let capitalized = WordFlags(rawValue: 1)
    /// It opens a sentence or a line, where a capital says nothing.
    static let sentenceStart = WordFlags(rawValue: 2)
    /// It starts with a digit.
    static let number = WordFlags(rawValue: 4)
    /// It stands inside quotation marks.
    static let quoted = WordFlags(rawValue: 8)
}

/// Text → normalized words: HTML stripped and entities decoded, then NFKC,
/// case folded, typographic quotes and dashes unified, punctuation dropped,
/// whitespace collapsed. Apostrophes inside a word vanish ("don’t" = "dont");
/// every other non-alphanumeric character separates words.
///
/// Plain ASCII and text that is already NFKC-stable take a byte-level path;
/// a word with a scalar that NFKC or case folding would change goes through
/// Foundation's normalization on its own, so the result equals full NFKC +
/// case folding at a fraction of the cost.
enum TextNormalizer {
    static func normalize(_ text: String) -> NormalizedText {
        var text = text
        return text.withUTF8 { normalize(utf8: $0) }
    }

    /// The same for UTF-8 bytes (invalid sequences are read as U+FFFD, never trusted).
    static func normalize(utf8 bytes: UnsafeBufferPointer<UInt8>) -> NormalizedText {
        scanned(bytes) { $0.result }
    }

    /// `normalize(text)`'s single-line key and word count, without the rest of the result (a
    /// headline without its site name needs no more).
    static func singleLineKey(of text: String) -> (key: UInt64, wordCount: Int) {
        var text = text
        return text.withUTF8 { scanned($0) { $0.singleLineKey } }
    }

    /// What `read` takes from a scanner that has read `bytes` (its buffers go back after).
    private static func scanned<Result>(_ bytes: UnsafeBufferPointer<UInt8>, _ read: (Scanner) -> Result) -> Result {
        var scanner = Scanner(markup: looksLikeMarkup(bytes), textLength: bytes.count)
        defer { scanner.release() }
        scanner.scan(bytes)
        return read(scanner)
    }

    /// Tags or character references: the text is read as HTML.
    static func looksLikeMarkup(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = ByteScan.first(0x26, or: 0x3C, in: bytes, from: 0, to: bytes.count)
        while index < bytes.count {
            if bytes[index] == 0x26 { return true }
            if index + 1 < bytes.count {
                let next = bytes[index + 1]
                if next == 0x2F || next == 0x21 || (next | 0x20 >= 0x61 && next | 0x20 <= 0x7A) { return true }
            }
            index = ByteScan.first(0x26, or: 0x3C, in: bytes, from: index + 1, to: bytes.count)
        }
        return false
    }

    /// Seeded, fixed hash of one normalized word (FNV-1a, then a 64-bit finalizer
    /// so that every bit depends on every byte).
    static func wordHash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ DedupHash.seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return DedupHash.finalize(hash)
    }

    private struct Scanner {
        /// The words and their flags so far, in buffers of their own: appending is a store and a
        /// compare, not an Array append (a call to check the array is not shared, each time).
        /// The buffers are the thread's (`ScannerBuffers`), lent for this text.
        private let buffers: ScannerBuffers
        private var words: UnsafeMutableBufferPointer<UInt64>
        private var flags: UnsafeMutableBufferPointer<WordFlags>
        private var wordCount = 0
        private var lines: [NormalizedText.Line] = []
        /// Read tags (block elements break lines, script and style are skipped) and character references.
        let markup: Bool
        /// The current word's bytes (for the Unicode path), its length and its running FNV-1a hash.
        private let word: UnsafeMutableBufferPointer<UInt8>
        private var wordLength = 0
        private var wordState = Scanner.emptyWord
        private var wordNeedsUnicode = false
        private static let wordCapacity = 512
        private static let emptyWord: UInt64 = 0xcbf2_9ce4_8422_2325 ^ DedupHash.seed
        private var lineStart = 0
        private var lineKey = DedupHash.seed
        /// The flags the word being read will have.
        private var wordFlags: WordFlags = []
        private var atSentenceStart = true
        private var inQuotation = false

        /// `textLength`: the bytes to scan (prose has a word every six or so, a line every few hundred).
        init(markup: Bool, textLength: Int) {
            self.markup = markup
            buffers = ScannerBuffers.take(words: textLength / 5 + 16, wordCapacity: Self.wordCapacity)
            words = buffers.words
            flags = buffers.flags
            word = buffers.word
            lines.reserveCapacity(textLength / 128 + 4)
        }

        /// Moves the words to buffers twice the size. The lent ones stay the thread's until
        /// `release` hands the larger ones back in their place.
        private mutating func growWords() {
            let lent = words.baseAddress == buffers.words.baseAddress
            let larger = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words.count * 2)
            _ = larger.initialize(fromContentsOf: words)
            if !lent { words.deallocate() }
            words = larger
            let largerFlags = UnsafeMutableBufferPointer<WordFlags>.allocate(capacity: flags.count * 2)
            _ = largerFlags.initialize(fromContentsOf: flags)
            if !lent { flags.deallocate() }
            flags = largerFlags
        }

        func release() {
            buffers.giveBack(words: words, flags: flags)
        }

        /// What was scanned.
        var result: NormalizedText {
            NormalizedText(words: Array(words[..<wordCount]), lines: lines, flags: Array(flags[..<wordCount]))
        }

        /// `result.singleLineKey` and its word count, read from the buffers.
        var singleLineKey: (key: UInt64, wordCount: Int) {
            (NormalizedText.singleLineKey(of: words[..<wordCount]), wordCount)
        }

        @inline(__always)
        private mutating func add(_ byte: UInt8) {
            wordState = (wordState ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            if wordLength < Self.wordCapacity { word[wordLength] = byte }
            wordLength += 1
        }

        /// ASCII letters and digits, lower-cased; 0 for every other byte.
        private static let wordBytes: [UInt8] = (0..<256).map { value in
            switch value {
            case 0x61...0x7A, 0x30...0x39: UInt8(value)
            case 0x41...0x5A: UInt8(value | 0x20)
            default: 0
            }
        }

        mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
            Self.wordBytes.withUnsafeBufferPointer { scan(bytes, wordBytes: $0) }
        }

        private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, wordBytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            let count = bytes.count
            // In a local: a store into the word's buffer could alias the scanner, so the property
            // would be read again at every byte.
            let wordBuffer = word.baseAddress!
            while index < count {
                let byte = bytes[index]
                var mapped = wordBytes[Int(byte)]
                if mapped != 0 {
                    // A run of ASCII word bytes: hashed and buffered without leaving this loop.
                    if wordLength == 0 { startWord(capitalized: byte != mapped, number: Self.isDigit(mapped)) }
                    var state = wordState
                    var length = wordLength
                    repeat {
                        state = (state ^ UInt64(mapped)) &* 0x0000_0100_0000_01b3
                        if length < Self.wordCapacity { wordBuffer[length] = mapped }
                        length &+= 1
                        index &+= 1
                        mapped = index < count ? wordBytes[Int(bytes[index])] : 0
                    } while mapped != 0
                    wordState = state
                    wordLength = length
                    // Most words end at a space.
                    if index < count, bytes[index] == 0x20 {
                        endWord()
                        index &+= 1
                    }
                    continue
                }
                if byte < 0x80 {
                    // Letters and digits never get here (`wordBytes` maps them).
                    switch byte {
                    case 0x27: index += 1  // apostrophe: joins
                    case 0x0A: endWord(); endLine(); index += 1
                    case 0x2E, 0x21, 0x3F: endWord(); atSentenceStart = true; index += 1  // . ! ?
                    case 0x22: endWord(); inQuotation.toggle(); index += 1
                    case 0x3C where markup: index = tag(bytes, at: index)
                    case 0x26 where markup: index = reference(bytes, at: index)
                    default: endWord(); index += 1
                    }
                    continue
                }
                let (scalar, length) = Self.decode(bytes, at: index)
                consume(scalar)
                index += length
            }
            endWord()
            endLine()
        }

        /// One non-ASCII (or decoded) scalar.
        private mutating func consume(_ scalar: Unicode.Scalar) {
            switch scalar.value {
            case 0x27, 0x2018, 0x2019, 0x201B, 0x2032, 0x02BC, 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF:
                break  // apostrophes, soft hyphen, zero-width characters: join
            case 0x0A, 0x2028, 0x2029, 0x0085:
                endWord(); endLine()
            case 0..<0x80:
                let byte = UInt8(scalar.value)
                switch byte {
                case 0x61...0x7A, 0x30...0x39: addASCII(byte, capitalized: false)
                case 0x41...0x5A: addASCII(byte | 0x20, capitalized: true)
                case 0x2E, 0x21, 0x3F: endWord(); atSentenceStart = true
                case 0x22: endWord(); inQuotation.toggle()
                default: endWord()
                }
            case 0x201C, 0x201E, 0x00AB:
                endWord(); inQuotation = true  // opening quotation marks
            case 0x201D, 0x00BB:
                endWord(); inQuotation = false  // closing ones
            case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000, 0x2010...0x2015, 0x2212, 0x201F, 0x2026:
                endWord()  // spaces, dashes, double quotes, ellipsis: separate
            default:
                let properties = scalar.properties
                if properties.canonicalCombiningClass != .notReordered {
                    if wordLength > 0 { append(scalar, needsUnicode: true) }
                } else if properties.isAlphabetic || properties.numericType != nil {
                    append(scalar, needsUnicode: properties.changesWhenNFKCCaseFolded)
                } else if properties.changesWhenNFKCCaseFolded, !properties.isWhitespace {
                    append(scalar, needsUnicode: true)
                } else {
                    endWord()
                }
            }
        }

        /// Notes how the word now starting is written.
        @inline(__always)
        private mutating func startWord(capitalized: Bool, number: Bool) {
            wordFlags = []
            if capitalized { wordFlags.insert(.capitalized) }
            if number { wordFlags.insert(.number) }
            if atSentenceStart { wordFlags.insert(.sentenceStart) }
            if inQuotation { wordFlags.insert(.quoted) }
        }

        private mutating func addASCII(_ byte: UInt8, capitalized: Bool) {
            if wordLength == 0 { startWord(capitalized: capitalized, number: Self.isDigit(byte)) }
            add(byte)
        }

        private mutating func append(_ scalar: Unicode.Scalar, needsUnicode: Bool) {
            if wordLength == 0 { startWord(capitalized: scalar.properties.isUppercase, number: false) }  // only ASCII digits count
            for byte in UTF8.encode(scalar)! { add(byte) }
            if needsUnicode { wordNeedsUnicode = true }
        }

        /// A tag at `start` (`<`): block elements end the line, raw-text elements are skipped whole,
        /// comments vanish, inline elements join. Returns where scanning goes on.
        private mutating func tag(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
            var index = start + 1
            if Self.hasPrefix(bytes, at: index, "!--") {
                return (Self.find(bytes, "-->", from: index + 3) ?? bytes.count - 3) + 3
            }
            let closing = index < bytes.count && bytes[index] == 0x2F
            if closing { index += 1 }
            let nameStart = index
            while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
            if index == nameStart {
                guard !closing, nameStart < bytes.count, bytes[nameStart] == 0x21 || bytes[nameStart] == 0x3F else {
                    endWord()  // a lone '<' is text
                    return start + 1
                }
                return (Self.find(bytes, ">", from: nameStart) ?? bytes.count - 1) + 1  // <!DOCTYPE …>, <?xml …?>
            }
            let name = TagName(UnsafeBufferPointer(rebasing: bytes[nameStart..<index]))
            let end = (Self.find(bytes, ">", from: index) ?? bytes.count - 1) + 1
            if !closing, TagName.rawText.contains(name) {
                let closeTag = [0x3C, 0x2F] + bytes[nameStart..<index]
                guard let close = Self.find(bytes, closeTag, from: end, caseInsensitive: true) else { return bytes.count }
                return (Self.find(bytes, ">", from: close) ?? bytes.count - 1) + 1
            }
            if TagName.lineBreaking.contains(name) {
                endWord()
                endLine()
            } else if TagName.wordBreaking.contains(name) {
                endWord()
            }
            return end
        }

        /// A character reference at `start` (`&`), decoded and consumed; anything else is text.
        private mutating func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
            guard let (replacement, length) = HTMLEntities.reference(in: bytes, at: start) else {
                endWord()
                return start + 1
            }
            for scalar in replacement.unicodeScalars { consume(scalar) }
            return start + length
        }

        private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        private static func isNameByte(_ byte: UInt8) -> Bool {
            (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }

        private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: String) -> Bool {
            var position = index
            for byte in prefix.utf8 {
                guard position < bytes.count, bytes[position] == byte else { return false }
                position += 1
            }
            return true
        }

        private static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from start: Int) -> Int? {
            if needle.utf8CodeUnitCount == 1 {
                let target = needle.utf8Start.pointee
                var index = start
                while index < bytes.count {
                    if bytes[index] == target { return index }
                    index += 1
                }
                return nil
            }
            return find(bytes, Array(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)), from: start)
        }

        private static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], from start: Int,
                                 caseInsensitive: Bool = false) -> Int? {
            guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
            var index = start
            while index <= bytes.count - pattern.count {
                if bytes[index] == first {
                    var offset = 1
                    while offset < pattern.count,
                          caseInsensitive ? bytes[index + offset] | 0x20 == pattern[offset] | 0x20 : bytes[index + offset] == pattern[offset] {
                        offset += 1
                    }
                    if offset == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }

        private mutating func endWord() {
            guard wordLength > 0 else { return }
            let hash: UInt64
            if wordNeedsUnicode {
                let bytes = UnsafeBufferPointer(rebasing: word[..<min(wordLength, Self.wordCapacity)])
                hash = TextNormalizer.wordHash(Self.foldedWithFoundation(bytes).utf8)
                wordNeedsUnicode = false
            } else {
                hash = DedupHash.finalize(wordState)
            }
            wordLength = 0
            wordState = Self.emptyWord
            if wordCount == words.count { growWords() }
            words[wordCount] = hash
            flags[wordCount] = wordFlags
            wordCount += 1
            wordFlags = []
            atSentenceStart = false
            lineKey = DedupHash.combine(lineKey, hash)
        }

        private mutating func endLine() {
            atSentenceStart = true
            let end = wordCount
            if end > lineStart {
                lines.append(NormalizedText.Line(key: DedupHash.finalize(lineKey), words: lineStart..<end))
            }
            lineStart = end
            lineKey = DedupHash.seed
        }

        /// NFKC, then lower case with the full case folds the lowercase mapping misses,
        /// keeping only letters, digits and marks (NFKC can turn "½" into "1⁄2").
        private static func foldedWithFoundation(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            let folded = String(decoding: bytes, as: UTF8.self).precomposedStringWithCompatibilityMapping.lowercased()
            var scalars = String.UnicodeScalarView()
            for scalar in folded.unicodeScalars {
                switch scalar.value {
                case 0xDF: scalars.append("s"); scalars.append("s")  // ß
                case 0x3C2: scalars.append("\u{3C3}")  // final sigma
                default:
                    let properties = scalar.properties
                    if properties.isAlphabetic || properties.numericType != nil
                        || properties.canonicalCombiningClass != .notReordered {
                        scalars.append(scalar)
                    }
                }
            }
            return String(scalars)
        }

        /// Decodes one scalar of valid UTF-8 (Swift strings always are).
        private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
            let lead = UInt32(bytes[index])
            var value: UInt32
            var length: Int
            if lead < 0xE0 { value = lead & 0x1F; length = 2 } else if lead < 0xF0 { value = lead & 0x0F; length = 3 } else {
                value = lead & 0x07; length = 4
            }
            for offset in 1..<length where index + offset < bytes.count {
                value = value << 6 | (UInt32(bytes[index + offset]) & 0x3F)
            }
            return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
        }
    }

    static let rawTextElements: Set<String> = ["script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"]
    static let blockElements: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure",
        "figcaption", "hr", "address", "details", "summary", "body", "html",
    ]

    /// An element name as one number, for the normalizer's every-tag lookups without making
    /// a String: up to 10 letters and digits, lower-cased, 6 bits each (longer names are never
    /// looked for, and all map to one value no set holds).
    struct TagName: Hashable {
        let code: UInt64

        init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            guard bytes.count <= 10 else {
                code = .max
                return
            }
            var code: UInt64 = 0
            for byte in bytes {
                let lower = byte | 0x20
                // Letters 1-26, digits 27-36.
                code = code << 6 | UInt64(lower >= 0x61 ? lower - 0x60 : lower - 0x30 + 27)
            }
            self.code = code
        }

        init(_ name: String) { self.init(Array(name.utf8)) }

        static let rawText = Set(TextNormalizer.rawTextElements.map(TagName.init))
        static let lineBreaking = Set((TextNormalizer.blockElements.union(["br"])).map(TagName.init))
        static let wordBreaking = Set(["td", "th", "img"].map(TagName.init))
    }
}

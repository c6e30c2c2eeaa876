import Foundation

/// Assembles a `ParsedFeed` from XML events (start, characters, end, error),
/// the way the Universal Feed Parser reads feeds.
///
/// A class, as one builder is handed from the scanner to the pieces it forks (as a
/// struct of 600 bytes it was copied at every call that only reads it). Its state
/// is `@exclusivity(unchecked)`: one thread drives a builder, through calls that
/// never overlap, and the run-time check on every field access cost 4% of parsing.
final class FeedBuilder {
    /// One open element.
    private struct Element: Equatable {
        let key: String
        let name: FeedName
        let attributes: XMLAttributes
        let base: URL?
        let language: String?
        var text = ""
        /// The element's text while it is one run of the document as written (no
        /// references, no CR; `text` is then empty): no String is made for it until one
        /// is needed, and a construct's value is made from these bytes directly.
        var rawText: Range<Int>?
        /// Set when the element is a text construct (title, summary, content...).
        var construct: TextConstructKind?
        /// A wrapper whose text belongs to the construct around it (TypePad's `<div>`).
        var forwardsText = false

        init(key: String, name: FeedName? = nil, attributes: XMLAttributes, base: URL?, language: String?,
             construct: TextConstructKind? = nil) {
            self.key = key
            self.construct = construct
            self.name = name ?? FeedName(key: key)
            self.attributes = attributes
            self.base = base
            self.language = language
        }
    }

    /// The document's bytes, for `Element.rawText`. Valid only while the scan runs:
    /// every raw text is made a String before its element is closed.
    private let document: UnsafeBufferPointer<UInt8>
    private let documentURL: URL?
    @exclusivity(unchecked) private var stack: [Element] = []
    @exclusivity(unchecked) private(set) var rootElement: String?
    @exclusivity(unchecked) private(set) var rejection: FeedParseError?
    /// The first error libxml2 reported, even if it recovered.
    @exclusivity(unchecked) private(set) var firstError: (line: Int, column: Int, problem: XMLProblem)?
    @exclusivity(unchecked) private var feed = ParsedFeed(format: .rss20)
    @exclusivity(unchecked) private var recognized = false
    @exclusivity(unchecked) private var entry: FeedEntry?
    /// Depth of the open entry's element; 0 when no entry is open.
    @exclusivity(unchecked) private var entryDepth = 0
    /// Asked instead of `entry != nil`, which would copy the whole entry to look at it.
    private var isInEntry: Bool { entryDepth > 0 }
    @exclusivity(unchecked) private var entryHasAlternateLink = false
    @exclusivity(unchecked) private var entryGuidIsLink = false
    @exclusivity(unchecked) private var feedHasAlternateLink = false
    @exclusivity(unchecked) private var person = PersonParts()
    /// Depth of an element whose content is ignored: an entry's `<source>`, or an entry past `maxEntries`.
    @exclusivity(unchecked) private var ignoredDepth: Int?
    /// Depth of an element whose children are kept as markup (XHTML content).
    @exclusivity(unchecked) private var markupDepth: Int?

    private let maxEntries: Int

    init(document: UnsafeBufferPointer<UInt8>, documentURL: URL?, maxEntries: Int) {
        self.document = document
        self.documentURL = documentURL
        self.maxEntries = maxEntries
    }

    func result() -> ParsedFeed? { recognized ? feed : nil }

    /// Closes what a truncated document left open, so its last entry is not lost.
    func closeOpenElements() {
        while let open = stack.last { endElement(name: open.key) }
    }

    /// True once the document is known not to be a feed: the tokenizer may stop.
    var shouldStop: Bool { rejection != nil }

    var hasError: Bool { firstError != nil || rejection != nil }

    /// The innermost open element's name (read in place: `stack.last` copies the element).
    private var innermostName: FeedName? { stack.isEmpty ? nil : stack[stack.count - 1].name }

    private var isAtom: Bool { feed.format == .atom10 || feed.format == .atom03 }

    // MARK: Events

    /// A well-formedness error; only the first is kept.
    func error(line: Int, column: Int, problem: XMLProblem) {
        if firstError == nil, rejection == nil { firstError = (line, column, problem) }
    }

    func startElement(_ element: ElementName, attributes: XMLAttributes) {
        let name = element.local
        if !stack.isEmpty { makeString(&stack[stack.count - 1]) }  // the parent's text is read below as a String
        // The parent's fields are read in place: `stack.last` would copy the whole element.
        let parentIndex = stack.indices.last
        let parentBase = parentIndex.map { stack[$0].base } ?? nil
        let parentLanguage = parentIndex.map { stack[$0].language } ?? nil
        if let markupDepth, stack.count >= markupDepth {
            stack[stack.count - 1].text += XHTMLMarkup.startTag(name, attributes: attributes)
            stack.append(Element(key: name, attributes: attributes, base: parentBase, language: parentLanguage))
            return
        }
        if let parentIndex, let construct = stack[parentIndex].construct, !construct.keepsChildMarkup {
            // Markup inside a text construct that did not declare it.
            if name == "div", stack[parentIndex].text.isBlank {
                var wrapper = Element(key: name, attributes: attributes, base: parentBase, language: parentLanguage)
                wrapper.forwardsText = true
                stack.append(wrapper)
                return
            }
            stack[stack.count - 1].construct = .xhtml
            markupDepth = stack.count
            stack[stack.count - 1].text = XHTMLMarkup.escape(stack[stack.count - 1].text)
                + XHTMLMarkup.startTag(name, attributes: attributes)
            stack.append(Element(key: name, attributes: attributes, base: parentBase, language: parentLanguage))
            return
        }
        let key = element.key
        // Most elements have no attributes: then no lookup (each would hash the name).
        let base = attributes.isEmpty ? parentBase ?? documentURL
            : FeedKey.base(attributes["xml:base"], parent: parentBase ?? documentURL)
        var language = parentLanguage
        if !attributes.isEmpty, let lang = attributes["xml:lang"] ?? attributes["lang"] { language = lang.isEmpty ? nil : lang }
        if stack.isEmpty, !start(root: key, qualifiedName: element.qualified, namespace: element.namespaceURI,
                                 attributes: attributes, language: language) {
            return
        }
        let namespaceURI = element.namespaceURI
        let feedName = element.name
        var construct: TextConstructKind?
        if ignoredDepth == nil {
            switch feedName {
            case .item where !isInEntry && feed.entries.count >= maxEntries,
                 .entry where !isInEntry && feed.entries.count >= maxEntries:
                droppedEntries += 1
                ignoredDepth = stack.count + 1
            case .item where !isInEntry, .entry where !isInEntry:
                entry = FeedEntry()
                entryDepth = stack.count + 1
                entryHasAlternateLink = false
                entryGuidIsLink = false
                if let about = attributes["rdf:about"], !about.isEmpty { entry?.id = about }
            case .source where isInEntry:
                ignoredDepth = stack.count + 1
            case .author, .contributor:
                person = PersonParts()
            case .link where attributes["href"] != nil:
                takeLink(attributes, base: base)
            case .enclosure where attributes["url"] != nil && isInEntry:
                addEnclosure(FeedEnclosure(href: FeedKey.resolve(attributes["url"] ?? "", base: base),
                                           type: attributes["type"], length: attributes["length"]))
            case .mediaContent where attributes["url"] != nil && isInEntry,
                 .mediaThumbnail where attributes["url"] != nil && isInEntry:
                // Media RSS (also inside media:group).
                let type = attributes["type"] ?? attributes["medium"] ?? (feedName == .mediaThumbnail ? "image" : nil)
                addEnclosure(FeedEnclosure(href: FeedKey.resolve(attributes["url"] ?? "", base: base), type: type,
                                           length: attributes["fileSize"]))
            case .channel where namespaceURI == FeedNamespace.rss090:
                feed.format = .rss090
            default:
                break
            }
            construct = TextConstructKind.of(feedName, attributes: attributes, isAtom: isAtom)
            if construct?.keepsChildMarkup == true { markupDepth = stack.count + 1 }
        }
        // Made in place in the stack: a local appended would be copied, field by field.
        stack.append(Element(key: key, name: feedName, attributes: attributes, base: base, language: language,
                             construct: construct))
    }

    /// Keeps each linked file once, however many elements name it.
    private func addEnclosure(_ enclosure: FeedEnclosure) {
        guard entry?.enclosures.contains(where: { $0.href == enclosure.href }) == false else { return }
        entry?.enclosures.append(enclosure)
    }

    /// Recognises the format from the root element; false (and parsing stops) when it is no feed.
    private func start(root key: String, qualifiedName: String, namespace: String, attributes: XMLAttributes,
                       language: String?) -> Bool {
        rootElement = qualifiedName
        guard let format = FeedKey.format(root: key, namespace: namespace, attributes: attributes) else {
            rejection = .notAFeed(rootElement: qualifiedName)
            return false
        }
        feed.format = format
        feed.language = language
        recognized = true
        return true
    }

    /// False when text would be dropped or trimmed away unread: anything inside an
    /// ignored element, and whitespace before an element's first text outside
    /// markup (whatever reads such text trims it). The scanner then makes no string.
    func needsText(isBlank: Bool) -> Bool {
        if ignoredDepth != nil { return false }
        guard isBlank, markupDepth == nil else { return true }
        return textOwner.map { !stack[$0].text.isEmpty || stack[$0].rawText != nil } ?? false
    }

    /// Text that is the document's bytes at `range` as written: no references, no CR.
    func characters(in range: Range<Int>) {
        if ignoredDepth != nil { return }
        if markupDepth == nil, range.count <= FeedBuilder.maxTextBytes, let owner = textOwner,
           stack[owner].text.isEmpty, stack[owner].rawText == nil {
            stack[owner].rawText = range
            return
        }
        characters(string(range))
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: document[range]), as: UTF8.self)
    }

    /// An element's text as a String: its raw bytes made one if they are still raw.
    private func string(of element: Element) -> String {
        element.rawText.map(string) ?? element.text
    }

    /// Makes an element's raw text its String (`text`) from now on.
    private func makeString(_ element: inout Element) {
        guard element.rawText != nil else { return }
        element.text = string(of: element)
        element.rawText = nil
    }

    /// The trimmed text of an element that is no text construct. A construct whose text is
    /// still raw gets "": its fields are read by `text(of:)`, which makes it a String once.
    private func trimmedPlainText(_ element: Element) -> String {
        element.rawText == nil ? element.text.trimmedWhitespace : ""
    }

    /// Text, entities already decoded (CDATA included).
    func characters(_ string: String) {
        if ignoredDepth != nil { return }
        append(markupDepth != nil ? XHTMLMarkup.escape(string) : string)
    }

    /// The open element that collects text: the innermost one that does not forward it.
    private var textOwner: Int? {
        var index = stack.count - 1
        while index > 0, stack[index].forwardsText { index -= 1 }
        return index >= 0 ? index : nil
    }

    private func append(_ text: String) {
        guard let index = textOwner else { return }
        makeString(&stack[index])
        let room = FeedBuilder.maxTextBytes - stack[index].text.utf8.count
        guard text.utf8.count <= room else {
            // No feed text is this long; a hostile one must not take the memory with it.
            if room > 0 { stack[index].text += String(decoding: text.utf8.prefix(room), as: UTF8.self) }
            if truncatedText == nil { truncatedText = "a text longer than \(FeedBuilder.maxTextBytes >> 20) MiB was cut short" }
            return
        }
        stack[index].text += text
    }

    /// The most text one element may collect.
    static let maxTextBytes = 4 << 20
    /// Set when some text was cut at `maxTextBytes`.
    @exclusivity(unchecked) private(set) var truncatedText: String?
    /// Entries past `maxEntries`, counted and not built.
    @exclusivity(unchecked) private(set) var droppedEntries = 0

    func endElement(name: String) {
        guard var element = stack.popLast() else { return }
        if element.forwardsText { return }
        // Only a text construct's value is made from the raw bytes (`text(of:)`).
        if element.construct == nil || markupDepth != nil { makeString(&element) }
        if let depth = markupDepth {
            if stack.count >= depth {
                stack[stack.count - 1].text += element.text + (XHTMLMarkup.isVoid(name) && element.text.isEmpty ? "" : "</\(name)>")
                return
            }
            markupDepth = nil
        }
        let depth = stack.count + 1
        if let ignoredDepth {
            if depth == ignoredDepth { self.ignoredDepth = nil }
            return
        }
        if isInEntry, depth == entryDepth {
            finishEntry()
            return
        }
        let parent = innermostName
        if parent == .author || parent == .contributor {
            person.take(element.name, string(of: element).trimmedWhitespace)
            return
        }
        if isInEntry {
            if depth == entryDepth + 1 { assignEntryField(element) }
        } else if parent == .channel || (parent == .feed && depth == 2) || (stack.count == 1 && isRDFOrRSSRoot) {
            assignFeedField(element)
        }
    }

    private var isRDFOrRSSRoot: Bool { feed.format == .rss10 || feed.format == .rss090 }

    // MARK: Fields

    /// Sets the open entry's field from `element`. Each value is made before `entry!` is
    /// written, so the entry is changed in place: never copied or moved per field.
    private func assignEntryField(_ element: Element) {
        guard isInEntry else { return }
        let trimmed = trimmedPlainText(element)
        switch element.name {
        case .title, .dcTitle:
            if entry!.title == nil || element.name == .title { entry!.title = text(of: element) }
        case .link where element.attributes["href"] == nil:
            let rel = element.attributes["rel"]?.lowercased() ?? "alternate"
            if !trimmed.isEmpty, rel == "alternate" { entry!.link = FeedKey.resolve(trimmed, base: element.base) }
        case .guid:
            if !trimmed.isEmpty {
                entry!.id = trimmed
                entryGuidIsLink = (element.attributes["isPermaLink"] ?? "true").lowercased() != "false"
            }
        case .id, .dcIdentifier:
            if !trimmed.isEmpty { entry!.id = trimmed }
        case .description, .summary, .dcDescription:
            // The second of description/summary is the fuller text (feedparser's rule).
            if entry!.summary == nil {
                entry!.summary = text(of: element)
            } else if entry!.content == nil, element.name != .dcDescription {
                entry!.content = text(of: element)
            }
        case .itunesSummary:
            if entry!.summary == nil { entry!.summary = text(of: element) }
        case .content, .contentEncoded, .xhtmlBody, .body, .fullitem:
            entry!.content = text(of: element)
        case .author:
            if let display = person.display ?? (trimmed.isEmpty ? nil : trimmed) { entry!.author = display }
        case .dcCreator, .itunesAuthor, .dcAuthor:
            if entry!.author == nil, !trimmed.isEmpty { entry!.author = trimmed }
        case .pubDate, .published, .issued, .dctermsIssued, .dctermsCreated, .created:
            if entry!.published == nil { entry!.published = FeedDate.parse(trimmed) }
        case .updated, .modified, .dcDate, .dctermsModified:
            if entry!.updated == nil { entry!.updated = FeedDate.parse(trimmed) }
        case .category, .dcSubject, .tags, .itunesKeywords:
            let tags = tags(element, trimmed: trimmed)
            entry!.tags += tags
        default:
            break
        }
    }

    /// Categories: Atom `term`/`scheme`/`label`, RSS text with `domain`, and comma-separated keyword lists.
    private func tags(_ element: Element, trimmed: String) -> [FeedTag] {
        switch element.name {
        case .tags, .itunesKeywords:
            return trimmed.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }.map { FeedTag(term: $0) }
        case .dcSubject:
            return trimmed.isEmpty ? [] : [FeedTag(term: trimmed)]
        default:
            let term = element.attributes["term"] ?? trimmed
            guard !term.isEmpty else { return [] }
            return [FeedTag(term: term, scheme: element.attributes["scheme"] ?? element.attributes["domain"],
                            label: element.attributes["label"])]
        }
    }

    private func assignFeedField(_ element: Element) {
        let trimmed = trimmedPlainText(element)
        switch element.name {
        case .title, .dcTitle:
            if feed.title == nil || element.name == .title { feed.title = text(of: element) }
        case .link where element.attributes["href"] == nil:
            if !trimmed.isEmpty, !feedHasAlternateLink { feed.link = FeedKey.resolve(trimmed, base: element.base) }
        case .description, .subtitle, .tagline, .dcDescription:
            feed.subtitle = text(of: element)
        case .itunesSummary, .itunesSubtitle:
            if feed.subtitle == nil { feed.subtitle = text(of: element) }
        case .language, .dcLanguage:
            if !trimmed.isEmpty { feed.language = trimmed }
        case .ttl:
            if let minutes = Int(trimmed), minutes > 0 { feed.ttlMinutes = minutes }
        case .id:
            if !trimmed.isEmpty { feed.id = trimmed }
        case .author:
            if let display = person.display ?? (trimmed.isEmpty ? nil : trimmed) { feed.author = display }
        case .managingEditor, .dcCreator, .itunesAuthor, .dcAuthor:
            if feed.author == nil, !trimmed.isEmpty { feed.author = trimmed }
        case .updated, .modified, .lastBuildDate, .dcDate, .dctermsModified:
            if feed.updated == nil { feed.updated = FeedDate.parse(trimmed) }
        case .pubDate, .published, .issued, .dctermsIssued:
            if feed.published == nil { feed.published = FeedDate.parse(trimmed) }
        case .category, .dcSubject, .tags, .itunesKeywords:
            feed.tags += tags(element, trimmed: trimmed)
        default:
            break
        }
    }

    /// An Atom-style `<link href rel type>`: the alternate link, or an enclosure.
    private func takeLink(_ attributes: XMLAttributes, base: URL?) {
        let rel = (attributes["rel"] ?? "alternate").lowercased()
        let href = FeedKey.resolve(attributes["href"] ?? "", base: base)
        let type = attributes["type"]?.lowercased()
        let isHTMLType = type == nil || type == "text/html" || type == "application/xhtml+xml"
        if isInEntry {
            if ignoredDepth != nil || stack.count + 1 != entryDepth + 1 { return }
            if rel == "enclosure" {
                addEnclosure(FeedEnclosure(href: href, type: attributes["type"], length: attributes["length"]))
            } else if rel == "alternate", !entryHasAlternateLink || entry?.link == nil {
                if isHTMLType || entry?.link == nil {
                    entry?.link = href
                    entryHasAlternateLink = isHTMLType
                }
            }
        } else if innermostName == .feed || innermostName == .channel {
            if rel == "alternate", !feedHasAlternateLink || feed.link == nil, isHTMLType || feed.link == nil {
                feed.link = href
                feedHasAlternateLink = isHTMLType
            }
        }
    }

    private func finishEntry() {
        guard var finished = entry.take() else { return }  // moved out, not copied
        entryDepth = 0
        if finished.summary == nil, let content = finished.content { finished.summary = content }
        if finished.link == nil, entryGuidIsLink, let id = finished.id { finished.link = id }
        feed.entries.append(finished)
    }

    /// The value of a text construct as feedparser gives it: plain text, or sanitized HTML.
    private func text(of element: Element) -> FeedText {
        let kind = element.construct ?? .plain
        if let range = element.rawText, !kind.keepsChildMarkup, !kind.isBase64,
           let value = text(of: range, kind: kind, base: element.base) {
            return value
        }
        var value = string(of: element)
        if kind.keepsChildMarkup, feed.format == .atom10 { value = XHTMLMarkup.unwrapDiv(value) }
        value = value.trimmedWhitespace
        if kind.isBase64, let data = Data(base64Encoded: value, options: .ignoreUnknownCharacters),
           let decoded = String(data: data, encoding: .utf8) {
            value = decoded.trimmedWhitespace
        }
        var isHTML = kind.isMarkup
        if !isAtom, !isHTML, LooksLikeHTML.check(value) { isHTML = true }
        if isHTML { value = HTMLSanitizer.sanitize(value, baseURL: element.base) }
        return FeedText(value, isHTML: isHTML)
    }

    /// `text(of:)` for text that is the document's bytes at `range`, with one String made:
    /// nil when an end of it is not ASCII (then the String path trims Unicode spaces).
    private func text(of range: Range<Int>, kind: TextConstructKind, base: URL?) -> FeedText? {
        var start = range.lowerBound
        var end = range.upperBound
        let isSpace = { (byte: UInt8) in byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        while start < end, isSpace(document[start]) { start += 1 }
        while end > start, isSpace(document[end - 1]) { end -= 1 }
        guard start == end || (document[start] > 0x20 && document[start] < 0x80
                               && document[end - 1] > 0x20 && document[end - 1] < 0x80) else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: document[start..<end])
        let isHTML = kind.isMarkup || (!isAtom && LooksLikeHTML.check(bytes))
        let value = isHTML ? HTMLSanitizer(baseURL: base).sanitized(bytes) : String(decoding: bytes, as: UTF8.self)
        return FeedText(value, isHTML: isHTML)
    }
}

// MARK: - Pieces of one document

/// `ParallelFeedScan` builds the entries of a large document in pieces: each piece
/// starts from a copy of the builder as it stood before the first entry and is
/// accepted only if the piece before it ended in that same state.
extension FeedBuilder {
    /// True when the element `startElement` is about to get would open an entry.
    func wouldOpenEntry(_ element: ElementName) -> Bool {
        guard !stack.isEmpty, !isInEntry, ignoredDepth == nil, markupDepth == nil,
              stack[stack.count - 1].construct == nil else { return false }
        return element.name == .item || element.name == .entry
    }

    /// A builder in this one's state, without its entries: it builds the entries of a later piece.
    func fork() -> FeedBuilder {
        let copy = FeedBuilder(document: document, documentURL: documentURL, maxEntries: maxEntries)
        copy.stack = stack
        copy.rootElement = rootElement
        copy.rejection = rejection
        copy.firstError = firstError
        copy.feed = feed
        copy.feed.entries = []
        copy.recognized = recognized
        copy.feedHasAlternateLink = feedHasAlternateLink
        copy.person = person
        copy.truncatedText = truncatedText
        return copy
    }

    /// True when this builder stands between entries exactly as `snapshot` (a `fork()`) did.
    func isBetweenEntries(like snapshot: FeedBuilder) -> Bool {
        !isInEntry && ignoredDepth == nil && markupDepth == nil && rejection == nil
            && feed.format == snapshot.feed.format && stack == snapshot.stack
    }

    /// True when the feed's own fields are those of `snapshot`: this builder built entries only.
    func hasFeedFields(of snapshot: FeedBuilder) -> Bool {
        var own = feed
        own.entries = []
        return own == snapshot.feed && feedHasAlternateLink == snapshot.feedHasAlternateLink
    }

    /// Takes the entries (moved, not copied), the first error and the counts of the piece
    /// that follows this builder's.
    func append(piece later: FeedBuilder) {
        let kept = min(max(0, maxEntries - feed.entries.count), later.feed.entries.count)
        droppedEntries += later.droppedEntries + later.feed.entries.count - kept
        feed.entries.appendMoving(kept, from: &later.feed.entries, leaving: FeedEntry())
        if firstError == nil { firstError = later.firstError }
        if truncatedText == nil { truncatedText = later.truncatedText }
    }
}

/// Person constructs (`<author><name/><email/></author>`), shown as "Name (email)".
private struct PersonParts {
    var name: String?
    var email: String?

    mutating func take(_ part: FeedName, _ text: String) {
        guard !text.isEmpty else { return }
        if part == .name { name = text } else if part == .email { email = text }
    }

    var display: String? {
        switch (name, email) {
        case let (name?, email?): "\(name) (\(email))"
        case let (name?, nil): name
        case let (nil, email?): email
        default: nil
        }
    }
}

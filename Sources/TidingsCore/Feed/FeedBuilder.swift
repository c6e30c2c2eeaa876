import Foundation

/// Assembles a `ParsedFeed` from XML events (start, characters, end, error),
/// the way the Universal Feed Parser reads feeds.
final class FeedBuilder {
    /// One open element.
    private struct Element {
        let key: String
        let attributes: [String: String]
        let base: URL?
        let language: String?
        var text = ""
        /// Set when the element is a text construct (title, summary, content...).
        var construct: TextConstructKind?
        /// A wrapper whose text belongs to the construct around it (TypePad's `<div>`).
        var forwardsText = false
    }

    private let documentURL: URL?
    private var stack: [Element] = []
    private(set) var rootElement: String?
    private(set) var rejection: FeedParseError?
    /// The first error libxml2 reported, even if it recovered.
    private(set) var firstError: (line: Int, column: Int, problem: XMLProblem)?
    private var feed = ParsedFeed(format: .rss20)
    private var recognized = false
    private var entry: FeedEntry?
    private var entryDepth = 0
    private var entryHasAlternateLink = false
    private var entryGuidIsLink = false
    private var feedHasAlternateLink = false
    private var person = PersonParts()
    private var sourceDepth: Int?
    /// Depth of an element whose children are kept as markup (XHTML content).
    private var markupDepth: Int?

    init(documentURL: URL?) {
        self.documentURL = documentURL
    }

    func result() -> ParsedFeed? { recognized ? feed : nil }

    /// Closes what a truncated document left open, so its last entry is not lost.
    func closeOpenElements() {
        while let open = stack.last { endElement(name: open.key) }
    }

    /// True once the document is known not to be a feed: the tokenizer may stop.
    var shouldStop: Bool { rejection != nil }

    var hasError: Bool { firstError != nil || rejection != nil }

    private var isAtom: Bool { feed.format == .atom10 || feed.format == .atom03 }

    // MARK: Events

    /// A well-formedness error; only the first is kept.
    func error(line: Int, column: Int, problem: XMLProblem) {
        if firstError == nil, rejection == nil { firstError = (line, column, problem) }
    }

    func startElement(name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        let parent = stack.last
        if let markupDepth, stack.count >= markupDepth {
            stack[stack.count - 1].text += XHTMLMarkup.startTag(name, attributes: attributes)
            stack.append(Element(key: name, attributes: attributes, base: parent?.base, language: parent?.language))
            return
        }
        if let construct = parent?.construct, !construct.keepsChildMarkup {
            // Markup inside a text construct that did not declare it.
            if name == "div", parent?.text.isBlank == true {
                var wrapper = Element(key: name, attributes: attributes, base: parent?.base, language: parent?.language)
                wrapper.forwardsText = true
                stack.append(wrapper)
                return
            }
            stack[stack.count - 1].construct = .xhtml
            markupDepth = stack.count
            stack[stack.count - 1].text = XHTMLMarkup.escape(stack[stack.count - 1].text)
                + XHTMLMarkup.startTag(name, attributes: attributes)
            stack.append(Element(key: name, attributes: attributes, base: parent?.base, language: parent?.language))
            return
        }
        let key = FeedKey.make(namespace: namespaceURI ?? "", name: name, qualifiedName: qualifiedName ?? name)
        let base = FeedKey.base(attributes["xml:base"], parent: parent?.base ?? documentURL)
        var language = parent?.language
        if let lang = attributes["xml:lang"] ?? attributes["lang"] { language = lang.isEmpty ? nil : lang }
        if stack.isEmpty, !start(root: key, qualifiedName: qualifiedName ?? name, namespace: namespaceURI ?? "",
                                 attributes: attributes, language: language) {
            return
        }
        var element = Element(key: key, attributes: attributes, base: base, language: language)
        defer { stack.append(element) }
        if sourceDepth != nil { return }
        switch key {
        case "item" where entry == nil, "entry" where entry == nil:
            entry = FeedEntry()
            entryDepth = stack.count + 1
            entryHasAlternateLink = false
            entryGuidIsLink = false
            if let about = attributes["rdf:about"], !about.isEmpty { entry?.id = about }
        case "source" where entry != nil:
            sourceDepth = stack.count + 1
        case "author", "contributor":
            person = PersonParts()
        case "link" where attributes["href"] != nil:
            takeLink(attributes, base: base)
        case "enclosure" where attributes["url"] != nil && entry != nil:
            addEnclosure(FeedEnclosure(href: FeedKey.resolve(attributes["url"] ?? "", base: base),
                                       type: attributes["type"], length: attributes["length"]))
        case "media:content" where attributes["url"] != nil && entry != nil,
             "media:thumbnail" where attributes["url"] != nil && entry != nil:
            // Media RSS (also inside media:group).
            let type = attributes["type"] ?? attributes["medium"] ?? (key == "media:thumbnail" ? "image" : nil)
            addEnclosure(FeedEnclosure(href: FeedKey.resolve(attributes["url"] ?? "", base: base), type: type,
                                       length: attributes["fileSize"]))
        case "channel" where namespaceURI == FeedNamespace.rss090:
            feed.format = .rss090
        default:
            break
        }
        if let kind = TextConstructKind.of(key: key, attributes: attributes, isAtom: isAtom) {
            element.construct = kind
            if kind.keepsChildMarkup { markupDepth = stack.count + 1 }
        }
    }

    /// Keeps each linked file once, however many elements name it.
    private func addEnclosure(_ enclosure: FeedEnclosure) {
        guard entry?.enclosures.contains(where: { $0.href == enclosure.href }) == false else { return }
        entry?.enclosures.append(enclosure)
    }

    /// Recognises the format from the root element; false (and parsing stops) when it is no feed.
    private func start(root key: String, qualifiedName: String, namespace: String, attributes: [String: String],
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

    /// Text, entities already decoded (CDATA included).
    func characters(_ string: String) {
        append(markupDepth != nil ? XHTMLMarkup.escape(string) : string)
    }

    private func append(_ text: String) {
        var index = stack.count - 1
        while index > 0, stack[index].forwardsText { index -= 1 }
        guard index >= 0 else { return }
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
    private(set) var truncatedText: String?
    /// Entries past `ParsedFeed.maxEntries`, counted and dropped.
    private(set) var droppedEntries = 0

    func endElement(name: String) {
        guard let element = stack.popLast() else { return }
        if element.forwardsText { return }
        if let depth = markupDepth {
            if stack.count >= depth {
                stack[stack.count - 1].text += element.text + (XHTMLMarkup.isVoid(name) && element.text.isEmpty ? "" : "</\(name)>")
                return
            }
            markupDepth = nil
        }
        let depth = stack.count + 1
        if let sourceDepth {
            if depth == sourceDepth { self.sourceDepth = nil }
            return
        }
        if entry != nil, depth == entryDepth {
            finishEntry()
            return
        }
        let parentKey = stack.last?.key
        if parentKey == "author" || parentKey == "contributor" {
            person.take(element.key, element.text.trimmedWhitespace)
            return
        }
        if entry != nil {
            if depth == entryDepth + 1 { assignEntryField(element) }
        } else if parentKey == "channel" || (parentKey == "feed" && depth == 2) || (stack.count == 1 && isRDFOrRSSRoot) {
            assignFeedField(element)
        }
    }

    private var isRDFOrRSSRoot: Bool { feed.format == .rss10 || feed.format == .rss090 }

    // MARK: Fields

    private func assignEntryField(_ element: Element) {
        guard entry != nil else { return }
        assign(element, to: &entry!)  // in place: no copy of the entry per field
    }

    private func assign(_ element: Element, to current: inout FeedEntry) {
        let trimmed = element.text.trimmedWhitespace
        switch element.key {
        case "title", "dc:title":
            if current.title == nil || element.key == "title" { current.title = text(of: element) }
        case "link" where element.attributes["href"] == nil:
            let rel = element.attributes["rel"]?.lowercased() ?? "alternate"
            if !trimmed.isEmpty, rel == "alternate" { current.link = FeedKey.resolve(trimmed, base: element.base) }
        case "guid":
            if !trimmed.isEmpty {
                current.id = trimmed
                entryGuidIsLink = (element.attributes["isPermaLink"] ?? "true").lowercased() != "false"
            }
        case "id", "dc:identifier":
            if !trimmed.isEmpty { current.id = trimmed }
        case "description", "summary", "dc:description":
            // The second of description/summary is the fuller text (feedparser's rule).
            if current.summary == nil {
                current.summary = text(of: element)
            } else if current.content == nil, element.key != "dc:description" {
                current.content = text(of: element)
            }
        case "itunes:summary":
            if current.summary == nil { current.summary = text(of: element) }
        case "content", "content:encoded", "xhtml:body", "body", "fullitem":
            current.content = text(of: element)
        case "author":
            if let display = person.display ?? (trimmed.isEmpty ? nil : trimmed) { current.author = display }
        case "dc:creator", "itunes:author", "dc:author":
            if current.author == nil, !trimmed.isEmpty { current.author = trimmed }
        case "pubDate", "published", "issued", "dcterms:issued", "dcterms:created", "created":
            if current.published == nil { current.published = FeedDate.parse(trimmed) }
        case "updated", "modified", "dc:date", "dcterms:modified":
            if current.updated == nil { current.updated = FeedDate.parse(trimmed) }
        case "category", "dc:subject", "tags", "itunes:keywords":
            current.tags += tags(element, trimmed: trimmed)
        default:
            break
        }
    }

    /// Categories: Atom `term`/`scheme`/`label`, RSS text with `domain`, and comma-separated keyword lists.
    private func tags(_ element: Element, trimmed: String) -> [FeedTag] {
        switch element.key {
        case "tags", "itunes:keywords":
            return trimmed.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }.map { FeedTag(term: $0) }
        case "dc:subject":
            return trimmed.isEmpty ? [] : [FeedTag(term: trimmed)]
        default:
            let term = element.attributes["term"] ?? trimmed
            guard !term.isEmpty else { return [] }
            return [FeedTag(term: term, scheme: element.attributes["scheme"] ?? element.attributes["domain"],
                            label: element.attributes["label"])]
        }
    }

    private func assignFeedField(_ element: Element) {
        let trimmed = element.text.trimmedWhitespace
        switch element.key {
        case "title", "dc:title":
            if feed.title == nil || element.key == "title" { feed.title = text(of: element) }
        case "link" where element.attributes["href"] == nil:
            if !trimmed.isEmpty, !feedHasAlternateLink { feed.link = FeedKey.resolve(trimmed, base: element.base) }
        case "description", "subtitle", "tagline", "dc:description":
            feed.subtitle = text(of: element)
        case "itunes:summary", "itunes:subtitle":
            if feed.subtitle == nil { feed.subtitle = text(of: element) }
        case "language", "dc:language":
            if !trimmed.isEmpty { feed.language = trimmed }
        case "ttl":
            if let minutes = Int(trimmed), minutes > 0 { feed.ttlMinutes = minutes }
        case "id":
            if !trimmed.isEmpty { feed.id = trimmed }
        case "author":
            if let display = person.display ?? (trimmed.isEmpty ? nil : trimmed) { feed.author = display }
        case "managingEditor", "dc:creator", "itunes:author", "dc:author":
            if feed.author == nil, !trimmed.isEmpty { feed.author = trimmed }
        case "updated", "modified", "lastBuildDate", "dc:date", "dcterms:modified":
            if feed.updated == nil { feed.updated = FeedDate.parse(trimmed) }
        case "pubDate", "published", "issued", "dcterms:issued":
            if feed.published == nil { feed.published = FeedDate.parse(trimmed) }
        case "category", "dc:subject", "tags", "itunes:keywords":
            feed.tags += tags(element, trimmed: trimmed)
        default:
            break
        }
    }

    /// An Atom-style `<link href rel type>`: the alternate link, or an enclosure.
    private func takeLink(_ attributes: [String: String], base: URL?) {
        let rel = (attributes["rel"] ?? "alternate").lowercased()
        let href = FeedKey.resolve(attributes["href"] ?? "", base: base)
        let type = attributes["type"]?.lowercased()
        let isHTMLType = type == nil || type == "text/html" || type == "application/xhtml+xml"
        if entry != nil {
            if sourceDepth != nil || stack.count + 1 != entryDepth + 1 { return }
            if rel == "enclosure" {
                addEnclosure(FeedEnclosure(href: href, type: attributes["type"], length: attributes["length"]))
            } else if rel == "alternate", !entryHasAlternateLink || entry?.link == nil {
                if isHTMLType || entry?.link == nil {
                    entry?.link = href
                    entryHasAlternateLink = isHTMLType
                }
            }
        } else if stack.last?.key == "feed" || stack.last?.key == "channel" {
            if rel == "alternate", !feedHasAlternateLink || feed.link == nil, isHTMLType || feed.link == nil {
                feed.link = href
                feedHasAlternateLink = isHTMLType
            }
        }
    }

    private func finishEntry() {
        guard var finished = entry else { return }
        entry = nil
        if finished.summary == nil, let content = finished.content { finished.summary = content }
        if finished.link == nil, entryGuidIsLink, let id = finished.id { finished.link = id }
        guard feed.entries.count < ParsedFeed.maxEntries else {
            droppedEntries += 1
            return
        }
        feed.entries.append(finished)
    }

    /// The value of a text construct as feedparser gives it: plain text, or sanitized HTML.
    private func text(of element: Element) -> FeedText {
        let kind = element.construct ?? .plain
        var value = element.text
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
}

/// Person constructs (`<author><name/><email/></author>`), shown as "Name (email)".
private struct PersonParts {
    var name: String?
    var email: String?

    mutating func take(_ key: String, _ text: String) {
        guard !text.isEmpty else { return }
        if key == "name" { name = text } else if key == "email" { email = text }
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

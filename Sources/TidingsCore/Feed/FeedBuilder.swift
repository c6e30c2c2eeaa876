import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The SAX delegate that assembles a `ParsedFeed` from parser events.
final class FeedBuilder: NSObject, XMLParserDelegate {
    /// One open element.
    private struct OpenElement {
        let namespace: String
        let name: String
        let attributes: [String: String]
        var text = ""
    }

    private let baseURL: URL?
    private var stack: [OpenElement] = []
    private(set) var rootElement: String?
    private(set) var rejection: FeedParseError?
    /// The first error libxml2 reported, even if it recovered.
    private(set) var firstError: (line: Int, column: Int, code: Int)?
    private var format: ParsedFeed.Format?
    private var feed = ParsedFeed(format: .rss20)
    private var entry: FeedEntry?
    private var entryDepth = 0
    private var entryLinkIsAlternate = false
    private var feedLinkIsAlternate = false
    private var author = AuthorParts()
    /// Depth of an Atom `type="xhtml"` construct whose children are kept as markup.
    private var xhtmlDepth: Int?

    init(baseURL: URL?) {
        self.baseURL = baseURL
    }

    func result() -> ParsedFeed? {
        guard let format else { return nil }
        feed.format = format
        return feed
    }

    // MARK: XMLParserDelegate

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if firstError == nil, rejection == nil {
            firstError = (parser.lineNumber, parser.columnNumber, (parseError as NSError).code)
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let namespace = namespaceURI ?? ""
        if let xhtmlDepth, stack.count >= xhtmlDepth {
            stack[stack.count - 1].text += XHTMLMarkup.startTag(name, attributes: attributes)
            stack.append(OpenElement(namespace: namespace, name: name, attributes: attributes))
            return
        }
        if stack.isEmpty {
            rootElement = qualifiedName ?? name
            format = Self.format(root: name, namespace: namespace, attributes: attributes)
            if format == nil {
                rejection = .notAFeed(rootElement: qualifiedName ?? name)
                parser.abortParsing()
                return
            }
        }
        let isCore = FeedNamespace.core.contains(namespace)
        if isCore, name == "item" || name == "entry", entry == nil {
            entry = FeedEntry()
            entryDepth = stack.count + 1
            entryLinkIsAlternate = false
            if let about = attributes["rdf:about"] ?? attributes["about"], !about.isEmpty { entry?.id = about }
        }
        if isCore, name == "author" || name == "contributor" { author = AuthorParts() }
        if isCore, name == "link", let href = attributes["href"] {
            takeAtomLink(href: href, rel: attributes["rel"])
        }
        stack.append(OpenElement(namespace: namespace, name: name, attributes: attributes))
        if isAtom(namespace), ["content", "summary", "title", "subtitle", "tagline"].contains(name),
           attributes["type"] == "xhtml" {
            xhtmlDepth = stack.count
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        if xhtmlDepth != nil {
            stack[stack.count - 1].text += XHTMLMarkup.escape(string)
        } else {
            stack[stack.count - 1].text += string
        }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard var element = stack.popLast() else { return }
        if let depth = xhtmlDepth {
            if stack.count >= depth {
                // A child of the xhtml construct: close its tag in the parent's markup.
                stack[stack.count - 1].text += element.text + "</\(name)>"
                return
            }
            xhtmlDepth = nil
            element.text = XHTMLMarkup.unwrapDiv(element.text)
        }
        let depth = stack.count + 1
        if let current = entry {
            if depth == entryDepth {
                feed.entries.append(finish(current))
                entry = nil
            } else {
                entry = assign(element, depth: depth - entryDepth, to: current)
            }
            return
        }
        assignFeedField(element)
    }

    // MARK: Fields

    private func assign(_ element: OpenElement, depth: Int, to current: FeedEntry) -> FeedEntry {
        var updated = current
        let text = element.text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if depth == 2, isAtom(element.namespace) || element.namespace.isEmpty, stack.last?.name == "author" {
            author.take(element.name, trimmed)
            return updated
        }
        guard depth == 1 else { return updated }
        switch EntryField(namespace: element.namespace, name: element.name, hasHref: element.attributes["href"] != nil) {
        case .title:
            updated.title = plainTitle(element)
        case .link:
            if !trimmed.isEmpty { updated.link = absolute(trimmed) }
        case .id:
            if !trimmed.isEmpty { updated.id = trimmed }
        case .summary:
            updated.summary = markup(element)
        case .content:
            updated.content = markup(element)
        case .author:
            if let display = author.display ?? (trimmed.isEmpty ? nil : trimmed) { updated.author = display }
        case .creator:
            if updated.author == nil, !trimmed.isEmpty { updated.author = trimmed }
        case .published:
            if updated.published == nil { updated.published = FeedDate.parse(trimmed) }
        case .updated:
            updated.updated = FeedDate.parse(trimmed)
        case nil:
            break
        }
        return updated
    }

    private func assignFeedField(_ element: OpenElement) {
        let depth = stack.count + 1
        // Channel fields sit at depth 3 in RSS (rss > channel > title) and RDF, depth 2 in Atom.
        let parentName = stack.last?.name
        guard parentName == "channel" || (parentName == "feed" && depth == 2) else { return }
        let trimmed = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let ns = element.namespace
        guard FeedNamespace.core.contains(ns) else { return }
        switch element.name {
        case "title": feed.title = plainTitle(element)
        case "link" where element.attributes["href"] == nil: if !trimmed.isEmpty { feed.link = absolute(trimmed) }
        case "description", "subtitle", "tagline": feed.subtitle = plainTitle(element)
        default: break
        }
    }

    private func takeAtomLink(href: String, rel: String?) {
        let isAlternate = rel == nil || rel == "alternate"
        let resolved = absolute(href)
        if entry != nil {
            if isAlternate, !entryLinkIsAlternate || entry?.link == nil {
                entry?.link = resolved
                entryLinkIsAlternate = true
            } else if entry?.link == nil, rel != "self", rel != "edit", rel != "enclosure" {
                entry?.link = resolved
            }
        } else if stack.count == 1 {
            if isAlternate, !feedLinkIsAlternate {
                feed.link = resolved
                feedLinkIsAlternate = true
            }
        }
    }

    private func finish(_ entry: FeedEntry) -> FeedEntry {
        var entry = entry
        if entry.summary == nil, let content = entry.content { entry.summary = content }
        return entry
    }

    // MARK: Text constructs

    /// Titles are plain text; an HTML or XHTML title is reduced to its text.
    private func plainTitle(_ element: OpenElement) -> String {
        let type = element.attributes["type"] ?? ""
        let isMarkup = type == "html" || type == "xhtml" || type == "text/html" || element.namespace.isEmpty
            || element.namespace == FeedNamespace.rss10 || element.namespace == FeedNamespace.rss090
        let text = isMarkup ? HTMLText.plainText(fromHTML: element.text) : element.text
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Summaries and content as HTML: Atom `type="text"` is escaped into HTML.
    private func markup(_ element: OpenElement) -> String {
        let type = element.attributes["type"] ?? (isAtom(element.namespace) ? "text" : "html")
        let text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if isAtom(element.namespace), type == "text" || type == "text/plain" { return XHTMLMarkup.escape(text) }
        return text
    }

    private func absolute(_ link: String) -> String {
        guard let baseURL, let url = URL(string: link, relativeTo: baseURL) else { return link }
        return url.absoluteString
    }

    private func isAtom(_ namespace: String) -> Bool {
        namespace == FeedNamespace.atom10 || namespace == FeedNamespace.atom03
    }

    private static func format(root: String, namespace: String, attributes: [String: String]) -> ParsedFeed.Format? {
        switch (root, namespace) {
        case ("rss", ""):
            switch attributes["version"] {
            case "0.91": return .rss091
            case "0.92": return .rss092
            default: return .rss20
            }
        case ("RDF", FeedNamespace.rdf):
            return .rss10
        case ("feed", FeedNamespace.atom10):
            return .atom10
        case ("feed", FeedNamespace.atom03):
            return .atom03
        case ("feed", ""):
            return .atom10
        default:
            return nil
        }
    }
}

/// Which entry field an element fills, by namespace and name.
private enum EntryField {
    case title, link, id, summary, content, author, creator, published, updated

    init?(namespace ns: String, name: String, hasHref: Bool) {
        let core = FeedNamespace.core.contains(ns)
        let atom = ns == FeedNamespace.atom10 || ns == FeedNamespace.atom03
        switch name {
        case "title" where core: self = .title
        case "link" where core && !hasHref: self = .link
        case "guid" where ns.isEmpty, "id" where atom: self = .id
        case "identifier" where ns == FeedNamespace.dc: self = .id
        case "description" where core, "summary" where atom: self = .summary
        case "encoded" where ns == FeedNamespace.content, "content" where atom: self = .content
        case "author" where atom || ns.isEmpty: self = .author
        case "creator" where ns == FeedNamespace.dc: self = .creator
        case "pubDate" where ns.isEmpty, "published" where atom, "issued" where atom: self = .published
        case "date" where ns == FeedNamespace.dc, "issued" where ns == FeedNamespace.dcterms: self = .published
        case "updated" where atom, "modified" where atom || ns == FeedNamespace.dcterms: self = .updated
        default: return nil
        }
    }
}

/// Name and e-mail of an Atom `<author>`, joined as "Name (email)".
private struct AuthorParts {
    var name: String?
    var email: String?

    mutating func take(_ element: String, _ text: String) {
        guard !text.isEmpty else { return }
        if element == "name" { name = text } else if element == "email" { email = text }
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

/// Rebuilds markup for Atom `type="xhtml"` constructs from SAX events.
enum XHTMLMarkup {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func startTag(_ name: String, attributes: [String: String]) -> String {
        var tag = "<" + name
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            tag += " \(key)=\"\(escape(value).replacingOccurrences(of: "\"", with: "&quot;"))\""
        }
        return tag + ">"
    }

    /// Atom wraps xhtml content in one `<div>`; the wrapper is not content.
    static func unwrapDiv(_ markup: String) -> String {
        let trimmed = markup.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("<div"), trimmed.hasSuffix("</div>"), let open = trimmed.firstIndex(of: ">") else {
            return trimmed
        }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(trimmed.endIndex, offsetBy: -6)]
        return inner.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

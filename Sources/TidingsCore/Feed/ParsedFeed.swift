import Foundation

/// A text construct as published: plain text, or (sanitized) HTML.
public struct FeedText: Sendable, Equatable {
    public var value: String
    public var isHTML: Bool

    public init(_ value: String, isHTML: Bool) {
        self.value = value
        self.isHTML = isHTML
    }

    /// The text as HTML (plain text escaped).
    public var html: String { isHTML ? value : XHTMLMarkup.escape(value) }

    /// The text with markup removed and references decoded.
    public var plainText: String { isHTML ? HTMLText.plainText(fromHTML: value) : value }
}

/// A category: RSS `<category domain>`, Atom `<category term scheme label>`, `dc:subject`.
public struct FeedTag: Sendable, Equatable, Codable {
    public var term: String
    public var scheme: String?
    public var label: String?

    public init(term: String, scheme: String? = nil, label: String? = nil) {
        self.term = term
        self.scheme = scheme
        self.label = label
    }
}

/// A linked file: RSS `<enclosure>`, Atom `<link rel="enclosure">`, JSON Feed attachments.
public struct FeedEnclosure: Sendable, Equatable, Codable {
    public var href: String
    public var type: String?
    public var length: String?

    public init(href: String, type: String? = nil, length: String? = nil) {
        self.href = href
        self.type = type
        self.length = length
    }
}

/// A feed in one shape, whatever format and encoding it came in.
public struct ParsedFeed: Sendable, Equatable {
    public enum Format: String, Sendable, Codable {
        case rss090, rss091, rss092, rss20, rss10, atom03, atom10, json10, json11
    }

    public var format: Format
    public var title: FeedText?
    public var link: String?
    public var subtitle: FeedText?
    public var language: String?
    public var id: String?
    public var author: String?
    public var updated: Date?
    public var published: Date?
    public var tags: [FeedTag] = []
    /// RSS `<ttl>`: minutes the feed may be cached (a floor for the schedule).
    public var ttlMinutes: Int?
    public var entries: [FeedEntry] = []
    /// The input was not clean (malformed XML, undefined entities, bytes that
    /// did not decode) and what is here was recovered.
    public var bozo = false
    /// The first problem found, in words.
    public var bozoReason: String?
    /// The character encoding the document was read in.
    public var encoding = "utf-8"

    public init(format: Format) {
        self.format = format
    }
}

/// One item of a feed. Links are absolute; `summary` and `content` keep their
/// markup (sanitized), `title` is usually plain text.
public struct FeedEntry: Sendable, Equatable {
    /// RSS `<guid>`, Atom `<id>`, RDF `rdf:about`, JSON Feed `id`.
    public var id: String?
    public var link: String?
    public var title: FeedText?
    public var summary: FeedText?
    public var content: FeedText?
    public var author: String?
    public var published: Date?
    public var updated: Date?
    public var tags: [FeedTag] = []
    public var enclosures: [FeedEnclosure] = []

    public init(id: String? = nil, link: String? = nil, title: String? = nil, summary: String? = nil,
                content: String? = nil, author: String? = nil, published: Date? = nil, updated: Date? = nil) {
        self.id = id
        self.link = link
        self.title = title.map { FeedText($0, isHTML: false) }
        self.summary = summary.map { FeedText($0, isHTML: true) }
        self.content = content.map { FeedText($0, isHTML: true) }
        self.author = author
        self.published = published
        self.updated = updated
    }

    /// The title as plain text.
    public var plainTitle: String? { title.map { $0.plainText.trimmedWhitespace } }
}

/// Why a document could not be read as a feed at all.
public enum FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// So broken that nothing could be recovered; position of the first error.
    case malformed(line: Int, column: Int, reason: String)
    /// Well-formed, but not RSS, Atom or JSON Feed.
    case notAFeed(rootElement: String)
    /// JSON that is not a JSON Feed, or not JSON at all.
    case invalidJSON(reason: String)
    /// Nothing to parse.
    case empty

    public var description: String {
        switch self {
        case .malformed(let line, let column, let reason):
            "malformed feed at line \(line), column \(column): \(reason)"
        case .notAFeed(let root):
            "expected an RSS or Atom feed, found a document whose root element is <\(root)>"
        case .invalidJSON(let reason):
            "expected a JSON Feed: \(reason)"
        case .empty:
            "expected a feed, found an empty document"
        }
    }
}

extension ParsedFeed {
    /// The most entries one document yields, in document order (newest first in
    /// practice): no real feed lists more, and a hostile one must not fill the store.
    public static let maxEntries = 10_000

    /// The problem to report when `dropped` entries went past the `kept` ones.
    static func entriesProblem(kept: Int, dropped: Int) -> String? {
        dropped > 0 ? "the feed lists \(kept + dropped) entries; only the first \(kept) are read" : nil
    }
}

import Foundation

/// A feed in one shape, whatever format it came in.
public struct ParsedFeed: Sendable, Equatable {
    public enum Format: String, Sendable, Codable {
        case rss090 = "rss090", rss091 = "rss091", rss092 = "rss092", rss20 = "rss20", rss10 = "rss10"
        case atom03 = "atom03", atom10 = "atom10"
    }

    public var format: Format
    public var title: String?
    public var link: String?
    public var subtitle: String?
    public var entries: [FeedEntry]

    public init(format: Format, title: String? = nil, link: String? = nil, subtitle: String? = nil,
                entries: [FeedEntry] = []) {
        self.format = format
        self.title = title
        self.link = link
        self.subtitle = subtitle
        self.entries = entries
    }
}

/// One item of a feed. Text fields are as published: `title` is plain text,
/// `summary` and `content` are HTML. Links are absolute.
public struct FeedEntry: Sendable, Equatable {
    /// RSS `<guid>`, Atom `<id>`, RDF `rdf:about`.
    public var id: String?
    public var link: String?
    public var title: String?
    public var summary: String?
    public var content: String?
    public var author: String?
    public var published: Date?
    public var updated: Date?

    public init(id: String? = nil, link: String? = nil, title: String? = nil, summary: String? = nil,
                content: String? = nil, author: String? = nil, published: Date? = nil, updated: Date? = nil) {
        self.id = id
        self.link = link
        self.title = title
        self.summary = summary
        self.content = content
        self.author = author
        self.published = published
        self.updated = updated
    }
}

/// Why a document could not be read as a feed.
public enum FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XML is not well-formed; position of the first error.
    case malformed(line: Int, column: Int, reason: String)
    /// Well-formed, but not RSS or Atom.
    case notAFeed(rootElement: String)
    /// Nothing to parse.
    case empty

    public var description: String {
        switch self {
        case .malformed(let line, let column, let reason):
            "malformed feed at line \(line), column \(column): \(reason)"
        case .notAFeed(let root):
            "expected an RSS or Atom feed, found a document whose root element is <\(root)>"
        case .empty:
            "expected a feed, found an empty document"
        }
    }
}

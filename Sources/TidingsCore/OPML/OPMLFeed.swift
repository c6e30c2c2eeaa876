/// One subscription of an OPML file: an `<outline>` with a feed URL (`xmlUrl`), or a web page
/// (`type="link"` with `url`), and the tags it carries (`category`) or inherits from its folders.
public struct OPMLFeed: Sendable, Equatable {
    public var url: String
    public var title: String
    public var siteURL: String?
    public var tags: [String]
    /// A web page rather than a feed (`type="link"`): imported as `kind = "page"`.
    public var isPage: Bool
    /// Where the outline is in its file, for messages (0 when not from a file).
    public var line: Int

    public init(url: String, title: String, siteURL: String? = nil, tags: [String] = [], isPage: Bool = false, line: Int = 0) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
        self.tags = tags
        self.isPage = isPage
        self.line = line
    }
}

/// Why an OPML file cannot be read, with where.
public struct OPMLError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The element names the builder acts on (format-neutral keys from `FeedKey`),
/// looked up once per element so that dispatching on them is a jump rather
/// than a chain of string comparisons.
enum FeedName: String, CaseIterable {
    case item, entry, source, channel, feed
    case author, contributor, name, email
    case link, enclosure, mediaContent = "media:content", mediaThumbnail = "media:thumbnail"
    case title, dcTitle = "dc:title", subtitle, tagline, info, rights, copyright
    case guid, id, dcIdentifier = "dc:identifier"
    case description, summary, dcDescription = "dc:description"
    case itunesSummary = "itunes:summary", itunesSubtitle = "itunes:subtitle"
    case content, contentEncoded = "content:encoded", xhtmlBody = "xhtml:body", body, fullitem
    case dcCreator = "dc:creator", itunesAuthor = "itunes:author", dcAuthor = "dc:author", managingEditor
    case pubDate, published, issued, dctermsIssued = "dcterms:issued", dctermsCreated = "dcterms:created", created
    case updated, modified, dcDate = "dc:date", dctermsModified = "dcterms:modified", lastBuildDate
    case category, dcSubject = "dc:subject", tags, itunesKeywords = "itunes:keywords"
    case language, dcLanguage = "dc:language", ttl
    /// Any other element.
    case other = ""

    init(key: String) { self = FeedName.byKey[key] ?? .other }

    private static let byKey = Dictionary(uniqueKeysWithValues: allCases.filter { $0 != .other }.map { ($0.rawValue, $0) })
}

/// An element's name as the scanner resolved it, with the builder's key and
/// `FeedName` worked out once.
struct ElementName {
    let local: String
    /// "" when there is none (or the prefix is undeclared).
    let namespaceURI: String
    let qualified: String
    /// The prefix is bound to no namespace.
    let hasUndeclaredPrefix: Bool
    /// The format-neutral key (`FeedKey.make`).
    let key: String
    let name: FeedName

    init(local: String, namespaceURI: String, qualified: String, hasUndeclaredPrefix: Bool) {
        self.local = local
        self.namespaceURI = namespaceURI
        self.qualified = qualified
        self.hasUndeclaredPrefix = hasUndeclaredPrefix
        key = FeedKey.make(namespace: namespaceURI, name: local, qualifiedName: qualified)
        name = FeedName(key: key)
    }
}

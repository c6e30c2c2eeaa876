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

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

/// An XML name's bytes, compared without making a String: a name of up to 16
/// bytes (nearly every one) is its two words; a longer one also keeps its text.
struct NameBytes: Equatable {
    private let first: UInt64
    private let second: UInt64
    private let long: String?

    /// The name at `range` of `bytes`.
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        let count = range.count
        if count > 16 {
            long = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        } else {
            long = nil
        }
        guard let base = bytes.baseAddress, range.lowerBound + 16 <= bytes.count else {
            // Near the end of the document: byte by byte (little-endian order, as the loads below).
            var words: (UInt64, UInt64) = (0, 0)
            for (offset, index) in range.prefix(16).enumerated() {
                if offset < 8 {
                    words.0 |= UInt64(bytes[index]) << (offset * 8)
                } else {
                    words.1 |= UInt64(bytes[index]) << ((offset - 8) * 8)
                }
            }
            (first, second) = words
            return
        }
        let raw = UnsafeRawPointer(base + range.lowerBound)
        let low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        first = count >= 8 ? low : low & ((1 << (UInt64(count) * 8)) - 1)
        second = count >= 16 ? high : count <= 8 ? 0 : high & ((1 << (UInt64(count - 8) * 8)) - 1)
    }
}

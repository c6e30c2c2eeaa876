import Foundation

/// What a page says about its article in machine-readable form. Each field
/// takes the first source that has it, in this order (dates printed as page
/// text are never read: a scrape date or a teaser's date is not the article's):
///
/// - title: `og:title`, JSON-LD `headline`, `twitter:title`, the first `<h1>`,
///   `<title>` (its site-name part removed)
/// - author: JSON-LD `author`, `<meta name=author>`, `article:author` (unless a
///   URL), `rel=author` / `itemprop=author` text
/// - published: JSON-LD `datePublished`, `article:published_time`, other
///   publication `<meta>` (`datePublished`, `pubdate`, `DC.date.issued`,
///   `date` ...), `<time itemprop=datePublished>` / `<time pubdate>`, the first
///   `<time datetime>` of the `<article>`
/// - modified: JSON-LD `dateModified`, `article:modified_time`, `og:updated_time`,
///   `<meta name=last-modified>`
/// - canonical URL: `<link rel=canonical>`, `og:url`, JSON-LD `url` /
///   `mainEntityOfPage`; resolved against the page URL
/// - site name: `og:site_name`, JSON-LD `publisher.name`, `application-name`
/// - language: `<html lang>`, `Content-Language` `<meta>`, `og:locale`, JSON-LD `inLanguage`
/// - description: `og:description`, `<meta name=description>`, JSON-LD `description`
public struct PageMetadata: Sendable, Equatable {
    public var title: String?
    public var author: String?
    public var published: Date?
    public var modified: Date?
    public var canonicalURL: URL?
    public var siteName: String?
    public var language: String?
    public var description: String?

    public init() {}
}

extension PageMetadata {
    static let publishedMetaNames = [
        "article:published_time", "datepublished", "pubdate", "publishdate", "publish_date", "publication_date",
        "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created", "date", "sailthru.date", "parsely-pub-date",
        "og:published_time", "article.published",
    ]
    static let modifiedMetaNames = [
        "article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified", "dc.date.modified",
    ]

    /// Reads the metadata of `tree`; `baseURL` resolves relative URLs.
    static func read(_ tree: PageTree, baseURL: URL?) -> PageMetadata {
        let meta = MetaTags(tree)
        let ld = LinkedData(tree)
        var metadata = PageMetadata()
        metadata.title = meta["og:title"] ?? ld.article?.string("headline") ?? ld.article?.string("name")
            ?? meta["twitter:title"] ?? tree.first("h1").map { tree.text(of: $0) }.flatMap(Self.nonEmpty)
            ?? tree.first("title").map { documentTitle(tree.text(of: $0), siteName: meta["og:site_name"]) }
        metadata.author = ld.article.flatMap(authors) ?? meta["author"]
            ?? meta["article:author"].flatMap { $0.contains("://") ? nil : $0 } ?? authorElementText(tree)
        metadata.published = ld.article?.string("datePublished").flatMap(FeedDate.parse)
            ?? publishedMetaNames.lazy.compactMap { meta[$0].flatMap(metaDate) }.first
            ?? timeElementDate(tree)
        metadata.modified = ld.article?.string("dateModified").flatMap(FeedDate.parse)
            ?? modifiedMetaNames.lazy.compactMap { meta[$0].flatMap(metaDate) }.first
        let canonical = linkHref(tree, rel: "canonical") ?? meta["og:url"] ?? ld.article?.string("url")
            ?? ld.article?.string("mainEntityOfPage") ?? ld.article?.object("mainEntityOfPage")?.string("@id")
        // Absolute or nothing: without a page URL a relative link has nothing to resolve against.
        metadata.canonicalURL = canonical.flatMap { URL(string: $0.trimmedWhitespace, relativeTo: baseURL)?.absoluteURL }
            .flatMap { $0.scheme == nil ? nil : $0 }
        metadata.siteName = meta["og:site_name"] ?? ld.article?.object("publisher")?.string("name") ?? meta["application-name"]
        metadata.language = tree.first("html").flatMap { tree.nodes[$0].attribute("lang") }.flatMap(Self.nonEmpty)
            ?? meta["content-language"] ?? meta["og:locale"].map { $0.replacingByte(UInt8(ascii: "_"), with: "-") }
            ?? ld.article?.string("inLanguage")
        metadata.description = meta["og:description"] ?? meta["description"] ?? ld.article?.string("description")
        return metadata
    }

    /// A date in a `<meta>`: what feeds use, or the digits-only "20240308182222" (UTC) some publishers write.
    static func metaDate(_ text: String) -> Date? {
        let digits = text.trimmedWhitespace
        if digits.count == 14 || digits.count == 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let fields = stride(from: 0, to: digits.count, by: 2).map { Int(digits.dropFirst($0).prefix(2))! }
            return CivilTime.date(year: fields[0] * 100 + fields[1], month: fields[2], day: fields[3], hour: fields[4],
                                  minute: fields[5], second: Double(fields.count > 6 ? fields[6] : 0), offsetSeconds: 0)
        }
        return FeedDate.parse(text)
    }

    static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmedWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `<title>` without the site's name: "Headline | Site", "Site - Headline".
    static func documentTitle(_ title: String, siteName: String?) -> String {
        let separators = [" | ", " - ", " – ", " — ", " :: ", " · ", " » "]
        var parts = [title]
        for separator in separators where title.contains(separator) {
            parts = title.components(separatedBy: separator).map(\.trimmedWhitespace).filter { !$0.isEmpty }
            break
        }
        guard parts.count > 1 else { return title.trimmedWhitespace }
        if let siteName { parts.removeAll { $0.caseInsensitiveCompare(siteName) == .orderedSame } }
        return parts.max { $0.count < $1.count } ?? title
    }

    private static func authors(_ article: LinkedData.Object) -> String? {
        let names = article.values("author").compactMap { value -> String? in
            switch value {
            case let name as String: nonEmpty(name)
            case let fields as [String: Any]: (fields["name"] as? String).flatMap(nonEmpty)
            default: nil
            }
        }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    private static func authorElementText(_ tree: PageTree) -> String? {
        for index in tree.nodes.indices {
            let node = tree.nodes[index]
            guard !node.isText else { continue }
            if node.attribute("rel")?.lowercased() == "author" || node.attribute("itemprop")?.lowercased() == "author" {
                if let text = nonEmpty(tree.text(of: index)) { return text }
            }
        }
        return nil
    }

    private static func linkHref(_ tree: PageTree, rel: String) -> String? {
        tree.all("link").lazy.compactMap { index -> String? in
            let node = tree.nodes[index]
            guard node.attribute("rel")?.lowercased().split(separator: " ").contains(Substring(rel)) == true else { return nil }
            return node.attribute("href").flatMap(nonEmpty)
        }.first
    }

    /// `<time itemprop=datePublished>` or `<time pubdate>` anywhere, else the first `<time datetime>` of the `<article>`.
    private static func timeElementDate(_ tree: PageTree) -> Date? {
        let times = tree.all("time")
        for index in times {
            let node = tree.nodes[index]
            if node.attribute("itemprop")?.lowercased() == "datepublished" || node.attributes.contains(where: { $0.name == "pubdate" }) {
                if let date = FeedDate.parse(node.attribute("datetime") ?? tree.text(of: index)) { return date }
            }
        }
        guard let article = tree.first("article") else { return nil }
        return times.lazy.filter { tree.contains(article, $0) }
            .compactMap { tree.nodes[$0].attribute("datetime").flatMap(FeedDate.parse) }.first
    }
}

/// The `<meta>` tags of a page by lower-cased `property`, `name`, `itemprop` or `http-equiv`; the first of each wins.
struct MetaTags {
    private var values: [String: String] = [:]

    init(_ tree: PageTree) {
        for index in tree.all("meta") {
            let node = tree.nodes[index]
            guard let content = node.attribute("content").flatMap(PageMetadata.nonEmpty) else { continue }
            for key in ["property", "name", "itemprop", "http-equiv"] {
                if let name = node.attribute(key)?.lowercased(), values[name] == nil { values[name] = content }
            }
        }
    }

    subscript(name: String) -> String? { values[name] }
}

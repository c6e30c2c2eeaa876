import Foundation

/// What a fetched source says, whatever its kind: a feed's title, link and
/// entries, or an article page as a one-entry document.
struct SourceDocument {
    var title: String?
    var link: String?
    var entries: [FeedEntry]
    var ttlMinutes: Int?
    /// What had to be recovered to read it, in words.
    var warning: String?

    /// A page with no article text on it.
    struct NoArticle: Error, CustomStringConvertible {
        let url: URL
        var description: String {
            "no article text found on the page \(url.absoluteString) (`tidings extract URL` shows what the extractor sees)"
        }
    }

    static func read(_ response: FetchResponse, source: SourceSettings) throws -> SourceDocument {
        let contentType = response.header("Content-Type")
        switch source.kind {
        case .feed:
            let feed = try FeedParser.parse(response.body, baseURL: response.effectiveURL, contentType: contentType)
            return SourceDocument(title: feed.title?.plainText, link: feed.link, entries: feed.entries, ttlMinutes: feed.ttlMinutes,
                                  warning: feed.bozoReason.map { "feed recovered: \($0)" })
        case .page:
            let article = ArticleExtractor.extract(response.body.byteArray, url: response.effectiveURL, contentType: contentType)
            guard article.hasArticle else { throw NoArticle(url: response.effectiveURL) }
            // The identity is the configured URL, so that a page keeps one article however its canonical URL moves.
            var entry = FeedEntry(id: source.url.absoluteString,
                                  link: (article.metadata.canonicalURL ?? response.effectiveURL).absoluteString,
                                  title: article.metadata.title, content: article.html, author: article.metadata.author,
                                  published: article.metadata.published, updated: article.metadata.modified)
            if let description = article.metadata.description { entry.summary = FeedText(description, isHTML: false) }
            return SourceDocument(title: article.metadata.siteName, link: response.effectiveURL.absoluteString, entries: [entry])
        }
    }
}

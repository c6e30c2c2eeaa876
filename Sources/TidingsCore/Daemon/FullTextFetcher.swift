import Foundation
import Logging
import ServiceLifecycle

/// `full_text = true`: for each item of a feed refresh that is not stored yet
/// (nor kept out by a tombstone),
/// fetch its page (through the same per-host gate, limits and user agent as
/// feeds) and keep the extracted text when it says more than the feed did.
/// A page that fails to fetch or holds no article leaves the feed's content.
struct FullTextFetcher {
    let fetcher: PoliteFetcher
    let store: Store
    let logger: Logger

    /// `outcome` with the new articles' content replaced by their pages' text where that is longer.
    /// Links are followed over http and https; a `file:` link only in a feed read from a file
    /// itself (a remote feed must not make the daemon read local files into the store).
    func complete(_ outcome: RefreshOutcome, of source: SourceSettings) async -> RefreshOutcome {
        guard case .success(let title, let link, var articles, let warning) = outcome.result else { return outcome }
        let stored: Set<String>
        do {
            stored = try store.settledIdentities(of: outcome.sourceID, among: articles.map(\.identity), filter: source.filter)
        } catch {
            logger.error("store.read_failed", metadata: ["error": "\(StoreErrorText.describe(error))"])
            return outcome
        }
        var fetched = 0, used = 0
        for index in articles.indices where !stored.contains(articles[index].identity) {
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { break }
            guard let page = articles[index].entry.link.flatMap({ URL(string: $0) }),
                  let scheme = page.scheme?.lowercased(),
                  scheme == "http" || scheme == "https" || (scheme == "file" && source.url.isFileURL) else { continue }
            fetched += 1
            let feedText = (articles[index].entry.content ?? articles[index].entry.summary)?.plainText ?? ""
            if let article = await extract(page), article.wordCount > UTF8Text.wordCount(feedText) {
                articles[index].entry.content = FeedText(article.html, isHTML: true)
                if articles[index].entry.author == nil { articles[index].entry.author = article.metadata.author }
                if articles[index].entry.published == nil { articles[index].entry.published = article.metadata.published }
                used += 1
            }
        }
        if fetched > 0 { logger.info("fulltext.done", metadata: ["pages": "\(fetched)", "used": "\(used)"]) }
        var result = outcome
        result.result = .success(feedTitle: title, feedLink: link, articles: articles, warning: warning)
        return result
    }

    private func extract(_ page: URL) async -> ExtractedArticle? {
        switch await fetcher.fetch(FetchRequest(url: page)) {
        case .failure(let error):
            logger.warning("fulltext.failed", metadata: ["page": "\(page.absoluteString)", "reason": "\(error.message)"])
            return nil
        case .success(let response) where !response.isSuccess:
            logger.warning("fulltext.failed", metadata: ["page": "\(page.absoluteString)", "http.status": "\(response.status)"])
            return nil
        case .success(let response):
            let article = ArticleExtractor.extract(response.body.byteArray, url: response.effectiveURL,
                                                   contentType: response.header("Content-Type"))
            if !article.hasArticle { logger.notice("fulltext.no_article", metadata: ["page": "\(page.absoluteString)"]) }
            return article.hasArticle ? article : nil
        }
    }
}

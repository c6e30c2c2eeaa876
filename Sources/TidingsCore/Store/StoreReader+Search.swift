import Foundation
import GRDB

/// One article found by `tidings search`, best first.
public struct SearchHit: Sendable, Equatable, Encodable {
    public var article: ArticleSummary
    /// How well it matches (BM25, titles weighing four times the text): higher is better.
    public var score: Double
    /// The title with its matching words marked.
    public var titleMarks: MarkedText
    /// A few words of the text around the best matches, marked.
    public var snippet: MarkedText

    public func encode(to encoder: any Encoder) throws {
        try article.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(score, forKey: .score)
        try container.encode(titleMarks.matches, forKey: .titleMatches)
        try container.encode(snippet.text, forKey: .snippet)
        try container.encode(snippet.matches, forKey: .snippetMatches)
    }

    private enum Keys: String, CodingKey {
        case score, titleMatches = "title_matches", snippet, snippetMatches = "snippet_matches"
    }
}

extension StoreReader {
    /// Articles matching `query`, best first, with highlighted titles and snippets.
    /// `snippetWords` is about how many words of text each snippet shows.
    public func search(_ query: SearchQuery, filter: ArticleFilter = ArticleFilter(), snippetWords: Int = 24) throws -> [SearchHit] {
        let (conditions, arguments) = filter.conditions(on: "a")
        var sql = """
            SELECT a.id, a.source_id, a.title, a.url, a.published_at, a.first_seen_at, a.duplicate_of, articles_search.rank,
                   highlight(articles_search, 0, \(MarkedText.sqlMarkers)) AS title_marked,
                   snippet(articles_search, 1, \(MarkedText.sqlMarkers), '…', \(max(1, min(snippetWords, 64)))) AS snippet
            FROM articles_search JOIN articles a ON a.id = articles_search.rowid
            WHERE articles_search MATCH ?\(conditions)
            ORDER BY articles_search.rank
            """
        if let limit = filter.limit { sql += " LIMIT \(limit)" }
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: [query.expression] + arguments).map { row in
                let rank: Double = row["rank"]
                return SearchHit(article: ArticleSummary(row: row), score: (-rank * 1000).rounded() / 1000,
                                 titleMarks: MarkedText(marked: row["title_marked"] ?? ""),
                                 snippet: MarkedText(marked: row["snippet"] ?? ""))
            }
        }
    }
}

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

/// What `tidings search` found: the hits, best first, and whether only the newest matches were ranked.
public struct SearchResults: Sendable {
    public var hits: [SearchHit]
    /// Set when the query matched more articles than `rankWithin`: then the hits are the best of the
    /// newest `rankWithin` matches (by when they were stored), not of all.
    public var rankedAmongNewest: Int?
}

extension StoreReader {
    /// Articles matching `query`, best first, with highlighted titles and snippets. With `rankWithin`,
    /// a query matching more articles ranks only the newest that many (ranking every match of a common
    /// word in a million articles takes a tenth of a second or more); nil ranks them all.
    /// `snippetWords` is about how many words of text each snippet shows.
    public func search(_ query: SearchQuery, filter: ArticleFilter = ArticleFilter(), rankWithin: Int? = nil,
                       snippetWords: Int = 24) throws -> SearchResults {
        let (conditions, arguments) = filter.conditions
        let join = "FROM articles_search JOIN articles a ON a.id = articles_search.rowid WHERE articles_search MATCH ?\(conditions)"
        return try read { db in
            // The match just past the newest `rankWithin`, if there is one: only matches stored after it are ranked.
            // Without filters the index alone answers (reading each match's article row costs ten times more).
            let matches = conditions.isEmpty ? "FROM articles_search WHERE articles_search MATCH ?" : join
            let beyond = try rankWithin.flatMap { count in
                try Int64.fetchOne(db, sql: "SELECT articles_search.rowid \(matches) ORDER BY articles_search.rowid DESC LIMIT 1 OFFSET ?",
                                   arguments: [query.expression] + arguments + [count])
            }
            var sql = """
                SELECT a.id, a.source_id, a.title, a.url, a.published_at, a.first_seen_at, a.duplicate_of, articles_search.rank,
                       highlight(articles_search, 0, \(MarkedText.sqlMarkers)) AS title_marked,
                       snippet(articles_search, 1, \(MarkedText.sqlMarkers), '…', \(max(1, min(snippetWords, 64)))) AS snippet
                \(join)\(beyond.map { " AND articles_search.rowid > \($0)" } ?? "")
                ORDER BY articles_search.rank
                """
            if let limit = filter.limit { sql += " LIMIT \(limit)" }
            let hits = try Row.fetchAll(db, sql: sql, arguments: [query.expression] + arguments).map { row in
                let rank: Double = row["rank"]
                return SearchHit(article: ArticleSummary(row: row), score: (-rank * 1000).rounded() / 1000,
                                 titleMarks: MarkedText(marked: row["title_marked"] ?? ""),
                                 snippet: MarkedText(marked: row["snippet"] ?? ""))
            }
            return SearchResults(hits: hits, rankedAmongNewest: beyond == nil ? nil : rankWithin)
        }
    }
}

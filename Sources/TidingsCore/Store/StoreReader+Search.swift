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
    /// word in a million articles, 73,552 matches, took SQLite 27–50 ms); nil ranks them all.
    /// `snippetWords` is about how many words of text each snippet shows.
    public func search(_ query: SearchQuery, filter: ArticleFilter = ArticleFilter(), rankWithin: Int? = nil,
                       snippetWords: Int = 24) throws -> SearchResults {
        // A one-phrase page checks a filter on the packed facets as it reads the matches: far cheaper
        // than a match's article row, so the filter leads only when it keeps far fewer.
        let onePass = query.isOnePhrase && (filter.limit ?? 0) > 0
        return try search(query, filter: filter, rankWithin: rankWithin, snippetWords: snippetWords,
                          filterFirstFactor: onePass ? SearchPlan.facetsFirstFactor : SearchPlan.filterFirstFactor,
                          neverLeadsFrom: onePass ? SearchPlan.facetsAlwaysFrom : nil)
    }

    /// `search` with the plan's threshold given (tests run both plans on the same store).
    func search(_ query: SearchQuery, filter: ArticleFilter, rankWithin: Int?, snippetWords: Int,
                filterFirstFactor: Double, neverLeadsFrom: Int? = nil) throws -> SearchResults {
        try read { db in
            let plan = try SearchPlan(db, query: query, filter: filter, filterFirstFactor: filterFirstFactor,
                                      neverLeadsFrom: neverLeadsFrom)
            // Ranked first from the index alone (ties to the newest), and only the hits kept are read
            // with their marks: ordering the joined rows would read every match's article row.
            let ranked = try rankInOnePass(query, filter: filter, plan: plan, within: rankWithin, in: db)
                ?? rankRowByRow(query, plan: plan, within: rankWithin, limit: filter.limit, in: db)
            let details = try Row.fetchAll(db, sql: """
                SELECT a.id, a.source_id, a.title, a.url, a.published_at, a.first_seen_at, a.duplicate_of,
                       highlight(articles_search, 0, \(MarkedText.sqlMarkers)) AS title_marked,
                       snippet(articles_search, 1, \(MarkedText.sqlMarkers), '…', \(max(1, min(snippetWords, 64)))) AS snippet
                FROM articles_search JOIN articles a ON a.id = articles_search.rowid
                WHERE articles_search MATCH ? AND articles_search.rowid IN (\(ranked.hits.map { String($0.id) }.joined(separator: ",")))
                """, arguments: [query.expression])
            let byID = Dictionary(uniqueKeysWithValues: details.map { ($0["id"] as Int64, $0) })
            let hits = ranked.hits.compactMap { hit -> SearchHit? in
                guard let row = byID[hit.id] else { return nil }
                return SearchHit(article: ArticleSummary(row: row), score: (-hit.score * 1000).rounded() / 1000,
                                 titleMarks: MarkedText(marked: row["title_marked"] ?? ""),
                                 snippet: MarkedText(marked: row["snippet"] ?? ""))
            }
            return SearchResults(hits: hits, rankedAmongNewest: ranked.cutByWindow ? rankWithin : nil)
        }
    }
}

extension StoreReader {
    /// The best of the newest `window` matches `filter` keeps, a page of them, from `SearchRanking.top`: nil
    /// when the query is not one phrase, there is no limit, the plan reads the matches by the filter, or
    /// the facets cannot check the filter (`FacetFilter`). The filter is checked on each match's packed
    /// facets as the index gives it, not on its article row (a page each).
    fileprivate func rankInOnePass(_ query: SearchQuery, filter: ArticleFilter, plan: SearchPlan, within window: Int?,
                                   in db: Database) throws -> RankedMatches? {
        guard let limit = filter.limit, limit > 0 else { return nil }
        if plan.keepsEveryMatch { return try SearchRanking.top(query.expression, best: limit, window: window, in: db) }
        guard plan.checksEachMatch, let facets = try FacetFilter(filter, in: db) else { return nil }
        return try SearchRanking.top(query.expression, best: limit, window: window, filter: facets, in: db)
    }

    /// The match just past the newest `window` that `plan` keeps, if there is one: only matches stored after it
    /// are ranked. None when the plan already knows there are no more matches than that, or no more articles kept.
    fileprivate func windowStart(_ query: SearchQuery, plan: SearchPlan, window: Int?, in db: Database) throws -> Int64? {
        guard let window else { return nil }
        if let matches = plan.matchCount, matches <= window { return nil }
        if let kept = plan.keptCount, kept <= window { return nil }
        return try Int64.fetchOne(
            db, sql: "SELECT articles_search.rowid \(plan.matches) ORDER BY articles_search.rowid DESC LIMIT 1 OFFSET ?",
            arguments: [query.expression] + plan.arguments + [window])
    }

    /// The best `limit` (nil: all) of the newest `window` matches `plan` keeps (nil: of all), each scored
    /// as its row is read.
    fileprivate func rankRowByRow(_ query: SearchQuery, plan: SearchPlan, within window: Int?, limit: Int?,
                                  in db: Database) throws -> RankedMatches {
        let beyond = try windowStart(query, plan: plan, window: window, in: db)
        var ranking = """
            SELECT articles_search.rowid AS id, \(SearchRanking.score(best: limit)) AS score
            \(plan.matches)\(beyond.map { " AND articles_search.rowid > \($0)" } ?? "")
            ORDER BY score, articles_search.rowid DESC
            """
        if let limit { ranking += " LIMIT \(limit)" }
        let hits = try Row.fetchAll(db, sql: ranking, arguments: [query.expression] + plan.arguments)
            .map { (id: $0["id"] as Int64, score: $0["score"] as Double) }
        return RankedMatches(hits: hits, cutByWindow: beyond != nil)
    }
}

/// How a search reads its matches, chosen by what the filter keeps. Either way the matches are
/// ranked by `SearchRanking`.
///
/// Without a filter, every match is ranked. A filter is applied one of two ways, whichever reads fewer rows:
/// - **by the matches**: the filter is checked on each match; the cost follows the number of
///   matches. A page of a one-phrase query checks it on the packed facets (`SearchFacets`), a few
///   bytes a match; any other query reads each match's article row (a page each).
/// - **by the filter**: the ids the filter keeps come from the articles' indexes (a source's
///   date index), and each match from the first id kept to the last is checked against them
///   without reading its row; only the matches kept are scored. The cost follows what the filter
///   keeps and the span of ids it covers (a date filter's is short: ids grow with time): a common
///   word in one source's last week took SQLite 4–12 ms to rank, 14–28 without the span
///   (`bench/cli_bench.py`'s store).
struct SearchPlan {
    /// Every match, from the index alone.
    static let allMatches = "FROM articles_search WHERE articles_search MATCH ?"
    /// Filters are applied by the filter when they keep fewer articles than this many per match.
    static let filterFirstFactor = 4.0
    /// The same for a page of a one-phrase query, whose matches are checked on the facets: the index
    /// reads of the filter cost about five times a match's check (`bench/cli_bench.py`'s store).
    static let facetsFirstFactor = 0.2
    /// A filter keeping this many articles never leads a one-phrase page, however many match: a pass over the
    /// matches' facets costs less than reading its ids (one source's 20,000 articles: 119 ms that way, 49 this),
    /// and counting a common word's matches to weigh it would cost a third of that pass.
    static let facetsAlwaysFrom = 10_000
    /// The matches counted before the filter is weighed; all of them only when the filter keeps more than
    /// `filterFirstFactor` times as many.
    static let matchesCountedFirst = 1_000

    /// The matches the filter keeps, without their article rows where possible (`FROM ... WHERE ...`).
    let matches: String
    /// The filter's conditions on the articles table (`AND ...`, empty for none), and their arguments (after the query's).
    let conditions: String
    let arguments: StatementArguments
    /// How many articles match, from the index alone: counted only when there is a filter to weigh, and not
    /// to the end when more than `matchesCountedFirst` match and the filter leads.
    let matchCount: Int?
    /// How many articles the filter keeps, when it leads (else nil: not counted to the end).
    let keptCount: Int?
    var leadsByFilter: Bool { keptCount != nil }
    /// A filter is checked on the matches' article rows (it does not lead).
    var checksEachMatch: Bool { !keepsEveryMatch && !leadsByFilter }
    /// No filter: every match is a candidate.
    let keepsEveryMatch: Bool

    /// The articles a filter without dates keeps, from the store's counts per source.
    static func keptArticles(_ filter: ArticleFilter, in db: Database) throws -> Int {
        let count = switch filter.duplicates {
        case nil: "articles"
        case true?: "duplicates"
        case false?: "articles - duplicates"
        }
        let (source, arguments): (String, StatementArguments) = filter.source.map { (" WHERE source_id = ?", [$0]) } ?? ("", [])
        return try Int.fetchOne(db, sql: "SELECT coalesce(sum(\(count)), 0) FROM source_counts\(source)", arguments: arguments) ?? 0
    }

    init(_ db: Database, query: SearchQuery, filter: ArticleFilter, filterFirstFactor: Double, neverLeadsFrom: Int? = nil,
         matchesCountedFirst: Int = SearchPlan.matchesCountedFirst) throws {
        let (conditions, arguments) = filter.conditions
        (self.conditions, self.arguments) = (conditions, arguments)
        let joined = "FROM articles_search JOIN articles a ON a.id = articles_search.rowid WHERE articles_search MATCH ?"
        keepsEveryMatch = conditions.isEmpty
        guard !conditions.isEmpty else {
            (matchCount, keptCount) = (nil, nil)
            matches = Self.allMatches
            return
        }
        // A source's articles by date come straight from its date index (see `articles(_:)`).
        let index = filter.source == nil ? "" : " INDEXED BY articles_by_source_date"
        let kept = "SELECT id FROM articles\(index) WHERE 1\(conditions)"
        // Whether the filter keeps `bound` articles. Without dates the store has counted them (`source_counts`):
        // stepping through `--no-duplicates`' articles read the articles table itself, 200 ms and more. With
        // dates, a step to the last of them costs less than counting them (15,896 of the last week: 2 ms against 5).
        let counted = filter.since == nil && filter.until == nil ? try Self.keptArticles(filter, in: db) : nil
        func keeps(atLeast bound: Int) throws -> Bool {
            if bound == 0 { return true }
            if let counted { return counted >= bound }
            return try Row.fetchOne(db, sql: "\(kept) LIMIT 1 OFFSET ?", arguments: arguments + [bound - 1]) != nil
        }
        let spanKept = "SELECT count(*), min(id), max(id) FROM (\(kept))"
        var found: Int?
        var keptSpan: Row?  // set when the filter leads: how many it keeps, the first id and the last
        if let neverLeadsFrom {
            // Keeping fewer, the articles kept are counted (at most that many index entries), then the matches only
            // as far as the choice needs: to the count beyond which the filter leads.
            if try !keeps(atLeast: neverLeadsFrom), let span = try Row.fetchOne(db, sql: spanKept, arguments: arguments) {
                let leadsFrom = Int(min((Double(span[0] as Int) / filterFirstFactor).rounded(.down) + 1, Double(Int32.max)))
                let matchesCounted = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 \(Self.allMatches) LIMIT \(leadsFrom))",
                                                      arguments: [query.expression]) ?? 0
                if matchesCounted < leadsFrom { found = matchesCounted } else { keptSpan = span }
            }
        } else {
            func keepsAtLeast(_ matches: Int) throws -> Bool {
                try keeps(atLeast: Int(min((Double(max(1, matches)) * filterFirstFactor).rounded(.up), Double(Int32.max))))
            }
            // The matches are counted only as far as the choice needs: a filter keeping fewer than `filterFirstFactor`
            // times `matchesCountedFirst` leads however many more match (counting a common word's 73,552 took 4-6 ms).
            let first = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 \(Self.allMatches) LIMIT \(matchesCountedFirst))",
                                         arguments: [query.expression]) ?? 0
            found = first < matchesCountedFirst ? first : nil
            var keepsMany = try keepsAtLeast(first)
            if keepsMany, found == nil {
                found = try Int.fetchOne(db, sql: "SELECT count(*) \(Self.allMatches)", arguments: [query.expression]) ?? 0
                keepsMany = try keepsAtLeast(found ?? 0)
            }
            if !keepsMany { keptSpan = try Row.fetchOne(db, sql: spanKept, arguments: arguments) }
        }
        matchCount = found
        keptCount = keptSpan.map { $0[0] as Int }
        if let row = keptSpan {
            // Only the matches between the first and last id kept are read (a date filter keeps a span of ids);
            // `+` keeps SQLite from handing the ids to the index as lookups (one doclist seek each).
            let span: (Int64, Int64) = (row[1] ?? 0, row[2] ?? -1)
            let condition = " AND articles_search.rowid BETWEEN \(span.0) AND \(span.1) AND +articles_search.rowid IN (\(kept))"
            matches = Self.allMatches + condition
        } else {
            matches = joined + conditions
        }
    }
}

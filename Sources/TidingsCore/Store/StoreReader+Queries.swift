import Foundation
import GRDB

/// Which articles a listing, search or export covers.
public struct ArticleFilter: Sendable {
    public var source: String?
    /// Bounds on the article's date (published, else first seen): `since` inclusive, `until` exclusive.
    public var since: Date?
    public var until: Date?
    /// `true`: only near-duplicates; `false`: only originals (and articles without copies); nil: both.
    public var duplicates: Bool?
    public var limit: Int?

    public init(source: String? = nil, since: Date? = nil, until: Date? = nil, duplicates: Bool? = nil, limit: Int? = nil) {
        self.source = source
        self.since = since
        self.until = until
        self.duplicates = duplicates
        self.limit = limit
    }

    /// The date listings sort and filter by; the indexes of migration v10 are on this very expression.
    static let dateSQL = "coalesce(published_at, first_seen_at)"

    /// `AND ...` conditions on the articles table and their arguments. The column names are the
    /// articles table's own, so they also read unqualified in a join with the search index.
    var conditions: (sql: String, arguments: StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let source {
            sql += " AND source_id = ?"
            arguments += [source]
        }
        if let since {
            sql += " AND \(Self.dateSQL) >= ?"
            arguments += [since]
        }
        if let until {
            sql += " AND \(Self.dateSQL) < ?"
            arguments += [until]
        }
        if let duplicates {
            sql += " AND duplicate_of IS \(duplicates ? "NOT NULL" : "NULL")"
        }
        return (sql, arguments)
    }
}

extension StoreReader {
    public func sources() throws -> [SourceStatus] {
        try read { db in
            let counts = try Self.countsBySource(db)
            return try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY id").map { row in
                let id: String = row["id"]
                let (articles, duplicates) = counts[id] ?? (0, 0)
                let settings = (row["settings_json"] as String?).flatMap(JSONValue.parse)
                var tags: [String] = []
                if case .object(let object)? = settings, case .array(let values)? = object["tags"] {
                    tags = values.compactMap { if case .string(let tag) = $0 { tag } else { nil } }
                }
                let configuredTitle: String = row["title"]
                let errors: Int = row["consecutive_errors"]
                let lastSuccess: Date? = row.storedDate("last_success_at")
                let state: String = if !(row["removed_at"] as DatabaseValue).isNull { "removed" }
                    else if !(row["enabled"] as Bool) { "disabled" }
                    else if !(row["gone_at"] as DatabaseValue).isNull { "gone" }
                    else if errors > 0 { "backing-off" }
                    else if lastSuccess == nil { "new" }
                    else { "ok" }
                return SourceStatus(
                    id: id, url: row["url"], title: configuredTitle.isEmpty ? (row["feed_title"] ?? "") : configuredTitle,
                    siteURL: row["feed_link"],
                    kind: row["kind"], state: state, tags: tags, lastStatus: row["last_status"],
                    lastAttempt: row.storedDate("last_attempt_at"), lastSuccess: lastSuccess, nextDue: row.storedDate("next_due_at"),
                    dueReason: row["due_reason"], learntInterval: row["learnt_interval"], consecutiveErrors: errors,
                    lastError: row["last_error"], warning: row["last_warning"], articles: articles,
                    duplicates: duplicates, duplicateRate: DuplicateRate.of(duplicates, in: articles),
                    filtered: row["filtered_count"], pruned: row["pruned_count"])
            }
        }
    }

    /// Articles and near-duplicates per source, as the store's triggers keep them (migration v23).
    static func countsBySource(_ db: Database) throws -> [String: (articles: Int, duplicates: Int)] {
        var counts: [String: (articles: Int, duplicates: Int)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT source_id, articles, duplicates FROM source_counts") {
            counts[row[0]] = (row[1], row[2])
        }
        return counts
    }

    /// Newest first by date: publication time, or first sighting when the feed gave none.
    public func articles(_ filter: ArticleFilter = ArticleFilter()) throws -> [ArticleSummary] {
        try read { db in
            let (conditions, arguments) = filter.conditions
            // One source's articles come newest first straight from its date index; left to itself, the
            // planner may take the (source, id) index and sort all of the source's articles.
            let index = filter.source == nil ? "" : " INDEXED BY articles_by_source_date"
            var sql = """
                SELECT id, source_id, title, url, published_at, first_seen_at, duplicate_of FROM articles\(index)
                WHERE 1\(conditions) ORDER BY \(ArticleFilter.dateSQL) DESC, id DESC
                """
            if let limit = filter.limit { sql += " LIMIT \(limit)" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(ArticleSummary.init(row:))
        }
    }

    public func article(id: Int64) throws -> ArticleDetail? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM articles WHERE id = ?", arguments: [id]).map { row in
                ArticleDetail(id: row["id"], source: row["source_id"], identity: row["identity"], guid: row["guid"],
                              url: row["url"], title: row["title"], author: row["author"], published: row.storedDate("published_at"),
                              updated: row.storedDate("updated_at"), firstSeen: row.storedDate("first_seen_at"), contentHash: row["content_hash"],
                              summary: row["summary"], content: row["content"], text: row["text"],
                              duplicateOf: row["duplicate_of"], similarity: row["similarity"],
                              revision: row["revision"], inFeed: row["in_feed"], leftFeed: row.storedDate("left_feed_at"))
            }
        }
    }

    /// Every version of an article, oldest first, without texts; the last is the current one.
    /// Empty for an unknown id.
    public func revisionHeaders(of articleID: Int64) throws -> [RevisionHeader] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT revision, seen_at, title, content_hash FROM article_revisions WHERE article_id = ?
                UNION ALL
                SELECT revision, coalesce(revised_at, first_seen_at), title, content_hash FROM articles WHERE id = ?
                ORDER BY revision
                """, arguments: [articleID, articleID])
            return rows.map { row in RevisionHeader(revision: row[0], seenAt: row[1], title: row[2], contentHash: row[3]) }
        }
    }

    /// The text of one version of an article (nil when there is no such version).
    public func revisionText(of articleID: Int64, revision: Int) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT text FROM article_revisions WHERE article_id = ? AND revision = ?
                UNION ALL
                SELECT text FROM articles WHERE id = ? AND revision = ?
                """, arguments: [articleID, revision, articleID, revision])
        }
    }

    /// The seq of the newest change, 0 when there is none.
    public func lastChangeSeq() throws -> Int64 {
        try read(ChangeRecord.lastSeq)
    }

    /// Changes in seq order, optionally only after `afterSeq`, since `since`, of one `event` or one `source`.
    public func changes(afterSeq: Int64? = nil, since: Date? = nil, event: String? = nil, source: String? = nil,
                        limit: Int? = nil) throws -> [ChangeRecord] {
        try read { db in
            try ChangeRecord.fetchAll(db, afterSeq: afterSeq, since: since, event: event, source: source, limit: limit)
        }
    }

    /// Totals, articles per source with their duplicate rate, and articles first seen on each of the
    /// last `days` UTC days (today included, oldest first). Every figure comes from an index or the per-source counters.
    public func statistics(days: Int = 28, now: Date = Date()) throws -> StoreStatistics {
        let dayAgo = now.addingTimeInterval(-86400)
        let firstDay = UTCDay.start(of: now).addingTimeInterval(-86400 * Double(max(days, 1) - 1))
        var stats = try read { db in
            let counts = try Self.countsBySource(db)
            let lastDay = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT source_id, count(*) FROM articles INDEXED BY articles_by_first_seen WHERE first_seen_at >= ? GROUP BY source_id
                """, arguments: [dayAgo]).map { ($0[0] as String, $0[1] as Int) })
            let perSource = try String.fetchAll(db, sql: "SELECT id FROM sources WHERE removed_at IS NULL ORDER BY id").map { id in
                let (articles, duplicates) = counts[id] ?? (0, 0)
                return StoreStatistics.PerSource(source: id, articles: articles, lastDay: lastDay[id] ?? 0, duplicates: duplicates,
                                                 duplicateRate: DuplicateRate.of(duplicates, in: articles))
            }
            let perDayCounts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT substr(first_seen_at, 1, 10) AS day, count(*) FROM articles WHERE first_seen_at >= ? GROUP BY day
                """, arguments: [firstDay]).map { ($0[0] as String, $0[1] as Int) })
            let perDay = (0..<max(days, 1)).map { offset in
                let day = String(ISO8601.string(firstDay.addingTimeInterval(86400 * Double(offset))).prefix(10))
                return StoreStatistics.PerDay(day: day, articles: perDayCounts[day] ?? 0)
            }
            // Every article is counted under its source, removed ones' too.
            let articles = counts.values.reduce(0) { $0 + $1.articles }
            let duplicates = counts.values.reduce(0) { $0 + $1.duplicates }
            return StoreStatistics(
                sources: perSource.count,
                sourcesEnabled: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE removed_at IS NULL AND enabled = 1") ?? 0,
                sourcesFailing: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE removed_at IS NULL AND consecutive_errors > 0") ?? 0,
                articles: articles,
                articlesLastDay: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE first_seen_at >= ?", arguments: [dayAgo]) ?? 0,
                duplicates: duplicates,
                duplicateClusters: try Int.fetchOne(db, sql: """
                    SELECT count(DISTINCT duplicate_of) FROM articles WHERE duplicate_of IS NOT NULL
                    """) ?? 0,
                duplicateRate: DuplicateRate.of(duplicates, in: articles),
                stories: try Int.fetchOne(db, sql: "SELECT count(*) FROM stories") ?? 0,
                storiesAcrossSources: try Int.fetchOne(db, sql: "SELECT count(*) FROM stories WHERE sources > 1") ?? 0,
                changes: try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0,
                lastSeq: try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes"),
                oldestArticle: try Row.fetchOne(db, sql: "SELECT min(first_seen_at) AS d FROM articles")?.storedDate("d"),
                newestArticle: try Row.fetchOne(db, sql: "SELECT max(first_seen_at) AS d FROM articles")?.storedDate("d"),
                databaseBytes: 0, perSource: perSource, perDay: perDay)
        }
        stats.databaseBytes = FileSize.of(database: path)
        return stats
    }
}

/// Duplicates as a share of articles, rounded to 4 places; nil without articles.
enum DuplicateRate {
    static func of(_ duplicates: Int, in articles: Int) -> Double? {
        articles > 0 ? (Double(duplicates) / Double(articles) * 10000).rounded() / 10000 : nil
    }
}

extension ArticleSummary {
    /// From a row with the `articles` columns id, source_id, title, url, published_at, first_seen_at, duplicate_of.
    init(row: Row) {
        self.init(id: row["id"], source: row["source_id"], title: row["title"], url: row["url"],
                  published: row.storedDate("published_at"), firstSeen: row.storedDate("first_seen_at"), duplicateOf: row["duplicate_of"])
    }
}

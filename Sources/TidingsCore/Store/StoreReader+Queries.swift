import Foundation
import GRDB

/// Filters for `tidings articles`.
public struct ArticleFilter: Sendable {
    public var source: String?
    public var since: Date?
    public var limit: Int?

    public init(source: String? = nil, since: Date? = nil, limit: Int? = nil) {
        self.source = source
        self.since = since
        self.limit = limit
    }
}

extension StoreReader {
    public func sources() throws -> [SourceStatus] {
        try read { db in
            let counts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(
                db, sql: "SELECT source_id, count(*) AS n FROM articles GROUP BY source_id"
            ).map { ($0["source_id"] as String, $0["n"] as Int) })
            return try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY id").map { row in
                let id: String = row["id"]
                let settings = (row["settings_json"] as String?).flatMap(JSONValue.parse)
                var tags: [String] = []
                if case .object(let object)? = settings, case .array(let values)? = object["tags"] {
                    tags = values.compactMap { if case .string(let tag) = $0 { tag } else { nil } }
                }
                let configuredTitle: String = row["title"]
                let errors: Int = row["consecutive_errors"]
                let state: String = if (row["removed_at"] as Date?) != nil { "removed" }
                    else if !(row["enabled"] as Bool) { "disabled" }
                    else if (row["gone_at"] as Date?) != nil { "gone" }
                    else if errors > 0 { "backing-off" }
                    else if (row["last_success_at"] as Date?) == nil { "new" }
                    else { "ok" }
                return SourceStatus(
                    id: id, url: row["url"], title: configuredTitle.isEmpty ? (row["feed_title"] ?? "") : configuredTitle,
                    kind: row["kind"], state: state, tags: tags, lastStatus: row["last_status"],
                    lastAttempt: row["last_attempt_at"], lastSuccess: row["last_success_at"], nextDue: row["next_due_at"],
                    dueReason: row["due_reason"], learntInterval: row["learnt_interval"], consecutiveErrors: errors,
                    lastError: row["last_error"], warning: row["last_warning"], articles: counts[id] ?? 0)
            }
        }
    }

    /// Newest first: by publication time, or first sighting when the feed gave none.
    public func articles(_ filter: ArticleFilter = ArticleFilter()) throws -> [ArticleSummary] {
        try read { db in
            var sql = "SELECT id, source_id, title, url, published_at, first_seen_at, duplicate_of FROM articles WHERE 1"
            var arguments: StatementArguments = []
            if let source = filter.source {
                sql += " AND source_id = ?"
                arguments += [source]
            }
            if let since = filter.since {
                sql += " AND first_seen_at >= ?"
                arguments += [since]
            }
            sql += " ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC"
            if let limit = filter.limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(ArticleSummary.init(row:))
        }
    }

    public func article(id: Int64) throws -> ArticleDetail? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM articles WHERE id = ?", arguments: [id]).map { row in
                ArticleDetail(id: row["id"], source: row["source_id"], identity: row["identity"], guid: row["guid"],
                              url: row["url"], title: row["title"], author: row["author"], published: row["published_at"],
                              updated: row["updated_at"], firstSeen: row["first_seen_at"], contentHash: row["content_hash"],
                              summary: row["summary"], content: row["content"], text: row["text"],
                              duplicateOf: row["duplicate_of"], similarity: row["similarity"],
                              revision: row["revision"], inFeed: row["in_feed"], leftFeed: row["left_feed_at"])
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

    public func statistics(now: Date = Date()) throws -> StoreStatistics {
        let dayAgo = now.addingTimeInterval(-86400)
        var stats = try read { db in
            let perSource = try Row.fetchAll(db, sql: """
                SELECT s.id AS source, count(a.id) AS articles,
                       count(CASE WHEN a.first_seen_at >= ? THEN 1 END) AS last_day
                FROM sources s LEFT JOIN articles a ON a.source_id = s.id
                GROUP BY s.id ORDER BY s.id
                """, arguments: [dayAgo]).map {
                StoreStatistics.PerSource(source: $0["source"], articles: $0["articles"], lastDay: $0["last_day"])
            }
            return StoreStatistics(
                sources: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE removed_at IS NULL") ?? 0,
                sourcesEnabled: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE removed_at IS NULL AND enabled = 1") ?? 0,
                sourcesFailing: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE removed_at IS NULL AND consecutive_errors > 0") ?? 0,
                articles: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0,
                articlesLastDay: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE first_seen_at >= ?", arguments: [dayAgo]) ?? 0,
                duplicates: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL") ?? 0,
                duplicateClusters: try Int.fetchOne(db, sql: "SELECT count(DISTINCT duplicate_of) FROM articles") ?? 0,
                changes: try Int.fetchOne(db, sql: "SELECT count(*) FROM changes") ?? 0,
                lastSeq: try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes"),
                oldestArticle: try Date.fetchOne(db, sql: "SELECT min(first_seen_at) FROM articles"),
                newestArticle: try Date.fetchOne(db, sql: "SELECT max(first_seen_at) FROM articles"),
                databaseBytes: 0, perSource: perSource)
        }
        stats.databaseBytes = ["", "-wal", "-shm"].reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            return total + ((attributes?[.size] as? Int) ?? 0)
        }
        return stats
    }
}

extension ArticleSummary {
    /// From a row with the `articles` columns id, source_id, title, url, published_at, first_seen_at, duplicate_of.
    init(row: Row) {
        self.init(id: row["id"], source: row["source_id"], title: row["title"], url: row["url"],
                  published: row["published_at"], firstSeen: row["first_seen_at"], duplicateOf: row["duplicate_of"])
    }
}

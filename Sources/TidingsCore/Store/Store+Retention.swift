import Foundation
import GRDB

/// What one pass of retention did.
public struct PruneSummary: Sendable, Equatable {
    /// Articles removed (with their revisions, fingerprints, band rows, search entries and story places).
    public var articles = 0
    /// Change rows older than the daemon's `max_age` removed.
    public var changes = 0
    /// Tombstones of items no feed has listed for `tombstone_expiry`.
    public var tombstones = 0
    /// Write transactions it took (each short).
    public var batches = 0

    public init() {}
}

extension Store {
    /// Prunes what retention no longer keeps: for each source in `sources` (its
    /// `retention`), and for sources no longer configured (`defaults`), the
    /// articles first seen before `max_age` or beyond the newest `max_articles`.
    /// Each pruned article leaves a tombstone and its source gets one
    /// `article.pruned` change row per batch. Works in batches of `batchSize`
    /// articles, one short write transaction each, so ingest never waits long.
    @discardableResult
    public func prune(sources: [SourceSettings], defaults: ArticleRetention, now: Date = Date(),
                      batchSize: Int = 200) async throws -> PruneSummary {
        var summary = PruneSummary()
        let configured = Dictionary(sources.map { ($0.id, $0.retention) }, uniquingKeysWith: { first, _ in first })
        let stored = try await pool.read { try String.fetchAll($0, sql: "SELECT id FROM sources ORDER BY id") }
        for sourceID in stored {
            let retention = configured[sourceID] ?? defaults
            guard !retention.keepsEverything else { continue }
            while true {
                let pruned = try await pool.write { db in
                    try pruneBatch(of: sourceID, retention: retention, now: now, limit: batchSize, in: db)
                }
                if pruned > 0 {
                    summary.articles += pruned
                    summary.batches += 1
                }
                if pruned < batchSize { break }
            }
        }
        if let maxAge = defaults.maxAge {
            summary.changes = try await deleteInBatches(
                "DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE time < ? ORDER BY seq LIMIT ?)",
                before: now.addingTimeInterval(-Double(maxAge.seconds)), batchSize: batchSize * 10, summary: &summary)
        }
        summary.tombstones = try await deleteInBatches("""
            DELETE FROM tombstones WHERE (source_id, identity) IN
                (SELECT source_id, identity FROM tombstones WHERE last_listed < ? LIMIT ?)
            """, before: now.addingTimeInterval(-tombstoneExpiry), batchSize: batchSize * 10, summary: &summary)
        return summary
    }

    /// Runs `sql` (with the cutoff and a limit) until it deletes fewer than `batchSize` rows.
    private func deleteInBatches(_ sql: String, before cutoff: Date, batchSize: Int,
                                 summary: inout PruneSummary) async throws -> Int {
        var total = 0
        while true {
            let count = try await pool.write { db in
                try db.execute(sql: sql, arguments: [cutoff, batchSize])
                return db.changesCount
            }
            total += count
            if count > 0 { summary.batches += 1 }
            if count < batchSize { return total }
        }
    }

    /// Prunes up to `limit` of the source's oldest articles that `retention` no longer keeps.
    /// Returns how many it pruned.
    private func pruneBatch(of sourceID: String, retention: ArticleRetention, now: Date, limit: Int,
                            in db: Database) throws -> Int {
        func victims(_ sql: String, _ arguments: StatementArguments) throws -> [(id: Int64, identity: String)] {
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0["id"], $0["identity"]) }
        }
        var doomed: [(id: Int64, identity: String)] = []
        var reasons: [String] = []
        if let maxAge = retention.maxAge {
            doomed = try victims("""
                SELECT id, identity FROM articles INDEXED BY articles_by_first_seen
                WHERE first_seen_at < ? AND source_id = ? ORDER BY first_seen_at, id LIMIT ?
                """, [now.addingTimeInterval(-Double(maxAge.seconds)), sourceID, limit])
            if !doomed.isEmpty { reasons.append("max_age \(maxAge)") }
        }
        if let maxArticles = retention.maxArticles, doomed.count < limit {
            // The newest `maxArticles` stay; ids follow the order articles were stored in.
            let beyond = try victims("SELECT id, identity FROM articles WHERE source_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                                     [sourceID, limit, maxArticles])
            let already = Set(doomed.map(\.id))
            let more = beyond.reversed().filter { !already.contains($0.id) }.prefix(limit - doomed.count)
            if !more.isEmpty { reasons.append("max_articles \(maxArticles)") }
            doomed += more
        }
        guard !doomed.isEmpty else { return 0 }
        var clustererStale = false
        for (articleID, identity) in doomed {
            try forgetDedup(of: articleID, in: db)
            clustererStale = try leaveStory(articleID, now: now, in: db) || clustererStale
            try db.cachedStatement(sql: """
                INSERT INTO tombstones (source_id, identity, reason, at, last_listed) VALUES (?, ?, 'pruned', ?, ?)
                ON CONFLICT (source_id, identity) DO UPDATE SET reason = 'pruned', at = excluded.at, rules = NULL
                """).execute(arguments: [sourceID, identity, now, now])
            try db.cachedStatement(sql: "DELETE FROM articles WHERE id = ?").execute(arguments: [articleID])
        }
        try db.execute(sql: "UPDATE sources SET pruned_count = pruned_count + ? WHERE id = ?",
                       arguments: [doomed.count, sourceID])
        try ChangeRecorder.record(.articlePruned, in: db, at: now, sourceID: sourceID, details: [
            "count": .int(doomed.count), "reason": .string(reasons.joined(separator: ", ")),
            "articles": .array(doomed.map { .int(Int($0.id)) }),
        ])
        if clustererStale {
            // The stories in memory may include one just deleted: they are read again on the next ingest.
            try saveStoryStatistics(in: db, force: true)
            forgetStories()
        }
        return doomed.count
    }

    /// Removes an article from the dedup index. Its duplicates are not left pointing at
    /// nothing: the first of them stored becomes the original and the others point to it.
    private func forgetDedup(of articleID: Int64, in db: Database) throws {
        // Band rows are left only while the shingles are (`pruneDedup` drops both past the window).
        if let signature = try Data.fetchOne(db.cachedStatement(sql: """
            SELECT signature FROM dedup_fingerprints WHERE article_id = ? AND length(shingles) > 0
            """), arguments: [articleID]) {
            try deleteBands(of: articleID, signature: signature, in: db)
        }
        guard let heir = try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(id) FROM articles WHERE duplicate_of = ?"),
                                            arguments: [articleID]) else { return }
        try db.cachedStatement(sql: "UPDATE articles SET duplicate_of = NULL, similarity = NULL WHERE id = ?")
            .execute(arguments: [heir])
        try db.cachedStatement(sql: "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?")
            .execute(arguments: [heir, articleID])
        try db.cachedStatement(sql: "UPDATE dedup_fingerprints SET canonical_id = ? WHERE canonical_id = ? AND article_id != ?")
            .execute(arguments: [heir, articleID, articleID])
    }

    /// Takes an article out of its story. A story named by it passes to its next
    /// earliest member; a story left empty is deleted. Returns whether a story
    /// the in-memory clusterer may hold was deleted.
    private func leaveStory(_ articleID: Int64, now: Date, in db: Database) throws -> Bool {
        guard let storyID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT story_id FROM story_articles WHERE article_id = ?"),
                                               arguments: [articleID]) else { return false }
        try db.cachedStatement(sql: "DELETE FROM story_articles WHERE article_id = ?").execute(arguments: [articleID])
        let heir = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT a.id, a.title, coalesce(a.published_at, a.first_seen_at) AS time
            FROM story_articles s JOIN articles a ON a.id = s.article_id
            WHERE s.story_id = ? ORDER BY time, a.id LIMIT 1
            """), arguments: [storyID])
        guard let heir else {
            let last = try Date.fetchOne(db.cachedStatement(sql: "DELETE FROM stories WHERE id = ? RETURNING last_at"),
                                         arguments: [storyID])
            let window = storyParameters?.window ?? 0
            return (last ?? .distantPast) >= now.addingTimeInterval(-2 * window)
        }
        try db.cachedStatement(sql: """
            UPDATE stories SET articles = articles - 1,
                sources = (SELECT count(DISTINCT source_id) FROM story_articles WHERE story_id = ?1),
                article_id = CASE WHEN article_id = ?2 THEN ?3 ELSE article_id END,
                title = CASE WHEN article_id = ?2 THEN ?4 ELSE title END,
                first_at = CASE WHEN article_id = ?2 THEN ?5 ELSE first_at END
            WHERE id = ?1
            """).execute(arguments: [storyID, articleID, heir["id"], heir["title"], heir["time"]])
        return false
    }

    /// Returns free pages to the file system when the store is in incremental auto-vacuum mode
    /// (new stores are; `tidings maintenance vacuum` converts an older one), `pages` at a time in
    /// short write transactions. A reserve stays free — a tenth of the file, at least
    /// `minimumReserve` pages — because in a store that retention keeps level the pages one round
    /// prunes are filled by the next round's articles: moving them out to the end of the file and
    /// back only wrote the WAL full (the soak saw it at 270 MiB after a round that handed back
    /// 30 MiB). At most `limit` pages a call, so a store that shrank a lot is handed back over
    /// several rounds without one round writing more than that to the WAL (`tidings maintenance
    /// vacuum` hands back everything at once). Returns the number of pages freed.
    @discardableResult
    public func vacuumIncrementally(pages: Int = 512, limit: Int = 8192, minimumReserve: Int = 4096) async throws -> Int {
        guard let (free, total) = try await pool.read({ db -> (Int, Int)? in
            guard let free = try StoreVacuum.incrementallyFreeable(db) else { return nil }
            return (free, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
        }) else { return 0 }
        let target = min(free - max(minimumReserve, total / 10), limit)
        var freed = 0
        while freed < target {
            let step = min(pages, target - freed)
            try await pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA incremental_vacuum(\(step))") }
            freed += step
        }
        return freed
    }

    /// `PRAGMA optimize`: lets SQLite refresh the statistics its query planner uses, where they are stale.
    /// Each index is sampled (`analysis_limit`) rather than read whole: on a store of a million articles
    /// a full ANALYZE of the band table alone took seconds, at the end of every `tidingsd --once`.
    public func optimize() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA analysis_limit = \(Self.analysisLimit)")
            try db.execute(sql: "PRAGMA optimize")
        }
    }

    /// Rows ANALYZE reads of each index (SQLite's recommendation is a few hundred to a few thousand).
    static let analysisLimit = 1000
}

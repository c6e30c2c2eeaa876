import Foundation
import GRDB

/// How far a rebuild of the search index has come.
public struct SearchIndexProgress: Sendable, Equatable, Encodable {
    /// Articles copied into the new index so far (counted by this call or command).
    public var copied: Int
    /// Articles still to copy (stored before the rebuild began and not yet copied).
    public var remaining: Int
    /// The index is complete: the new one has replaced the old one, or no rebuild was pending.
    public var finished: Bool

    /// No rebuild was pending: nothing copied, nothing left.
    public static let upToDate = SearchIndexProgress(copied: 0, remaining: 0, finished: true)

    /// This progress, or none yet, after one more batch.
    static func after(_ step: (copied: Int, remaining: Int), from progress: SearchIndexProgress?) -> SearchIndexProgress {
        SearchIndexProgress(copied: (progress?.copied ?? 0) + step.copied, remaining: step.remaining, finished: step.remaining == 0)
    }
}

/// The search index rebuilt under new options while the store stays in use.
///
/// Migration v16 made `articles_search_next` (2-, 3- and 4-letter prefix indexes) beside the live
/// `articles_search`, and recorded in `search_rebuild` the last article id stored before it
/// (`copy_until`). Articles are copied across in id order, a batch a transaction, and
/// `copied_through` says how far. Meanwhile triggers keep the new index true: new articles (ids
/// above `copy_until`) go in as they are stored, and a change or deletion reaches it only for an
/// article it already holds (FTS5 must be told exactly what it indexed to delete it). Searches
/// read the old index until the last batch; then, in one transaction, the new one takes its name
/// and the old one and the rebuild's triggers go.
enum SearchIndexRebuild {
    /// Where a pending rebuild stands, or nil when there is none.
    private struct Pending {
        var copiedThrough: Int64
        var copyUntil: Int64
        /// Articles there were to copy when it began, and copied since.
        var toCopy: Int
        var copied: Int
        var remaining: Int { max(0, toCopy - copied) }
    }

    private static func pending(_ db: Database) throws -> Pending? {
        guard try db.tableExists("search_rebuild") else { return nil }
        return try Row.fetchOne(db, sql: "SELECT copied_through, copy_until, to_copy, copied FROM search_rebuild").map {
            Pending(copiedThrough: $0["copied_through"], copyUntil: $0["copy_until"], toCopy: $0["to_copy"], copied: $0["copied"])
        }
    }

    /// Copies the next `batch` articles, and swaps the indexes over once none are left. Returns
    /// how many were copied and how many are left (about: an article deleted before its turn
    /// still counts), or nil when no rebuild is pending.
    static func step(_ db: Database, batch: Int) throws -> (copied: Int, remaining: Int)? {
        guard var state = try pending(db) else { return nil }
        let last = try Int64.fetchOne(db, sql: """
            SELECT id FROM articles WHERE id > ? AND id <= ? ORDER BY id LIMIT 1 OFFSET ?
            """, arguments: [state.copiedThrough, state.copyUntil, max(0, batch - 1)]) ?? state.copyUntil
        try db.execute(sql: """
            INSERT INTO articles_search_next (rowid, title, text)
                SELECT id, title, text FROM articles WHERE id > ? AND id <= ? ORDER BY id
            """, arguments: [state.copiedThrough, last])
        let copied = db.changesCount
        state.copied += copied
        guard last < state.copyUntil else {
            try swap(db)
            return (copied, 0)
        }
        try db.execute(sql: "UPDATE search_rebuild SET copied_through = ?, copied = ?", arguments: [last, state.copied])
        return (copied, max(1, state.remaining))
    }

    /// Articles not yet copied (about), or nil when no rebuild is pending.
    static func remaining(_ db: Database) throws -> Int? {
        try pending(db)?.remaining
    }

    /// The new index takes the old one's name, and the triggers that kept the old one in step
    /// (made by migration v10, re-made by v18 without one for inserts) are made again for it, word for word.
    private static func swap(_ db: Database) throws {
        let triggers = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'
                AND name IN ('articles_search_insert', 'articles_search_delete', 'articles_search_update') ORDER BY name
            """)
        let names = Set(triggers.map { $0["name"] as String })
        guard names.isSuperset(of: ["articles_search_delete", "articles_search_update"]) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT,
                                message: "the search index's triggers are missing (found \(names.sorted())): rebuild stopped")
        }
        for name in ["insert", "delete", "update"] {
            try db.execute(sql: "DROP TRIGGER IF EXISTS articles_search_\(name); DROP TRIGGER IF EXISTS articles_search_next_\(name)")
        }
        try db.execute(sql: """
            DROP TABLE articles_search;
            ALTER TABLE articles_search_next RENAME TO articles_search;
            DROP TABLE search_rebuild;
            """)
        for trigger in triggers { try db.execute(sql: trigger["sql"]) }
        // The new index's lengths, packed anew (a store that migration v22 has yet to reach queues them there).
        if try db.tableExists("search_lengths") { try SearchLengths.queueAll(db) }
    }
}

extension Store {
    /// Goes on with a pending rebuild of the search index for about `budget` seconds, in
    /// transactions of `batch` articles so ingest interleaves. Nil when no rebuild is pending.
    public func rebuildSearchIndex(budget: TimeInterval, batch: Int = 2_000) async throws -> SearchIndexProgress? {
        let started = Date()
        var progress: SearchIndexProgress?
        while progress?.finished != true, Date().timeIntervalSince(started) < budget,
              let step = try await pool.write({ try SearchIndexRebuild.step($0, batch: batch) }) {
            progress = .after(step, from: progress)
        }
        return progress
    }

    /// `rebuildSearchIndex` to the end, on the calling thread, reporting after each batch.
    public func finishSearchIndexRebuild(batch: Int = 5_000, progress: (SearchIndexProgress) -> Void = { _ in }) throws
        -> SearchIndexProgress? {
        var done: SearchIndexProgress?
        while done?.finished != true, let step = try pool.write({ try SearchIndexRebuild.step($0, batch: batch) }) {
            let next = SearchIndexProgress.after(step, from: done)
            progress(next)
            done = next
        }
        return done
    }
}

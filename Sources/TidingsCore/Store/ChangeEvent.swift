import Foundation
import GRDB

/// The kinds of change recorded in the `changes` table (and mirrored to change-log files).
public enum ChangeEvent: String, Sendable, Codable, CaseIterable {
    case articleAdded = "article.added"
    case articleUpdated = "article.updated"
    case articleDuplicate = "article.duplicate"
    case articleRemoved = "article.removed"
    case articlePruned = "article.pruned"
    case storyCreated = "story.created"
    case storyJoined = "story.joined"
    case sourceAdded = "source.added"
    case sourceRemoved = "source.removed"
    case sourceChanged = "source.changed"
    case sourceFailed = "source.failed"
    case sourceRecovered = "source.recovered"
    case sourceMoved = "source.moved"
    case sourceGone = "source.gone"
}

/// Appends rows to `changes` inside the caller's transaction, so a change and
/// its record commit together or not at all.
enum ChangeRecorder {
    @discardableResult
    static func record(_ event: ChangeEvent, in db: Database, at time: Date, sourceID: String?,
                       articleID: Int64? = nil, url: String? = nil, title: String? = nil,
                       details: [String: JSONValue] = [:]) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO changes (time, event, source_id, article_id, url, title, details)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [time.storedValue, event.rawValue, sourceID, articleID, url, title, JSONValue.object(details).jsonText])
        return db.lastInsertedRowID
    }
}

extension ChangeRecord {
    /// Changes in seq order, optionally only after `afterSeq`, since `since`, of one `event` or one `source`.
    static func fetchAll(_ db: Database, afterSeq: Int64? = nil, since: Date? = nil, event: String? = nil,
                         source: String? = nil, limit: Int? = nil) throws -> [ChangeRecord] {
        // Each filter that is set adds its condition and its value.
        let filters: [(condition: String, value: (any DatabaseValueConvertible)?)] = [
            ("event = ?", event), ("source_id = ?", source), ("seq > ?", afterSeq), ("time >= ?", since),
        ]
        var sql = "SELECT * FROM changes WHERE 1"
        var arguments: StatementArguments = []
        for filter in filters {
            guard let value = filter.value else { continue }
            sql += " AND " + filter.condition
            arguments += [value]
        }
        sql += " ORDER BY seq"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            ChangeRecord(seq: row["seq"], time: row.storedDate("time"), event: row["event"], source: row["source_id"],
                         article: row["article_id"], url: row["url"], title: row["title"], detailsJSON: row["details"])
        }
    }

    /// The seq of the newest change, 0 when there is none.
    static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes") ?? 0
    }
}

extension Store {
    /// Up to `limit` changes after `seq`, in seq order (for the change-log files).
    func changes(after seq: Int64, limit: Int) throws -> [ChangeRecord] {
        try pool.read { db in try ChangeRecord.fetchAll(db, afterSeq: seq, limit: limit) }
    }

    /// The seq of the newest change, 0 when there is none.
    func lastChangeSeq() throws -> Int64 {
        try pool.read(ChangeRecord.lastSeq)
    }

    /// Calls `listener` after every write that may have added changes (nil
    /// stops it). The store calls it itself rather than through a SQLite
    /// commit observer: an observer on the writer connection cost the cold
    /// farm ingest 14 s of 128.
    func onChangesCommitted(_ listener: (@Sendable () -> Void)?) {
        changesListener.withLock { $0 = listener.map(ChangesListener.init) }
    }

    /// Tells the listener, if any, that changes were committed.
    func changesCommitted() {
        changesListener.withLock { $0 }?.notify()
    }
}

/// The change-log writer's wake-up call, in a struct of its own: see `Locked`
/// on why a closure must not be its value directly.
struct ChangesListener {
    let notify: @Sendable () -> Void
}

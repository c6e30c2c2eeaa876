import Foundation
import GRDB

/// The kinds of change recorded in the `changes` table (and mirrored to change-log files).
public enum ChangeEvent: String, Sendable, Codable, CaseIterable {
    case articleAdded = "article.added"
    case articleDuplicate = "article.duplicate"
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
            """).execute(arguments: [time, event.rawValue, sourceID, articleID, url, title, JSONValue.object(details).jsonText])
        return db.lastInsertedRowID
    }
}

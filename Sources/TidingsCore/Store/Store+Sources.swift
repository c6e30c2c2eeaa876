import Foundation
import GRDB

/// What syncing the configured sources into the store changed.
public struct SourceSyncReport: Sendable, Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
}

extension Store {
    /// Makes the `sources` table match the configuration: new sources are
    /// added, changed settings are stored, sources no longer configured are
    /// marked removed (their articles stay). Each difference is a change row.
    @discardableResult
    public func syncSources(_ sources: [SourceSettings], now: Date = Date()) throws -> SourceSyncReport {
        defer { changesCommitted() }
        return try pool.write { db in
            var report = SourceSyncReport()
            let stored = try Row.fetchAll(db, sql: "SELECT id, settings_json, removed_at, next_due_at FROM sources")
            var storedByID: [String: Row] = [:]
            for row in stored { storedByID[row["id"]] = row }
            for source in sources {
                let settings = SourceSettingsJSON.encode(source)
                guard let row = storedByID.removeValue(forKey: source.id) else {
                    try db.execute(sql: """
                        INSERT INTO sources (id, url, title, kind, enabled, settings_json, added_at, next_due_at, due_reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [source.id, source.url.absoluteString, source.title, source.kind.rawValue,
                                         source.enabled, settings, now, now, DueReason.new.rawValue])
                    try ChangeRecorder.record(.sourceAdded, in: db, at: now, sourceID: source.id,
                                              url: source.url.absoluteString, title: source.title)
                    report.added.append(source.id)
                    continue
                }
                let wasRemoved = (row["removed_at"] as Date?) != nil
                let oldSettings: String = row["settings_json"]
                guard wasRemoved || oldSettings != settings else { continue }
                // A source that comes back, or whose URL or interval changed, is due at once
                // (at the latest after its new interval), fetched unconditionally at its configured URL,
                // and polled again even if it had answered 410 Gone.
                let oldDue: Date? = row["next_due_at"]
                let newDue = wasRemoved ? now : min(oldDue ?? now, now.addingTimeInterval(source.interval.timeInterval))
                try db.execute(sql: """
                    UPDATE sources SET url = ?, title = ?, kind = ?, enabled = ?, settings_json = ?,
                        removed_at = NULL, next_due_at = ?, due_reason = ?, etag = NULL, last_modified = NULL,
                        body_hash = NULL, current_url = NULL, gone_at = NULL, learnt_interval = NULL
                    WHERE id = ?
                    """, arguments: [source.url.absoluteString, source.title, source.kind.rawValue, source.enabled,
                                     settings, newDue, DueReason.new.rawValue, source.id])
                if wasRemoved {
                    try ChangeRecorder.record(.sourceAdded, in: db, at: now, sourceID: source.id,
                                              url: source.url.absoluteString, title: source.title,
                                              details: ["returned": .bool(true)])
                    report.added.append(source.id)
                } else {
                    let differences = SourceSettingsJSON.differences(from: oldSettings, to: settings)
                    try ChangeRecorder.record(.sourceChanged, in: db, at: now, sourceID: source.id,
                                              url: source.url.absoluteString, title: source.title,
                                              details: ["changed": .object(differences)])
                    report.changed.append(source.id)
                }
            }
            for (id, row) in storedByID where (row["removed_at"] as Date?) == nil {
                try db.execute(sql: "UPDATE sources SET removed_at = ? WHERE id = ?", arguments: [now, id])
                try ChangeRecorder.record(.sourceRemoved, in: db, at: now, sourceID: id)
                report.removed.append(id)
            }
            return report
        }
    }

    /// Enabled, configured sources due at `now` (or all of them with `includeNotDue`);
    /// never a source that answered 410 Gone.
    public func dueSources(at now: Date, includeNotDue: Bool = false) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM sources
                WHERE enabled = 1 AND removed_at IS NULL AND gone_at IS NULL
                    AND (? OR next_due_at IS NULL OR next_due_at <= ?)
                ORDER BY next_due_at, id
                """, arguments: [includeNotDue, now])
        }
    }

    /// When the next enabled source falls due, if any.
    public func nextDueDate() throws -> Date? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT next_due_at FROM sources WHERE enabled = 1 AND removed_at IS NULL AND gone_at IS NULL
                ORDER BY next_due_at IS NOT NULL, next_due_at LIMIT 1
                """) else { return nil }
            return (row["next_due_at"] as Date?) ?? .distantPast
        }
    }

    /// The Retry-After hold on `origin` still in force at `now`, if any.
    public func originHold(on origin: String, at now: Date) throws -> Date? {
        try pool.read { db in
            try Date.fetchOne(db, sql: "SELECT until FROM origin_holds WHERE origin = ? AND until > ?",
                              arguments: [origin, now])
        }
    }

    /// Moves a source's next refresh to `date` without fetching it (another
    /// source on its origin was told to retry later).
    public func postpone(_ sourceID: String, until date: Date, reason: DueReason) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE sources SET next_due_at = ?, due_reason = ? WHERE id = ?",
                           arguments: [date, reason.rawValue, sourceID])
        }
    }
}

/// A source's settings as canonical JSON, stored to notice config changes.
enum SourceSettingsJSON {
    static func encode(_ source: SourceSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(source)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Keys whose values differ, each as `{"from": old, "to": new}`.
    static func differences(from old: String, to new: String) -> [String: JSONValue] {
        guard case .object(let before)? = JSONValue.parse(old), case .object(let after)? = JSONValue.parse(new) else {
            return [:]
        }
        var result: [String: JSONValue] = [:]
        for key in Set(before.keys).union(after.keys) where before[key] != after[key] {
            result[key] = .object(["from": before[key] ?? .null, "to": after[key] ?? .null])
        }
        return result
    }
}

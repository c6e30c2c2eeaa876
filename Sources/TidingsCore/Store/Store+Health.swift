import Foundation
import GRDB

/// The daemon's live state in one line, for systemd's `STATUS=`.
public struct ServiceStatus: Sendable, Equatable {
    public var sources: Int
    public var due: Int
    public var failing: Int
    /// Articles first seen, and near-duplicates among them, since midnight UTC.
    public var articlesToday: Int
    public var duplicatesToday: Int
    /// Writes that fail now (`StorageHealth.problems`); empty when all is well.
    public var problems: [String] = []

    /// `12 sources (2 due, 1 failing); today 340 articles, 41 duplicates`, after
    /// `DEGRADED: store writes failing since …: database or disk is full — ` when writes fail.
    public var line: String {
        let counts = "\(sources) sources (\(due) due, \(failing) failing); today \(articlesToday) articles, \(duplicatesToday) duplicates"
        return problems.isEmpty ? counts : "DEGRADED: \(problems.joined(separator: "; ")) — \(counts)"
    }
}

extension Store {
    /// Reads the live state; a store that cannot answer this is not healthy
    /// (the watchdog keep-alive stops, and systemd restarts the daemon).
    public func serviceStatus(now: Date = Date()) throws -> ServiceStatus {
        let midnight = UTCDay.start(of: now)
        return try pool.read { db in
            let sources = try Row.fetchOne(db, sql: """
                SELECT count(*) AS total,
                       count(CASE WHEN next_due_at IS NULL OR next_due_at <= ? THEN 1 END) AS due,
                       count(CASE WHEN consecutive_errors > 0 THEN 1 END) AS failing
                FROM sources WHERE enabled = 1 AND removed_at IS NULL AND gone_at IS NULL
                """, arguments: [now])!
            let articles = try Row.fetchOne(db, sql: """
                SELECT count(*) AS total, count(duplicate_of) AS duplicates FROM articles WHERE first_seen_at >= ?
                """, arguments: [midnight])!
            return ServiceStatus(sources: sources["total"], due: sources["due"], failing: sources["failing"],
                                 articlesToday: articles["total"], duplicatesToday: articles["duplicates"],
                                 problems: health.problems)
        }
    }
}

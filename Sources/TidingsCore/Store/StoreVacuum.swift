import Foundation
import GRDB

/// What `tidings maintenance vacuum` did.
public struct VacuumReport: Sendable, Codable, Equatable {
    /// `incremental`: free pages handed back in short steps; `full`: the file rewritten
    /// (and switched to incremental auto-vacuum, so that the daemon keeps it compact from then on).
    public var mode: String
    public var bytesBefore: Int
    public var bytesAfter: Int
    public var seconds: Double
}

public enum StoreVacuum {
    /// Returns the store's free pages to the file system. A store in incremental
    /// auto-vacuum mode (every store created since retention exists) is vacuumed in
    /// steps of a few hundred pages, each a short write transaction, so the daemon
    /// hardly notices. An older store is rewritten once with `VACUUM`, which holds
    /// the write lock throughout: the daemon's writes wait, and a write that waits
    /// too long fails and is retried (the status says DEGRADED meanwhile); nothing is lost.
    public static func run(path: String) throws -> VacuumReport {
        let started = Date()
        // Checked through the reader first: a foreign, newer or unmigrated file stays untouched.
        _ = try StoreReader.open(path: path)
        var configuration = Configuration.atDefaultPriority()
        configuration.busyMode = .timeout(30)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
        }
        let before = FileSize.of(database: path, with: ["-wal"])
        let mode: String
        do {
            mode = try queue.inDatabase { db in
                if try incrementallyFreeable(db) != nil {
                    while try incrementallyFreeable(db) ?? 0 > 0 { try db.execute(sql: "PRAGMA incremental_vacuum(256)") }
                    return "incremental"
                }
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
                return "full"
            }
            // The pages moved through the WAL: copy them home, and let the file shrink.
            _ = try? queue.inDatabase { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try queue.close()
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "vacuum failed: \(StoreErrorText.describe(error))")
        }
        return VacuumReport(mode: mode, bytesBefore: before, bytesAfter: FileSize.of(database: path, with: ["-wal"]),
                            seconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000)
    }

    /// The free pages an incremental vacuum can hand back; nil when the store is not in
    /// incremental auto-vacuum mode (only a full VACUUM frees its pages).
    static func incrementallyFreeable(_ db: Database) throws -> Int? {
        guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return nil }
        return try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
    }
}

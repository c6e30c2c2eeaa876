import Foundation
import GRDB

/// What `tidings backup` wrote.
public struct BackupReport: Sendable, Codable, Equatable {
    /// The backup file.
    public var path: String
    public var bytes: Int64
    public var articles: Int
    /// The last change the copy holds: everything committed before the backup began, nothing after it.
    public var lastChangeSeq: Int64
    /// `PRAGMA integrity_check` of the copy: "ok".
    public var integrity: String
    public var seconds: Double
}

extension StoreReader {
    /// Writes a consistent copy of the store to `destination` while the daemon may keep
    /// writing: `VACUUM INTO` reads one snapshot (so the copy holds exactly what was
    /// committed when it began) into a temporary file beside `destination`, which is
    /// checked with `PRAGMA integrity_check`, flushed to disk and renamed into place.
    /// An existing `destination` is replaced only with `replace`.
    public func backup(to destination: String, replace: Bool = false) throws -> BackupReport {
        let started = Date()
        let target = URL(fileURLWithPath: destination).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StoreError.backupFailed(path: target.path, reason: "Is a directory") }
            if !replace {
                throw StoreError.backupFailed(path: target.path, reason: "the file exists (--force replaces it)")
            }
        }
        if target.resolvingSymlinksInPath().path == URL(fileURLWithPath: path).resolvingSymlinksInPath().path {
            throw StoreError.backupFailed(path: target.path, reason: "that is the store itself")
        }
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: partial)
        defer { try? FileManager.default.removeItem(at: partial) }
        do {
            // Outside a transaction (VACUUM needs that): the statement is its own read snapshot.
            try queue.inDatabase { try $0.execute(sql: "VACUUM INTO ?", arguments: [partial.path]) }
        } catch {
            throw StoreError.backupFailed(path: target.path, reason: StoreErrorText.describe(error))
        }
        let report: BackupReport
        do {
            var configuration = Configuration.atDefaultPriority()
            configuration.readonly = true
            let copy = try DatabaseQueue(path: partial.path, configuration: configuration)
            report = try copy.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
                return BackupReport(path: target.path, bytes: 0,
                                    articles: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0,
                                    lastChangeSeq: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM changes") ?? 0,
                                    integrity: integrity, seconds: 0)
            }
            try copy.close()
        } catch {
            throw StoreError.backupFailed(path: target.path, reason: "the copy does not open: \(StoreErrorText.describe(error))")
        }
        guard report.integrity == "ok" else {
            throw StoreError.backupFailed(path: target.path, reason: "the copy failed integrity_check: \(report.integrity)")
        }
        do {
            try PosixFile(path: partial.path, flags: O_RDONLY).sync()
            // rename(2) puts the copy in place at once: an old backup stays whole until then.
            guard rename(partial.path, target.path) == 0 else {
                throw PosixFileError(path: target.path, operation: "rename", code: errno)
            }
            try PosixFile.syncDirectory(target.deletingLastPathComponent().path)
        } catch {
            throw StoreError.backupFailed(path: target.path, reason: "\(error)")
        }
        var done = report
        done.bytes = Int64(FileSize.of(target.path))
        done.seconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        return done
    }
}

import Foundation
import GRDB

/// Read-only access to a store, for the CLI. Opens the file read-only (it
/// never creates, migrates or writes) and, in WAL mode, never blocks the daemon.
public final class StoreReader: Sendable {
    let queue: DatabaseQueue
    public let path: String

    private init(queue: DatabaseQueue, path: String) {
        self.queue = queue
        self.path = path
    }

    /// Opens the store at `path`; fails with `StoreError` when it is missing,
    /// not a Tidings store, from a newer Tidings, or from an older one not migrated yet.
    public static func open(path: String) throws -> StoreReader {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw StoreError.missing(path: path)
        }
        var configuration = Configuration.atDefaultPriority()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try SearchRanking.register(on: db) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
        }
        try StoreSchemaCheck.verify(queue, path: path, current: true)
        let migrated = try queue.read { db in try db.tableExists("changes") }
        guard migrated else { throw StoreError.missing(path: path) }
        return StoreReader(queue: queue, path: path)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw StoreError.readFailed(path: path, reason: StoreErrorText.describe(error))
        }
    }
}

import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database on a thread of its own, so
/// that the writer never stops to do it (SQLite's automatic checkpoint runs
/// inside the commit that crosses the threshold, and is most of a busy
/// writer's I/O). A passive checkpoint runs every second; when the log still
/// grows past `maxWALPages` (readers holding old snapshots, a writer that never
/// pauses), the writer itself restarts it, so the WAL stays bounded.
final class WALCheckpointer: Sendable {
    static let maxWALPages = 65_536  // 256 MiB of 4 KiB pages

    private let stopped = Atomic<Bool>(false)
    /// Signalled by `stop`, so the thread need not sleep in slices to notice it.
    private let stopping = DispatchSemaphore(value: 0)
    /// Signalled once the thread has closed its connection.
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, writer: DatabasePool) throws {
        var configuration = Configuration.atDefaultPriority()
        configuration.busyMode = .timeout(1)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in
            while true {
                if stopping.wait(timeout: .now() + 1) == .success { break }  // `close` checkpoints the rest
                let logPages = (try? connection.writeWithoutTransaction { db in
                    try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")?[1] as Int?
                }) ?? 0
                if logPages > Self.maxWALPages {
                    _ = try? writer.writeWithoutTransaction { try $0.checkpoint(.restart) }
                }
            }
            try? connection.close()
            finished.signal()
        }
        thread.name = "tidings-checkpoint"
        thread.start()
    }

    /// Stops the thread and waits until its connection is closed (at most a
    /// checkpoint's time), so that closing the store can checkpoint the rest.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        stopping.signal()
        finished.wait()
    }
}

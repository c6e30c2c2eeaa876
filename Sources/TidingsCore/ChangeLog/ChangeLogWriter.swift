import Foundation
import Logging
import Synchronization

/// Mirrors the `changes` table (the source of truth) to JSON Lines files that
/// other tools can tail, on a thread of its own.
///
/// At start it repairs the end of the log (a crash can tear the last line)
/// and catches up from the last seq on disk. After that it sleeps until the
/// store says it committed changes, and appends them — gathering the
/// commits of the next 200 ms into the same write and `fsync`. So the files
/// hold every seq exactly once, in order, and lag the store by well under a
/// second (after a crash: until the next start), while an idle daemon's
/// writer does nothing. A file it cannot write (disk full, permissions) is
/// retried every few seconds, the daemon keeps ingesting, and nothing is
/// lost: the table still has it.
public final class ChangeLogWriter: Sendable {
    private let stopped = Atomic<Bool>(false)
    /// Signalled by every commit that added changes, and by `stop`.
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Commits within this long of each other share one append and one fsync.
    static let batchWindow = 0.2

    /// Starts mirroring `store` into `directory` (created if missing).
    public init(directory: String, retention: TimeSpan?, store: Store, logger: Logger) {
        store.onChangesCommitted { [wakeup] in wakeup.signal() }
        let thread = Thread { [self] in
            // Lives on this thread only.
            let appender = ChangeLogAppender(directory: ChangeLogDirectory(path: directory), store: store, logger: logger)
            var lastRetentionCheck = Date.distantPast
            while true {
                let stopping = stopped.load(ordering: .relaxed)
                appender.catchUp()
                if let retention, Date().timeIntervalSince(lastRetentionCheck) >= 3600 {
                    lastRetentionCheck = Date()
                    appender.deleteExpired(retention: retention)
                }
                if stopping { break }
                // Without a commit: wake for the hourly retention, or to retry a failed write.
                _ = wakeup.wait(timeout: .now() + (appender.isFailing ? 5 : 3600))
                if !stopped.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: Self.batchWindow) }
                while wakeup.wait(timeout: .now()) == .success {}  // those commits are in this batch
            }
            store.onChangesCommitted(nil)
            finished.signal()
        }
        thread.name = "tidings-changelog"
        thread.start()
    }

    /// Writes what is still to be written and stops the thread.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        wakeup.signal()
        finished.wait()
    }
}

/// The writer thread's state: where the log ends and the open file.
private final class ChangeLogAppender {
    let directory: ChangeLogDirectory
    let store: Store
    let logger: Logger
    /// The last seq in the files; nil until the end of the log has been read.
    private var lastSeq: Int64?
    private var file: (handle: PosixFile, day: String)?
    /// The day files are written for: never goes back, even if the clock does.
    private var day: String?
    private(set) var isFailing = false
    private var failureLogged = Date.distantPast

    static let batchSize = 2_000

    init(directory: ChangeLogDirectory, store: Store, logger: Logger) {
        self.directory = directory
        self.store = store
        self.logger = logger
    }

    /// Appends every change committed after the last one on disk.
    func catchUp() {
        do {
            let start = try lastSeq ?? recover()
            var last = start
            while true {
                let records = try store.changes(after: last, limit: Self.batchSize)
                guard !records.isEmpty else { break }
                try append(records)
                last = records[records.count - 1].seq
                lastSeq = last
            }
            if isFailing {
                isFailing = false
                store.health.succeeded(.changeLog)
                logger.notice("changelog.resumed", metadata: ["last_seq": "\(last)"])
            }
        } catch {
            // Start over from the files next time: reopened, a partial line cut off, the last seq read again.
            file = nil
            lastSeq = nil
            isFailing = true
            store.health.failed(.changeLog, reason: "\(error)")
            if Date().timeIntervalSince(failureLogged) >= 60 {
                failureLogged = Date()
                logger.error("changelog.write_failed", metadata: [
                    "error": "\(error)", "directory": "\(directory.path)", "retry.seconds": "5",
                ])
            }
        }
    }

    /// Reads where the log ends (repairing a torn last line) and says so.
    private func recover() throws -> Int64 {
        try directory.prepare()
        let tail = try ChangeLogTail.recover(directory)
        let stored = try store.lastChangeSeq()
        logger.info("changelog.opened", metadata: [
            "directory": "\(directory.path)", "last_seq": "\(tail.lastSeq)", "behind": "\(max(stored - tail.lastSeq, 0))",
        ])
        if tail.repairedBytes > 0 {
            logger.warning("changelog.repaired", metadata: [
                "directory": "\(directory.path)", "day": "\(tail.day ?? "")", "bytes": "\(tail.repairedBytes)",
                "reason": "a line torn by a crash was cut off; it is written again from the store",
            ])
        }
        if tail.lastSeq > stored {
            logger.error("changelog.ahead_of_store", metadata: [
                "directory": "\(directory.path)", "log_seq": "\(tail.lastSeq)", "store_seq": "\(stored)",
                "reason": .string(Self.aheadReason),
            ])
        }
        day = tail.day
        lastSeq = tail.lastSeq
        return tail.lastSeq
    }

    private static let aheadReason = "the files go further than the store (restored from an older backup?); "
        + "changes up to the files' last seq are not written again"

    /// Appends `records` to their days' files: one write and one fsync per file.
    private func append(_ records: [ChangeRecord]) throws {
        let days = records.map { ChangeLogDirectory.day(of: $0.time) }
        var start = 0
        while start < records.count {
            // Never a day before the one already written: a clock set back cannot reorder seqs across files.
            let recordDay = max(days[start], day ?? "")
            var end = start + 1
            while end < records.count, days[end] <= recordDay { end += 1 }
            var bytes: [UInt8] = []
            for record in records[start..<end] {
                bytes.append(contentsOf: record.jsonLine.utf8)
                bytes.append(0x0A)
            }
            let handle = try open(recordDay)
            let size = try handle.size()
            do {
                try handle.write(bytes)
                try handle.sync()
            } catch {
                // Leave no partial line behind: the next attempt writes these changes again.
                try? handle.truncate(to: size)
                throw error
            }
            start = end
        }
    }

    private func open(_ newDay: String) throws -> PosixFile {
        if let file, file.day == newDay { return file.handle }
        let path = directory.file(for: newDay)
        let isNew = !FileManager.default.fileExists(atPath: path)
        let handle = try PosixFile(path: path, flags: O_WRONLY | O_APPEND | O_CREAT)
        if isNew { try PosixFile.syncDirectory(directory.path) }
        file = (handle, newDay)
        day = newDay
        return handle
    }

    func deleteExpired(retention: TimeSpan) {
        do {
            let deleted = try directory.deleteExpired(retention: retention, now: Date())
            if !deleted.isEmpty {
                logger.info("changelog.expired", metadata: ["days": "\(deleted.joined(separator: ","))",
                                                            "retention": "\(retention)"])
            }
        } catch {
            logger.error("changelog.retention_failed", metadata: ["error": "\(error)", "directory": "\(directory.path)"])
        }
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// tidingsd with its store or change log on a tmpfs that fills up: it logs the
/// error, says so in systemd's STATUS, keeps running and keeps everything
/// committed, and catches up once space returns. Needs the right to mount; a
/// machine that forbids it skips these tests with the reason printed.
@Suite("Disk full", .serialized)
struct DiskFullTests {
    let work = TemporaryDirectory("tidings-diskfull")

    /// A feed of `count` items, each a few KiB of words of its own (no two are near-duplicates).
    private func writeFeed(_ count: Int) throws {
        let items = (1...count).map { number in
            let words = (0..<500).map { "w\(number)x\($0)" }.joined(separator: " ")
            return "<item><guid>item-\(number)</guid><title>Item \(number)</title><description>\(words).</description></item>"
        }
        _ = try work.write("site/feed.xml", "<rss version=\"2.0\"><channel><title>Wire</title>\(items.joined())</channel></rss>")
    }

    private func scratch(_ name: String) -> ScratchFilesystem? {
        switch ScratchFilesystem.mount(at: work.path(name), bytes: 16 << 20) {
        case .success(let disk): return disk
        case .failure(let unavailable):
            print("skipped: disk-full test needs a tmpfs it can fill; \(unavailable.reason)")
            return nil
        }
    }

    private func articleCount(_ db: String) -> Int {
        (try? TidingsJSON.document(db: db, ["articles", "--json"]) as? [Any])?.count ?? -1
    }

    private func integrity(_ db: String) throws -> String {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; print(sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute('PRAGMA integrity_check').fetchone()[0])",
            db]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func startDaemon(database: String, changeLog: String, server: FeedServer, socket: NotifySocket) throws -> BackgroundProcess {
        let config = try work.write("tidings.toml", tidingsConfig(
            database: database, sources: [("wire", server.url("/files/feed.xml"))],
            daemon: "change_log = \"\(changeLog)\"\nmin_interval = \"1s\"\ndefault_interval = \"1s\"\nhost_spacing = \"0s\""))
        return try BackgroundProcess(TestPaths.tidingsd, ["--config", config],
                                     environment: ["NOTIFY_SOCKET": socket.environmentValue])
    }

    @Test("store and change log on a full disk: logged, DEGRADED in STATUS, still running, nothing committed lost, catches up when space returns")
    func storeOnFullDisk() throws {
        guard let disk = scratch("disk") else { return }
        try writeFeed(20)
        let db = disk.path + "/tidings.db", changeLog = disk.path + "/changes"
        let server = try FeedServer(root: work.url.appendingPathComponent("site"))
        let socket = try NotifySocket(path: work.path("notify.sock"))
        let daemon = try startDaemon(database: db, changeLog: changeLog, server: server, socket: socket)
        defer { _ = daemon.stop(signal: SIGKILL) }
        #expect(eventually { articleCount(db) == 20 }, "\(daemon.stderr)")
        let committed = try TidingsJSON.document(db: db, ["articles", "--json"]) as? [[String: Any]] ?? []

        disk.fill()
        // Ten times the first batch: more than the WAL (reused after each checkpoint) can take
        // without growing, so the store cannot commit it whatever the WAL's size when the disk filled.
        try writeFeed(200)
        let degraded = socket.waitFor("DEGRADED: store writes failing since ", timeout: 30)
        #expect(degraded?.last?.contains("database or disk is full") == true, "\(String(describing: degraded)) \(daemon.stderr)")
        #expect(daemon.stderr.contains("critical store.write_failing"), "\(daemon.stderr)")
        #expect(daemon.process.isRunning, "the daemon keeps running on a full disk")
        #expect(try integrity(db) == "ok")
        let during = try TidingsJSON.document(db: db, ["articles", "--json"]) as? [[String: Any]] ?? []
        #expect(during.count >= committed.count && Set(committed.compactMap { $0["id"] as? Int }).isSubset(of: during.compactMap { $0["id"] as? Int }),
                "nothing committed is lost")

        disk.free()
        #expect(eventually(timeout: 60) { articleCount(db) == 200 }, "writes resume: \(articleCount(db)) articles; \(daemon.stderr.suffix(2000))")
        #expect(socket.waitFor("STATUS=1 sources (", timeout: 15) != nil, "STATUS is back to normal")
        #expect(daemon.stderr.contains("store.write_resumed"))
        #expect(daemon.stop(signal: SIGTERM) == 0, "\(daemon.stderr.suffix(2000))")
        let files = ChangeLogFiles.lines(in: changeLog)
        #expect(files.allTerminated)
        #expect(files.lines == (try ChangeLogFiles.tableLines(db: db)), "the change log caught up with the table")
        #expect(try integrity(db) == "ok")
    }

    @Test("the change log alone on a full disk: ingest goes on, STATUS says the log is behind, the files catch up when space returns")
    func changeLogOnFullDisk() throws {
        guard let disk = scratch("logdisk") else { return }
        try writeFeed(10)
        let db = work.path("state/tidings.db"), changeLog = disk.path + "/changes"
        let server = try FeedServer(root: work.url.appendingPathComponent("site"))
        let socket = try NotifySocket(path: work.path("notify.sock"))
        let daemon = try startDaemon(database: db, changeLog: changeLog, server: server, socket: socket)
        defer { _ = daemon.stop(signal: SIGKILL) }
        #expect(eventually { articleCount(db) == 10 }, "\(daemon.stderr)")

        disk.fill()
        try writeFeed(40)
        #expect(eventually { articleCount(db) == 40 }, "the store does not wait for the change log")
        let degraded = socket.waitFor("DEGRADED: change log failing since ", timeout: 30)
        #expect(degraded?.last?.contains("No space left on device") == true, "\(String(describing: degraded)) \(daemon.stderr)")
        #expect(daemon.stderr.contains("changelog.write_failed"))

        disk.free()
        #expect(eventually(timeout: 30) { daemon.stderr.contains("changelog.resumed") }, "\(daemon.stderr.suffix(2000))")
        #expect(daemon.stop(signal: SIGTERM) == 0)
        let files = ChangeLogFiles.lines(in: changeLog)
        #expect(files.allTerminated)
        #expect(files.lines == (try ChangeLogFiles.tableLines(db: db)))
        #expect(ChangeLogFiles.seqs(files.lines) == (1...files.lines.count).map { Int?($0) })
    }
}


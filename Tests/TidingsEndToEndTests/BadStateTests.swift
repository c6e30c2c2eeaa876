import Foundation
import Testing
import TidingsTestSupport

/// tidingsd started on a config or a store it cannot use: a message that names
/// the file and the trouble, exit status 1, and nothing overwritten.
@Suite("Bad config and bad state", .serialized)
struct BadStateTests {
    let work = TemporaryDirectory("tidings-badstate")

    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// A store with one article, written by this tidingsd, checkpointed (the .db file alone holds it).
    private func makeStore(_ db: String) throws -> String {
        _ = try work.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        let config = try work.write("make.toml", tidingsConfig(database: db, sources: [("a", work.url.appendingPathComponent("feed.xml").absoluteString)],
                                                               daemon: "change_log = \"\(work.path("changes"))\""))
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        return config
    }

    @Test("a config that cannot be read: missing, a directory, or not readable by the daemon's user")
    func unreadableConfig() throws {
        let missing = try ProcessRunner.tidingsd(["--config", work.path("nope.toml"), "--once"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.toml: error: cannot read config file: No such file or directory"), "\(missing.stderr)")

        try FileManager.default.createDirectory(atPath: work.path("dir.toml"), withIntermediateDirectories: true)
        let directory = try ProcessRunner.tidingsd(["--config", work.path("dir.toml"), "--once"])
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("dir.toml: error: cannot read config file: Is a directory"), "\(directory.stderr)")

        let secret = try work.write("secret.toml", tidingsConfig(database: work.path("secret.db"), sources: []))
        chmod(secret, 0o000)
        // root reads any file: run the daemon as nobody, as a service user would be.
        let asNobody = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        chmod(work.url.path, 0o755)
        let denied = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), asNobody + [TestPaths.tidingsd.path, "--config", secret, "--once"])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("secret.toml: error: cannot read config file: Permission denied"), "\(denied.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.path("secret.db")))
    }

    @Test("a database or change log in a directory that does not exist yet: created, with every parent")
    func missingDirectoriesAreCreated() throws {
        let db = work.path("new/deeper/state/tidings.db")
        let config = try work.write("new.toml", tidingsConfig(database: db, sources: [], daemon: "change_log = \"\(work.path("new/logs/changes"))\""))
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: db))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: work.path("new/logs/changes"), isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("a store or change log on a read-only filesystem: exit 1 naming the path and the reason, the store untouched")
    func readOnlyFilesystem() throws {
        guard case .success(let disk) = ScratchFilesystem.mount(at: work.path("ro"), bytes: 8 << 20) else {
            print("skipped: read-only filesystem test needs to mount a tmpfs (uid \(getuid()))")
            return
        }
        let db = disk.path + "/tidings.db"
        let config = try makeStore(db)
        let before = try #require(bytes(db))
        try disk.remount(readOnly: true)
        defer { try? disk.remount(readOnly: false) }
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("critical store.open_failed") && run.stderr.contains(db), "\(run.stderr)")
        #expect(run.stderr.lowercased().contains("read-only") || run.stderr.contains("readonly"), "\(run.stderr)")
        #expect(bytes(db) == before)

        let logConfig = try work.write("log.toml", tidingsConfig(database: work.path("rw/tidings.db"), sources: [],
                                                                 daemon: "change_log = \"\(disk.path)/logs\""))
        let log = try ProcessRunner.tidingsd(["--config", logConfig, "--once"])
        #expect(log.status == 1)
        #expect(log.stderr.contains("critical changelog.unusable"), "\(log.stderr)")
        #expect(log.stderr.contains("cannot create directory \(disk.path)/logs: Read-only file system"), "\(log.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.path("rw/tidings.db")), "nothing was created before the check")
    }

    @Test("a database file that is not SQLite, and a store from a newer Tidings: exit 1, a clear message, not a byte changed")
    func foreignAndNewerStores() throws {
        let junk = try work.write("junk.db", String(repeating: "these are my notes, not a database\n", count: 200))
        let before = try #require(bytes(junk))
        let config = try work.write("junk.toml", tidingsConfig(database: junk, sources: []))
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("critical store.open_failed") && run.stderr.contains("cannot open database \(junk)"), "\(run.stderr)")
        #expect(run.stderr.contains("file is not a database"), "\(run.stderr)")
        #expect(bytes(junk) == before)
        #expect(!FileManager.default.fileExists(atPath: junk + "-wal"))

        let db = work.path("future/tidings.db")
        let futureConfig = try makeStore(db)
        let inserted = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO grdb_migrations VALUES ('v99-from-the-future')"); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()
            """, db])
        #expect(inserted.status == 0, "\(inserted.stderr)")
        let future = try #require(bytes(db))
        let refused = try ProcessRunner.tidingsd(["--config", futureConfig, "--once"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("written by a newer version of Tidings (unknown migrations: v99-from-the-future)"), "\(refused.stderr)")
        #expect(bytes(db) == future)
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// tidingsd killed with SIGKILL at random points while it ingests, again and
/// again; afterwards the store and the change-log files must agree.
/// `TIDINGS_TORTURE_KILLS` sets the number of kills (`make torture` runs 200).
@Suite("Crash torture: SIGKILL during ingest", .serialized)
struct KillTortureTests {
    let work = TemporaryDirectory("tidings-torture")

    @Test("killed at random points during ingest: files and table hold the same contiguous seqs, no torn line, every article has its article.added")
    func killDuringIngest() throws {
        let kills = Int(ProcessInfo.processInfo.environment["TIDINGS_TORTURE_KILLS"] ?? "") ?? 24
        let server = try FeedServer(root: work.url)
        // 20 feeds that gain 8 items (and reword one) at every request: every run has work to do.
        let sources = (1...20).map { ("s\($0)", server.url("/rolling/s\($0)?items=30&new=8")) }
        let db = work.path("state/tidings.db"), changeLog = work.path("state/changes")
        let config = try work.write("t.toml", tidingsConfig(database: db, sources: sources, daemon: """
            concurrency = 4
            per_host_concurrency = 4
            host_spacing = "0s"
            """))
        var killedWhileRunning = 0
        var delays: [Int] = []
        for _ in 0..<kills {
            let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config, "--once", "--all"])
            let delay = Int.random(in: 20...900)
            delays.append(delay)
            usleep(UInt32(delay) * 1000)
            if daemon.process.isRunning { killedWhileRunning += 1 }
            #expect(daemon.stop(signal: SIGKILL, timeout: 30) != nil)
        }
        // Most kills must land in the middle of the work, or the test proves little.
        #expect(killedWhileRunning >= kills * 3 / 4, "delays \(delays)")

        let final = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(final.status == 0, "\(final.stderr)")
        let files = ChangeLogFiles.lines(in: changeLog)
        let table = try ChangeLogFiles.tableLines(db: db)
        #expect(files.allTerminated, "a torn line was left after restart")
        #expect(files.lines == table, "files: \(files.lines.count) lines, table: \(table.count) rows; delays \(delays)")
        #expect(ChangeLogFiles.seqs(files.lines) == (0..<table.count).map { Int?($0 + 1) }, "seqs contiguous from 1")

        let articles = try #require(try TidingsJSON.document(db: db, ["articles", "--json"]) as? [[String: Any]])
        let added = try TidingsJSON.lines(db: db, ["changes", "--event", "article.added", "--json"])
        #expect(!articles.isEmpty)
        #expect(Set(articles.compactMap { $0["id"] as? Int }) == Set(added.compactMap { $0["article"] as? Int }),
                "every stored article has exactly its article.added")
        #expect(added.count == articles.count)

        let integrity = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", db])
        #expect(integrity.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}

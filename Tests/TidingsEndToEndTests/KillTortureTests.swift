import Foundation
import Testing
import TidingsTestSupport

/// tidingsd killed with SIGKILL at random moments while it ingests a feed farm
/// (`../shared/bench/feedfarm.py`, served by nginx), again and again, with new
/// items appearing before every run. After every kill the store is sound and
/// has lost nothing, and the next run completes and leaves the change-log files
/// equal to the table. `TIDINGS_TORTURE_KILLS` sets the number of kills (12 by
/// default; `make torture` runs 100).
@Suite("Crash torture: SIGKILL during ingest", .serialized)
struct KillTortureTests {
    let work = TemporaryDirectory("tidings-torture")

    /// What `Tests/Servers/store_check.py` reports about a store.
    struct StoreCheck: Decodable {
        let integrity: String
        let articles: [String]
        let duplicate_guids: Int
        let added_per_article: [String: Int]
        let seqs_contiguous: Bool
        let last_seq: Int
    }

    private func check(_ db: String) throws -> StoreCheck {
        let script = TestPaths.repositoryRoot.appendingPathComponent("Tests/Servers/store_check.py").path
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, db])
        guard result.status == 0 else { throw FixtureError(message: "store_check.py: \(result.stderr)") }
        return try JSONDecoder().decode(StoreCheck.self, from: Data(result.stdout.utf8))
    }

    private func python(_ arguments: [String]) throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
        guard result.status == 0 else { throw FixtureError(message: "\(arguments.first ?? ""): \(result.stderr)") }
    }

    @Test("killed at random moments during ingest of a feed farm: after every kill the store is sound and lost nothing; the next run completes and the change log equals the table")
    func killDuringIngest() throws {
        try #require(NginxServer.isAvailable, "nginx serves the feed farm (make test installs it)")
        let kills = Int(ProcessInfo.processInfo.environment["TIDINGS_TORTURE_KILLS"] ?? "") ?? 12
        let bench = TestPaths.shared.appendingPathComponent("bench")
        let site = work.path("farm")
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        let nginx = try NginxServer(root: URL(fileURLWithPath: site))
        try python([bench.appendingPathComponent("gen_corpus.py").path, "--docs", "\(4_000 + kills * 40)", "--seed", "3",
                    "--out", work.path("corpus")])
        let farm = bench.appendingPathComponent("feedfarm.py").path
        try python([farm, "--corpus", work.path("corpus.jsonl"), "--out", site, "--feeds", "40", "--items", "20",
                    "--port", "\(nginx.port)"])
        let sources = try String(contentsOfFile: site + "/sources.toml", encoding: .utf8)
        let db = work.path("state/tidings.db"), changeLog = work.path("state/changes")
        let config = try work.write("t.toml", """
            [daemon]
            database = "\(db)"
            change_log = "\(changeLog)"
            concurrency = 4
            per_host_concurrency = 4
            host_spacing = "0s"

            \(sources)
            """)
        func completeRun() throws -> Double {
            let started = Date()
            let run = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
            #expect(run.status == 0, "the run after a kill completes: \(run.stderr.suffix(2000))")
            return Date().timeIntervalSince(started)
        }
        var runSeconds = try completeRun()
        var committed = Set(try check(db).articles)
        var killedWhileRunning = 0
        var delays: [Int] = []
        for kill in 1...kills {
            // New items appear (a third of the feeds gain 1 to 5), then a run is killed somewhere inside.
            try python([farm, "--out", site, "--update", "0.34"])
            let delay = Int.random(in: 10...max(20, Int(runSeconds * 1000)))
            delays.append(delay)
            let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config, "--once", "--all"])
            usleep(UInt32(delay) * 1000)
            if daemon.process.isRunning { killedWhileRunning += 1 }
            #expect(daemon.stop(signal: SIGKILL, timeout: 30) != nil)

            let afterKill = try check(db)
            #expect(afterKill.integrity == "ok", "kill \(kill) after \(delay) ms")
            #expect(committed.isSubset(of: afterKill.articles), "kill \(kill): a committed article was lost")
            #expect(afterKill.duplicate_guids == 0 && afterKill.added_per_article.isEmpty && afterKill.seqs_contiguous,
                    "kill \(kill): \(afterKill.duplicate_guids) duplicate rows, \(afterKill.added_per_article) article.added counts")
            // The files may lag the table (they catch up at the next start) but never disagree with it.
            let filesAfterKill = ChangeLogFiles.lines(in: changeLog).lines  // a torn last line is left out
            let tableAfterKill = try ChangeLogFiles.tableLines(db: db)
            #expect(Array(tableAfterKill.prefix(filesAfterKill.count)) == filesAfterKill,
                    "kill \(kill): the files are not a prefix of the table")

            runSeconds = try completeRun()
            let afterRun = try check(db)
            committed = Set(afterRun.articles)
            #expect(afterRun.integrity == "ok" && afterRun.added_per_article.isEmpty && afterRun.seqs_contiguous)
            let files = ChangeLogFiles.lines(in: changeLog)
            let table = try ChangeLogFiles.tableLines(db: db)
            #expect(files.allTerminated, "kill \(kill): a torn line was left after the next run")
            #expect(files.lines == table, "kill \(kill): files \(files.lines.count) lines, table \(table.count) rows")
        }
        // Most kills must land in the middle of the work, or the test proves little.
        #expect(killedWhileRunning >= kills * 3 / 4, "delays \(delays)")
        let final = try check(db)
        #expect(final.articles.count > 800, "\(final.articles.count) articles")
        print("torture: \(kills) kills (\(killedWhileRunning) mid-run), \(final.articles.count) articles, \(final.last_seq) changes, every check held")
    }
}

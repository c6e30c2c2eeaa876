import Foundation
import Testing
import TidingsTestSupport

/// `tidingsd` and `tidings` as built, driven from outside like a user would.
@Suite("Daemon end to end", .serialized)
struct DaemonEndToEndTests {
    let work = TemporaryDirectory("tidings-e2e")

    /// The bundled demo, copied so the test owns its state.
    func demoConfig() throws -> String {
        let source = TestPaths.repositoryRoot.appendingPathComponent("config")
        try FileManager.default.copyItem(at: source.appendingPathComponent("demo"), to: work.url.appendingPathComponent("demo"))
        let text = try String(contentsOf: source.appendingPathComponent("demo.toml"), encoding: .utf8)
            .replacingOccurrences(of: "../.tidings-demo/", with: "state/")
        return try work.write("demo.toml", text)
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test("the demo ingests all its articles with --once, and a second full run adds nothing")
    func demoIngestIsIdempotent() throws {
        let config = try demoConfig()
        let first = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("once.done added=7 deferred=0 failed=0 sources=3"), "\(first.stderr)")

        let db = work.path("state/tidings.db")
        let wal = try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int
        #expect(wal == nil || wal == 0, "on exit the log is checkpointed: the .db file alone is complete")
        let listed = try ProcessRunner.tidings(["--db", db, "articles", "--json"])
        #expect(listed.status == 0)
        let articles = try #require(try json(listed.stdout) as? [[String: Any]])
        #expect(articles.count == 7)
        let titles = Set(articles.compactMap { $0["title"] as? String })
        #expect(titles.contains("Russia-led troops arrive in Kazakhstan as unrest continues"))
        #expect(titles.contains("Russian Paratroopers Sent to Kazakhstan, Protesters Object"))
        #expect(Set(articles.compactMap { $0["source"] as? String }) == ["steppe-herald", "nusantara-daily", "central-asia-wire"])

        let changesBefore = try ProcessRunner.tidings(["--db", db, "changes", "--json"]).stdout
        let second = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(second.status == 0)
        #expect(second.stderr.contains("once.done added=0 deferred=0 failed=0 sources=3"), "\(second.stderr)")
        let after = try #require(try json(ProcessRunner.tidings(["--db", db, "articles", "--json"]).stdout) as? [[String: Any]])
        #expect(after.count == 7)
        #expect(try ProcessRunner.tidings(["--db", db, "changes", "--json"]).stdout == changesBefore, "no new change rows")

        let third = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(third.stderr.contains("once.done added=0 deferred=0 failed=0 sources=0"), "nothing is due yet: \(third.stderr)")
    }

    @Test("a malformed feed, a 404 and an unreachable server each leave a readable error; the good feed is ingested")
    func failingSourcesDoNotStopOthers() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        try FileManager.default.copyItem(
            at: TestPaths.repositoryRoot.appendingPathComponent("config/demo/steppe-herald.xml"),
            to: feeds.url.appendingPathComponent("good.xml"))
        try feeds.write("broken.xml", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<title>Broken</title>\n<item><title>x</item>\n</channel></rss>\n")
        try feeds.write("page.html", "<!DOCTYPE html><html><body>not a feed</body></html>")
        try feeds.write("garbage.xml", "this is not XML at all")
        let server = try FeedServer(root: feeds.url)
        let config = try work.write("tidings.toml", """
            [daemon]
            database = "state/tidings.db"
            change_log = "state/changes"
            connect_timeout = "3s"
            timeout = "10s"

            [[source]]
            id = "good"
            url = "\(server.url("/files/good.xml"))"

            [[source]]
            id = "malformed"
            url = "\(server.url("/files/broken.xml"))"

            [[source]]
            id = "missing"
            url = "\(server.url("/files/nothing-here.xml"))"

            [[source]]
            id = "unreachable"
            url = "http://127.0.0.1:\(closedLocalPort())/feed.xml"

            [[source]]
            id = "garbage"
            url = "\(server.url("/files/garbage.xml"))"

            [[source]]
            id = "html"
            url = "\(server.url("/files/page.html"))"
            """)
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 0, "one failing source is not a fatal error: \(run.stderr)")

        let db = work.path("state/tidings.db")
        let byID = try TidingsJSON.sources(db: db)
        #expect(byID["good"]?["state"] as? String == "ok")
        #expect(byID["good"]?["articles"] as? Int == 3)
        #expect(byID["malformed"]?["state"] as? String == "ok", "what can be recovered is ingested")
        #expect(byID["malformed"]?["articles"] as? Int == 1)
        #expect(byID["malformed"]?["warning"] as? String
                == "feed recovered: not well-formed XML at line 4, column 22: an end tag that does not match the open element")
        #expect(byID["garbage"]?["state"] as? String == "backing-off")
        #expect(byID["garbage"]?["last_error"] as? String == "malformed feed at line 1, column 1: no XML element found (is this XML at all?)")
        #expect(byID["missing"]?["last_error"] as? String == "HTTP 404 Not Found from \(server.url("/files/nothing-here.xml"))")
        #expect(byID["missing"]?["last_status"] as? Int == 404)
        #expect((byID["unreachable"]?["last_error"] as? String)?.hasPrefix("could not connect: ") == true)
        #expect(byID["html"]?["last_error"] as? String
                == "expected an RSS or Atom feed, found a document whose root element is <html>")

        let table = try ProcessRunner.tidings(["--db", db, "sources"], environment: ["COLUMNS": "400"]).stdout
        #expect(table.contains("HTTP 404 Not Found from"))
        #expect(table.contains("warning: feed recovered: not well-formed XML at line 4"))
        #expect(table.contains("malformed feed at line 1, column 1: no XML element found (is this XML at all?)"))

        let failed = try TidingsJSON.lines(db: db, ["changes", "--json"]).filter { $0["event"] as? String == "source.failed" }
        #expect(Set(failed.compactMap { $0["source"] as? String }) == ["garbage", "missing", "unreachable", "html"])
    }

    @Test("after [dedup] threshold changes, the next start re-keys the band index and copies of earlier articles are still found")
    func thresholdChangeKeepsFindingCopies() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        let paragraphs = (0..<12).map {
            "Paragraph \($0): the port authority extended night shifts at berth \($0 * 3) to clear \($0 + 40) containers."
        }
        func feed(_ id: String, _ kept: ArraySlice<String>) -> String {
            """
            <?xml version="1.0"?><rss version="2.0"><channel><title>\(id)</title>
            <item><guid>\(id)-1</guid><title>Night shifts at the port</title><link>https://\(id).example/1</link>
            <pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>
            <description>\(kept.map { "&lt;p&gt;\($0)&lt;/p&gt;" }.joined())</description></item>
            </channel></rss>
            """
        }
        try feeds.write("original.xml", feed("original", paragraphs[...]))
        try feeds.write("copy.xml", feed("copy", paragraphs.dropLast(2)))
        func config(threshold: Double, sources: [String]) throws -> String {
            try work.write("tidings.toml", """
                [daemon]
                database = "state/tidings.db"
                change_log = "state/changes"

                [dedup]
                threshold = \(threshold)

                """ + sources.map { "[[source]]\nid = \"\($0)\"\nurl = \"\(feeds.url.appendingPathComponent("\($0).xml").absoluteString)\"\n" }
                    .joined(separator: "\n"))
        }
        let first = try ProcessRunner.tidingsd(["--config", try config(threshold: 0.2, sources: ["original"]), "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("dedup.layout_changed"))
        let second = try ProcessRunner.tidingsd(["--config", try config(threshold: 0.5, sources: ["original", "copy"]), "--once"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("dedup.layout_changed"), "\(second.stderr)")
        let duplicates = try TidingsJSON.document(db: work.path("state/tidings.db"), ["articles", "--duplicates", "--json"]) as? [[String: Any]] ?? []
        #expect(duplicates.compactMap { $0["source"] as? String } == ["copy"], "the copy is found under the new layout")
    }

    @Test("without --once the daemon refreshes on schedule and stops cleanly on SIGTERM with everything committed")
    func daemonStopsGracefully() throws {
        let config = try demoConfig()
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config, "--log-level", "debug"])
        let db = work.path("state/tidings.db")
        let ingested = try eventually(timeout: 30) {
            let result = try ProcessRunner.tidings(["--db", db, "articles", "--json"])
            return result.status == 0 && (try? json(result.stdout) as? [Any])??.count == 7
        }
        #expect(ingested, "\(daemon.stderr)")
        #expect(eventually(timeout: 10) { daemon.stderr.contains("scheduler.sleeping") })
        let status = daemon.stop(signal: SIGTERM, timeout: 20)
        #expect(status == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("scheduler.stopped"))
        #expect(daemon.stderr.contains("daemon.stopped"))
        let integrity = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"),
                                              ["python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", db])
        #expect(integrity.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    @Test("an invalid config stops tidingsd with exit 1 and a message naming file, line and key")
    func invalidConfigIsFatal() throws {
        let config = try work.write("bad.toml", """
            [daemon]
            database = "state/tidings.db"
            concurrency = "lots"

            [[source]]
            id = "a"
            url = "ftp://example.org/feed"
            """)
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(config):3:1: error: daemon.concurrency: expected integer, found string \"lots\""))
        #expect(run.stderr.contains("\(config):7:1: error: source[1].url: expected an http, https or file URL, found scheme \"ftp\""))
        #expect(!FileManager.default.fileExists(atPath: work.path("state/tidings.db")), "nothing is created")

        let check = try ProcessRunner.tidings(["check-config", config])
        #expect(check.status == 1)
        #expect(check.stderr.contains("daemon.concurrency: expected integer"))
        let good = try ProcessRunner.tidings(["check-config", try demoConfig()])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("ok: 3 sources"))
        let missing = try ProcessRunner.tidingsd(["--config", work.path("nope.toml"), "--once"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.toml: error: cannot read config file: No such file or directory"))
    }

    @Test("an unwritable database location is fatal with a clear message")
    func unwritableDatabaseIsFatal() throws {
        let config = try work.write("tidings.toml", """
            [daemon]
            database = "/proc/tidings-cannot-live-here/tidings.db"
            """)
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("store.open_failed"))
        #expect(run.stderr.contains("cannot create directory /proc/tidings-cannot-live-here"))
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// The change-log files against the `changes` table, and article revisions, through the real binaries.
@Suite("Change log and revisions", .serialized)
struct ChangeLogTests {
    let work = TemporaryDirectory("tidings-changelog")
    var db: String { work.path("state/tidings.db") }
    var changeLog: String { work.path("state/changes") }

    func feed(_ items: [(guid: String, title: String, text: String)]) -> String {
        var xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Herald</title>\n"
        for item in items {
            xml += "<item><guid>\(item.guid)</guid><title>\(item.title)</title>"
                + "<pubDate>Tue, 24 Nov 2026 08:00:00 +0000</pubDate><description><![CDATA[\(item.text)]]></description></item>\n"
        }
        return xml + "</channel></rss>\n"
    }

    func once(_ config: String, all: Bool = true) throws -> ProcessResult {
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"] + (all ? ["--all"] : []))
        #expect(run.status == 0, "\(run.stderr)")
        return run
    }

    /// The files hold exactly the table's rows, in order, seqs 1...n, no torn line.
    func expectFilesMatchTable(_ comment: Comment? = nil) throws {
        let files = ChangeLogFiles.lines(in: changeLog)
        let table = try ChangeLogFiles.tableLines(db: db)
        #expect(files.allTerminated, comment)
        #expect(files.lines == table, comment)
        #expect(ChangeLogFiles.seqs(files.lines) == (0..<table.count).map { Int?($0 + 1) }, comment)
    }


    @Test("an edited item: one revision and one article.updated with the sentence diff; whitespace-only edits make none")
    func revisionThroughDaemon() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        _ = try feeds.write("feed.xml", feed([("a", RevisionFixture.title, RevisionFixture.html)]))
        let server = try FeedServer(root: feeds.url)
        let config = try work.write("t.toml", tidingsConfig(database: db, sources: [("herald", server.url("/files/feed.xml"))]))
        _ = try once(config)

        let edited = RevisionFixture.editedHTML
        _ = try feeds.write("feed.xml", feed([("a", RevisionFixture.editedTitle, edited)]))
        let second = try once(config)
        #expect(second.stderr.contains("revised=1"), "\(second.stderr)")
        // Only whitespace and line breaks change: no revision.
        _ = try feeds.write("feed.xml", feed([("a", "Budget  passes narrowly", edited.replacingOccurrences(of: ". ", with: ".\n  "))]))
        let third = try once(config)
        #expect(third.stderr.contains("revised=0"), "\(third.stderr)")

        let updates = try TidingsJSON.lines(db: db, ["changes", "--event", "article.updated", "--json"])
        #expect(updates.count == 1)
        #expect(updates.first?["revision"] as? Int == 2)
        #expect(updates.first?["previous_title"] as? String == "Budget passes")
        #expect(updates.first?["diff"] as? String == RevisionFixture.diff)

        let diff = try ProcessRunner.tidings(["--db", db, "diff", "1"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("-title: Budget passes\n+title: Budget passes narrowly\n"), "\(diff.stdout)")
        #expect(diff.stdout.contains("-The vote was close.\n+The vote was 5 to 4.\n"))
        #expect(!diff.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let coloured = try ProcessRunner.tidings(["--db", db, "diff", "1", "--color", "always"])
        #expect(coloured.stdout.contains("\u{1B}[31m-The vote was close.\u{1B}[0m"))
        let report = try #require(try TidingsJSON.document(db: db, ["diff", "1", "--json"]) as? [String: Any])
        #expect(report["diff"] as? String == RevisionFixture.diff)
        #expect((report["from"] as? [String: Any])?["title"] as? String == "Budget passes")
        #expect((report["to"] as? [String: Any])?["revision"] as? Int == 2)
        #expect(((report["to"] as? [String: Any])?["content_hash"] as? String)?.isEmpty == false)
        let missing = try ProcessRunner.tidings(["--db", db, "diff", "1", "--from", "7"])
        #expect(missing.status == 1 && missing.stderr.contains("article 1 has no revision 7 (it has 1, 2)"))

        let show = try ProcessRunner.tidings(["--db", db, "show", "1"]).stdout
        #expect(show.contains("Revisions\n  1  "), "\(show)")
        #expect(show.contains("  2  ") && show.contains("Budget passes narrowly"))
        let shown = try #require(try TidingsJSON.document(db: db, ["show", "1", "--json"]) as? [String: Any])
        #expect((shown["revisions"] as? [[String: Any]])?.compactMap { $0["revision"] as? Int } == [1, 2])
        #expect(shown["revision"] as? Int == 2)

        try expectFilesMatchTable()
    }

    @Test("while the daemon runs, each commit reaches the files without waiting for a stop")
    func filesFollowCommits() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        let items = { (count: Int) in (1...count).map { ("g\($0)", "Story \($0)", "<p>Story number \($0).</p>") } }
        _ = try feeds.write("feed.xml", feed(items(2)))
        var config = tidingsConfig(database: db, sources: [("herald", "file://\(feeds.path("feed.xml"))")])
        config += "interval = \"1s\"\n"
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", try work.write("t.toml", config)])
        func mirrored(_ articles: Int) throws -> Bool {
            let lines = ChangeLogFiles.lines(in: changeLog).lines
            let table = try ChangeLogFiles.tableLines(db: db)
            return lines.filter { $0.contains("\"event\":\"article.added\"") }.count == articles && lines == table
        }
        #expect(try eventually(timeout: 20) { try mirrored(2) }, "\(daemon.stderr)")
        _ = try feeds.write("feed.xml", feed(items(5)))
        #expect(try eventually(timeout: 20) { try mirrored(5) }, "\(daemon.stderr)")
        #expect(daemon.process.isRunning)
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0)
        try expectFilesMatchTable()
    }

    @Test("a source removed from the config is source.removed on the next start, in the table and the files")
    func sourceRemoved() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        _ = try feeds.write("feed.xml", feed([("a", "One", "<p>One story.</p>")]))
        let both = tidingsConfig(database: db, sources: [("kept", "file://\(feeds.path("feed.xml"))"),
                                                         ("dropped", "file://\(feeds.path("feed.xml"))")])
        _ = try once(try work.write("t.toml", both))
        _ = try once(try work.write("t.toml", tidingsConfig(database: db, sources: [("kept", "file://\(feeds.path("feed.xml"))")])))
        let removed = try TidingsJSON.lines(db: db, ["changes", "--event", "source.removed", "--json"])
        #expect(removed.map { $0["source"] as? String } == ["dropped"])
        #expect(ChangeLogFiles.lines(in: changeLog).lines.contains { $0.contains("\"event\":\"source.removed\"") })
        try expectFilesMatchTable()
    }

    @Test("a torn last line and a log behind the store are repaired and caught up at start")
    func tornLineRepaired() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        _ = try feeds.write("feed.xml", feed((1...6).map { ("g\($0)", "Story \($0)", "<p>Story number \($0).</p>") }))
        let config = try work.write("t.toml", tidingsConfig(database: db, sources: [("herald", "file://\(feeds.path("feed.xml"))")]))
        _ = try once(config)
        let name = try #require(ChangeLogFiles.names(in: changeLog).last)
        let path = (changeLog as NSString).appendingPathComponent(name)
        // Drop the last three lines (the log is behind), then leave half a line as a crash would.
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 13, "source.added, six article.added and six story rows")
        lines.removeLast(3)
        let torn = lines.joined(separator: "\n") + "\n" + "{\"seq\":6,\"time\":\"2026-11-"
        try torn.write(toFile: path, atomically: false, encoding: .utf8)
        let run = try once(config, all: false)
        #expect(run.stderr.contains("changelog.repaired"), "\(run.stderr)")
        #expect(run.stderr.contains("behind=3"), "\(run.stderr)")
        try expectFilesMatchTable()
    }

    @Test("a change-log file that cannot be written (disk full) loses nothing: ingest goes on, the log catches up later")
    func diskFull() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        _ = try feeds.write("feed.xml", feed((1...4).map { ("g\($0)", "Story \($0)", "<p>Story number \($0).</p>") }))
        try FileManager.default.createDirectory(atPath: changeLog, withIntermediateDirectories: true)
        // Every write to /dev/full fails with ENOSPC. Today and tomorrow, in case the run crosses midnight (UTC).
        let days = [Date(), Date().addingTimeInterval(86400)].map { String(ISO8601DateFormatter().string(from: $0).prefix(10)) }
        for day in days {
            try FileManager.default.createSymbolicLink(atPath: (changeLog as NSString).appendingPathComponent("changes-\(day).jsonl"),
                                                       withDestinationPath: "/dev/full")
        }
        let config = try work.write("t.toml", tidingsConfig(database: db, sources: [("herald", "file://\(feeds.path("feed.xml"))")]))
        let full = try once(config)
        #expect(full.stderr.contains("changelog.write_failed"), "\(full.stderr)")
        #expect(full.stderr.contains("No space left on device"))
        let articles = try TidingsJSON.document(db: db, ["articles", "--json"]) as? [Any]
        #expect(articles?.count == 4)

        for day in days { try FileManager.default.removeItem(atPath: (changeLog as NSString).appendingPathComponent("changes-\(day).jsonl")) }
        _ = try once(config, all: false)
        try expectFilesMatchTable()
    }

    @Test("files older than change_log_retention are deleted at start; the newest file always stays")
    func retention() throws {
        let feeds = TemporaryDirectory("tidings-feeds")
        _ = try feeds.write("feed.xml", feed([("a", "One", "<p>One story.</p>")]))
        let sources = [("herald", "file://\(feeds.path("feed.xml"))")]
        _ = try once(try work.write("t.toml", tidingsConfig(database: db, sources: sources)))
        let today = try #require(ChangeLogFiles.names(in: changeLog).last)
        for old in ["changes-2020-01-01.jsonl", "changes-2020-01-02.jsonl"] {
            _ = FileManager.default.createFile(atPath: (changeLog as NSString).appendingPathComponent(old), contents: Data())
        }
        let run = try once(try work.write("t.toml", tidingsConfig(database: db, sources: sources,
                                                                  daemon: "change_log_retention = \"30d\"")))
        #expect(run.stderr.contains("changelog.expired days=2020-01-01,2020-01-02"), "\(run.stderr)")
        #expect(ChangeLogFiles.names(in: changeLog) == [today])
        try expectFilesMatchTable()
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// `tidings` against real stores: every subcommand's table and JSON, and the failure modes.
@Suite("CLI end to end", .serialized)
struct CLIEndToEndTests {
    let work = TemporaryDirectory("tidings-cli")
    let db: String

    init() throws {
        try FileManager.default.copyItem(at: TestPaths.repositoryRoot.appendingPathComponent("config/demo"),
                                         to: work.url.appendingPathComponent("demo"))
        let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("config/demo.toml"), encoding: .utf8)
            .replacingOccurrences(of: "../.tidings-demo/", with: "state/")
        let config = try work.write("demo.toml", text)
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        precondition(run.status == 0, run.stderr)
        db = work.path("state/tidings.db")
    }

    func tidings(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.tidings(["--db", db] + arguments, environment: ["COLUMNS": "200"])
    }

    @Test("--config finds the store the config names")
    func configFindsStore() throws {
        let result = try ProcessRunner.tidings(["--config", work.path("demo.toml"), "stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"articles\" : 7"))
    }

    @Test("sources: a table and JSON")
    func sources() throws {
        let table = try tidings("sources")
        #expect(table.stdout.hasPrefix("ID                 STATE  HTTP  ARTICLES  DUPS  FILTERED  PRUNED  LAST SUCCESS"))
        #expect(table.stdout.contains("steppe-herald      ok      200         3    0%         0       0"))
        let list = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("sources", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == ["central-asia-wire", "nusantara-daily", "steppe-herald"])
        #expect(list[2]["tags"] as? [String] == ["central-asia", "original"])
        #expect(list[2]["title"] as? String == "The Steppe Herald")
    }

    @Test("sources: a source past its due time says how long it is overdue; no line ends in spaces")
    func overdue() throws {
        let update = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE sources SET next_due_at = datetime('now', '-10 minutes'), due_reason = 'backoff' WHERE id = 'steppe-herald'\"); c.commit()", db])
        #expect(update.status == 0, "\(update.stderr)")
        let table = try tidings("sources").stdout
        #expect(table.contains("overdue 10m (backoff)"), "\(table)")
        #expect(!table.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }

    @Test("articles: newest first, filters, limit; JSON is never cut by the table's default limit")
    func articles() throws {
        let table = try tidings("articles")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID  SOURCE") == true)
        #expect(lines.count == 8)
        #expect(lines[1].contains("Moscow sends paratroopers"), "newest publication first")
        let limited = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("articles", "--json", "--limit", "2").stdout.utf8)) as? [Any])
        #expect(limited.count == 2)
        let herald = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("articles", "--json", "--source", "steppe-herald").stdout.utf8)) as? [[String: Any]])
        #expect(herald.count == 3)
        #expect(herald.allSatisfy { $0["source"] as? String == "steppe-herald" })
        #expect(herald[0]["published"] as? String == "2022-01-06T14:05:00Z")
    }

    @Test("dups: the demo's syndicated copies as clusters under their earliest original; JSON")
    func dups() throws {
        let table = try tidings("dups")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("ID  SOURCE"))
        #expect(table.stdout.components(separatedBy: "original").count - 1 == 2)
        let clusters = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("dups", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(clusters.count == 2)
        for cluster in clusters {
            let canonical = try #require(cluster["canonical"] as? [String: Any])
            let members = try #require(cluster["members"] as? [[String: Any]])
            #expect(members.count == 1)
            #expect((members[0]["similarity"] as? Double ?? 0) > 0.8)
            #expect((canonical["published"] as? String ?? "") < "2022-01-07T00:00:00Z", "the earliest article is canonical")
        }
        let limited = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("dups", "--json", "--limit", "1").stdout.utf8)) as? [Any])
        #expect(limited.count == 1)
    }

    @Test("similar: the stored articles closest to a seed article; the other write-up is not among the close ones")
    func similar() throws {
        let seed = TestPaths.shared.appendingPathComponent("fixtures/seeds/kazakhstan-web-page.txt").path
        let matches = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("similar", seed, "--json").stdout.utf8)) as? [[String: Any]])
        #expect(matches.count == 2)
        let best = try #require(matches.first?["article"] as? [String: Any])
        #expect(best["title"] as? String == "Russia-led troops arrive in Kazakhstan as unrest continues")
        #expect((matches.first?["similarity"] as? Double ?? 0) > 0.8)
        #expect(matches.allSatisfy { (($0["article"] as? [String: Any])?["title"] as? String ?? "").contains("paratroopers") == false })
        let none = try work.write("none.txt", "Nothing at all like any stored article: quarterly cheese exports of a small island.")
        let table = try tidings("similar", none)
        #expect(table.stdout.hasPrefix("No stored article is at least 0.1 similar."))
        #expect(try tidings("similar", work.path("missing.txt")).status == 1)
    }

    @Test("show: metadata and text; JSON with the stored HTML; unknown id exits 1")
    func show() throws {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("articles", "--json", "--source", "steppe-herald", "--limit", "1").stdout.utf8)) as? [[String: Any]])
        let id = try #require(list.first?["id"] as? Int)
        let text = try tidings("show", String(id))
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Russia-led troops arrive in Kazakhstan as unrest continues\n"))
        #expect(text.stdout.contains("Source        steppe-herald"))
        #expect(text.stdout.contains("Author        Herald World Desk"))
        #expect(text.stdout.contains("\n\nThousands of citizens took to the streets in Almaty"))
        #expect(!text.stdout.contains("<p>"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("show", String(id), "--json").stdout.utf8)) as? [String: Any])
        #expect((json["content"] as? String)?.hasPrefix("<p>Russian troops, on Thursday") == true)
        #expect(json["identity"] as? String == "guid:steppe-herald-2022-01-06-0412")
        let missing = try tidings("show", "99999")
        #expect(missing.status == 1)
        #expect(missing.stderr == "tidings: no article with id 99999\n")
    }

    @Test("stories: the seeds and their copies are one story from three outlets; --id lists its articles; show names it")
    func stories() throws {
        let table = try tidings("stories")
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.count == 2, "\(table.stdout)")  // header and the one story with two or more articles
        #expect(rows.first?.hasPrefix("ID  ARTICLES  OUTLETS") == true)
        #expect(rows.last?.contains("4  3: central-asia-wire, nusantara-daily, steppe-herald  2022-01-06 14:05 +16h") == true)
        #expect(rows.last?.hasSuffix("Russia-led troops arrive in Kazakhstan as unrest continues") == true)
        let all = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("stories", "--min-articles", "1", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(all.count == 4)
        let story = try #require(all.first)
        #expect(story["articles"] as? Int == 4)
        #expect(story["sources"] as? Int == 3)
        #expect(story["first"] as? String == "2022-01-06T14:05:00Z")
        let id = try #require(story["id"] as? Int)
        let detail = try tidings("stories", "--id", String(id))
        #expect(detail.stdout.contains("Articles      4 from 3 outlets: central-asia-wire, nusantara-daily, steppe-herald"))
        #expect(detail.stdout.contains("dup of"))
        let members = try #require((try JSONSerialization.jsonObject(with: Data(try tidings("stories", "--id", String(id), "--json").stdout.utf8)) as? [String: Any])?["members"] as? [[String: Any]])
        #expect(members.count == 4)
        #expect(members.compactMap { $0["score"] as? Double }.allSatisfy { $0 >= 0.12 })
        let articleID = try #require((members.last?["article"] as? [String: Any])?["id"] as? Int)
        #expect(try tidings("show", String(articleID)).stdout.contains("Story         \(id) \"Russia-led troops arrive in Kazakhstan as unrest continues\": 4 articles from 3 outlets"))
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("show", String(articleID), "--json").stdout.utf8)) as? [String: Any])
        #expect((shown["story"] as? [String: Any])?["id"] as? Int == id)
        let missing = try tidings("stories", "--id", "999")
        #expect(missing.status == 1)
        #expect(missing.stderr == "tidings: no story with id 999\n")
        let changes = try tidings("changes", "--json")
        #expect(changes.stdout.contains("\"event\":\"story.joined\""))
    }

    @Test("changes: JSON Lines in seq order with the contract's fields; --since SEQ continues")
    func changes() throws {
        let lines = try tidings("changes", "--json").stdout.split(separator: "\n")
        #expect(lines.count == 19)  // 3 sources, 7 articles each added and put in a story, 2 duplicates
        let rows = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.map { $0["seq"] as? Int } == Array(1...19))
        for row in rows {
            for key in ["seq", "time", "event", "source", "article", "url", "title"] { #expect(row.keys.contains(key)) }
        }
        #expect(rows.filter { $0["event"] as? String == "article.added" }.count == 7)
        #expect(rows.filter { $0["event"] as? String == "article.duplicate" }.count == 2)
        let rest = try tidings("changes", "--json", "--since", "8").stdout.split(separator: "\n")
        #expect(rest.count == 11)
        #expect(rows.filter { ($0["event"] as? String)?.hasPrefix("story.") == true }.count == 7)
        let table = try tidings("changes", "--limit", "3")
        #expect(table.stdout.split(separator: "\n").count == 4)
    }

    @Test("stats: counts and per-source rows")
    func stats() throws {
        let text = try tidings("stats").stdout
        #expect(text.contains("Sources    3 configured, 3 enabled, 0 failing"))
        #expect(text.contains("Articles   7 (7 in the last 24h)"))
        #expect(text.contains("Duplicates 2 in 2 clusters"))
        #expect(text.contains("Stories    4 (1 told by more than one outlet)"))
        #expect(text.contains("Changes    19 (last seq 19)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try tidings("stats", "--json").stdout.utf8)) as? [String: Any])
        #expect(json["articles"] as? Int == 7)
        #expect((json["database_bytes"] as? Int ?? 0) > 0)
    }

    @Test("a missing store, a newer store and a usage error each give a clear message and their exit code")
    func failures() throws {
        let missing = try ProcessRunner.tidings(["--db", work.path("none.db"), "articles"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "tidings: no Tidings database at \(work.path("none.db")) (has tidingsd run with this config yet?)\n")

        let newer = work.path("newer.db")
        try FileManager.default.copyItem(atPath: db, toPath: newer)
        let insert = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v9-later')\"); c.commit()", newer])
        #expect(insert.status == 0, "\(insert.stderr)")
        let refused = try ProcessRunner.tidings(["--db", newer, "sources"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was written by a newer version of Tidings (unknown migrations: v9-later)"))

        let usage = try ProcessRunner.tidings(["articles", "--limit", "zero"])
        #expect(usage.status == 2)
        let both = try ProcessRunner.tidings(["--db", db, "--config", "x.toml", "sources"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("Give --config or --db, not both."))
        let badLevel = try ProcessRunner.tidingsd(["--log-level", "loud", "--once"])
        #expect(badLevel.status == 2)
    }

    @Test("the CLI never writes: the store's bytes are unchanged after every read command")
    func readsDoNotWrite() throws {
        let files = [db, db + "-wal"]
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        for command in [["sources"], ["articles"], ["show", "1"], ["changes"], ["stats"], ["stats", "--prometheus"],
                        ["search", "kazakhstan"], ["export"], ["export", "--format", "csv"], ["sources", "export-opml"],
                        ["dups"], ["stories"], ["stories", "--id", "1"]] {
            let result = try ProcessRunner.tidings(["--db", db] + command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
    }
}

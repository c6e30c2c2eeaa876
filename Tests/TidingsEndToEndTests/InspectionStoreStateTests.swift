import Foundation
import GRDB
import Testing
import TidingsTestSupport

/// The inspection CLI at the edges: OPML in and out, an empty store, a missing, older or newer
/// store, and a search index that follows the articles (new, edited, migrated).
@Suite("Inspection CLI: OPML and store states", .serialized)
struct InspectionStoreStateTests {
    let work = TemporaryDirectory("tidings-opml")
    static let opml = InspectionStore.feeds.appendingPathComponent("subscriptions.opml").path

    func config(sources: String = "") throws -> String {
        try work.write("tidings.toml", tidingsConfig(database: work.path("tidings.db"), sources: [],
                                                     daemon: "change_log = \"\(work.path("changes"))\"") + sources)
    }

    @Test("import-opml: [[source]] tables with ids from the titles (transliterated), tags from folders and categories")
    func importTables() throws {
        let result = try ProcessRunner.tidings(["--config", try config(), "sources", "import-opml", Self.opml])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            # 3 sources from \(Self.opml) (tidings sources import-opml)

            [[source]]
            id = "the-steppe-herald"
            url = "http://127.0.0.1:9/steppe-herald.xml"
            title = "The Steppe Herald"
            tags = ["Central Asia", "original"]

            [[source]]
            id = "moskovskij-vestnik"
            url = "http://127.0.0.1:9/moscow-daily.xml"
            title = "Московский вестник"
            tags = ["Central Asia"]

            [[source]]
            id = "central-asia-wire-co"
            url = "http://127.0.0.1:9/wire.xml"
            title = "Central Asia Wire & Co"
            tags = ["wire", "syndicated"]

            """)
    }

    @Test("OPML round trip: import, append to the config, run the daemon, export: the same sources come back")
    func roundTrip() throws {
        let imported = try ProcessRunner.tidings(["--config", try config(), "sources", "import-opml", Self.opml]).stdout
        let file = try config(sources: "\n" + imported)
        let check = try ProcessRunner.tidings(["check-config", file])
        #expect(check.status == 0, "the imported tables are a valid config: \(check.stdout)\(check.stderr)")
        _ = try ProcessRunner.tidingsd(["--config", file, "--once"])  // the feeds are unreachable: the sources are still recorded
        let exported = try ProcessRunner.tidings(["--config", file, "sources", "export-opml"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains(#"<outline type="rss" text="Central Asia Wire &amp; Co" title="Central Asia Wire &amp; Co" xmlUrl="http://127.0.0.1:9/wire.xml" category="wire,syndicated"/>"#), "\(exported.stdout)")
        let exportFile = try work.write("exported.opml", exported.stdout)
        let fresh = TemporaryDirectory("tidings-opml-fresh")
        let freshConfig = try fresh.write("tidings.toml", tidingsConfig(database: fresh.path("t.db"), sources: []))
        let again = try ProcessRunner.tidings(["--config", freshConfig, "sources", "import-opml", exportFile])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Self.sources(again.stdout) == Self.sources(imported), "\(again.stdout)")
        // Against the config they came from, every one is already there.
        let repeated = try ProcessRunner.tidings(["--config", file, "sources", "import-opml", exportFile])
        #expect(repeated.stdout.hasPrefix("# 0 sources from"))
        #expect(repeated.stdout.contains("# skipped \(exportFile):8: http://127.0.0.1:9/moscow-daily.xml is already source \"moskovskij-vestnik\""),
                "\(repeated.stdout)")
        #expect(repeated.stderr.contains("0 imported, 3 skipped"))
    }

    /// The `[[source]]` tables of an import, without its heading comments.
    static func sources(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("[[source]]") }.map { $0.trimmingCharacters(in: .newlines) }.sorted()
    }

    @Test("import-opml: a file that is not OPML, or not XML, is refused with where and what was expected")
    func badOPML() throws {
        let broken = try work.write("broken.opml", "<?xml version=\"1.0\"?>\n<opml>\n<body>\n<outline text=\"x\" xmlUrl=\"http://a/&bad;\"/>\n</body></opml>")
        let result = try ProcessRunner.tidings(["--db", work.path("none.db"), "sources", "import-opml", broken])
        #expect(result.status == 1)
        #expect(result.stderr == "tidings: \(broken):4: not well-formed XML: Entity 'bad' not defined; expected an OPML file\n")
        let rss = try work.write("feed.xml", "<rss version=\"2.0\"><channel/></rss>")
        let notOPML = try ProcessRunner.tidings(["--db", work.path("none.db"), "sources", "import-opml", rss])
        #expect(notOPML.status == 1)
        #expect(notOPML.stderr.contains("the root element is not <opml>"))
        let empty = try work.write("empty.opml", "<opml version=\"2.0\"><head/><body/></opml>")
        let nothing = try ProcessRunner.tidings(["--db", work.path("none.db"), "sources", "import-opml", empty])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("lists no subscriptions"))
        #expect(nothing.stdout.isEmpty, "nothing to append")
    }

    @Test("an empty store: every listing says so and exits 0; JSON is an empty list")
    func emptyStore() throws {
        let file = try config()
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        let db = work.path("tidings.db")
        for (arguments, expected) in [(["sources"], "No sources in the store yet.\n"), (["articles"], "No articles.\n"),
                                      (["search", "budget"], "No matches.\n"), (["articles", "--json"], "[]\n"),
                                      (["search", "x", "--json"], "[]\n"), (["export"], ""), (["dups"], "No duplicates.\n")] {
            let result = try ProcessRunner.tidings(["--db", db] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout == expected, "\(arguments)")
        }
        let stats = try ProcessRunner.tidings(["--db", db, "stats", "--days", "3"]).stdout
        #expect(stats.contains("Articles   0 (0 in the last 24h), first seen - … -\n"))
        #expect(stats.hasSuffix("Articles first seen per day (UTC), last 3 days\n(none)\n"), "\(stats)")
        #expect(try ProcessRunner.tidings(["--db", db, "show", "1"]).status == 1)
    }

    @Test("the daemon's maintenance round packs the new articles' lengths and filter facets for ranking, none left queued")
    func lengthsPacked() throws {
        let store = try InspectionStore()  // made by `tidingsd --once`: a refresh, then a maintenance round
        let (queued, blocks, ids) = try DatabaseQueue(path: store.db).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM search_lengths_pending") ?? -1,
             try Row.fetchAll(db, sql: "SELECT block, lengths FROM search_lengths"),
             try Int64.fetchAll(db, sql: "SELECT id FROM articles"))
        }
        #expect(queued == 0)
        #expect(!ids.isEmpty && blocks.count == Set(ids.map { $0 >> 10 }).count)
        for row in blocks {
            let block: Int64 = row["block"], lengths: Data = row["lengths"]
            #expect(lengths.count == 2048)
            for id in ids where id >> 10 == block {
                let at = 2 * Int(id & 1023)
                #expect(Int(lengths[at]) | Int(lengths[at + 1]) << 8 > 0, "article \(id) has a packed length")
            }
        }
        // Its filter facets too: each article's source number and duplicate bit, and each block's last id.
        let (facets, articles) = try DatabaseQueue(path: store.db).read { db in
            (try Row.fetchAll(db, sql: """
                SELECT f.block, f.tags, s.last_id, s.first_minute IS NOT NULL AS bounded
                FROM search_facets f JOIN search_facet_spans s USING (block)
                """),
             try Row.fetchAll(db, sql: """
                SELECT a.id, n.number, a.duplicate_of IS NOT NULL AS duplicate
                FROM articles a JOIN search_source_numbers n USING (source_id)
                """))
        }
        #expect(facets.count == blocks.count && articles.count == ids.count)
        for row in facets {
            let block: Int64 = row["block"], tags: Data = row["tags"]
            let held = articles.filter { ($0["id"] as Int64) >> 10 == block }
            #expect(row["last_id"] == held.map { $0["id"] as Int64 }.max() && row["bounded"] == true)
            for article in held {
                let at = 2 * Int((article["id"] as Int64) & 1023)
                #expect(Int(tags[at]) | Int(tags[at + 1]) << 8 == (article["number"] as Int) | ((article["duplicate"] as Bool) ? 0x8000 : 0))
            }
        }
    }

    @Test("a missing store, an older store not migrated yet, and a newer store: a clear message and exit 1")
    func storeVersions() throws {
        let missing = try ProcessRunner.tidings(["--db", work.path("nothing.db"), "search", "x"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no Tidings database at \(work.path("nothing.db"))"))

        let store = try InspectionStore()
        try store.sql("""
            DROP TRIGGER articles_search_delete; DROP TRIGGER articles_search_update;
            DROP TABLE articles_search; DROP INDEX articles_by_date; DROP INDEX articles_by_source_date;
            DELETE FROM grdb_migrations WHERE identifier IN ('v10-search-and-listing-indexes', 'v18-search-indexed-by-refresh');
            """)
        let older = try store.tidings(["search", "budget"])
        #expect(older.status == 1)
        #expect(older.stderr.contains("was written by an older tidingsd and lacks v10-search-and-listing-indexes, v18-search-indexed-by-refresh; restart tidingsd"),
                "\(older.stderr)")
        // The daemon migrates it, building the index for the articles already stored.
        #expect(try ProcessRunner.tidingsd(["--config", store.config, "--once"]).status == 0)
        let found = try store.tidings(["search", "budget", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [5, 7])

        try store.sql("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future');")
        let newer = try store.tidings(["articles"])
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("was written by a newer version of Tidings (unknown migrations: v99-from-the-future)"))
    }

    @Test("the search index follows the store: an edited article is found by its new words, not its old ones")
    func indexFollowsEdits() throws {
        let feed = work.url.appendingPathComponent("feed.xml")
        func write(_ text: String) throws {
            try """
                <rss version="2.0"><channel><title>Herald</title><link>https://herald.example/</link>
                <item><title>Budget passes</title><guid>budget</guid><link>https://herald.example/budget</link>
                <description>\(text)</description></item></channel></rss>
                """.write(to: feed, atomically: true, encoding: .utf8)
        }
        try write("The council met on Monday and approved the budget after a close vote on the harbour.")
        let file = try work.write("edit.toml", tidingsConfig(database: work.path("edit.db"), sources: [("herald", feed.absoluteString)]))
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        func ids(_ query: String) throws -> [Int] {
            let result = try ProcessRunner.tidings(["--db", work.path("edit.db"), "search", query, "--json"])
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(try ids("harbour") == [1])
        try write("The council met on Monday and approved the budget after a close vote on the railway station.")
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once", "--all"]).status == 0)
        #expect(try ids("railway") == [1])
        #expect(try ids("harbour").isEmpty)
    }

    @Test("reads never wait for a writer: with a write transaction open on the store, every read answers from what is committed")
    func readsDuringWrite() throws {
        let store = try InspectionStore()
        // A writer that stays inside its transaction (as the daemon does while it stores a refresh):
        // it has inserted an article and changed a title, and commits nothing until it is killed.
        let writer = try BackgroundProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO articles (source_id, identity, title, text, content_hash, first_seen_at) "
                       "VALUES ('wire', 'uncommitted', 'Uncommitted harvest news', 'uncommitted harvest text', 'h', '2026-01-09 00:00:00.000')")
            db.execute("UPDATE articles SET title = 'Rewritten budget title' WHERE id = 5")
            print("holding", flush=True)
            time.sleep(120)
            """, store.db])
        #expect(eventually(timeout: 30) { writer.stdout.contains("holding") }, "\(writer.stderr)")
        for arguments in [["search", "harvest", "--json"], ["search", "uncommitted"], ["articles", "--json"], ["stats", "--json"],
                          ["sources", "--json"], ["show", "5", "--json"], ["export"]] {
            let result = try store.tidings(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("ncommitted") && !result.stdout.contains("Rewritten"), "\(arguments) sees only commits")
        }
        #expect(try store.tidings(["search", "harvest", "--json"]).stdout.contains("\"id\":3"), "the committed match is found")
        #expect(writer.process.isRunning, "the writer still holds its transaction: the reads did not wait for it")
        _ = writer.stop(signal: SIGKILL)
    }
}

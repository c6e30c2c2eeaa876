import Foundation
import GRDB
import Testing
import TidingsTestSupport

/// Months-long operation, compressed: retention, tombstones and rules through the daemon,
/// the metrics file against the store, and backups taken while the daemon writes.
@Suite("Operating: retention, rules, metrics, backup", .serialized)
struct OperatingTests {
    let work = TemporaryDirectory("tidings-operating")

    func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// Every sample of a metrics file, read by prometheus_client's parser.
    func metrics(_ path: String) throws -> [String: Double] {
        let result = try ProcessRunner.run(TestPaths.testPython, [
            TestPaths.repositoryRoot.appendingPathComponent("Tests/Servers/parse_metrics.py").path, path,
        ])
        #expect(result.status == 0, "metrics file does not parse (run `make test`, which creates \(TestPaths.testPython.path)): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    @Test("a rolling feed under max_articles and a drop rule: the newest kept, pruned and dropped items never return, counts and metrics match the store")
    func retentionRulesAndMetrics() throws {
        let server = try FeedServer(root: work.url)
        let database = work.path("tidings.db"), prom = work.path("tidings.prom")
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [
            ("roll", server.url("/rolling/roll?items=30&new=10")),
        ], daemon: "metrics_file = \"tidings.prom\"\nmax_articles = 15\ndrop = [\"title:/5$/\"]\nmin_interval = \"1s\""))
        var lastSeq = 0
        for round in 0..<3 {
            let run = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
            #expect(run.status == 0, "\(run.stderr)")
            let newest = round * 10 + 30
            let (articles, guids, added, filtered, pruned, tombstones) = try query(database) { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM articles")!,
                 try String.fetchAll(db, sql: "SELECT guid FROM articles ORDER BY id"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM changes WHERE event = 'article.added'")!,
                 try Int.fetchOne(db, sql: "SELECT filtered_count FROM sources")!,
                 try Int.fetchOne(db, sql: "SELECT pruned_count FROM sources")!,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM tombstones")!)
            }
            // Items 1...newest were listed at some point; those ending in 5 were dropped, once each.
            let numbers = (1...newest).filter { $0 % 10 != 5 }
            #expect(articles == 15)
            #expect(added == numbers.count, "no item was added twice")
            #expect(guids == numbers.suffix(15).map { "/rolling/roll-\($0)" })
            #expect(filtered == newest / 10)
            #expect(pruned == numbers.count - 15)
            #expect(tombstones == filtered + pruned)

            let samples = try metrics(prom)
            let (runAdded, runPruned) = try query(database) { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM changes WHERE event = 'article.added' AND seq > ?", arguments: [lastSeq])!,
                 try Int.fetchOne(db, sql: """
                    SELECT coalesce(sum(json_extract(details, '$.count')), 0) FROM changes WHERE event = 'article.pruned' AND seq > ?
                    """, arguments: [lastSeq])!)
            }
            lastSeq = try query(database) { try Int.fetchOne($0, sql: "SELECT max(seq) FROM changes")! }
            #expect(samples["tidings_articles_added_total{}"] == Double(runAdded))
            #expect(samples["tidings_articles_pruned_total{}"] == Double(runPruned))
            #expect(samples["tidings_articles_filtered_total{}"] == Double(round == 0 ? 3 : 1))
            #expect(samples["tidings_articles{}"] == Double(articles))
            #expect(samples["tidings_source_filtered{source=roll}"] == Double(filtered))
            #expect(samples["tidings_source_pruned{source=roll}"] == Double(pruned))
            #expect(samples["tidings_tombstones{}"] == Double(tombstones))
            #expect(samples["tidings_fetches_total{status=200}"] == 1)
            #expect(samples["tidings_fetch_duration_seconds_count{}"] == 1)
            #expect(samples["tidings_changes_last_seq{}"] == Double(lastSeq))
            #expect((samples["tidings_fetch_body_bytes_total{}"] ?? 0) > 10_000)
            // The process's own figures: plausible, and SQLite's share within the resident memory.
            let resident = samples["process_resident_memory_bytes{}"] ?? 0, sqlite = samples["tidings_sqlite_memory_bytes{}"] ?? 0
            #expect(resident > 4_000_000 && resident < 4_000_000_000, "resident \(resident)")
            #expect(sqlite > 100_000 && sqlite < resident, "sqlite \(sqlite), resident \(resident)")
            // SQLite's page caches live in the daemon's pool (slots in use: whole 4 KiB pages and their
            // headers), the rest of its share in malloc, whose figures include it.
            let pool = samples["tidings_sqlite_page_pool_bytes{}"] ?? 0
            #expect(pool >= 4096 && pool < sqlite, "page pool \(pool), sqlite \(sqlite)")
            // Whole slots of the size the daemon logged: a page and SQLite's header beside it.
            let slot = run.stderr.firstMatch(of: /sqlite\.page_pool="\d+ slots of (\d+) bytes"/).flatMap { Double($0.1) } ?? 0
            #expect(slot > 4096 && slot < 4096 + 1024 && pool.truncatingRemainder(dividingBy: slot) == 0,
                    "slot \(slot), pool \(pool)")
            let inUse = samples["tidings_malloc_in_use_bytes{}"] ?? 0, free = samples["tidings_malloc_free_bytes{}"] ?? -1
            #expect(inUse > sqlite - pool && inUse < 4_000_000_000, "malloc in use \(inUse), sqlite \(sqlite), pool \(pool)")
            #expect(free >= 0 && free < 4_000_000_000, "malloc free \(free)")
            #expect((samples["process_open_fds{}"] ?? 0) > 3)
            #expect(abs((samples["process_start_time_seconds{}"] ?? 0) - Date().timeIntervalSince1970) < 3600)
        }
        // `tidings sources` shows the counts, and `stats --prometheus` the same store figures.
        let sources = try TidingsJSON.sources(db: database)
        #expect(sources["roll"]?["filtered"] as? Int == 5 && sources["roll"]?["pruned"] as? Int == 30)
        _ = try work.write("stats.prom", try ProcessRunner.tidings(["--db", database, "stats", "--prometheus"]).stdout)
        let store = try metrics(work.path("stats.prom"))
        let daemon = try metrics(prom)
        for key in ["tidings_articles{}", "tidings_source_filtered{source=roll}", "tidings_source_pruned{source=roll}",
                    "tidings_tombstones{}", "tidings_duplicates{}", "tidings_sources{state=ok}"] {
            #expect(store[key] != nil && store[key] == daemon[key], "\(key)")
        }
        withExtendedLifetime(server) {}
    }

    @Test("backups taken while the daemon ingests continuously open, pass integrity_check and hold every article committed before they began")
    func backupDuringIngest() throws {
        let server = try FeedServer(root: work.url)
        let database = work.path("tidings.db")
        let sources = (0..<8).map { (id: "feed\($0)", url: server.url("/rolling/feed\($0)?items=20&new=5")) }
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: sources, daemon: """
            min_interval = "1s"
            default_interval = "1s"
            adaptive_interval = false
            host_spacing = 0
            per_host_concurrency = 8
            """))
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config])
        defer { _ = daemon.stop() }
        func snapshot() throws -> (ids: Set<Int64>, seq: Int64) {
            try query(database) { db in
                (Set(try Int64.fetchAll(db, sql: "SELECT id FROM articles")),
                 try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM changes")!)
            }
        }
        #expect(eventually(timeout: 60) { ((try? snapshot().ids.count) ?? 0) >= 300 }, "\(daemon.stderr.suffix(2000))")
        var seqs: [Int64] = []
        for attempt in 0..<5 {
            let before = try snapshot()
            let copy = work.path("backup-\(attempt).db")
            let result = try ProcessRunner.tidings(["--db", database, "backup", "--json", copy])
            #expect(result.status == 0, "\(result.stderr)")
            let (integrity, ids, seq) = try query(copy) { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                 Set(try Int64.fetchAll(db, sql: "SELECT id FROM articles")),
                 try Int64.fetchOne(db, sql: "SELECT max(seq) FROM changes")!)
            }
            #expect(integrity == ["ok"])
            #expect(before.ids.isSubset(of: ids), "missing \(before.ids.subtracting(ids).count) articles committed before the backup")
            #expect(seq >= before.seq)
            // The copy is a transaction-consistent snapshot: every article has its article.added row.
            let orphans = try query(copy) { db in
                try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM articles a WHERE NOT EXISTS
                        (SELECT 1 FROM changes c WHERE c.event = 'article.added' AND c.article_id = a.id)
                    """)!
            }
            #expect(orphans == 0)
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(report?["integrity"] as? String == "ok" && report?["articles"] as? Int == ids.count)
            seqs.append(seq)
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(seqs.last! > seqs.first!, "the daemon kept writing between backups: \(seqs)")
        // Vacuuming while the daemon runs is safe too, and the daemon keeps going.
        let vacuum = try ProcessRunner.tidings(["--db", database, "maintenance", "vacuum", "--json"])
        #expect(vacuum.status == 0 && vacuum.stdout.contains("\"mode\":\"incremental\""), "\(vacuum.stdout)\(vacuum.stderr)")
        let afterVacuum = try snapshot().seq
        #expect(eventually(timeout: 30) { ((try? snapshot().seq) ?? 0) > afterVacuum })
        #expect(daemon.stop() == 0)
        withExtendedLifetime(server) {}
    }

    @Test("maintenance vacuum rewrites a store made before incremental auto-vacuum once, then works in steps; nothing is lost")
    func vacuumConvertsOlderStore() throws {
        _ = try work.write("feed.xml", "<rss version=\"2.0\"><channel><title>t</title><item><guid>a</guid><title>A</title></item>"
                           + "<item><guid>b</guid><title>B</title></item></channel></rss>")
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [("t", "file:feed.xml")]))
        #expect(try ProcessRunner.tidingsd(["--config", config, "--once"]).status == 0)
        let database = work.path("tidings.db")
        // What a store created before this version looks like: no auto-vacuum.
        let queue = try DatabaseQueue(path: database)
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA auto_vacuum = NONE")
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
        #expect(try query(database) { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } == 0)
        func vacuum() throws -> [String: Any] {
            let result = try ProcessRunner.tidings(["--db", database, "maintenance", "vacuum", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        }
        #expect(try vacuum()["mode"] as? String == "full")
        let (mode, integrity, articles) = try query(database) { db in
            (try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"), try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM articles"))
        }
        #expect(mode == 2 && integrity == ["ok"] && articles == 2)
        #expect(try vacuum()["mode"] as? String == "incremental")
    }

    @Test("a store from before the 4-letter prefix index is reindexed by the daemon's maintenance or by maintenance search-index; searches work throughout")
    func searchIndexRebuiltAfterUpgrade() throws {
        _ = try work.write("feed.xml", "<rss version=\"2.0\"><channel><title>t</title>"
                           + "<item><guid>a</guid><title>Almaty floods</title></item>"
                           + "<item><guid>b</guid><title>Almanac sales</title></item></channel></rss>")
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [("t", "file:feed.xml")]))
        #expect(try ProcessRunner.tidingsd(["--config", config, "--once"]).status == 0)
        let database = work.path("tidings.db")
        /// The store as the version before made it: the index with 2- and 3-letter prefixes only.
        func downgrade() throws {
            let queue = try DatabaseQueue(path: database)
            try queue.write { db in
                try db.execute(sql: """
                    DROP TRIGGER articles_search_delete; DROP TRIGGER articles_search_update;
                    DROP TABLE articles_search;
                    CREATE VIRTUAL TABLE articles_search USING fts5(title, text, content = 'articles', content_rowid = 'id',
                        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
                    CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
                        INSERT INTO articles_search (articles_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
                    END;
                    CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles BEGIN
                        INSERT INTO articles_search (articles_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
                        INSERT INTO articles_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                    END;
                    INSERT INTO articles_search (articles_search) VALUES ('rebuild');
                    DELETE FROM grdb_migrations WHERE identifier = 'v16-search-prefix-4';
                    """)
            }
            try queue.close()
        }
        func prefixes() throws -> String {
            try query(database) { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'articles_search'") ?? "" }
        }
        func hits(_ query: String) throws -> Int {
            let search = try ProcessRunner.tidings(["--db", database, "search", query, "--json"])
            #expect(search.status == 0, "\(search.stderr)")
            return (try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [Any])?.count ?? -1
        }

        try downgrade()
        #expect(try prefixes().contains("prefix = '2 3')"))
        let daemon = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(daemon.status == 0)
        #expect(daemon.stderr.contains("search.reindexed articles.copied=2 articles.remaining=0"), "\(daemon.stderr)")
        #expect(try prefixes().contains("prefix = '2 3 4'"))
        #expect(try hits("alma*") == 2)
        #expect(try hits("almat*") == 1)

        try downgrade()
        let command = try ProcessRunner.tidings(["--db", database, "maintenance", "search-index", "--json"])
        #expect(command.status == 0, "\(command.stderr)")
        #expect(command.stdout == "{\"copied\":2,\"finished\":true,\"remaining\":0}\n")
        #expect(try prefixes().contains("prefix = '2 3 4'"))
        let again = try ProcessRunner.tidings(["--db", database, "maintenance", "search-index"])
        #expect(again.stdout == "The search index is up to date: no rebuild pending.\n")
        #expect(try hits("almat*") == 1)
    }

    @Test("a backup to an existing file needs --force, and to a directory or the store itself is refused with the reason")
    func backupRefusals() throws {
        _ = try work.write("feed.xml", "<rss version=\"2.0\"><channel><title>t</title><item><guid>a</guid><title>A</title></item></channel></rss>")
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [("t", "file:feed.xml")]))
        #expect(try ProcessRunner.tidingsd(["--config", config, "--once"]).status == 0)
        let database = work.path("tidings.db")
        _ = try work.write("old.db", "an older backup")
        let exists = try ProcessRunner.tidings(["--db", database, "backup", work.path("old.db")])
        #expect(exists.status != 0 && exists.stderr.contains("the file exists (--force replaces it)"), "\(exists.stderr)")
        #expect(try String(contentsOfFile: work.path("old.db"), encoding: .utf8) == "an older backup")
        #expect(try ProcessRunner.tidings(["--db", database, "backup", "--force", work.path("old.db")]).status == 0)
        let directory = try ProcessRunner.tidings(["--db", database, "backup", work.url.path])
        #expect(directory.status != 0 && directory.stderr.contains("Is a directory"), "\(directory.stderr)")
        let itself = try ProcessRunner.tidings(["--db", database, "backup", "--force", database])
        #expect(itself.status != 0 && itself.stderr.contains("that is the store itself"), "\(itself.stderr)")
        let nowhere = try ProcessRunner.tidings(["--db", database, "backup", "/nonexistent-dir/b.db"])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("/nonexistent-dir/b.db"), "\(nowhere.stderr)")
    }
}

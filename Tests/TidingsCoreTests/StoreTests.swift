import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Store")
struct StoreTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path("store/tidings.db") }

    func source(_ id: String, interval: TimeSpan = .hours(1)) -> SourceSettings {
        SourceSettings(id: id, url: URL(string: "https://\(id).example/feed")!, interval: interval)
    }

    func articles(_ titles: [String]) -> [IncomingArticle] {
        let entries = titles.map { FeedEntry(id: "id-\($0)", link: "https://x.example/\($0)", title: $0, content: "<p>\($0) text</p>") }
        return zip(EntryIdentity.assign(entries), entries).map { IncomingArticle(identity: $0, entry: $1) }
    }

    func success(_ id: String, _ titles: [String], at time: Date = Date()) -> RefreshOutcome {
        RefreshOutcome(sourceID: id, status: 200, result: .success(feedTitle: "Feed \(id)", feedLink: nil, articles: articles(titles)),
                       finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
    }

    @Test("a new store is created with its directory, migrated, in WAL mode with foreign keys")
    func createsAndMigrates() throws {
        let store = try Store.open(path: path)
        let facts = try store.pool.read { db throws -> [String: String] in
            [
                "tables": try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'articles_search_%' ORDER BY name").joined(separator: ","),
                "journal_mode": try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                "auto_vacuum": try String.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? "",
                "foreign_keys": try String.fetchOne(db, sql: "PRAGMA foreign_keys") ?? "",
                "synchronous": try String.fetchOne(db, sql: "PRAGMA synchronous") ?? "",
                "application_id": try String.fetchOne(db, sql: "PRAGMA application_id") ?? "",
                "migrations": try StoreMigrations.migrator.appliedIdentifiers(db).sorted().joined(separator: ","),
            ]
        }
        #expect(facts["tables"] == "article_revisions,articles,articles_search,changes,dedup_band_filter,dedup_band_filter_extra,dedup_band_layout,dedup_bands,dedup_fingerprints,dedup_lines,origin_holds,search_facet_spans,search_facets,search_length_floors,search_lengths,search_lengths_pending,search_source_numbers,source_counts,sources,stories,story_articles,story_statistics,story_terms,tombstones,upkeep_cursors")
        #expect(facts["journal_mode"] == "wal")
        #expect(facts["auto_vacuum"] == "2", "incremental: retention's freed pages go back to the file system")
        #expect(facts["foreign_keys"] == "1")
        #expect(facts["synchronous"] == "1", "NORMAL")
        #expect(facts["application_id"] == String(StoreMigrations.applicationID))
        #expect(facts["migrations"] == StoreMigrations.migrator.migrations.sorted().joined(separator: ","))
        _ = try Store.open(path: path)  // reopening is a no-op
    }

    @Test("deleting a row any foreign key refers to reads no table whole: every referring column is indexed")
    func foreignKeysAreIndexed() throws {
        let store = try Store.open(path: path)
        let plans = try store.pool.read { db throws -> [String: [String]] in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            var parents = Set<String>()
            for table in tables {
                parents.formUnion(try String.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [table]))
            }
            var plans: [String: [String]] = [:]
            for parent in parents.sorted() {
                plans[parent] = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN DELETE FROM \(parent) WHERE rowid = 1")
                    .map { $0["detail"] as String }.filter { $0.hasPrefix("SCAN") }
            }
            return plans
        }
        #expect(Set(plans.keys) == ["articles", "sources", "stories"])
        #expect(plans.values.allSatisfy { $0.isEmpty }, "\(plans)")
    }

    @Test("band rows that waited in the recent table are merged by the upgrade that keeps them in memory instead")
    func upgradesRecentBandRows() async throws {
        try makeEarlyStore(at: path, upTo: "v16-search-prefix-4") { db in
            try db.execute(sql: """
                INSERT INTO sources (id, url, settings_json, added_at) VALUES ('wire', 'https://wire.example/feed', '{}', '2026-01-01');
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                    VALUES (1, 'wire', 'guid:1', 'One', 'One', 'h1', '2026-01-01'), (2, 'wire', 'guid:2', 'Two', 'Two', 'h2', '2026-01-02');
                INSERT INTO dedup_fingerprints (article_id, time, canonical_id, exact_hash, word_count, shingle_count, signature, shingles)
                    VALUES (1, 1.0, 1, 11, 3, 1, x'00', x'01'), (2, 2.0, 2, 12, 4, 1, x'00', x'01');
                INSERT INTO dedup_bands (band_key, article_id, time) VALUES (7, 1, 1.0);
                INSERT INTO dedup_bands_recent (band_key, article_id, time) VALUES (7, 2, 2.0), (-3, 2, 2.0);
                """)
        }
        let store = try Store.open(path: path)
        let facts = try await store.pool.write { db throws -> [String: String] in
            [
                "bands": try String.fetchAll(db, sql: "SELECT band_key || ':' || article_id FROM dedup_bands ORDER BY band_key, article_id").joined(separator: ","),
                "recent table": "\(try db.tableExists("dedup_bands_recent"))",
                "merged through": "\(try Int.fetchOne(db, sql: "SELECT first_key FROM upkeep_cursors WHERE task = 'dedup-bands-merged'") ?? -1)",
                "in memory": "\(try store.withRecentBands(in: db) { $0.rowCount })",
            ]
        }
        #expect(facts == ["bands": "-3:2,7:1,7:2", "recent table": "false", "merged through": "2", "in memory": "0"])
    }

    @Test("a store made by an early version is upgraded with its data kept, its index built and its foreign keys sound")
    func upgradesAnEarlyStore() throws {
        try makeEarlyStore(at: path, upTo: "v7-dedup-canonical-index") { db in
            try db.execute(sql: """
                INSERT INTO sources (id, url, settings_json, added_at) VALUES ('wire', 'https://wire.example/feed', '{}', '2026-01-01');
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                    VALUES (1, 'wire', 'guid:1', 'Almaty floods', 'Rivers rose overnight', 'h1', '2026-01-01'),
                           (2, 'wire', 'guid:2', 'Almaty floods again', 'Rivers rose once more', 'h2', '2026-01-02');
                UPDATE articles SET duplicate_of = 1, similarity = 0.9 WHERE id = 2;
                INSERT INTO dedup_fingerprints (article_id, time, canonical_id, exact_hash, word_count, shingle_count, signature, shingles)
                    VALUES (1, 1.0, 1, 11, 3, 1, x'00', x'01'), (2, 2.0, 1, 12, 4, 1, x'00', x'01');
                INSERT INTO dedup_bands (band_key, article_id, time) VALUES (7, 1, 1.0), (7, 2, 2.0), (-3, 2, 2.0);
                """)
        }

        // Only the migration that rebuilds a table checks the whole store's foreign keys after it.
        let statements = Locked<[String]>([])
        var configuration = Configuration()
        configuration.prepareDatabase { db in db.trace { event in statements.withLock { $0.append("\(event)") } } }
        let upgrading = try DatabaseQueue(path: path, configuration: configuration)
        try StoreMigrations.migrator.migrate(upgrading)
        try upgrading.close()
        #expect(statements.withLock { $0.filter { $0.contains("foreign_key_check") }.count } == 1)

        let store = try Store.open(path: path)
        let facts = try store.pool.read { db throws -> [String: String] in
            [
                "violations": "\(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)",
                "bands": try String.fetchAll(db, sql: "SELECT band_key || ':' || article_id FROM dedup_bands ORDER BY band_key, article_id").joined(separator: ","),
                "duplicate": try String.fetchOne(db, sql: "SELECT duplicate_of || ' ' || similarity FROM articles WHERE id = 2") ?? "",
                "found": try String.fetchAll(db, sql: "SELECT rowid FROM articles_search WHERE articles_search MATCH 'rivers' ORDER BY rowid").joined(separator: ","),
                "revision": try String.fetchOne(db, sql: "SELECT group_concat(revision) FROM articles") ?? "",
            ]
        }
        #expect(facts == ["violations": "0", "bands": "-3:2,7:1,7:2", "duplicate": "1 0.9", "found": "1,2", "revision": "1,1"])
        // The upgraded store takes new rows under the foreign keys it now enforces.
        #expect(throws: (any Error).self) {
            try store.pool.write { try $0.execute(sql: "INSERT INTO story_articles (article_id, story_id, source_id, joined) VALUES (99, 1, 'wire', 'started')") }
        }
    }

    @Test("an article stored through SQL and never indexed can be changed and deleted without harm to the search index")
    func unindexedArticleChangesAreSafe() async throws {
        let store = try Store.open(path: path)
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO sources (id, url, settings_json, added_at) VALUES ('s', 'https://s.example/', '{}', '2026-01-01');
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                    VALUES (1, 's', 'guid:1', 'Indexed', 'almaty floods', 'h1', '2026-01-01'),
                           (2, 's', 'guid:2', 'Never indexed', 'astana frost', 'h2', '2026-01-01');
                """)
            try SearchIndexing.add(1, through: 1, in: db)
        }
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE articles SET text = 'astana thaw' WHERE id = 2")  // now indexed by its new text
            try db.execute(sql: "UPDATE articles SET text = 'almaty rain' WHERE id = 1")
        }
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at) VALUES (3, 's', 'guid:3', 'Gone', 'aral', 'h3', '2026-01-01')")
            try db.execute(sql: "DELETE FROM articles WHERE id = 3")
            try db.execute(sql: "INSERT INTO articles_search (articles_search, rank) VALUES ('integrity-check', 1)")
        }
        let found = try await store.pool.read { db in
            try ["almaty", "floods", "rain", "astana", "thaw", "frost", "aral"].map {
                try Int64.fetchAll(db, sql: "SELECT rowid FROM articles_search WHERE articles_search MATCH ? ORDER BY rowid", arguments: [$0])
            }
        }
        #expect(found == [[1], [], [1], [2], [2], [], []])
    }

    @Test("deleting an article does not write its freed pages over with zeros (Debian's SQLite would: secure delete)")
    func deletingWritesNoFreedPages() async throws {
        let store = try Store.open(path: path)
        let text = String(repeating: "lorem ipsum dolor ", count: 120_000)  // 2 MB: about 530 overflow pages
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES ('s', 'https://s.example/', '{}', '2026-01-01')")
            try db.execute(sql: """
                INSERT INTO articles (source_id, identity, title, text, content_hash, first_seen_at)
                VALUES ('s', 'guid:1', 'Long', ?, 'h', '2026-01-01')
                """, arguments: [text])
            try SearchIndexing.add(db.lastInsertedRowID, through: db.lastInsertedRowID, in: db)  // as ingest does
        }
        let frames = try await store.pool.writeWithoutTransaction { db -> Int in
            #expect(try Int.fetchOne(db, sql: "PRAGMA secure_delete") == 2, "FAST")
            // The store's own checkpointer may be at work, and SQLite refuses a second checkpoint at once
            // (no busy wait): try again until it is done.
            for attempt in 1... {
                do {
                    try db.checkpoint(.truncate)
                    break
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 100 {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            try db.inTransaction {
                try db.execute(sql: "DELETE FROM articles WHERE identity = 'guid:1'")
                return .commit
            }
            // The frames the deletion wrote to the write-ahead log (the log restarted empty).
            return try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)").map { $0[1] as Int } ?? -1
        }
        #expect(frames >= 0 && frames < 60, "\(frames) pages written to delete one 2 MB article")
    }

    @Test("a database from a newer Tidings is refused and left untouched")
    func refusesNewerSchema() throws {
        _ = try Store.open(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)  // the released store may still be closing (a final checkpoint)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            try Store.open(path: path)
        } throws: { error in
            "\(error)".contains("written by a newer version of Tidings (unknown migrations: v99-from-the-future)")
        }
        #expect(throws: StoreError.self) { try StoreReader.open(path: path) }
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        let differing = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(after == before, "sizes \(before.count) \(after.count), differing offsets \(differing.prefix(20))")
    }

    @Test("a file that is not SQLite, or SQLite that is not Tidings, is refused and untouched")
    func refusesForeignFiles() throws {
        let junk = try directory.write("junk.db", String(repeating: "not a database\n", count: 300))
        let before = try Data(contentsOf: URL(fileURLWithPath: junk))
        #expect { try Store.open(path: junk) } throws: { "\($0)".hasPrefix("cannot open database \(junk): ") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: junk)) == before)

        let other = directory.path("other.db")
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        #expect { try Store.open(path: other) } throws: { "\($0)".contains("is an SQLite database but not a Tidings store") }
    }

    @Test("syncing sources records added, changed and removed, and keeps articles of removed sources")
    func syncSources() async throws {
        let store = try Store.open(path: path)
        var report = try store.syncSources([source("a"), source("b")])
        #expect(report == SourceSyncReport(added: ["a", "b"], changed: [], removed: []))
        try await store.record(success("b", ["one"]))
        report = try store.syncSources([source("a", interval: .minutes(10))])
        #expect(report == SourceSyncReport(added: [], changed: ["a"], removed: ["b"]))
        report = try store.syncSources([source("a", interval: .minutes(10))])
        #expect(report == SourceSyncReport())
        let reader = try StoreReader.open(path: path)
        #expect(try reader.sources().map(\.state) == ["new", "removed"])
        #expect(try reader.articles().count == 1)
        let events = try reader.changes().map(\.event)
        #expect(events == ["source.added", "source.added", "article.added", "story.created", "source.changed", "source.removed"])
        let changed = try reader.changes().first { $0.event == "source.changed" }
        #expect(changed?.details["changed"] == .object(["interval": .object(["from": .int(3600), "to": .int(600)])]))
        report = try store.syncSources([source("a", interval: .minutes(10)), source("b")])
        #expect(report.added == ["b"], "a removed source that comes back is added again")
    }

    @Test("a refresh stores new articles with one article.added each; the same feed again adds nothing")
    func ingestIsIdempotent() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a")])
        let first = try await store.record(success("a", ["one", "two"]))
        #expect(first.added.count == 2)
        let again = try await store.record(success("a", ["one", "two", "three"]))
        #expect(again.added.count == 1)
        #expect(again.known == 2)
        let reader = try StoreReader.open(path: path)
        let added = try reader.changes().filter { $0.event == "article.added" }
        #expect(added.count == 3)
        #expect(Set(added.compactMap(\.article)) == Set(try reader.articles().map(\.id)))
        let seqs = try reader.changes().map(\.seq)
        #expect(seqs == Array(seqs.sorted()) && Set(seqs).count == seqs.count, "seq strictly increases")
        for summary in try reader.articles() {
            let article = try #require(try reader.article(id: summary.id))
            #expect(article.text == "\(article.title) text", "each article keeps its own text")
            #expect(article.identity == "guid:id-\(article.title)")
        }
    }

    @Test("search with a ranking cap: more matches than the cap rank only the newest that many, and say so; filters count first")
    func searchCap() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a"), source("b")])
        _ = try await store.record(success("a", ["harvest one", "harvest two", "harvest three"]))
        _ = try await store.record(success("b", ["harvest four", "rain five"]))
        let reader = try StoreReader.open(path: path)
        let query = try SearchQuery(parsing: "harvest")
        let all = try reader.search(query)
        #expect(all.hits.count == 4)
        #expect(all.rankedAmongNewest == nil)
        let capped = try reader.search(query, rankWithin: 2)
        #expect(capped.rankedAmongNewest == 2)
        #expect(Set(capped.hits.map(\.article.id)) == Set(all.hits.map(\.article.id).sorted().suffix(2)), "the two stored last")
        let exact = try reader.search(query, rankWithin: 4)
        #expect(exact.rankedAmongNewest == nil, "exactly as many matches as the cap: nothing left out")
        let filtered = try reader.search(query, filter: ArticleFilter(source: "a"), rankWithin: 2)
        #expect(filtered.rankedAmongNewest == 2)
        #expect(filtered.hits.map(\.article.source) == ["a", "a"], "the cap counts the matches the filter keeps")
        let fewer = try reader.search(query, filter: ArticleFilter(source: "a"), rankWithin: 3)
        #expect(fewer.rankedAmongNewest == nil && fewer.hits.count == 3, "more matches than the cap, but not once filtered")
        let within = try reader.search(query, filter: ArticleFilter(source: "b"), rankWithin: 4)
        #expect(within.rankedAmongNewest == nil && within.hits.map(\.article.source) == ["b"], "no more matches than the cap at all")
    }

    @Test("a filtered search gives the same hits, scores and marks whether the filter or the matches lead")
    func filteredSearchPlans() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a"), source("b")])
        _ = try await store.record(success("a", (1...12).map { "harvest report \($0)" }))
        _ = try await store.record(success("b", ["harvest in the north", "rain and harvest", "rain again", "quiet day"]))
        let reader = try StoreReader.open(path: path)
        for (words, filter, cap) in [("harvest", ArticleFilter(source: "b"), nil), ("harvest", ArticleFilter(source: "a", limit: 5), nil),
                                     ("harvest", ArticleFilter(source: "a"), 4), ("rain", ArticleFilter(source: "b"), 1),
                                     ("harvest", ArticleFilter(duplicates: false), nil)] as [(String, ArticleFilter, Int?)] {
            let query = try SearchQuery(parsing: words)
            let byMatches = try reader.search(query, filter: filter, rankWithin: cap, snippetWords: 24, filterFirstFactor: 0)
            let byFilter = try reader.search(query, filter: filter, rankWithin: cap, snippetWords: 24, filterFirstFactor: 1_000_000)
            #expect(!byMatches.hits.isEmpty)
            #expect(byFilter.hits == byMatches.hits, "\(words) in \(filter)")
            #expect(byFilter.rankedAmongNewest == byMatches.rankedAmongNewest)
            #expect(byMatches.hits.allSatisfy { filter.source == nil || $0.article.source == filter.source })
        }
        // What each plan is chosen for: a filter keeping fewer than four articles per match leads (source b:
        // 4 articles, 14 matches); one keeping more does not (source a, 12 articles, for "rain"'s 2 matches).
        func plan(_ words: String, _ filter: ArticleFilter, countedFirst: Int = SearchPlan.matchesCountedFirst,
                  neverLeadsFrom: Int? = nil) throws -> SearchPlan {
            try reader.read { db in
                try SearchPlan(db, query: SearchQuery(parsing: words), filter: filter, filterFirstFactor: SearchPlan.filterFirstFactor,
                               neverLeadsFrom: neverLeadsFrom, matchesCountedFirst: countedFirst)
            }
        }
        // A filter keeping at least `neverLeadsFrom` articles does not lead, and the matches are not counted to weigh it.
        let uncounted = try plan("harvest", ArticleFilter(source: "b"), neverLeadsFrom: 4)
        #expect(uncounted.checksEachMatch && uncounted.matchCount == nil && uncounted.keptCount == nil)
        // Keeping fewer, the choice is the same as without the bound, from the matches counted no further than it needs.
        let led = try plan("harvest", ArticleFilter(source: "b"), neverLeadsFrom: 5)
        #expect(led.leadsByFilter && led.keptCount == 4 && led.matchCount == nil, "source b keeps 4; 2 of the 14 matches settle it")
        let rain = try plan("rain", ArticleFilter(source: "a"), neverLeadsFrom: 100)
        #expect(!rain.leadsByFilter && rain.matchCount == 2, "source a keeps 12, more than 4 per match")
        func leads(_ words: String, _ filter: ArticleFilter) throws -> Bool { try plan(words, filter).leadsByFilter }
        #expect(try leads("harvest", ArticleFilter(source: "b")))
        #expect(try !leads("rain", ArticleFilter(source: "a")))
        #expect(try !leads("harvest", ArticleFilter()), "no filter, nothing to lead")
        // The same choices with the matches counted a few first: counted to the end only when the filter keeps
        // at least four times those few (then the count decides), not when it leads regardless.
        for countedFirst in [1, 2, 3] {
            let harvest = try plan("harvest", ArticleFilter(source: "b"), countedFirst: countedFirst)
            #expect(harvest.leadsByFilter && harvest.keptCount == 4)
            #expect(harvest.matchCount == (countedFirst == 1 ? 14 : nil), "counted first: \(countedFirst)")
            let rain = try plan("rain", ArticleFilter(source: "a"), countedFirst: countedFirst)
            #expect(!rain.leadsByFilter && rain.matchCount == 2)
        }
    }

    @Test("the same identity in two sources is two articles: identity is per source")
    func identityIsPerSource() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a"), source("b")])
        try await store.record(success("a", ["same"]))
        try await store.record(success("b", ["same"]))
        #expect(try StoreReader.open(path: path).articles().count == 2)
    }

    @Test("failures are kept on the source; source.failed once, source.recovered when it works again")
    func failureAndRecovery() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a")])
        for _ in 0..<3 {
            try await store.record(RefreshOutcome(sourceID: "a", status: 404, result: .failure(message: "HTTP 404 Not Found from x"),
                                            finishedAt: Date(), nextDueAt: Date()))
        }
        let reader = try StoreReader.open(path: path)
        var status = try #require(try reader.sources().first)
        #expect(status.state == "backing-off")
        #expect(status.consecutiveErrors == 3)
        #expect(status.lastError == "HTTP 404 Not Found from x")
        #expect(status.lastStatus == 404)
        try await store.record(success("a", ["one"]))
        status = try #require(try reader.sources().first)
        #expect(status.state == "ok")
        #expect(status.lastError == nil)
        #expect(status.consecutiveErrors == 0)
        let events = try reader.changes().map(\.event)
        #expect(events == ["source.added", "source.failed", "article.added", "story.created", "source.recovered"])
    }

    @Test("the read-only reader reports a missing store clearly")
    func missingStore() {
        #expect { try StoreReader.open(path: directory.path("nope.db")) } throws: {
            "\($0)" == "no Tidings database at \(directory.path("nope.db")) (has tidingsd run with this config yet?)"
        }
    }

    @Test("a read that fails after the store opened says it could not read, not that it could not open")
    func damagedPageOnRead() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([source("a")])
        _ = try await store.record(success("a", ["one", "two"]))
        try await store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }  // every page in the file
        let root = try StoreReader.open(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'articles'") ?? 0
        }
        let file = try #require(FileHandle(forWritingAtPath: path))
        try file.seek(toOffset: UInt64((root - 1) * 4096))
        try file.write(contentsOf: Data(repeating: 0xA5, count: 4096))
        try file.close()
        let reader = try StoreReader.open(path: path)  // the schema's page is whole: it opens
        #expect { try reader.articles() } throws: {
            "\($0)".hasPrefix("cannot read database \(path): ") && "\($0)".contains("malformed")
        }
    }

    @Test("due sources: new ones at once, then after their interval; disabled and removed never")
    func dueSources() async throws {
        let store = try Store.open(path: path)
        var disabled = source("c")
        disabled.enabled = false
        try store.syncSources([source("a"), source("b"), disabled])
        let now = Date()
        #expect(try store.dueSources(at: now) == ["a", "b"])
        try await store.record(success("a", [], at: now))
        #expect(try store.dueSources(at: now) == ["b"])
        #expect(try store.dueSources(at: now.addingTimeInterval(3601)) == ["b", "a"], "longest overdue first")
        #expect(try store.dueSources(at: now, includeNotDue: true) == ["b", "a"])
    }
}

import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Store: the search index rebuilt while in use")
struct SearchIndexRebuildTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path("store/tidings.db") }
    var otherPath: String { directory.path("store/other.db") }

    static let words = ["almaty", "almaz", "almanac", "astana", "atyrau", "aktobe", "almond", "altai", "aral", "aksu"]

    /// A store as version 15 left it, holding `count` articles (article i's text names words[i % 10]).
    func earlyStore(articles count: Int, at path: String) throws {
        try makeEarlyStore(at: path, upTo: "v15-upkeep-cursors") { db in
            try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES ('wire', 'https://wire.example/feed', '{}', '2026-01-01')")
            for id in 1...count {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                    VALUES (?, 'wire', ?, ?, ?, 'h', '2026-01-01')
                    """, arguments: [id, "guid:\(id)", "Report \(id)", "News from \(Self.words[id % 10]) today"])
            }
        }
    }

    /// Ids of the articles whose current title or text has a word starting with `prefix`.
    func expected(_ prefix: String, in db: Database) throws -> [Int64] {
        try Row.fetchAll(db, sql: "SELECT id, title, text FROM articles ORDER BY id").compactMap { row in
            let words = "\(row["title"] as String) \(row["text"] as String)".lowercased().split(separator: " ")
            return words.contains { $0.hasPrefix(prefix) } ? row["id"] : nil
        }
    }

    func found(_ query: String, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT rowid FROM articles_search WHERE articles_search MATCH ? ORDER BY rowid", arguments: [query])
    }

    @Test("articles a refresh stores while a rebuild is pending reach both indexes, in one statement a refresh")
    func ingestDuringRebuild() async throws {
        try earlyStore(articles: 10, at: path)
        let store = try Store.open(path: path)
        _ = try await store.pool.write { try SearchIndexRebuild.step($0, batch: 4) }
        let entries = [FeedEntry(id: "n1", title: "Almaty mayor resigns", content: "<p>The almaty city council met.</p>"),
                       FeedEntry(id: "n2", title: "Atyrau port", content: "<p>Ships wait off atyrau.</p>")]
        let articles = zip(EntryIdentity.assign(entries), entries).map { IncomingArticle(identity: $0, entry: $1) }
        let summary = try await store.record(RefreshOutcome(sourceID: "wire", status: 200,
                                                            result: .success(feedTitle: nil, feedLink: nil, articles: articles),
                                                            finishedAt: Date(), nextDueAt: Date().addingTimeInterval(3600)))
        #expect(summary.added.count == 2)
        let during = try await store.pool.read { db in (try self.found("almaty", in: db), try self.expected("almaty", in: db)) }
        #expect(during.0 == during.1, "the old index has them")
        _ = try await store.rebuildSearchIndex(budget: .infinity, batch: 4)
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_search (articles_search, rank) VALUES ('integrity-check', 1)")
        }
        for prefix in ["almat", "atyr", "ship"] {
            let (hits, truth) = try await store.pool.read { db in (try self.found("\(prefix)*", in: db), try self.expected(prefix, in: db)) }
            #expect(hits == truth, "\(prefix)*")
            #expect(!hits.isEmpty)
        }
    }

    @Test("articles stored through SQL and never indexed can be changed and deleted while a rebuild is pending")
    func unindexedArticlesDuringRebuild() async throws {
        try earlyStore(articles: 10, at: path)
        let store = try Store.open(path: path)
        _ = try await store.pool.write { try SearchIndexRebuild.step($0, batch: 4) }  // copied through 4 of 10
        try await store.pool.write { db in
            // Ids 20 and 21: past the copy range, in neither index (no refresh stored them).
            try db.execute(sql: """
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                VALUES (20, 'wire', 'guid:20', 'Unindexed', 'aksu bridge', 'h', '2026-01-01'),
                       (21, 'wire', 'guid:21', 'Unindexed too', 'altai pass', 'h', '2026-01-01')
                """)
        }
        try await store.pool.write { db in
            try db.execute(sql: "DELETE FROM articles WHERE id = 20")
            try db.execute(sql: "UPDATE articles SET text = 'altai snow' WHERE id = 21")  // indexed by its new text now
            try db.execute(sql: "UPDATE articles SET text = 'aral shore' WHERE id = 2")  // copied already: changed there
            try db.execute(sql: "DELETE FROM articles WHERE id = 3")
        }
        _ = try await store.rebuildSearchIndex(budget: .infinity, batch: 4)
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_search (articles_search, rank) VALUES ('integrity-check', 1)")
        }
        let hits = try await store.pool.read { db in
            try ["aksu", "snow", "pass", "shore", "aral*"].map { try self.found($0, in: db) }
        }
        let truth = try await store.pool.read { db in
            try ["aksu", "snow", "pass", "shore", "aral"].map { try self.expected($0, in: db) }
        }
        #expect(hits == truth)
        #expect(hits[1] == [21] && hits[3] == [2])
    }

    @Test("an upgraded store copies its articles in batches while writes go on, then the new index takes over, exact and with 4-letter prefixes")
    func rebuildsWhileWritten() async throws {
        try earlyStore(articles: 10, at: path)
        let store = try Store.open(path: path)
        let before = try await store.pool.read { db in (try self.found("alma*", in: db), try SearchIndexRebuild.remaining(db)) }
        #expect(before.0 == (try await store.pool.read { try self.expected("alma", in: $0) }), "the old index answers meanwhile")
        #expect(before.1 == 10)

        let first = try await store.rebuildSearchIndex(budget: .infinity, batch: 3)
        #expect(first?.finished == true)
        #expect(first?.copied == 10)

        // The same again, with writes between batches: changes and deletions on both sides of the copy.
        try earlyStore(articles: 10, at: otherPath)
        let reopened = try Store.open(path: otherPath)
        var step = try await reopened.pool.write { try SearchIndexRebuild.step($0, batch: 3) }
        #expect(step?.copied == 3)
        #expect(step?.remaining == 7)
        try await reopened.pool.write { db in
            try db.execute(sql: "UPDATE articles SET text = 'Moved to almaty' WHERE id IN (2, 8)")   // copied, and not yet
            try db.execute(sql: "UPDATE articles SET title = 'Almanac of the steppe' WHERE id = 3")  // the copy's last
            try db.execute(sql: "DELETE FROM articles WHERE id IN (1, 9)")
            try db.execute(sql: """
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                VALUES (11, 'wire', 'guid:11', 'Late report', 'Almaz mine reopens', 'h', '2026-01-02')
                """)
            try SearchIndexing.add(11, through: 11, in: db)  // as the store's ingest does
        }
        while let next = try await reopened.pool.write({ try SearchIndexRebuild.step($0, batch: 3) }) {
            step = next
            if next.remaining == 0 { break }
        }
        #expect(step?.remaining == 0)
        let after = try await reopened.pool.read { db in
            (
                try SearchIndexRebuild.remaining(db),
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'articles_search'") ?? "",
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_search%' ORDER BY name"),
                try db.tableExists("articles_search_next")
            )
        }
        #expect(after.0 == nil)
        #expect(after.1.contains("prefix = '2 3 4'"))
        #expect(after.2 == ["articles_search_delete", "articles_search_update"], "inserts are indexed by the store")
        #expect(after.3 == false)
        try await reopened.pool.write { db in
            // FTS5 compares the whole index with the articles it was built from; any stray entry throws.
            try db.execute(sql: "INSERT INTO articles_search (articles_search, rank) VALUES ('integrity-check', 1)")
        }
        for prefix in ["alma", "almat", "alm", "al", "ast", "aksu", "report", "steppe"] {
            let (hits, truth) = try await reopened.pool.read { db in (try self.found("\(prefix)*", in: db), try self.expected(prefix, in: db)) }
            #expect(hits == truth, "\(prefix)*")
        }
        // The final triggers keep the new index in step.
        try await reopened.pool.write { db in
            try db.execute(sql: "UPDATE articles SET text = 'Quiet day' WHERE id = 11")
            try db.execute(sql: "DELETE FROM articles WHERE id = 2")
        }
        let almaz = try await reopened.pool.read { try self.found("almaz", in: $0) }
        #expect(almaz == [])
        try await reopened.pool.write { db in
            try db.execute(sql: "INSERT INTO articles_search (articles_search, rank) VALUES ('integrity-check', 1)")
        }
    }

    @Test("a new store has the new index at once, and nothing is left to rebuild")
    func newStoreNeedsNoRebuild() async throws {
        let store = try Store.open(path: path)
        let state = try await store.pool.read { db in
            (try SearchIndexRebuild.remaining(db), try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'articles_search'") ?? "")
        }
        #expect(state.0 == nil)
        #expect(state.1.contains("prefix = '2 3 4'"))
        #expect(try await store.rebuildSearchIndex(budget: 10) == nil)
    }
}

import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// Distinct article texts: each draws its words from its own stretch of a shuffled vocabulary,
/// so no two are near-duplicates unless made so.
enum DistinctText {
    static let vocabulary: [String] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<4000).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let letters = (0..<(4 + Int(state >> 61))).map { shift in
                Character(Unicode.Scalar(UInt8(97 + Int((state >> (UInt64(shift) * 5 + 3)) % 26))))
            }
            return String(letters)
        }
    }()

    static func html(_ index: Int) -> String {
        let words = (0..<80).map { vocabulary[(index * 97 + $0 * 31) % vocabulary.count] }
        return "<p>" + words.joined(separator: " ") + ".</p>"
    }
}

@Suite("Store: retention and tombstones")
struct StoreRetentionTests {
    let directory = TemporaryDirectory()
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    func source(_ id: String, _ retention: ArticleRetention = ArticleRetention()) -> SourceSettings {
        var source = SourceSettings(id: id, url: URL(string: "https://\(id).example/feed")!)
        source.retention = retention
        return source
    }

    /// A refresh of `sourceID` listing `items` (guid, HTML), newest first, at `minutes` after the start.
    func refresh(_ sourceID: String, _ items: [(guid: String, html: String)], minutes: Double,
                 filter: IngestFilter = IngestFilter()) -> RefreshOutcome {
        let time = start.addingTimeInterval(minutes * 60)
        let entries = items.enumerated().map { index, item in
            FeedEntry(id: item.guid, link: "https://\(sourceID).example/\(item.guid)", title: "Story \(item.guid)",
                      content: item.html, published: time.addingTimeInterval(Double(-index) * 60))
        }
        var outcome = RefreshOutcome(sourceID: sourceID, status: 200,
                                     result: .success(feedTitle: nil, feedLink: nil, articles: zip(EntryIdentity.assign(entries), entries)
                                        .map { IncomingArticle(identity: $0, entry: $1) }, warning: nil),
                                     finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
        outcome.filter = filter
        return outcome
    }

    /// The guids of the stored articles, in the order they were stored.
    func guids(_ store: Store) async throws -> [String] {
        try await store.pool.read { try String.fetchAll($0, sql: "SELECT guid FROM articles ORDER BY id") }
    }

    func count(_ store: Store, _ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await store.pool.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? -1 }
    }

    /// Nothing left hanging: foreign keys hold, the search index matches the articles, every
    /// duplicate points at a stored original, every story at a stored member.
    func expectConsistent(_ store: Store) async throws {
        let violations = try store.pool.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
        #expect(violations.isEmpty, "\(violations)")
        try await store.pool.write { try $0.execute(sql: "INSERT INTO articles_search (articles_search) VALUES ('integrity-check')") }
        #expect(try await count(store, """
            SELECT count(*) FROM articles a WHERE duplicate_of IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.id = a.duplicate_of AND o.duplicate_of IS NULL)
            """) == 0)
        #expect(try await count(store, """
            SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_articles m WHERE m.article_id = s.article_id)
            OR s.articles != (SELECT count(*) FROM story_articles m WHERE m.story_id = s.id)
            OR s.sources != (SELECT count(DISTINCT source_id) FROM story_articles m WHERE m.story_id = s.id)
            """) == 0)
        #expect(try await count(store, "SELECT count(*) FROM dedup_bands WHERE article_id NOT IN (SELECT id FROM articles)") == 0)
        #expect(try await count(store, """
            SELECT count(*) FROM dedup_fingerprints WHERE canonical_id NOT IN (SELECT id FROM articles)
            """) == 0)
    }

    @Test("max_articles prunes exactly the oldest beyond the limit with everything hanging off them, and leaves tombstones")
    func maxArticles() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        let herald = source("herald", ArticleRetention(maxArticles: 4))
        try store.syncSources([herald], now: start)
        let items = (0..<10).reversed().map { (guid: "a\($0)", html: DistinctText.html($0)) }
        try await store.record(refresh("herald", items, minutes: 0))
        // A revision of the oldest, so that pruning must take its revisions too.
        var edited = items
        edited[9].html = DistinctText.html(9) + "<p>" + DistinctText.html(50) + "</p>"
        #expect(try await store.record(refresh("herald", edited, minutes: 10)).revised == 1)
        #expect(try await count(store, "SELECT count(*) FROM article_revisions") == 1)

        let summary = try await store.prune(sources: [herald], defaults: ArticleRetention(), now: start.addingTimeInterval(1200),
                                            batchSize: 4)
        #expect(summary.articles == 6 && summary.batches == 2)
        let keptGuids = try await guids(store)
        #expect(keptGuids == ["a6", "a7", "a8", "a9"])
        #expect(try await count(store, "SELECT count(*) FROM article_revisions") == 0)
        #expect(try await count(store, "SELECT count(*) FROM dedup_fingerprints") == 4)
        #expect(try await count(store, "SELECT count(*) FROM story_articles") == 4)
        #expect(try await count(store, "SELECT count(*) FROM articles_search WHERE articles_search MATCH ?",
                                [DistinctText.vocabulary[0]]) == 0)
        #expect(try await count(store, "SELECT count(*) FROM tombstones WHERE reason = 'pruned'") == 6)
        #expect(try await count(store, "SELECT pruned_count FROM sources WHERE id = 'herald'") == 6)
        let pruneRows = try store.pool.read {
            try Row.fetchAll($0, sql: "SELECT details FROM changes WHERE event = 'article.pruned' ORDER BY seq")
        }
        #expect(pruneRows.count == 2)
        let counts = pruneRows.compactMap { row -> Int? in
            guard case .object(let fields)? = JSONValue.parse(row["details"]), case .int(let count)? = fields["count"] else { return nil }
            return count
        }
        #expect(counts == [4, 2])
        try await expectConsistent(store)

        // The feed still lists all ten: the pruned six stay out, nothing is new.
        let again = try await store.record(refresh("herald", items, minutes: 30))
        #expect(again.added.isEmpty && again.tombstoned == 6 && again.known == 4)
        #expect(try await count(store, "SELECT count(*) FROM articles") == 4)
        // A new item still comes in, and the next prune keeps the newest four.
        try await store.record(refresh("herald", [(guid: "a10", html: DistinctText.html(10))] + items, minutes: 40))
        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(), now: start.addingTimeInterval(3000)).articles == 1)
        let after = try await guids(store)
        #expect(after == ["a7", "a8", "a9", "a10"])
        try store.close()
    }

    @Test("a prune landing between a refresh's preparation and its write: the pruned item stays out, revised or not")
    func pruneBetweenPrepareAndWrite() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        let herald = source("herald", ArticleRetention(maxArticles: 1))
        try store.syncSources([herald], now: start)
        try await store.record(refresh("herald", [(guid: "b", html: DistinctText.html(2)), (guid: "a", html: DistinctText.html(1))],
                                       minutes: 0))
        // Prepared while both are stored (their texts read as stored ones'), with a's text changed since.
        let prepared = store.prepared(refresh("herald", [(guid: "c", html: DistinctText.html(3)), (guid: "b", html: DistinctText.html(2)),
                                                         (guid: "a", html: DistinctText.html(1) + "<p>Corrected.</p>")], minutes: 10))
        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(), now: start.addingTimeInterval(300)).articles == 1)
        let summary = try await store.write(prepared)
        #expect(summary.tombstoned == 1 && summary.known == 1 && summary.added.count == 1 && summary.revised == 0)
        #expect(try await guids(store) == ["b", "c"])
        #expect(try await count(store, "SELECT count(*) FROM tombstones WHERE identity = (SELECT identity FROM articles WHERE guid = 'b') ") == 0)
        #expect(try await count(store, "SELECT count(*) FROM tombstones WHERE reason = 'pruned'") == 1)
        #expect(try await count(store, "SELECT count(*) FROM changes WHERE event IN ('article.added', 'article.updated')") == 3)
        try await expectConsistent(store)
        try store.close()
    }

    @Test("max_age prunes articles first seen before the cutoff; the daemon's default covers sources no longer configured")
    func maxAge() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        let herald = source("herald", ArticleRetention(maxAge: .hours(2)))
        try store.syncSources([herald, source("gazette")], now: start)
        try await store.record(refresh("herald", [(guid: "old", html: DistinctText.html(1))], minutes: 0))
        try await store.record(refresh("herald", [(guid: "new", html: DistinctText.html(2))], minutes: 90))
        try await store.record(refresh("gazette", [(guid: "g", html: DistinctText.html(3))], minutes: 0))
        // gazette is not in the list given: the defaults (3h) apply to it.
        let summary = try await store.prune(sources: [herald], defaults: ArticleRetention(maxAge: .hours(3)),
                                            now: start.addingTimeInterval(150 * 60))
        #expect(summary.articles == 1)
        #expect(try await guids(store) == ["new", "g"])
        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(maxAge: .hours(3)),
                                      now: start.addingTimeInterval(200 * 60)).articles == 1)
        #expect(try await guids(store) == ["new"])
        try await expectConsistent(store)
        try store.close()
    }

    @Test("pruning an original: its first stored copy becomes the original, the others point to it, stories keep their members")
    func prunedOriginal() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        let herald = source("herald", ArticleRetention(maxArticles: 1))
        try store.syncSources([herald, source("gazette"), source("courier")], now: start)
        let wire = DistinctText.html(7)
        try await store.record(refresh("herald", [(guid: "h1", html: wire)], minutes: 0))
        try await store.record(refresh("gazette", [(guid: "g1", html: wire)], minutes: 5))
        try await store.record(refresh("courier", [(guid: "c1", html: wire)], minutes: 10))
        try await store.record(refresh("herald", [(guid: "h2", html: DistinctText.html(8)), (guid: "h1", html: wire)], minutes: 20))
        let ids = try await store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT guid, id FROM articles").map {
                ($0["guid"] as String, $0["id"] as Int64)
            })
        }
        #expect(try await count(store, "SELECT count(*) FROM articles WHERE duplicate_of = ?", [ids["h1"]!]) == 2)
        let storyOfWire = try await count(store, "SELECT story_id FROM story_articles WHERE article_id = ?", [ids["h1"]!])

        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(), now: start.addingTimeInterval(1800)).articles == 1)
        let gazette = try store.pool.read { try Row.fetchOne($0, sql: "SELECT duplicate_of, similarity FROM articles WHERE id = ?",
                                                                 arguments: [ids["g1"]!]) }
        #expect(gazette?["duplicate_of"] as Int64? == nil && gazette?["similarity"] as Double? == nil)
        #expect(try await count(store, "SELECT duplicate_of FROM articles WHERE id = ?", [ids["c1"]!]) == Int(ids["g1"]!))
        #expect(try await count(store, "SELECT canonical_id FROM dedup_fingerprints WHERE article_id = ?", [ids["c1"]!])
                == Int(ids["g1"]!))
        // The story lives on, named by its earliest remaining member.
        let story = try store.pool.read { try Row.fetchOne($0, sql: "SELECT * FROM stories WHERE id = ?", arguments: [storyOfWire]) }
        #expect(story?["article_id"] as Int64? == ids["g1"] && story?["articles"] as Int? == 2)
        try await expectConsistent(store)

        // A later copy of the wire story finds the new original.
        try await store.record(refresh("gazette", [(guid: "g2", html: wire + "<p>Updated.</p>"), (guid: "g1", html: wire)], minutes: 40))
        #expect(try await count(store, "SELECT duplicate_of FROM articles WHERE guid = 'g2'") == Int(ids["g1"]!))
        try await expectConsistent(store)
        try store.close()
    }

    @Test("a tombstone lasts while its feed lists the item, and expires once the item has been gone for long")
    func tombstoneExpiry() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        let herald = source("herald", ArticleRetention(maxArticles: 1))
        try store.syncSources([herald], now: start)
        try await store.record(refresh("herald", [(guid: "b", html: DistinctText.html(2)), (guid: "a", html: DistinctText.html(1))],
                                       minutes: 0))
        try await store.prune(sources: [herald], defaults: ArticleRetention(), now: start)
        #expect(try await count(store, "SELECT count(*) FROM tombstones") == 1)
        // Listed again 60 days later: the tombstone is renewed, and survives a prune 60 days after that.
        let day = 24.0 * 60
        try await store.record(refresh("herald", [(guid: "b", html: DistinctText.html(2)), (guid: "a", html: DistinctText.html(1))],
                                       minutes: 60 * day))
        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(),
                                      now: start.addingTimeInterval(120 * day * 60)).tombstones == 0)
        #expect(try await store.prune(sources: [herald], defaults: ArticleRetention(),
                                      now: start.addingTimeInterval(151 * day * 60)).tombstones == 1)
        #expect(try await count(store, "SELECT count(*) FROM tombstones") == 0)
        try store.close()
    }

    @Test("the daemon's max_age also prunes old change rows; retention that keeps everything prunes nothing")
    func changeRows() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        try store.syncSources([source("herald")], now: start)
        try await store.record(refresh("herald", [(guid: "a", html: DistinctText.html(1))], minutes: 0))
        let before = try await count(store, "SELECT count(*) FROM changes")
        #expect(try await store.prune(sources: [source("herald")], defaults: ArticleRetention(), now: start.addingTimeInterval(1e7))
                == PruneSummary())
        // herald, not in the list given, follows the daemon's retention.
        let summary = try await store.prune(sources: [], defaults: ArticleRetention(maxAge: .days(1)),
                                            now: start.addingTimeInterval(2 * 86_400))
        #expect(summary.articles == 1 && summary.changes == before)
        // Only the pruning's own row is left.
        #expect(try await store.pool.read { try String.fetchAll($0, sql: "SELECT event FROM changes") } == ["article.pruned"])
        try store.close()
    }

    @Test("incremental vacuum hands back free pages beyond a reserve (a tenth of the file, at least a minimum), a bounded number a round")
    func vacuumKeepsAReserve() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        func pages() async throws -> (free: Int, total: Int) {
            try await store.pool.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA freelist_count")!, try Int.fetchOne(db, sql: "PRAGMA page_count")!)
            }
        }
        // About 3,000 pages of filler, then freed.
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TABLE filler (blob BLOB)")
            for _ in 0..<3000 { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(4000))") }
        }
        try await store.pool.write { try $0.execute(sql: "DROP TABLE filler") }
        let before = try await pages()
        #expect(before.free >= 3000)
        #expect(try await store.vacuumIncrementally(pages: 256, limit: 1000, minimumReserve: 100) == 1000, "a round's limit")
        let after = try await pages()
        #expect(after.free == before.free - 1000)
        #expect(after.total <= before.total - 1000, "the file shrank by as much (and the pointer-map pages it no longer needs)")
        var rounds = 0
        while try await store.vacuumIncrementally(pages: 256, limit: 1000, minimumReserve: 100) > 0 { rounds += 1 }
        let settled = try await pages()
        #expect(rounds >= 2)
        #expect(settled.free <= max(100, settled.total / 10) && settled.free >= 100, "\(settled)")
        // A store with fewer free pages than the reserve is left alone.
        #expect(try await store.vacuumIncrementally(pages: 256, limit: 1000, minimumReserve: 100) == 0)
        #expect(try await store.vacuumIncrementally() == 0, "the default reserve is 4,096 pages")
        try store.close()
    }
}

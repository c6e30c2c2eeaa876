import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Store: dedup verdicts, clusters and pruning")
struct StoreDedupTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path("tidings.db") }

    static let story = (0..<12).map {
        "Paragraph \($0): the port authority extended night shifts at berth \($0 * 3) to clear \($0 + 40) containers."
    }

    static let otherStory = (0..<12).map {
        "Item \($0): the city council approved \($0 + 7) new bus lanes along avenue \($0 * 11) after a long debate."
    }

    func outcome(_ source: String, _ items: [(id: String, published: Date, paragraphs: [String])], at time: Date) -> RefreshOutcome {
        let entries = items.map {
            FeedEntry(id: $0.id, link: "https://\(source).example/\($0.id)", title: "Story \($0.id)",
                      content: $0.paragraphs.map { "<p>\($0)</p>" }.joined(), published: $0.published)
        }
        let articles = zip(EntryIdentity.assign(entries), entries).map { IncomingArticle(identity: $0, entry: $1) }
        return RefreshOutcome(sourceID: source, status: 200, result: .success(feedTitle: nil, feedLink: nil, articles: articles),
                              finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
    }

    func open(_ settings: DedupSettings = DedupSettings()) throws -> Store {
        let store = try Store.open(path: path, dedup: settings)
        try store.syncSources(["a", "b", "c"].map {
            SourceSettings(id: $0, url: URL(string: "https://\($0).example/feed")!, interval: .hours(1))
        })
        return store
    }

    @Test("a copy from another source points to the original, with an article.duplicate change row")
    func copyIsRecorded() async throws {
        let store = try open()
        let now = Date()
        try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story)], at: now))
        let summary = try await store.record(outcome("b", [("two", now.addingTimeInterval(-1800), Array(Self.story.dropLast(2)))], at: now))
        #expect(summary.duplicates == 1)
        let reader = try StoreReader.open(path: path)
        let clusters = try reader.duplicateClusters()
        #expect(clusters.count == 1)
        #expect(clusters.first?.canonical.source == "a")
        #expect(clusters.first?.members.map(\.source) == ["b"])
        #expect((clusters.first?.members.first?.similarity ?? 0) > 0.7)
        let change = try #require(try reader.changes().last { $0.event == "article.duplicate" })
        #expect(change.event == "article.duplicate")
        #expect(change.details["duplicate_of"] == .int(Int(clusters[0].canonical.id)))
        #expect(change.details["kind"] == .string("near"))
    }

    @Test("a short exact copy is found through the band index; the store keeps no index on the exact-text hash")
    func shortExactCopy() async throws {
        let store = try open()
        let now = Date()
        let brief = ["Markets closed early on the public holiday."]
        try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), brief)], at: now))
        let copy = try await store.record(outcome("b", [("two", now.addingTimeInterval(-1800), brief)], at: now))
        #expect(copy.duplicates == 1)
        let reader = try StoreReader.open(path: path)
        let change = try #require(try reader.changes().last { $0.event == "article.duplicate" })
        #expect(change.details["kind"] == .string("exact"))
        // A random key's index costs a page read and a page write an article in a big store.
        let indexes = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dedup_fingerprints'")
        }
        #expect(!indexes.contains("dedup_fingerprints_by_exact"))
        #expect(!indexes.isEmpty)
    }

    @Test("an earlier original that arrives later becomes the canonical article of the cluster")
    func earlierOriginalTakesOver() async throws {
        let store = try open()
        let now = Date()
        try await store.record(outcome("a", [("late", now.addingTimeInterval(-600), Self.story)], at: now))
        try await store.record(outcome("b", [("later", now.addingTimeInterval(-300), Self.story + ["An update paragraph."])], at: now))
        try await store.record(outcome("c", [("earliest", now.addingTimeInterval(-7200), Self.story)], at: now))
        let reader = try StoreReader.open(path: path)
        let clusters = try reader.duplicateClusters()
        #expect(clusters.count == 1)
        #expect(clusters.first?.canonical.source == "c")
        #expect(Set(clusters.first?.members.map(\.source) ?? []) == ["a", "b"])
        let events = try reader.changes().filter { $0.event == "article.duplicate" }
        #expect(events.last?.details["reason"] == .string("an earlier original arrived"))
    }

    @Test("a revised article is compared by its newest text: copies of the new text match it, copies of the old one no longer do")
    func revisionReplacesTheFingerprint() async throws {
        let store = try open()
        let now = Date()
        let stub = (0..<4).map { "Stub line \($0): officials will brief reporters on the flooded rail depot at \($0 + 9) o'clock." }
        try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), stub)], at: now.addingTimeInterval(-3000)))
        let revised = try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story)], at: now.addingTimeInterval(-2000)))
        #expect(revised.revised == 1)

        let near = try await store.record(outcome("b", [("two", now.addingTimeInterval(-1800), Array(Self.story.dropLast(2)))], at: now))
        let exact = try await store.record(outcome("c", [("three", now.addingTimeInterval(-900), Self.story)], at: now))
        let oldText = try await store.record(outcome("b", [("four", now.addingTimeInterval(-600), stub)], at: now))
        #expect(near.duplicates == 1)
        #expect(exact.duplicates == 1)
        #expect(oldText.duplicates == 0, "the stub's band rows went with the revision")

        let reader = try StoreReader.open(path: path)
        let clusters = try reader.duplicateClusters()
        #expect(clusters.count == 1)
        #expect(clusters.first?.canonical.source == "a")
        #expect(clusters.first?.canonical.title == "Story one")
        #expect(clusters.first?.members.map(\.source).sorted() == ["b", "c"])
        let kinds = try reader.changes().filter { $0.event == "article.duplicate" }.map { $0.details["kind"] ?? .null }
        #expect(kinds == [JSONValue.string("near"), JSONValue.string("exact")])
        // One set of band rows: the revision's; the stub's are gone.
        #expect(try await bandRows(store, of: 1) == (store.dedup.parameters.bands.bands, 0))
    }

    @Test("the dedup index survives a restart: a copy after reopening is still found")
    func survivesRestart() async throws {
        let now = Date()
        do {
            let store = try open()
            try await store.record(outcome("a", [("one", now, Self.story)], at: now))
        }
        let reopened = try Store.open(path: path)
        let summary = try await reopened.record(outcome("b", [("two", now, Array(Self.story.reversed()))], at: now))
        #expect(summary.duplicates == 1)
    }

    @Test("pruning drops band keys and shingles older than the window, never articles or verdicts")
    func pruning() async throws {
        var settings = DedupSettings()
        settings.window = .days(1)
        let store = try Store.open(path: path, dedup: settings)
        try store.syncSources([SourceSettings(id: "a", url: URL(string: "https://a.example/feed")!, interval: .hours(1))])
        let now = Date()
        try await store.record(outcome("a", [("old", now.addingTimeInterval(-3 * 86400), Self.story),
                                       ("new", now, ["A different story about the weather in the hills this week."])], at: now))
        let removed = try await store.pruneDedup(now: now)
        #expect(removed > 0)
        let counts = try await store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_fingerprints WHERE length(shingles) = 0") ?? 0)
        }
        #expect(counts.0 == 2)
        #expect(counts.1 == 1)
        let newID = try await store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM articles WHERE title = 'Story new'") }
        #expect(try await bandRows(store) == (store.dedup.parameters.bands.bands, 0))
        #expect(try await bandRows(store, of: newID) == (store.dedup.parameters.bands.bands, 0), "the new article's")
        // `tidings similar` still finds the pruned article by its signature.
        let similar = try StoreReader.open(path: path).similarArticles(to: Self.story.joined(separator: "\n"), settings: settings,
                                                                       minimum: 0.5, limit: 5)
        #expect(similar.first?.article.title == "Story old")
        #expect((similar.first?.similarity ?? 0) > 0.8)
    }

    @Test("lines too rare to be boilerplate and not seen within the window are swept a chunk a call, going on where the last call stopped and around again")
    func rareLinesSwept() async throws {
        var settings = DedupSettings()
        settings.window = .days(1)
        let store = try Store.open(path: path, dedup: settings)
        let clock = Date()
        let now = clock.timeIntervalSince1970
        let old = now - 2 * 86400
        func insertLines(_ rows: [(key: Int64, seen: Int, last: Double)]) async throws {
            try await store.pool.write { db in
                for row in rows {
                    try db.execute(sql: "INSERT INTO dedup_lines (scope_key, line_key, seen, last_seen) VALUES (1, ?, ?, ?)",
                                   arguments: [row.key, row.seen, row.last])
                }
            }
        }
        func lines() async throws -> [Int64] {
            try await store.pool.read { try Int64.fetchAll($0, sql: "SELECT line_key FROM dedup_lines ORDER BY line_key") }
        }
        // Old and rare: swept. Old but boilerplate (seen often), or seen lately: kept.
        var rows: [(key: Int64, seen: Int, last: Double)] = []
        var kept: [Int64] = []
        for key in 0..<25 {
            let boilerplate = key % 5 == 0, seenLately = key % 3 == 0
            rows.append((key: Int64(key), seen: boilerplate ? 9 : 1, last: seenLately ? now : old))
            if boilerplate || seenLately { kept.append(Int64(key)) }
        }
        try await insertLines(rows)
        // 10 rows a call: the first two calls sweep keys 0-19, the third the rest and wraps around.
        #expect(try await store.sweepRareLines(now: clock, chunkRows: 10) == 5)
        #expect(try await lines() == kept.filter { $0 < 10 } + (10..<25).map(Int64.init))
        _ = try await store.sweepRareLines(now: clock, chunkRows: 10)
        _ = try await store.sweepRareLines(now: clock, chunkRows: 10)
        #expect(try await lines() == kept)
        try await insertLines([(key: 1, seen: 1, last: old)])
        #expect(try await store.sweepRareLines(now: clock, chunkRows: 10) == 1, "around again from the start")
        #expect(try await lines() == kept)
    }

    /// Band rows waiting in memory, and merged (of `article`, or all).
    func bandRows(_ store: Store, of article: Int64? = nil) async throws -> (recent: Int, merged: Int) {
        try await store.pool.write { db in
            let recent = try store.withRecentBands(in: db) { bands in
                bands.rows(through: .max).filter { article == nil || $0.articleID == article }.count
            }
            let merged = try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_bands WHERE ?1 IS NULL OR article_id = ?1",
                                          arguments: [article]) ?? 0
            return (recent, merged)
        }
    }

    @Test("new band rows wait in memory; merged in key order (rows past the window dropped) they find copies as before, and pruning finds them in either")
    func recentBandsMerge() async throws {
        var settings = DedupSettings()
        settings.window = .days(1)
        let store = try Store.open(path: path, dedup: settings)
        try store.syncSources(["a", "b", "c"].map {
            SourceSettings(id: $0, url: URL(string: "https://\($0).example/feed")!, interval: .hours(1))
        })
        let bands = store.dedup.parameters.bands.bands
        let now = Date()
        try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story),
                                             ("stale", now.addingTimeInterval(-2 * 86400), ["Weather in the hills, two days ago."])], at: now))
        #expect(try await bandRows(store) == (2 * bands, 0))
        #expect(try await store.mergeRecentBands(now: now) == 0, "a handful of rows is not worth a merge")
        // Chunks of 7 rows: many transactions, keys never split between two.
        #expect(try await store.mergeRecentBands(now: now, minimumRows: 0, chunkRows: 7) == bands)
        #expect(try await bandRows(store) == (0, bands), "the stale article's rows are dropped, not merged")
        let copy = try await store.record(outcome("b", [("two", now.addingTimeInterval(-1800), Array(Self.story.dropLast(2)))], at: now))
        #expect(copy.duplicates == 1, "found through the merged rows")
        #expect(try await bandRows(store) == (bands, bands))
        let another = try await store.record(outcome("c", [("three", now, Array(Self.story.dropFirst(2)))], at: now))
        #expect(another.duplicates == 1, "found through merged and recent rows alike")
        _ = try await store.pruneDedup(now: now.addingTimeInterval(3 * 86400))
        #expect(try await bandRows(store) == (0, 0))
    }

    @Test("band rows not yet merged are rebuilt from the signatures when the store opens again, and only those")
    func recentBandsReloaded() async throws {
        let now = Date()
        let bands: Int
        do {
            let store = try open()
            bands = store.dedup.parameters.bands.bands
            try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story)], at: now))
            #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == bands)
            try await store.record(outcome("a", [("two", now.addingTimeInterval(-1800), Self.otherStory)], at: now))
            #expect(try await bandRows(store) == (bands, bands))
            try store.close()
        }
        let reopened = try open()
        #expect(try await bandRows(reopened) == (bands, bands), "the merged article's rows are not loaded twice")
        #expect(try await bandRows(reopened, of: 2) == (bands, 0))
        let copy = try await reopened.record(outcome("b", [("three", now, Array(Self.otherStory.dropFirst()))], at: now))
        #expect(copy.duplicates == 1, "found through the reloaded rows")
        let duplicateOf = try await reopened.pool.read { db in try Int64.fetchOne(db, sql: "SELECT duplicate_of FROM articles WHERE id = 3") }
        #expect(duplicateOf == 2)
    }

    @Test("a new band layout (another threshold) re-keys the index: articles stored before are still found, and pruned")
    func bandLayoutChange() async throws {
        let now = Date()
        let before: LSHBands
        do {
            let store = try open()
            before = store.dedup.parameters.bands
            #expect(try store.adoptBandLayout() == .recorded)
            #expect(try store.adoptBandLayout() == .unchanged)
            try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story)], at: now))
            #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == before.bands)
            try store.close()
        }
        var settings = DedupSettings()
        settings.threshold = 0.5
        let store = try open(settings)
        let after = store.dedup.parameters.bands
        #expect(after != before)
        #expect(try store.adoptBandLayout() == .rebuilt(previous: before))
        #expect(try await bandRows(store) == (after.bands, 0), "the old rows dropped; the article's new ones from its signature")
        let copy = try await store.record(outcome("b", [("two", now.addingTimeInterval(-1800), Array(Self.story.dropLast(2)))], at: now))
        #expect(copy.duplicates == 1, "a copy of an article stored under the old layout is found")
        #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == 2 * after.bands)
        try store.close()
        let reopened = try open(settings)
        #expect(try reopened.adoptBandLayout() == .unchanged)
        #expect(try await bandRows(reopened) == (0, 2 * after.bands), "merged with the new keys: nothing loaded twice")
        _ = try await reopened.pruneDedup(now: now.addingTimeInterval(60 * 86400))
        #expect(try await bandRows(reopened) == (0, 0), "pruning finds every row it wrote")
    }

    @Test("the filter over merged keys finds what was merged, revised after the merge, or written by SQL, across restarts")
    func bandFilterAcrossRestarts() async throws {
        let now = Date()
        let bands: Int
        func filterRows(_ store: Store) async throws -> (stored: Int, extra: Int) {
            try await store.pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_band_filter") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_band_filter_extra") ?? 0)
            }
        }
        do {
            let store = try open()
            bands = store.dedup.parameters.bands.bands
            try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.otherStory)], at: now.addingTimeInterval(-60)))
            #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == bands)
            #expect(try await filterRows(store) == (1, 0))
            // Revised after the merge: its new rows go straight into the table, their keys kept apart.
            let revised = try await store.record(outcome("a", [("one", now.addingTimeInterval(-3600), Self.story)], at: now))
            #expect(revised.revised == 1)
            #expect(try await bandRows(store, of: 1) == (0, bands))
            #expect(try await filterRows(store) == (1, bands))
            try store.close()
        }
        do {
            let reopened = try open()
            let copy = try await reopened.record(outcome("b", [("two", now, Array(Self.story.dropLast()))], at: now))
            #expect(copy.duplicates == 1, "found through the keys kept apart")
            #expect(try await reopened.mergeRecentBands(now: now, minimumRows: 0) == bands)
            #expect(try await filterRows(reopened) == (1, 0), "stored again at the merge, which takes the kept keys in")
            // A store whose table was filled without the filter (SQL, an old bench): it is made from the table.
            try await reopened.pool.write { try $0.execute(sql: "DELETE FROM dedup_band_filter") }
            try reopened.close()
        }
        let third = try open()
        let another = try await third.record(outcome("c", [("three", now, Array(Self.story.dropFirst()))], at: now))
        #expect(another.duplicates == 1, "found through the filter made from the table")
        #expect(try await filterRows(third) == (1, 0))
    }

    @Test("a write that rolls back takes the band rows it added to memory with it")
    func recentBandsRolledBack() async throws {
        let store = try open()
        let now = Date()
        try await store.record(outcome("a", [("one", now, Self.story)], at: now))
        let bands = store.dedup.parameters.bands.bands
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.pool.write { db in
                try StoreDedupIndex(db: db, store: store).insertBands([1, 2, 3], articleID: 99, time: now.timeIntervalSince1970)
                #expect(try store.withRecentBands(in: db) { $0.rowCount } == bands + 3)
                throw Abort()
            }
        }
        #expect(try await bandRows(store) == (bands, 0))
        #expect(try await bandRows(store, of: 99) == (0, 0))
        // And a write that commits keeps them.
        try await store.pool.write { db in
            try StoreDedupIndex(db: db, store: store).insertBands([1, 2, 3], articleID: 99, time: now.timeIntervalSince1970)
        }
        #expect(try await bandRows(store, of: 99) == (3, 0))
    }

    @Test("recent band rows are merged only once they are an eighth of the merged ones")
    func recentBandsMergeAtAnEighth() async throws {
        let store = try Store.open(path: path)
        try store.syncSources([SourceSettings(id: "a", url: URL(string: "https://a.example/feed")!, interval: .hours(1))])
        let bands = store.dedup.parameters.bands.bands
        let now = Date()
        // Unrelated texts, so that every article keeps its band rows.
        func article(_ number: Int) -> (String, Date, [String]) {
            ("n\(number)", now.addingTimeInterval(Double(number - 100)),
             ["Item \(number): " + (0..<40).map { "w\($0 * 7919 % 1000 + number * 1000)" }.joined(separator: " ")])
        }
        try await store.record(outcome("a", (0..<9).map(article), at: now))
        #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == 9 * bands)
        try await store.record(outcome("a", [article(9)], at: now))
        #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == 0, "1 against 9: under an eighth")
        try await store.record(outcome("a", [article(10)], at: now))
        #expect(try await store.mergeRecentBands(now: now, minimumRows: 0) == 2 * bands, "2 against 9")
        #expect(try await bandRows(store) == (0, 11 * bands))
    }
}

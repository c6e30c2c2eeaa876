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

    func outcome(_ source: String, _ items: [(id: String, published: Date, paragraphs: [String])], at time: Date) -> RefreshOutcome {
        let entries = items.map {
            FeedEntry(id: $0.id, link: "https://\(source).example/\($0.id)", title: "Story \($0.id)",
                      content: $0.paragraphs.map { "<p>\($0)</p>" }.joined(), published: $0.published)
        }
        let articles = zip(EntryIdentity.assign(entries), entries).map { IncomingArticle(identity: $0, entry: $1) }
        return RefreshOutcome(sourceID: source, status: 200, result: .success(feedTitle: nil, feedLink: nil, articles: articles),
                              finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
    }

    func open() throws -> Store {
        let store = try Store.open(path: path)
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
             try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_fingerprints WHERE length(shingles) = 0") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT article_id) FROM dedup_bands") ?? 0)
        }
        #expect(counts.0 == 2)
        #expect(counts.1 == 1)
        #expect(counts.2 == 1)
        // `tidings similar` still finds the pruned article by its signature.
        let similar = try StoreReader.open(path: path).similarArticles(to: Self.story.joined(separator: "\n"), settings: settings,
                                                                       minimum: 0.5, limit: 5)
        #expect(similar.first?.article.title == "Story old")
        #expect((similar.first?.similarity ?? 0) > 0.8)
    }
}

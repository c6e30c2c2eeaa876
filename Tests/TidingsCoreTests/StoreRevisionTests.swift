import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Store: revisions and removals")
struct StoreRevisionTests {
    let directory = TemporaryDirectory()
    let source = SourceSettings(id: "herald", url: URL(string: "https://herald.example/feed")!)
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A refresh listing `items` (guid, title, HTML content), newest first as feeds do.
    func refresh(_ items: [(guid: String, title: String, html: String)], minutes: Double,
                 warning: String? = nil) -> RefreshOutcome {
        let time = start.addingTimeInterval(minutes * 60)
        let entries = items.enumerated().map { index, item in
            FeedEntry(id: item.guid, link: "https://herald.example/\(item.guid)", title: item.title, content: item.html,
                      published: start.addingTimeInterval(Double(-index) * 3600))
        }
        let articles = zip(EntryIdentity.assign(entries), entries).map { IncomingArticle(identity: $0, entry: $1) }
        return RefreshOutcome(sourceID: source.id, status: 200,
                              result: .success(feedTitle: "Herald", feedLink: nil, articles: articles, warning: warning),
                              finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
    }

    func changes(_ store: Store, _ event: ChangeEvent) throws -> [Row] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM changes WHERE event = ? ORDER BY seq", arguments: [event.rawValue])
        }
    }


    @Test("an edited item: one revision kept, one article.updated with a sentence diff, the article shows the new text")
    func editMakesRevision() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        try store.syncSources([source], now: start)
        try await store.record(refresh([("a", RevisionFixture.title, RevisionFixture.html)], minutes: 0))
        let summary = try await store.record(refresh([("a", RevisionFixture.editedTitle, RevisionFixture.editedHTML)], minutes: 30))
        #expect(summary.revised == 1 && summary.added.isEmpty)

        let updates = try changes(store, .articleUpdated)
        #expect(updates.count == 1)
        let details = try #require(JSONValue.parse(updates[0]["details"]))
        guard case .object(let fields) = details else { Issue.record("details not an object"); return }
        #expect(fields["revision"] == .int(2))
        #expect(fields["previous_title"] == .string("Budget passes"))
        #expect(fields["diff"] == .string(RevisionFixture.diff))
        #expect(updates[0]["title"] as String? == "Budget passes narrowly")

        let reader = try StoreReader.open(path: directory.path("t.db"))
        let revisions = try reader.revisionHeaders(of: 1)
        #expect(revisions.map(\.revision) == [1, 2])
        #expect(revisions[0].title == "Budget passes" && revisions[1].seenAt == start.addingTimeInterval(1800))
        #expect(revisions[0].contentHash != revisions[1].contentHash)
        #expect(try reader.revisionText(of: 1, revision: 1)?.contains("The vote was close.") == true)
        #expect(try reader.revisionText(of: 1, revision: 2)?.contains("5 to 4") == true)
        #expect(try reader.revisionText(of: 1, revision: 3) == nil)
        #expect(try reader.revisionHeaders(of: 99).isEmpty)
        #expect(try reader.article(id: 1)?.title == "Budget passes narrowly")
    }

    @Test("whitespace, re-wrapped lines, entity spelling and link parameters make no revision")
    func insignificantEdits() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        try store.syncSources([source], now: start)
        try await store.record(refresh([("a", "Café opens", "<p>The café   opened.\nIt is <a href=\"/x\">new</a>.</p>")],
                                       minutes: 0))
        let noisy = "<p>The  caf&#233; opened. It\n is <a href=\"/x?utm_source=rss\">new</a>.</p>\n\n"
        let summary = try await store.record(refresh([("a", "Café  opens", noisy)], minutes: 30))
        #expect(summary.revised == 0)
        #expect(try changes(store, .articleUpdated).isEmpty)
        let revisionCount = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM article_revisions") }
        #expect(revisionCount == 0)
    }

    @Test("the significant hash sees words only: whitespace runs, paragraph breaks and no-break spaces are one space")
    func significantHash() {
        let hash = ArticleText.significantHash
        #expect(hash("A title", "One two.\n\nThree") == hash(" A  title ", "One\u{A0}two. \n Three\n"))
        #expect(hash("A title", "One two.") != hash("A title", "One two!"))
        #expect(hash("A title", "x") != hash("A", "title x"), "title and text stay apart")
    }

    @Test("an item taken out of the middle of a feed is article.removed; items scrolling off the old end are not")
    func removals() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        try store.syncSources([source], now: start)
        func item(_ guid: String) -> (guid: String, title: String, html: String) { (guid, "Story \(guid)", "<p>\(guid)</p>") }
        try await store.record(refresh([item("e"), item("d"), item("c"), item("b"), item("a")], minutes: 0))
        // "c" disappears while the older "b" and "a" stay: removed. A new "f" pushes nothing out.
        var summary = try await store.record(refresh([item("f"), item("e"), item("d"), item("b"), item("a")], minutes: 30))
        #expect(summary.removed == 1)
        // "a" and "b" scroll off the old end: nothing to say.
        summary = try await store.record(refresh([item("g"), item("f"), item("e"), item("d")], minutes: 60))
        #expect(summary.removed == 0)
        // A recovered (repaired) feed missing an item says nothing either.
        summary = try await store.record(refresh([item("g"), item("e"), item("d")], minutes: 90, warning: "recovered"))
        #expect(summary.removed == 0)
        let removed = try changes(store, .articleRemoved)
        #expect(removed.map { $0["title"] as String? } == ["Story c"])
        #expect(removed.first?["article_id"] as Int64? == 3)
        let leftAt = try await store.pool.read { db in
            try Date.fetchOne(db, sql: "SELECT left_feed_at FROM articles WHERE identity = 'guid:c'")
        }
        #expect(leftAt == start.addingTimeInterval(1800))
    }
}

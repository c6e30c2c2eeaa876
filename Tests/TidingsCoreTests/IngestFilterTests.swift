import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

private extension IngestFilter {
    /// Why `entry` is dropped; nil when it is kept.
    func dropReason(for entry: FeedEntry) -> String? {
        if case .dropped(let reason) = verdict(for: entry, text: ArticleText(entry)) { return reason }
        return nil
    }
}

@Suite("Keep/drop rules")
struct IngestFilterTests {
    func rule(_ text: String) throws -> FilterRule { try FilterRule(parsing: text) }

    func entry(title: String, text: String = "", author: String? = nil, tags: [String] = [],
               link: String = "https://herald.example/a") -> FeedEntry {
        var entry = FeedEntry(id: title, link: link, title: title, content: "<p>\(text)</p>", author: author)
        entry.tags = tags.map { FeedTag(term: $0) }
        return entry
    }

    @Test("plain words match whole words in order, in any case; fields narrow where they look")
    func plainWords() throws {
        let filter = IngestFilter(drop: [try rule("live blog")])
        #expect(filter.dropReason(for: entry(title: "LIVE   Blog: the vote")) == "drop rule \"live blog\"")
        #expect(filter.dropReason(for: entry(title: "Budget", text: "Follow our live blog.")) != nil)
        #expect(filter.dropReason(for: entry(title: "Deliver blogs", text: "olive blog")) == nil)
        let author = IngestFilter(drop: [try rule("author:staff")])
        #expect(author.dropReason(for: entry(title: "Staff cuts", author: "Ana Ruiz")) == nil)
        #expect(author.dropReason(for: entry(title: "Budget", author: "Herald staff")) != nil)
        let tags = IngestFilter(keep: [try rule("tags:politics")])
        #expect(tags.dropReason(for: entry(title: "Vote", tags: ["Sport", "POLITICS"])) == nil)
        #expect(tags.dropReason(for: entry(title: "Politics today", tags: ["sport"])) == "no source keep rule matched")
        let accents = IngestFilter(drop: [try rule("café")])
        #expect(accents.dropReason(for: entry(title: "Le CAFÉ ferme")) != nil)
    }

    @Test("/regular expressions/ ignore case and see the whole field; a colon inside one needs no field")
    func expressions() throws {
        let link = IngestFilter(drop: [try rule("link:/[/]video[/]/")])
        #expect(link.dropReason(for: entry(title: "x", link: "https://herald.example/VIDEO/1")) != nil)
        #expect(link.dropReason(for: entry(title: "x", link: "https://herald.example/videos")) == nil)
        let title = IngestFilter(drop: [try rule("/^(live|watch):/")])
        #expect(title.dropReason(for: entry(title: "Watch: the debate")) != nil)
        #expect(title.dropReason(for: entry(title: "We watch: nothing")) == nil)
        #expect(try rule("title:/a:b/").field == .title)
    }

    @Test("keep rules of both levels must each match; any drop rule drops")
    func levels() throws {
        let filter = IngestFilter(globalKeep: [try rule("election")], globalDrop: [try rule("title:opinion")],
                                  keep: [try rule("tags:national")])
        #expect(filter.dropReason(for: entry(title: "Election night", tags: ["national"])) == nil)
        #expect(filter.dropReason(for: entry(title: "Election night", tags: ["local"])) == "no source keep rule matched")
        #expect(filter.dropReason(for: entry(title: "Budget", tags: ["national"])) == "no global keep rule matched")
        #expect(filter.dropReason(for: entry(title: "Opinion: election", tags: ["national"])) == "drop rule \"title:opinion\"")
        #expect(IngestFilter().dropReason(for: entry(title: "anything")) == nil)
    }

    @Test("a rule that cannot be read says what was expected")
    func badRules() {
        #expect(throws: FilterRuleError.self) { try FilterRule(parsing: "title:/[unclosed/") }
        #expect(throws: FilterRuleError.self) { try FilterRule(parsing: "tags:  ") }
        let field = #expect(throws: FilterRuleError.self) { try FilterRule(parsing: "headline:budget") }
        #expect(field?.message.contains("expected a field of title, text, author, tags or link before ':', found \"headline\"") == true)
    }

    @Test("config: rules are read per source and globally; a bad one is reported with file, line and key")
    func config() throws {
        let directory = TemporaryDirectory()
        let good = try ConfigurationLoader.load(text: """
            [daemon]
            drop = ["title:sponsored"]
            max_articles = 500
            [[source]]
            id = "herald"
            url = "https://herald.example/feed"
            keep = ["tags:politics", "/^Vote/"]
            max_age = "30d"
            """, fileName: "tidings.toml", directory: directory.url).configuration
        let herald = try #require(good.sources.first)
        #expect(herald.filter.globalDrop.map(\.source) == ["title:sponsored"])
        #expect(herald.filter.keep.map(\.source) == ["tags:politics", "/^Vote/"])
        #expect(herald.retention == ArticleRetention(maxAge: .days(30), maxArticles: 500))
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(text: """
                [[source]]
                id = "herald"
                url = "https://herald.example/feed"
                drop = ["title:/(unclosed/"]
                """, fileName: "tidings.toml", directory: directory.url)
        }
        #expect(error.description.contains("tidings.toml:4"), "\(error.description)")
        #expect(error.description.contains("source[1].drop"), "\(error.description)")
        #expect(error.description.contains("expected a valid regular expression"), "\(error.description)")
    }
}

@Suite("Store: keep/drop rules at ingest")
struct StoreFilterTests {
    let directory = TemporaryDirectory()
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    func refresh(_ titles: [String], minutes: Double, filter: IngestFilter) -> RefreshOutcome {
        let time = start.addingTimeInterval(minutes * 60)
        let entries = titles.enumerated().map { index, title in
            FeedEntry(id: title, link: "https://herald.example/\(index)", title: title, content: DistinctText.html(index),
                      published: time)
        }
        var outcome = RefreshOutcome(sourceID: "herald", status: 200,
                                     result: .success(feedTitle: nil, feedLink: nil, articles: zip(EntryIdentity.assign(entries), entries)
                                        .map { IncomingArticle(identity: $0, entry: $1) }, warning: nil),
                                     finishedAt: time, nextDueAt: time.addingTimeInterval(3600))
        outcome.filter = filter
        return outcome
    }

    @Test("dropped items are not stored, counted once, stay out on the next refresh, and come in when the rules change")
    func dropAndCount() async throws {
        let store = try Store.open(path: directory.path("t.db"))
        try store.syncSources([SourceSettings(id: "herald", url: URL(string: "https://herald.example/feed")!)], now: start)
        let rules = IngestFilter(drop: [try FilterRule(parsing: "title:sponsored")])
        let titles = ["Budget vote", "Sponsored: a cruise", "Rail strike", "SPONSORED content"]
        let first = try await store.record(refresh(titles, minutes: 0, filter: rules))
        #expect(first.added.count == 2 && first.filtered == 2)
        let second = try await store.record(refresh(titles, minutes: 30, filter: rules))
        #expect(second.added.isEmpty && second.filtered == 0 && second.known == 2)
        let reader = try StoreReader.open(path: directory.path("t.db"))
        let status = try #require(try reader.sources().first)
        #expect(status.filtered == 2 && status.articles == 2)
        #expect(try reader.read { try String.fetchAll($0, sql: "SELECT title FROM articles ORDER BY title") } == ["Budget vote", "Rail strike"])
        #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM changes WHERE event = 'article.added'") } == 2)

        // Other rules judge the dropped items again: one is now kept, the other dropped under the new rules (not recounted).
        let narrower = IngestFilter(drop: [try FilterRule(parsing: "/^sponsored content/")])
        let third = try await store.record(refresh(titles, minutes: 60, filter: narrower))
        #expect(third.added.count == 1 && third.filtered == 0)
        #expect(try reader.sources().first?.filtered == 2)
        #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM tombstones") } == 1)
        try store.close()
    }
}

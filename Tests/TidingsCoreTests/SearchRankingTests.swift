import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// `tidings_bm25` against FTS5's own `bm25()`: the same hits in the same order with the same
/// scores, for queries of every shape, with and without filters, while it leaves rows unscored.
@Suite("Search ranking")
struct SearchRankingTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path("store/tidings.db") }

    /// A store of `count` articles in two sources: texts of 5–150 words drawn unevenly from a
    /// small vocabulary, so that common words match hundreds of articles with every count and
    /// length, and titles that sometimes hold them too (a title match weighs four).
    func makeStore(count: Int, packing: Packing = .all) async throws -> StoreReader {
        try await makeStores(count: count, packing: packing).reader
    }

    /// Which blocks of lengths (`SearchLengths`) and facets (`SearchFacets`) a test store has packed: ranking
    /// reads the other lengths from docsize and checks the other filters with SQL.
    enum Packing: CaseIterable, Sendable {
        case none, firstBlock, all
    }

    func makeStores(count: Int, packing: Packing, closeDates: Bool = false) async throws -> (store: Store, reader: StoreReader) {
        let store = try Store.open(path: path)
        var random = DedupHash.SplitMix64(state: 11)
        let words = ["harvest", "rain", "steppe", "grain", "border", "river", "market", "winter", "road", "council",
                     "almaty", "astana", "wheat", "drought", "train"] + (0..<60).map { "w\($0)" }
        func word() -> String {
            // The first words are the common ones: index = n² / size on a uniform n.
            let n = Int(random.next() % UInt64(words.count))
            return words[n * n / words.count]
        }
        let rows = (1...count).map { number -> (title: String, text: String) in
            let text = (0..<(5 + Int(random.next() % 146))).map { _ in word() }.joined(separator: " ")
            return ((0..<(2 + Int(random.next() % 5))).map { _ in word() }.joined(separator: " "), text)
        }
        try await store.pool.write { db in
            for id in ["a", "b"] {
                try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES (?, ?, '{}', '2026-01-01')",
                               arguments: [id, "https://\(id).example/"])
            }
            for (index, row) in rows.enumerated() {
                let number = index + 1
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, published_at, first_seen_at, duplicate_of)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [number, number % 3 == 0 ? "b" : "a", "guid:\(number)", row.title, row.text, "h\(number)",
                                     closeDates ? Self.publishedClose(number) : Self.published(number), Self.firstSeen(number),
                                     number > 10 && number % 7 == 0 ? number - 10 : nil])
            }
            try SearchIndexing.add(1, through: Int64(count), in: db)
            switch packing {
            case .none: break
            case .firstBlock:
                try SearchLengths.pack(0, in: db)
                try SearchFacets.pack(0, in: db)
            case .all: _ = try SearchLengths.pack(limit: 100, in: db)
            }
        }
        return (store, try StoreReader.open(path: path))
    }

    /// Article `number`'s dates: first seen a minute after the one before (and a few seconds into it);
    /// published at a scattered minute for one in four, and on a day written without a time (text the
    /// facets cannot read as a minute) for one in eleven of the rest.
    static let firstMinute = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
    static func firstSeen(_ number: Int) -> Date { firstMinute.addingTimeInterval(Double(number * 60 + number % 5 * 13)) }
    static func published(_ number: Int) -> DatabaseValue {
        if number % 4 == 0 { return firstMinute.addingTimeInterval(Double(number * 37 % 1500 * 60) + 7.5).databaseValue }
        return number % 11 == 0 ? "2026-01-01".databaseValue : .null
    }
    /// Published half an hour before first seen, for one in four: a block's dates span little more than its ids.
    static func publishedClose(_ number: Int) -> Date? { number % 4 == 0 ? firstSeen(number).addingTimeInterval(-1800) : nil }
    /// Bounds in a minute where articles were first seen before and after them (the facets cannot settle those).
    static let since = firstMinute.addingTimeInterval(700 * 60 + 20), until = firstMinute.addingTimeInterval(1200 * 60 + 30)

    /// The hits FTS5's `bm25()` ranks first for `query` and `filter` (ties to the newest), among the newest
    /// `window` matches the filter keeps if given: ids and scores as `search` gives them.
    func reference(_ reader: StoreReader, _ query: SearchQuery, _ filter: ArticleFilter, window: Int? = nil) throws -> [[Double]] {
        let (conditions, arguments) = filter.conditions
        let matches = "FROM articles_search JOIN articles a ON a.id = articles_search.rowid WHERE articles_search MATCH ?\(conditions)"
        let newest = window.map { " AND a.id IN (SELECT a.id \(matches) ORDER BY a.id DESC LIMIT \($0))" } ?? ""
        return try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, bm25(articles_search, \(SearchRanking.weights)) AS score \(matches)\(newest)
                ORDER BY score, articles_search.rowid DESC\(filter.limit.map { " LIMIT \($0)" } ?? "")
                """, arguments: [query.expression] + arguments + (window == nil ? [] : [query.expression] + arguments)).map { row in
                [Double(row["id"] as Int64), (-(row["score"] as Double) * 1000).rounded() / 1000]
            }
        }
    }

    @Test("the hits, their order and their scores are bm25()'s, for every query shape, limit and filter, lengths packed or not",
          arguments: Packing.allCases)
    func sameAsBM25(packing: Packing) async throws {
        let reader = try await makeStore(count: 1500, packing: packing)
        try expectSameAsBM25(reader)
    }

    static let queries = ["harvest", "rain", "w50", "harvest rain", "harvest OR w30", "\"harvest rain\"", "harv*", "w1*",
                          "title:harvest", "harvest -rain", "(rain OR steppe) grain", "almaty OR astana OR wheat"]

    /// Every query of `queries`, with each filter, both plans and windows, gives `reference`'s hits and scores.
    func expectSameAsBM25(_ reader: StoreReader, queries: [String] = queries, moreFilters: [ArticleFilter] = []) throws {
        let filters = moreFilters + [ArticleFilter(limit: 1), ArticleFilter(limit: 10), ArticleFilter(limit: 51), ArticleFilter(),
                       ArticleFilter(source: "b", limit: 10), ArticleFilter(duplicates: false, limit: 20),
                       ArticleFilter(source: "b", duplicates: true, limit: 10),  // 1 article in 21
                       ArticleFilter(since: Self.since, limit: 10), ArticleFilter(source: "a", until: Self.until, limit: 5),
                       ArticleFilter(since: Self.since, until: Self.until, duplicates: false, limit: 20),
                       ArticleFilter(source: "b", since: Self.since)]
        for text in queries {
            let query = try SearchQuery(parsing: text)
            for filter in filters {
                // How many matches the filter keeps, and the page for each window: the same for every plan.
                let kept = try reference(reader, query, ArticleFilter(source: filter.source, since: filter.since, until: filter.until,
                                                                      duplicates: filter.duplicates)).count
                for window in [nil, 1, 150] as [Int?] {  // every match, or only the newest
                    let expected = try reference(reader, query, filter, window: window)
                    #expect(!expected.isEmpty, "\(text) with \(filter)")
                    // Both plans (the matches lead, or the filter does), and a page's choice between them: a filter keeping
                    // 100 or more never leads, and source b's copies (about 70) are weighed.
                    for (factor, neverLeadsFrom) in [(0, nil), (1_000_000, nil), (SearchPlan.facetsFirstFactor, 100)] as [(Double, Int?)] {
                        let hits = try reader.search(query, filter: filter, rankWithin: window, snippetWords: 8, filterFirstFactor: factor,
                                                     neverLeadsFrom: neverLeadsFrom)
                        #expect(hits.rankedAmongNewest == window.flatMap { kept > $0 ? $0 : nil },
                                "\(text) with \(filter), window \(window ?? 0): the note says whether the window cut the matches")
                        #expect(hits.hits.map { [Double($0.article.id), $0.score] } == expected,
                                "\(text) with \(filter), factor \(factor), never leads from \(neverLeadsFrom ?? 0), window \(window ?? 0)")
                    }
                }
            }
        }
    }

    @Test("rows that cannot reach the results are left unscored, and only those")
    func boundLeavesRowsOut() async throws {
        let reader = try await makeStore(count: 1500)
        let (matches, skipped) = try reader.read { db -> (Int, Int) in
            let scores = try Double.fetchAll(db, sql: """
                SELECT \(SearchRanking.score(best: 10)) FROM articles_search WHERE articles_search MATCH '"harvest"'
                """)
            let exact = try Double.fetchAll(db, sql: """
                SELECT bm25(articles_search, \(SearchRanking.weights)) AS s FROM articles_search
                WHERE articles_search MATCH '"harvest"' ORDER BY s LIMIT 10
                """)
            let scored = scores.filter { $0 != 1.0 }
            // Every row scored got bm25()'s exact value: the ten best are among them.
            #expect(Array(scored.sorted().prefix(10)) == exact)
            return (scores.count, scores.count - scored.count)
        }
        #expect(matches > 500, "a common word")
        #expect(skipped > matches / 2, "most rows of a common word never need their length: \(skipped) of \(matches) skipped")
        let everything = try reader.read { db in
            try Double.fetchAll(db, sql: "SELECT \(SearchRanking.score(best: nil)) FROM articles_search WHERE articles_search MATCH '\"harvest\"'")
        }
        #expect(!everything.contains(1.0), "no limit: every row is scored")
        let huge = try reader.read { db in
            try Double.fetchAll(db, sql: "SELECT \(SearchRanking.score(best: (1 << 40) + 10)) FROM articles_search WHERE articles_search MATCH '\"harvest\"'")
        }
        #expect(huge == everything, "a page beyond the heap's cap is ranked without the bound (not as its low 32 bits, 10)")
    }

    @Test("a query of one phrase is ranked in one pass: bm25()'s rows and exact doubles; other queries are not",
          arguments: Packing.allCases)
    func onePass(packing: Packing) async throws {
        let reader = try await makeStore(count: 1500, packing: packing)
        try reader.read { db in
            for text in ["harvest", "w50", "\"harvest rain\"", "harv*", "title:harvest", "text:rain", "nosuchword"] {
                let expression = try SearchQuery(parsing: text).expression
                let matches = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles_search WHERE articles_search MATCH ?",
                                               arguments: [expression]) ?? 0
                for best in [1, 7, 50, 5000] {
                    for window in [nil, 1, 40, 300, 5000] as [Int?] {
                        let exact = try Row.fetchAll(db, sql: """
                            SELECT rowid, bm25(articles_search, \(SearchRanking.weights)) AS s FROM articles_search
                            WHERE articles_search MATCH ? AND rowid IN (
                                SELECT rowid FROM articles_search WHERE articles_search MATCH ? ORDER BY rowid DESC LIMIT ?)
                            ORDER BY s, rowid DESC LIMIT ?
                            """, arguments: [expression, expression, window ?? -1, best]).map { [Double($0[0] as Int64), $0[1] as Double] }
                        let top = try SearchRanking.top(expression, best: best, window: window, in: db)
                        #expect(top?.hits.map { [Double($0.id), $0.score] } == exact, "\(text), best \(best), window \(window ?? 0)")
                        #expect(top?.cutByWindow == (matches > (window ?? .max)), "\(text), window \(window ?? 0)")
                    }
                }
            }
            for text in ["harvest rain", "harvest OR w30", "harvest -rain"] {
                #expect(try SearchRanking.top(SearchQuery(parsing: text).expression, best: 10, window: nil, in: db) == nil, "\(text)")
            }
            #expect(try SearchRanking.top(SearchQuery(parsing: "harvest").expression, best: 0, window: nil, in: db) == nil, "no limit")
        }
    }

    @Test("a row asked for twice in one query is counted once among the best")
    func rowAskedTwice() async throws {
        let reader = try await makeStore(count: 1500)
        let query = try SearchQuery(parsing: "harvest")
        let twice = try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, \(SearchRanking.score(best: 10)) AS first, \(SearchRanking.score(best: 10)) AS second
                FROM articles_search JOIN articles a ON a.id = articles_search.rowid WHERE articles_search MATCH ?
                ORDER BY first, articles_search.rowid DESC LIMIT 10
                """, arguments: [query.expression]).map { row in
                [Double(row["id"] as Int64), (-(row["first"] as Double) * 1000).rounded() / 1000]
            }
        }
        #expect(twice == (try reference(reader, query, ArticleFilter(limit: 10))))
    }
    /// The blocks of lengths the store has packed, and those queued to be.
    func lengthBlocks(_ reader: StoreReader) throws -> (packed: [Int64], queued: [Int64]) {
        try reader.read { db in
            (try Int64.fetchAll(db, sql: "SELECT block FROM search_lengths ORDER BY block"),
             try Int64.fetchAll(db, sql: "SELECT block FROM search_lengths_pending ORDER BY block"))
        }
    }

    @Test("a changed or deleted article drops its block of packed lengths: ranking stays bm25()'s before and after packing again")
    func packedLengthsFollowChanges() async throws {
        let (store, reader) = try await makeStores(count: 1500, packing: .all)
        #expect(try lengthBlocks(reader) == ([0, 1], []))
        let queries = ["harvest", "harv*", "title:harvest", "harvest rain"]
        // A text made short, with the word twice: a length left from before would score it far below bm25().
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE articles SET text = 'harvest harvest' WHERE id = 1030")
        }
        #expect(try lengthBlocks(reader) == ([0], [1]))
        try expectSameAsBM25(reader, queries: queries)
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM articles WHERE id = 8") }
        #expect(try lengthBlocks(reader) == ([], [0, 1]))
        #expect(try store.packAllSearchLengths() == 2)
        #expect(try lengthBlocks(reader) == ([0, 1], []))
        try expectSameAsBM25(reader, queries: queries)
        // A title changed alone drops its block too; a write that changes neither does not.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE articles SET title = 'harvest' WHERE id = 20")
            try db.execute(sql: "UPDATE articles SET text = text, title = title WHERE id = 1100")
        }
        #expect(try lengthBlocks(reader) == ([1], [0]))
        try expectSameAsBM25(reader, queries: queries)
    }

    /// A store of `articles` (id, title, text) in one source, indexed, and its lengths packed.
    func packedStore(_ articles: [(id: Int, title: String, text: String)]) async throws -> (store: Store, reader: StoreReader) {
        let store = try Store.open(path: path)
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES ('a', 'https://a.example/', '{}', '2026-01-01')")
            for article in articles {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                    VALUES (?, 'a', ?, ?, ?, 'h', '2026-01-01 00:00:00.000')
                    """, arguments: [article.id, "guid:\(article.id)", article.title, article.text])
            }
            try SearchIndexing.add(1, through: Int64(articles.map(\.id).max() ?? 0), in: db)
            _ = try SearchLengths.pack(limit: 10, in: db)
        }
        return (store, try StoreReader.open(path: path))
    }

    @Test("a block's length floor goes with its lengths, and with an article stored below its last id")
    func floorsFollowChanges() async throws {
        // Long articles dense with the word: the block's floor (the shortest, 100 tokens) bounds a short
        // article's score far below its own, so a stale floor would leave it out of the page.
        let filler = (Array(repeating: "harvest", count: 10) + (0..<88).map { "w\($0)" }).joined(separator: " ")
        let (store, reader) = try await packedStore((1...60).map { ($0, "harvest harvest", filler) })
        let floors = try reader.read { db in try Row.fetchAll(db, sql: "SELECT shortest, last_id FROM search_length_floors") }
        #expect(floors.map { [$0[0] as Int, $0[1] as Int] } == [[100, 60]])
        let query = try SearchQuery(parsing: "harvest")
        func first() throws -> Int64? {
            for limit in [1, 10, 60] {
                let hits = try reader.search(query, filter: ArticleFilter(limit: limit)).hits.map { [Double($0.article.id), $0.score] }
                #expect(hits == (try reference(reader, query, ArticleFilter(limit: limit))), "limit \(limit)")
            }
            return try reader.search(query, filter: ArticleFilter(limit: 10)).hits.first?.article.id
        }
        // An article made short: its block's lengths go, and the floor with them.
        try await store.pool.write { db in try db.execute(sql: "UPDATE articles SET text = 'harvest', title = 'harvest' WHERE id = 30") }
        #expect(try first() == 30)
        // Deleted, packed again, and stored anew below the block's last id, short.
        try await store.pool.write { db in
            try db.execute(sql: "DELETE FROM articles WHERE id = 30")
            _ = try SearchLengths.pack(limit: 10, in: db)
            try db.execute(sql: """
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at)
                VALUES (30, 'a', 'again', 'harvest', 'harvest', 'h', '2026-01-01 00:00:00.000')
                """)
            try SearchIndexing.add(30, through: 30, in: db)
        }
        #expect(try first() == 30)
    }

    @Test("a block whose floor puts its matches below the page's cut is never looked up")
    func floorsLeaveBlocksUnread() async throws {
        // Block 0: sixty articles of 23 tokens with the word once. Block 1: sixty of 200 tokens with it once, first:
        // where their match ends says only "at least 1 token", which would rank them above block 0 (1.68 against
        // 1.48, in units of the IDF) and look each up; the block's floor, 200 tokens, bounds them at 0.76, below the cut.
        let filler = (0..<250).map { "w\($0)" }
        let articles = [(1...60, 20), (1024...1083, 197)].flatMap { ids, tokens in
            ids.map { ($0, "Steppe report", (["harvest"] + filler.prefix(tokens)).joined(separator: " ")) }
        }
        let (store, reader) = try await packedStore(articles)
        let query = try SearchQuery(parsing: "harvest")
        let expected = try reference(reader, query, ArticleFilter(limit: 10))
        #expect(expected.count == 10 && expected.allSatisfy { $0[0] <= 60 })
        // Block 1's lengths made unreadable: its packed lengths say "not known" and its docsize rows are gone.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE search_lengths SET lengths = zeroblob(length(lengths)) WHERE block = 1")
            try db.execute(sql: "DELETE FROM articles_search_docsize WHERE id BETWEEN 1024 AND 1083")
        }
        let hits = try reader.search(query, filter: ArticleFilter(limit: 10)).hits.map { [Double($0.article.id), $0.score] }
        #expect(hits == expected)
        // A page that needs block 1 does look its rows up, and finds the damage.
        #expect(throws: StoreError.self) { try reader.search(query, filter: ArticleFilter(limit: 70)) }
    }

    /// The blocks of facets the store has packed.
    func facetBlocks(_ reader: StoreReader) throws -> [Int64] {
        try reader.read { db in try Int64.fetchAll(db, sql: "SELECT block FROM search_facets ORDER BY block") }
    }

    @Test("a date filter settles whole blocks by their span of minutes, and checks what they did not know with SQL")
    func spansSettleBlocks() async throws {
        // Three blocks (ids 1-1023, 1024-2047, 2048-3000): since the 700th minute, block 0 is cut and 1 and 2 are
        // wholly kept; until the 1200th, block 1 is cut and block 2 wholly left out.
        let (store, reader) = try await makeStores(count: 3000, packing: .all, closeDates: true)
        let spans = try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT first_minute, last_minute, last_id FROM search_facet_spans ORDER BY block")
                .map { [$0[0] as Int64, $0[1] as Int64, $0[2] as Int64] }
        }
        let start = Int64(Self.firstMinute.timeIntervalSince1970 / 60)
        #expect(spans == [[start - 26, start + 1023, 1023], [start + 994, start + 2047, 2047], [start + 2018, start + 2999, 3000]])
        let queries = ["rain", "harv*"]
        // And bounds a few minutes into blocks 1 and 2, with pages that hold every match kept: the rows before (or
        // after) them in those blocks are left out.
        let edges = [ArticleFilter(since: Self.firstMinute.addingTimeInterval(1000 * 60 + 10), limit: 5000),
                     ArticleFilter(until: Self.firstMinute.addingTimeInterval(2030 * 60), limit: 5000)]
        try expectSameAsBM25(reader, queries: queries, moreFilters: edges)
        // Articles stored after the last block was packed, dated inside and outside its span: the span does not speak for them.
        try await store.pool.write { db in
            for number in 3001...3040 {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at) VALUES (?, 'a', ?, 'harvest', 'rain w20', 'h', ?)
                    """, arguments: [number, "guid:\(number)", Self.firstSeen(number % 2 == 0 ? 900 : 1100)])
            }
            try SearchIndexing.add(3001, through: 3040, in: db)
        }
        #expect(try facetBlocks(reader) == [0, 1, 2])
        try expectSameAsBM25(reader, queries: queries)
        // One stored below a block's last id (its own was deleted) drops the block: it would not know it.
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM articles WHERE id = 1500") }
        #expect(try store.packAllSearchLengths() == 2)
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at) VALUES (1500, 'b', 'again', 'harvest', 'rain', 'h', ?)
                """, arguments: [Self.firstSeen(3)])
            try SearchIndexing.add(1500, through: 1500, in: db)
        }
        #expect(try facetBlocks(reader) == [0, 2])
        try expectSameAsBM25(reader, queries: queries)
    }

    @Test("an article's changed source, date or duplicate flag drops its block of facets: filtered searches stay bm25()'s")
    func packedFacetsFollowChanges() async throws {
        let (store, reader) = try await makeStores(count: 1500, packing: .all)
        #expect(try facetBlocks(reader) == [0, 1])
        let queries = ["harvest", "rain", "title:harvest"]
        // Each change moves an article into or out of what a filter of `expectSameAsBM25` keeps.
        let changes = [
            "UPDATE articles SET duplicate_of = NULL WHERE id = 14",  // a copy no more
            "UPDATE articles SET duplicate_of = 1 WHERE id = 1030",  // a new copy
            "UPDATE articles SET source_id = 'b' WHERE id = 1031",
            "UPDATE articles SET published_at = '2026-01-01 15:00:00.000' WHERE id = 1",  // into the dates kept
            "UPDATE articles SET published_at = NULL, first_seen_at = '2025-12-31 00:00:00.000' WHERE id = 1100",  // out of them
        ]
        for (index, change) in changes.enumerated() {
            try await store.pool.write { db in try db.execute(sql: change) }
            #expect(try facetBlocks(reader) == (index == 0 || index == 3 ? [1] : [0]), "\(change)")
            #expect(try store.packAllSearchLengths() == 1)
        }
        // All of them at once, searched before the blocks are packed again (checked with SQL) and after.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE articles SET duplicate_of = 7 WHERE id = 14; UPDATE articles SET source_id = 'a' WHERE id = 1031")
            try db.execute(sql: "UPDATE articles SET published_at = NULL WHERE id = 1; UPDATE articles SET duplicate_of = NULL WHERE id = 1030")
        }
        #expect(try facetBlocks(reader) == [])
        try expectSameAsBM25(reader, queries: queries)
        #expect(try store.packAllSearchLengths() == 2)
        // A write that changes none of them keeps the block.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE articles SET published_at = published_at, source_id = source_id, duplicate_of = duplicate_of, title = 'x' WHERE id = 5")
        }
        #expect(try facetBlocks(reader) == [0, 1])
        try expectSameAsBM25(reader, queries: queries)
    }

    @Test("a store migrated to v22 queues the blocks of its articles, and ranks an id too high for a block from docsize")
    func migrationQueuesEveryBlock() throws {
        try makeEarlyStore(at: path, upTo: "v21-dedup-band-layout") { db in
            for id in ["a", "b"] {
                try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES (?, ?, '{}', '2026-01-01')",
                               arguments: [id, "https://\(id).example/"])
            }
            for id in [3, 4, 5, 1023, 1024, 3100, 1 << 40] {  // blocks 0, 1 and 3 (none in block 2), and one past the cap
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at, duplicate_of)
                    VALUES (?, ?, ?, 'Harvest news', ?, 'h', ?, ?)
                    """, arguments: [id, id % 2 == 0 ? "a" : "b", "guid:\(id)", String(repeating: "harvest rain ", count: id % 7 + 1),
                                     Self.firstSeen(id % 1400), id == 1023 ? 3 : nil])
            }
            try db.execute(sql: "INSERT INTO articles_search (rowid, title, text) SELECT id, title, text FROM articles")
        }
        let store = try Store.open(path: path)
        let reader = try StoreReader.open(path: path)
        let blocks: [Int64] = [0, 1, 3, 1 << 30]
        #expect(try lengthBlocks(reader) == ([], blocks))
        try expectSameAsBM25(reader, queries: ["harvest", "rain"])
        #expect(try store.packAllSearchLengths() == 4)
        #expect(try lengthBlocks(reader) == (blocks, []))
        try expectSameAsBM25(reader, queries: ["harvest", "rain"])
    }
}

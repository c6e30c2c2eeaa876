import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// `source_counts` (migration v23), which `tidings sources` and `stats` read instead of counting
/// every article: true after any write to `articles`, and from the start on an upgraded store.
@Suite("Store: articles and duplicates counted per source")
struct StoreSourceCountsTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path("store/tidings.db") }

    /// The counts kept and the counts of the articles themselves, per source with articles.
    func counts(_ db: Database) throws -> (kept: [[Int]], counted: [[Int]]) {
        let kept = try Row.fetchAll(db, sql: """
            SELECT source_id, articles, duplicates FROM source_counts WHERE articles <> 0 OR duplicates <> 0 ORDER BY source_id
            """).map { [Int(($0[0] as String).dropFirst())!, $0[1], $0[2]] }
        let counted = try Row.fetchAll(db, sql: """
            SELECT source_id, count(*), count(duplicate_of) FROM articles GROUP BY source_id ORDER BY source_id
            """).map { [Int(($0[0] as String).dropFirst())!, $0[1], $0[2]] }
        return (kept, counted)
    }

    func addSources(_ db: Database) throws {
        for id in ["s0", "s1", "s2", "s3"] {
            try db.execute(sql: "INSERT INTO sources (id, url, settings_json, added_at) VALUES (?, ?, '{}', '2026-01-01')",
                           arguments: [id, "https://\(id).example/"])
        }
    }

    @Test("inserts, duplicate verdicts set and cleared, moves between sources and deletions keep the counts true")
    func followEveryWrite() throws {
        let store = try Store.open(path: path)
        try store.pool.write { db in
            var random = DedupHash.SplitMix64(state: 5)
            try addSources(db)
            var ids: [Int64] = []
            for step in 0..<400 {
                let roll = random.next() % 10
                if roll < 5 || ids.count < 5 {
                    let original: Int64? = ids.isEmpty || random.next() % 3 != 0 ? nil : ids[Int(random.next() % UInt64(ids.count))]
                    try db.execute(sql: """
                        INSERT INTO articles (source_id, identity, title, text, content_hash, first_seen_at, duplicate_of)
                        VALUES (?, ?, 'T', 'text', 'h', '2026-01-01', ?)
                        """, arguments: ["s\(random.next() % 4)", "guid:\(step)", original])
                    ids.append(db.lastInsertedRowID)
                } else if roll < 7 {
                    let id = ids[Int(random.next() % UInt64(ids.count))]
                    let original: Int64? = random.next() % 2 == 0 ? nil : ids.first { $0 != id }
                    try db.execute(sql: "UPDATE articles SET duplicate_of = ? WHERE id = ?", arguments: [original, id])
                } else if roll < 8 {
                    let id = ids[Int(random.next() % UInt64(ids.count))]
                    try db.execute(sql: "UPDATE articles SET source_id = ? WHERE id = ?", arguments: ["s\(random.next() % 4)", id])
                } else {
                    let id = ids.remove(at: Int(random.next() % UInt64(ids.count)))
                    try db.execute(sql: "UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
                }
            }
            let (kept, counted) = try counts(db)
            #expect(kept == counted)
            #expect(counted.count == 4 && counted.allSatisfy { $0[2] > 0 }, "every source has articles and duplicates")
            // What a search plan takes a filter without dates to keep.
            for source in [nil, "s1", "s3", "nosuch"] as [String?] {
                for duplicates in [nil, true, false] as [Bool?] {
                    let filter = ArticleFilter(source: source, duplicates: duplicates)
                    let (conditions, arguments) = filter.conditions
                    #expect(try SearchPlan.keptArticles(filter, in: db)
                            == Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE 1\(conditions)", arguments: arguments),
                            "\(source ?? "all"), duplicates \(String(describing: duplicates))")
                }
            }
        }
        // What the CLI shows comes from them.
        let reader = try StoreReader.open(path: path)
        let shown = try reader.sources().map { [Int($0.id.dropFirst())!, $0.articles, $0.duplicates] }
        let statistics = try reader.statistics()
        let counted = try store.pool.read { db in try counts(db).counted }
        #expect(shown == counted)
        #expect(statistics.articles == counted.reduce(0) { $0 + $1[1] })
        #expect(statistics.duplicates == counted.reduce(0) { $0 + $1[2] })
    }

    @Test("a store upgraded to v23 counts the articles it already holds")
    func countedOnUpgrade() throws {
        try makeEarlyStore(at: path, upTo: "v22-search-lengths") { db in
            try addSources(db)
            for number in 1...50 {
                try db.execute(sql: """
                    INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at, duplicate_of)
                    VALUES (?, ?, ?, 'T', 'text', 'h', '2026-01-01', ?)
                    """, arguments: [number, "s\(number % 3)", "guid:\(number)", number % 4 == 0 ? 1 : nil])
            }
        }
        let store = try Store.open(path: path)
        let (kept, counted) = try store.pool.read { db in try counts(db) }
        #expect(counted == [[0, 16, 4], [1, 17, 4], [2, 17, 4]])
        #expect(kept == counted)
    }
}

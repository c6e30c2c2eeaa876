import Foundation
import GRDB

/// An article listed by the feed just read: its id and where it sorts by age.
struct ListedArticle {
    let id: Int64
    /// When it was published (or, undated, first seen); the id breaks ties.
    let age: Date
    /// Whether the previous good fetch listed it too.
    let wasListed: Bool
}

extension Store {
    /// Notes which of a source's articles its feed lists now. An article that
    /// was listed and no longer is, while an older one still is, was taken out
    /// of the feed: `article.removed`. Articles leaving at the old end are only
    /// scrolling out of a feed of the newest N, and say nothing. Returns how many were removed.
    func noteListing(_ listed: [ListedArticle], sourceID: String, at now: Date, in db: Database) throws -> Int {
        let returning = listed.filter { !$0.wasListed }.map(\.id)
        if !returning.isEmpty {
            try db.execute(sql: "UPDATE articles SET in_feed = 1, left_feed_at = NULL WHERE id IN (\(placeholders(returning.count)))",
                           arguments: StatementArguments(returning))
        }
        let present = Set(listed.map(\.id))
        let oldest = listed.min { ($0.age, $0.id) < ($1.age, $1.id) }
        let departed = try Row.fetchAll(db, sql: """
            SELECT id, url, title, coalesce(published_at, first_seen_at) AS age FROM articles
            WHERE source_id = ? AND in_feed = 1
            """, arguments: [sourceID]).filter { !present.contains($0["id"]) }
        var removed = 0
        for row in departed {
            let id: Int64 = row["id"]
            let age: Date = row["age"]
            let wasTakenOut = oldest.map { ($0.age, $0.id) < (age, id) } ?? false
            try db.execute(sql: "UPDATE articles SET in_feed = 0, left_feed_at = ? WHERE id = ?",
                           arguments: [wasTakenOut ? now : nil, id])
            guard wasTakenOut else { continue }
            try ChangeRecorder.record(.articleRemoved, in: db, at: now, sourceID: sourceID, articleID: id,
                                      url: row["url"], title: row["title"])
            removed += 1
        }
        return removed
    }

    private func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}

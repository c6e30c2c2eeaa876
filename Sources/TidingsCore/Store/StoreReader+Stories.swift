import Foundation
import GRDB

/// A story: the articles of different outlets about one event, for `tidings stories`.
public struct StorySummary: Sendable, Codable, Equatable {
    public var id: Int64
    /// The title of its earliest article.
    public var title: String
    /// Its earliest article (by publication).
    public var articleID: Int64
    public var articles: Int
    /// Distinct sources among its articles, and their ids.
    public var sources: Int
    public var outlets: [String]
    /// When its earliest and latest articles were published (else first seen).
    public var first: Date
    public var last: Date
}

/// One article of a story, for `tidings stories --id`.
public struct StoryMemberArticle: Sendable, Codable, Equatable {
    public var article: ArticleSummary
    /// How it came in: "started" the story, joined by "similarity", or as a "duplicate" of a member
    /// (or of an article that was a member then: an earlier original takes over its copies' cluster).
    public var joined: String
    /// How well it fitted the story when it joined by similarity.
    public var score: Double?
}

/// A story with its articles, oldest first.
public struct StoryDetail: Sendable, Codable, Equatable {
    public var story: StorySummary
    public var members: [StoryMemberArticle]
}

extension StoreReader {
    /// Stories with at least `minimumArticles` articles whose latest article is not before `since`,
    /// the most recently active first.
    public func stories(since: Date? = nil, minimumArticles: Int = 1, limit: Int? = nil) throws -> [StorySummary] {
        try read { db in
            var sql = "SELECT * FROM stories WHERE articles >= ?"
            var arguments: StatementArguments = [minimumArticles]
            if let since {
                sql += " AND last_at >= ?"
                arguments += [since]
            }
            sql += " ORDER BY last_at DESC, id DESC"
            if let limit { sql += " LIMIT \(limit)" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.summary($0, db) }
        }
    }

    /// One story and its articles, oldest first; nil when there is no such story.
    public func story(id: Int64) throws -> StoryDetail? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM stories WHERE id = ?", arguments: [id]) else { return nil }
            let members = try Row.fetchAll(db, sql: """
                SELECT a.id, a.source_id, a.title, a.url, a.published_at, a.first_seen_at, a.duplicate_of, m.joined, m.score
                FROM story_articles m JOIN articles a ON a.id = m.article_id
                WHERE m.story_id = ? ORDER BY coalesce(a.published_at, a.first_seen_at), a.id
                """, arguments: [id]).map { row in
                StoryMemberArticle(article: ArticleSummary(row: row), joined: row["joined"], score: row["score"])
            }
            return StoryDetail(story: try Self.summary(row, db), members: members)
        }
    }

    /// The story an article is in, with how well it fitted; nil when it has none.
    public func story(ofArticle articleID: Int64) throws -> (story: StorySummary, score: Double?)? {
        try read { db in
            guard let member = try Row.fetchOne(db, sql: """
                SELECT s.*, m.score AS member_score FROM story_articles m JOIN stories s ON s.id = m.story_id
                WHERE m.article_id = ?
                """, arguments: [articleID]) else { return nil }
            return (try Self.summary(member, db), member["member_score"])
        }
    }

    private static func summary(_ row: Row, _ db: Database) throws -> StorySummary {
        let id: Int64 = row["id"]
        let outlets = try String.fetchAll(db.cachedStatement(sql: """
            SELECT DISTINCT source_id FROM story_articles WHERE story_id = ? ORDER BY source_id
            """), arguments: [id])
        return StorySummary(id: id, title: row["title"], articleID: row["article_id"], articles: row["articles"],
                            sources: row["sources"], outlets: outlets, first: row.storedDate("first_at"), last: row.storedDate("last_at"))
    }
}

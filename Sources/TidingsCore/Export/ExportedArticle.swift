import Foundation
import GRDB

/// One article as `tidings export` writes it, in a fixed field order.
public struct ExportedArticle: Sendable {
    public var id: Int64
    public var source: String
    public var url: String?
    public var title: String
    public var author: String?
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    public var duplicateOf: Int64?
    public var similarity: Double?
    public var revision: Int
    public var text: String
    /// The stored HTML content, when asked for.
    public var content: String?

    /// The field names, in output order (`content` only when exported).
    public static func fieldNames(withContent: Bool) -> [String] {
        ["id", "source", "url", "title", "author", "published", "updated", "first_seen", "duplicate_of", "similarity",
         "revision", "text"] + (withContent ? ["content"] : [])
    }

    /// The values in the order of `fieldNames`, as JSON.
    public func values(withContent: Bool) -> [JSONValue] {
        let time = { (date: Date?) in date.map { JSONValue.string(ISO8601.string($0)) } ?? .null }
        var values: [JSONValue] = [
            .int(Int(id)), .string(source), url.map(JSONValue.string) ?? .null, .string(title),
            author.map(JSONValue.string) ?? .null, time(published), time(updated), time(firstSeen),
            duplicateOf.map { .int(Int($0)) } ?? .null, similarity.map(JSONValue.double) ?? .null, .int(revision), .string(text),
        ]
        if withContent { values.append(content.map(JSONValue.string) ?? .null) }
        return values
    }
}

extension StoreReader {
    /// Calls `body` with each article the filter selects, oldest stored first (id order), one row
    /// in memory at a time: exports of any size run in constant memory.
    public func forEachArticle(_ filter: ArticleFilter, withContent: Bool, _ body: (ExportedArticle) throws -> Void) throws {
        let (conditions, arguments) = filter.conditions
        var sql = """
            SELECT id, source_id, url, title, author, published_at, updated_at, first_seen_at, duplicate_of, similarity,
                   revision, text\(withContent ? ", content" : "") FROM articles WHERE 1\(conditions) ORDER BY id
            """
        if let limit = filter.limit { sql += " LIMIT \(limit)" }
        try read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                try body(ExportedArticle(
                    id: row["id"], source: row["source_id"], url: row["url"], title: row["title"], author: row["author"],
                    published: row.storedDate("published_at"), updated: row.storedDate("updated_at"),
                    firstSeen: row.storedDate("first_seen_at"),
                    duplicateOf: row["duplicate_of"], similarity: row["similarity"], revision: row["revision"],
                    text: row["text"], content: withContent ? row["content"] : nil))
            }
        }
    }

    /// How many articles the filter selects (for a progress display).
    public func countArticles(_ filter: ArticleFilter) throws -> Int {
        let (conditions, arguments) = filter.conditions
        return try read { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE 1\(conditions)", arguments: arguments) ?? 0
            return filter.limit.map { min($0, count) } ?? count
        }
    }
}

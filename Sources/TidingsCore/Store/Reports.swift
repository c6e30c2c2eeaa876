import Foundation
import GRDB

/// A source as `tidings sources` shows it: configuration and fetch health.
public struct SourceStatus: Sendable, Codable, Equatable {
    public var id: String
    /// The URL fetched: the configured one, or where a permanent redirect moved it.
    public var url: String
    public var title: String
    /// The site the feed says it belongs to (its `<link>`).
    public var siteURL: String?
    public var kind: String
    /// `ok`, `backing-off` (failing; retried with growing delays, never given up),
    /// `new` (never fetched), `gone` (answered 410, no longer polled),
    /// `disabled` or `removed` (no longer configured).
    public var state: String
    public var tags: [String]
    public var lastStatus: Int?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var nextDue: Date?
    /// Why it is due then: `new`, `interval`, `adaptive`, `ttl`, `max-age`, `expires`, `retry-after`, `backoff`.
    public var dueReason: String?
    /// The interval learnt from the feed's publishing rate, in seconds (adaptive sources).
    public var learntInterval: Double?
    public var consecutiveErrors: Int
    public var lastError: String?
    /// What was wrong with the last feed that was still read (recovered XML, bad bytes).
    public var warning: String?
    public var articles: Int
    /// Of its articles, how many are near-duplicates of an earlier one.
    public var duplicates: Int

    /// Duplicates as a share of its articles, to 4 places (nil without articles).
    public var duplicateRate: Double?
    /// Items its keep/drop rules left out (each counted once; not stored).
    public var filtered = 0
    /// Articles retention pruned (each left a tombstone).
    public var pruned = 0
}

/// One line of `tidings articles`.
public struct ArticleSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var source: String
    public var title: String
    public var url: String?
    public var published: Date?
    public var firstSeen: Date
    /// The canonical article this one is a near-duplicate of.
    public var duplicateOf: Int64?

    /// The date listings sort and filter by: published, else first seen.
    public var date: Date { published ?? firstSeen }
}

/// Everything stored about one article, for `tidings show`.
public struct ArticleDetail: Sendable, Codable, Equatable {
    public var id: Int64
    public var source: String
    public var identity: String
    public var guid: String?
    public var url: String?
    public var title: String
    public var author: String?
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    public var contentHash: String
    public var summary: String?
    public var content: String?
    public var text: String
    /// The canonical article this one is a near-duplicate of, and how similar they are.
    public var duplicateOf: Int64?
    public var similarity: Double?
    /// The number of the current version (1 until the title or text changes).
    public var revision: Int
    /// Whether the feed's last good fetch listed it, and when it was taken out of the feed.
    public var inFeed: Bool
    public var leftFeed: Date?
}

/// One row of the change log: `{"seq", "time", "event", "source", "article", "url", "title", ...details}`.
public struct ChangeRecord: Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var event: String
    public var source: String?
    public var article: Int64?
    public var url: String?
    public var title: String?
    /// The event's own fields as stored: a JSON object with sorted keys.
    public var detailsJSON: String

    /// The event's own fields (`reason`, `diff`, `duplicate_of`, ...).
    public var details: [String: JSONValue] {
        if case .object(let object)? = JSONValue.parse(detailsJSON) { return object }
        return [:]
    }

    /// The change as one line of JSON: the common fields first, in the order
    /// of the contract (`seq`, `time`, `event`, `source`, `article`, `url`,
    /// `title`), then the details as stored (their keys never repeat a common
    /// one). The change-log files and `tidings changes --json` both print it.
    public var jsonLine: String {
        let common = JSONValue.objectText([
            ("seq", .int(Int(seq))), ("time", .string(ISO8601.string(time))), ("event", .string(event)),
            ("source", source.map(JSONValue.string) ?? .null), ("article", article.map { .int(Int($0)) } ?? .null),
            ("url", url.map(JSONValue.string) ?? .null), ("title", title.map(JSONValue.string) ?? .null),
        ])
        let fields = detailsJSON.utf8.dropFirst()  // after "{"
        guard fields.count > 1 else { return common }
        return common.dropLast() + "," + String(Substring(fields))
    }
}

/// Totals for `tidings stats`.
public struct StoreStatistics: Sendable, Codable, Equatable {
    public struct PerSource: Sendable, Codable, Equatable {
        public var source: String
        public var articles: Int
        /// First seen in the last 24 hours.
        public var lastDay: Int
        public var duplicates: Int
        public var duplicateRate: Double?
    }

    /// Articles first seen on one UTC day (`2026-11-24`).
    public struct PerDay: Sendable, Codable, Equatable {
        public var day: String
        public var articles: Int
    }

    /// Sources configured (not removed), enabled, and failing now.
    public var sources: Int
    public var sourcesEnabled: Int
    public var sourcesFailing: Int
    public var articles: Int
    public var articlesLastDay: Int
    /// Articles found to be near-duplicates, the clusters they form, and their share of all articles.
    public var duplicates: Int
    public var duplicateClusters: Int
    public var duplicateRate: Double?
    /// Stories, and those told by more than one outlet.
    public var stories: Int
    public var storiesAcrossSources: Int
    public var changes: Int
    public var lastSeq: Int64?
    public var oldestArticle: Date?
    public var newestArticle: Date?
    /// The database file with its WAL and shared-memory files.
    public var databaseBytes: Int
    public var perSource: [PerSource]
    /// The last days, oldest first, today last.
    public var perDay: [PerDay]
}

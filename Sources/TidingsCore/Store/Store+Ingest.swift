import Foundation
import GRDB

/// A feed entry with its identity, ready to be stored if it is new or revised.
public struct IncomingArticle: Sendable {
    public var identity: String
    public var entry: FeedEntry
    /// What storing it needs that takes CPU: done before the write transaction
    /// (concurrently, by `prepare`), or inside it when nobody did.
    var prepared: PreparedArticle?
    /// Title, text and hash of an entry already stored, to tell whether it changed.
    var storedText: ArticleText?
    /// What the source's keep/drop rules said of it; nil until judged.
    var verdict: FilterVerdict?

    public init(identity: String, entry: FeedEntry) {
        self.identity = identity
        self.entry = entry
    }

    var text: ArticleText { prepared?.content ?? storedText ?? ArticleText(entry) }
}

/// The CPU-bound part of storing a new article.
struct PreparedArticle: Sendable {
    let content: ArticleText
    let dedupText: PreparedText
    /// The fingerprint of all its words: the one used unless the source's boilerplate drops some.
    let wholeFingerprint: DedupFingerprint
    /// Its story terms from all its lines (the same caveat); nil when stories are off.
    let wholeStoryFeatures: StoryFeatures?

    /// `content` is the entry's text when the caller has it already.
    init(_ entry: FeedEntry, content: ArticleText? = nil, engine: DedupEngine, groupsStories: Bool) {
        self.content = content ?? ArticleText(entry)
        dedupText = engine.prepare(self.content.text, title: self.content.title)
        wholeFingerprint = engine.fingerprint(of: dedupText.text.words)
        wholeStoryFeatures = groupsStories ? StoryFeatures(text: dedupText.text, title: dedupText.title) : nil
    }

    /// The fingerprint of the words boilerplate dropping `kept`: dropping lines only removes
    /// words, so the same count means the whole text, fingerprinted already.
    func fingerprint(keeping kept: KeptText, engine: DedupEngine) -> DedupFingerprint {
        kept.words.count == dedupText.text.words.count ? wholeFingerprint : engine.fingerprint(of: kept.words)
    }

    /// Its story terms without the lines dedup dropped as boilerplate.
    func storyFeatures(droppingLines dropped: Set<UInt64>) -> StoryFeatures {
        if dropped.isEmpty, let wholeStoryFeatures { return wholeStoryFeatures }
        return StoryFeatures(text: dedupText.text, excludingLines: dropped, title: dedupText.title)
    }
}

/// How one refresh of a source went, as stored.
public struct RefreshOutcome: Sendable {
    public enum Result: Sendable {
        /// The feed was fetched and parsed; `warning` says what had to be recovered, if anything.
        case success(feedTitle: String?, feedLink: String?, articles: [IncomingArticle], warning: String? = nil)
        /// Fetching or parsing failed; `message` says why in words.
        case failure(message: String)
        /// Nothing changed: a 304, or a body byte-identical to the last one (not parsed again).
        case unchanged
        /// 410 Gone: polling stops until the source's settings change.
        case gone(message: String)
    }

    public var sourceID: String
    public var status: Int?
    public var result: Result
    public var finishedAt: Date
    public var nextDueAt: Date
    /// Why the source is due at `nextDueAt`.
    public var dueReason: DueReason
    /// The interval learnt from the feed's publishing rate (nil: keep what is stored).
    public var learntInterval: Double?
    /// A Retry-After that holds every source on the origin until then.
    public var originHold: OriginHold?
    /// Validators and body fingerprint to keep for the next conditional request
    /// (nil: keep what is stored).
    public var validators: FetchValidators?
    /// Where a permanent redirect moved the feed, if one did.
    public var movedTo: URL?
    /// The source's keep/drop rules, applied to new items before they are stored.
    public var filter = IngestFilter()

    public init(sourceID: String, status: Int?, result: Result, finishedAt: Date, nextDueAt: Date,
                dueReason: DueReason = .interval, validators: FetchValidators? = nil, movedTo: URL? = nil) {
        self.sourceID = sourceID
        self.status = status
        self.result = result
        self.finishedAt = finishedAt
        self.nextDueAt = nextDueAt
        self.dueReason = dueReason
        self.validators = validators
        self.movedTo = movedTo
    }
}

/// A server's Retry-After on 429/503, holding every source on its origin.
public struct OriginHold: Sendable, Equatable {
    /// Scheme, host and port: "https://example.org:443".
    public var origin: String
    public var until: Date
    public var status: Int
}

/// What storing a refresh did.
public struct IngestSummary: Sendable, Equatable {
    /// New articles, with the sequence numbers of their `article.added` rows.
    public var added: [(articleID: Int64, seq: Int64)] = []
    /// Entries already stored.
    public var known = 0
    /// Stored articles whose title or text changed: a new revision each.
    public var revised = 0
    /// Stored articles taken out of the feed (`article.removed`).
    public var removed = 0
    /// New articles found to be duplicates of stored ones.
    public var duplicates = 0
    /// New items the keep/drop rules left out (counted once each).
    public var filtered = 0
    /// Items still listed whose articles retention pruned (their tombstones keep them out).
    public var tombstoned = 0

    public static func == (lhs: IngestSummary, rhs: IngestSummary) -> Bool {
        lhs.known == rhs.known && lhs.added.map(\.articleID) == rhs.added.map(\.articleID)
    }
}

extension Store {
    /// Records a refresh in one transaction: new articles and their
    /// `article.added` rows, revisions of changed ones (`article.updated`),
    /// articles taken out of the feed (`article.removed`), the source's fetch
    /// state, and `source.failed` / `source.recovered` when the source changes
    /// between working and failing.
    ///
    /// New articles are prepared (text, hash, fingerprint) on the calling task
    /// first, so the transaction holds the single writer only for database work;
    /// the write then waits for the writer without holding a thread of the
    /// cooperative pool.
    @discardableResult
    public func record(_ outcome: RefreshOutcome) async throws -> IngestSummary {
        try await write(prepared(outcome))
    }

    /// Stores an outcome `prepared` earlier. Anything may have happened in between (retention pruned
    /// an article the feed lists, another refresh stored one): the transaction checks again.
    func write(_ outcome: RefreshOutcome) async throws -> IngestSummary {
        defer { changesCommitted() }
        do {
            return try await transaction(outcome)
        } catch {
            forgetStories()  // the transaction rolled back what memory had already counted
            throw error
        }
    }

    private func transaction(_ outcome: RefreshOutcome) async throws -> IngestSummary {
        try await pool.write { [outcome] db in
            let previousErrors = try Int.fetchOne(
                db, sql: "SELECT consecutive_errors FROM sources WHERE id = ?", arguments: [outcome.sourceID]) ?? 0
            var summary = IngestSummary()
            switch outcome.result {
            case .success(let feedTitle, let feedLink, let articles, let warning):
                // A feed that had to be recovered may have lost items in the repair: it says nothing about removals.
                summary = try insert(articles, sourceID: outcome.sourceID, filter: outcome.filter, at: outcome.finishedAt,
                                     noteListing: warning == nil, in: db)
                try db.execute(sql: """
                    UPDATE sources SET feed_title = coalesce(?, feed_title), feed_link = coalesce(?, feed_link),
                        last_warning = ?
                    WHERE id = ?
                    """, arguments: [feedTitle, feedLink, warning, outcome.sourceID])
                try markSucceeded(outcome, previousErrors: previousErrors, in: db)
                try saveStoryStatistics(in: db)
            case .unchanged:
                try markSucceeded(outcome, previousErrors: previousErrors, in: db)
            case .gone(let message):
                try db.execute(sql: """
                    UPDATE sources SET last_attempt_at = ?, last_status = 410, last_error = ?, gone_at = ?,
                        next_due_at = NULL, due_reason = NULL
                    WHERE id = ?
                    """, arguments: [outcome.finishedAt, message, outcome.finishedAt, outcome.sourceID])
                try ChangeRecorder.record(.sourceGone, in: db, at: outcome.finishedAt, sourceID: outcome.sourceID,
                                          details: ["reason": .string(message)])
            case .failure(let message):
                try db.execute(sql: """
                    UPDATE sources SET last_attempt_at = ?, last_status = ?, last_error = ?,
                        consecutive_errors = consecutive_errors + 1, next_due_at = ?, due_reason = ?
                    WHERE id = ?
                    """, arguments: [outcome.finishedAt, outcome.status, message, outcome.nextDueAt,
                                     outcome.dueReason.rawValue, outcome.sourceID])
                if previousErrors == 0 {
                    var details: [String: JSONValue] = ["reason": .string(message)]
                    if let status = outcome.status { details["status"] = .int(status) }
                    try ChangeRecorder.record(.sourceFailed, in: db, at: outcome.finishedAt, sourceID: outcome.sourceID,
                                              details: details)
                }
            }
            if let movedTo = outcome.movedTo?.absoluteString {
                let from = try String.fetchOne(db, sql: "SELECT url FROM sources WHERE id = ?", arguments: [outcome.sourceID])
                if from != movedTo {
                    try db.execute(sql: "UPDATE sources SET url = ?, current_url = ? WHERE id = ?",
                                   arguments: [movedTo, movedTo, outcome.sourceID])
                    try ChangeRecorder.record(.sourceMoved, in: db, at: outcome.finishedAt, sourceID: outcome.sourceID,
                                              url: movedTo, details: ["from": from.map(JSONValue.string) ?? .null,
                                                                      "to": .string(movedTo)])
                }
            }
            if let hold = outcome.originHold {
                // The table changes only here: expired holds go when a new one comes.
                try db.execute(sql: "DELETE FROM origin_holds WHERE until <= ?", arguments: [outcome.finishedAt])
                try db.execute(sql: """
                    INSERT INTO origin_holds (origin, until, status) VALUES (?, ?, ?)
                    ON CONFLICT (origin) DO UPDATE SET until = max(until, excluded.until), status = excluded.status
                    """, arguments: [hold.origin, hold.until, hold.status])
            }
            if let learnt = outcome.learntInterval {
                try db.execute(sql: "UPDATE sources SET learnt_interval = ? WHERE id = ?", arguments: [learnt, outcome.sourceID])
            }
            if let validators = outcome.validators {
                try db.execute(sql: "UPDATE sources SET etag = ?, last_modified = ?, body_hash = ? WHERE id = ?",
                               arguments: [validators.etag, validators.lastModified, validators.bodyHash, outcome.sourceID])
            }
            return summary
        }
    }

    /// The outcome with its articles prepared, outside any transaction: all of new ones, the text of
    /// stored ones; new ones the rules drop, or that a tombstone keeps out, need nothing.
    func prepared(_ outcome: RefreshOutcome) -> RefreshOutcome {
        guard case .success(let title, let link, var articles, let warning) = outcome.result else { return outcome }
        let known = (try? knownItems(of: outcome.sourceID, among: articles.map(\.identity))) ?? [:]
        let rules = outcome.filter.fingerprint
        for index in articles.indices {
            let entry = articles[index].entry
            switch known[articles[index].identity] {
            case .stored?:
                articles[index].storedText = ArticleText(entry)
            case .buried(let stone)? where stone.keepsOut(underRules: rules):
                break  // pruned, or dropped by these very rules: it stays out, unread
            default:
                let content = ArticleText(entry)
                let verdict = outcome.filter.verdict(for: entry, text: content)
                articles[index].verdict = verdict
                if verdict == .kept {
                    articles[index].prepared = PreparedArticle(entry, content: content, engine: dedup,
                                                               groupsStories: storyParameters != nil)
                }
            }
        }
        var outcome = outcome
        outcome.result = .success(feedTitle: title, feedLink: link, articles: articles, warning: warning)
        return outcome
    }

    /// What the last fetches of `sourceID` left for the next one: validators for a
    /// conditional request, and the URL a permanent redirect moved it to.
    public func fetchState(of sourceID: String) throws -> SourceFetchState {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT etag, last_modified, body_hash, current_url, consecutive_errors, learnt_interval
                FROM sources WHERE id = ?
                """, arguments: [sourceID])
            return SourceFetchState(
                validators: FetchValidators(etag: row?["etag"], lastModified: row?["last_modified"], bodyHash: row?["body_hash"]),
                movedTo: (row?["current_url"] as String?).flatMap(URL.init(string:)),
                consecutiveErrors: row?["consecutive_errors"] ?? 0, learntInterval: row?["learnt_interval"])
        }
    }

    /// The fetch state of a refresh that worked, and `source.recovered` after failures.
    private func markSucceeded(_ outcome: RefreshOutcome, previousErrors: Int, in db: Database) throws {
        try db.execute(sql: """
            UPDATE sources SET last_attempt_at = ?, last_success_at = ?, last_status = ?, last_error = NULL,
                consecutive_errors = 0, next_due_at = ?, due_reason = ?
            WHERE id = ?
            """, arguments: [outcome.finishedAt, outcome.finishedAt, outcome.status, outcome.nextDueAt,
                             outcome.dueReason.rawValue, outcome.sourceID])
        if previousErrors > 0 {
            try ChangeRecorder.record(.sourceRecovered, in: db, at: outcome.finishedAt, sourceID: outcome.sourceID,
                                      details: ["after_errors": .int(previousErrors)])
        }
    }

    private func insert(_ articles: [IncomingArticle], sourceID: String, filter: IngestFilter, at now: Date,
                        noteListing: Bool, in db: Database) throws -> IngestSummary {
        var summary = IngestSummary()
        let lookup = try db.cachedStatement(sql: Self.storedArticle)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO articles (source_id, identity, guid, url, title, author, summary, content, text,
                                  content_hash, published_at, updated_at, first_seen_at, in_feed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """)
        var seen = Set<String>()
        var listed: [ListedArticle] = []
        var newArticles: ClosedRange<Int64>?
        // Feeds list newest first; store oldest first so ids and seqs follow publication order.
        for article in articles.reversed() where seen.insert(article.identity).inserted {
            let entry = article.entry
            if let stored = try Row.fetchOne(lookup, arguments: [sourceID, article.identity]) {
                summary.known += 1
                let id: Int64 = stored["id"]
                listed.append(ListedArticle(id: id, age: stored["age"], wasListed: stored["in_feed"]))
                let text = article.text
                if text.contentHash != stored["content_hash"],
                   try revise(articleID: id, with: entry, text: text, sourceID: sourceID, at: now, in: db) {
                    summary.revised += 1
                }
                continue
            }
            guard try admit(article, sourceID: sourceID, filter: filter, at: now, summary: &summary, in: db) else { continue }
            let prepared = article.prepared ?? PreparedArticle(entry, engine: dedup, groupsStories: storyParameters != nil)
            let title = prepared.content.title
            try insert.execute(arguments: [
                sourceID, article.identity, entry.id, entry.link, title, entry.author, entry.summary?.html,
                entry.content?.html, prepared.content.text, prepared.content.contentHash,
                (entry.published ?? entry.updated)?.storedValue, entry.updated?.storedValue, now.storedValue,
            ])
            let articleID = db.lastInsertedRowID
            newArticles = (newArticles?.lowerBound ?? articleID)...articleID
            listed.append(ListedArticle(id: articleID, age: entry.published ?? entry.updated ?? now, wasListed: true))
            var details: [String: JSONValue] = [:]
            if let published = entry.published ?? entry.updated { details["published"] = .string(ISO8601.string(published)) }
            let seq = try ChangeRecorder.record(.articleAdded, in: db, at: now, sourceID: sourceID, articleID: articleID,
                                                url: entry.link, title: title, details: details)
            summary.added.append((articleID, seq))
            // Judged by when it was published (not in the future), so the window means publication age.
            let published = min(entry.published ?? entry.updated ?? now, now)
            let verdict = try judgeDuplicate(articleID: articleID, prepared: prepared, sourceID: sourceID, url: entry.link,
                                             time: published, now: now, in: db)
            if verdict.match != nil { summary.duplicates += 1 }
            try placeInStory(articleID: articleID, features: { prepared.storyFeatures(droppingLines: verdict.droppedLines) },
                             sourceID: sourceID, url: entry.link, title: title, time: published,
                             duplicate: verdict.match, now: now, in: db)
        }
        if let newArticles { try SearchIndexing.add(newArticles.lowerBound, through: newArticles.upperBound, in: db) }
        if noteListing {
            summary.removed = try self.noteListing(listed, sourceID: sourceID, at: now, in: db)
        }
        return summary
    }

    private static let storedArticle = """
        SELECT id, content_hash, in_feed, coalesce(published_at, first_seen_at) AS age
        FROM articles WHERE source_id = ? AND identity = ?
        """
}

/// A source's state between fetches.
public struct SourceFetchState: Sendable {
    public var validators: FetchValidators
    /// Set after a permanent redirect: fetch here instead of the configured URL.
    public var movedTo: URL?
    public var consecutiveErrors: Int
    /// The interval learnt from the feed's publishing rate, once there is one.
    public var learntInterval: Double?
}

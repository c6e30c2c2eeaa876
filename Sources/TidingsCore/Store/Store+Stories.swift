import Foundation
import GRDB

/// Story grouping in the store: each new article joins a story inside the
/// transaction that stores it, so an article and its story commit together
/// (the story's centroid is written a minute at a time, with the term statistics).
/// The clusterer (term statistics, active stories) lives in memory, loaded
/// from the store on the first ingest and dropped whenever a write fails, so
/// that memory never runs ahead of what committed.
extension Store {
    /// Puts a just-stored article into a story: its original's when it is a duplicate, the best
    /// scoring one within the window, or a new one. Records `story.created` or `story.joined`.
    func placeInStory(articleID: Int64, features: () -> StoryFeatures, sourceID: String, url: String?, title: String,
                      time: Date, duplicate: DuplicateMatch?, now: Date, in db: Database) throws {
        guard let parameters = storyParameters else { return }
        try storyClusterer.withLock { state in
            var clusterer = try state.take() ?? Self.loadStories(parameters, in: db)
            defer { state = clusterer }
            let article = StoryMember(id: articleID, sourceID: sourceID, url: url, title: title, time: time)
            try place(article, features: features, duplicate: duplicate, clusterer: &clusterer, now: now, in: db)
        }
    }

    /// Writes the term counts added and the centroids changed since they were last written, when
    /// `force`d (on close) or when a minute has passed or many counts are waiting: once per ingest
    /// transaction would cost every article a hundred upserts and a story row rewritten with its
    /// centroid. A crash loses at most that minute of counts and centroid changes, never an article
    /// or its place in a story (the statistics stay a consistent snapshot: terms and the article total
    /// are written together; a story whose centroid was never written is not joined after a restart).
    func saveStoryStatistics(in db: Database, force: Bool = false, now: Date = Date()) throws {
        guard storyParameters != nil else { return }
        guard let (pending, documents, centroids) = storyClusterer.withLock({ state
            -> ([(key: UInt64, count: UInt32)], Int, [Int64: StoryVector])? in
            guard state != nil else { return nil }
            guard force || state!.pendingStatistics >= Self.statisticsBatch
                || now.timeIntervalSince(state!.statisticsSavedAt) >= Self.statisticsPeriod else { return nil }
            state!.statisticsSavedAt = now
            return (state!.takePendingStatistics(), state!.statistics.documents, state!.takeUnsavedCentroids())
        }) else { return }
        if !pending.isEmpty { try Self.writeStatistics(pending, documents: documents, in: db) }
        // In id order: stories created one after another sit on neighbouring pages.
        let centroid = try db.cachedStatement(sql: "UPDATE stories SET centroid = ? WHERE id = ?")
        for (id, vector) in centroids.sorted(by: { $0.key < $1.key }) {
            try centroid.execute(arguments: [Data(vector.blob), id])
        }
    }

    /// Adds `pending` to the stored term counts and sets the article total.
    private static func writeStatistics(_ pending: [(key: UInt64, count: UInt32)], documents: Int, in db: Database) throws {
        // In key order, so the upserts walk the table's B-tree once instead of hopping between pages.
        let rows = pending.map { (term: Int64(bitPattern: $0.key), count: Int64($0.count)) }.sorted { $0.term < $1.term }
        for start in stride(from: 0, to: rows.count, by: statisticsRowsPerStatement) {
            let chunk = rows[start..<min(start + statisticsRowsPerStatement, rows.count)]
            var arguments = StatementArguments()
            for row in chunk { arguments += [row.term, row.count] }
            let sql = """
                INSERT INTO story_terms (term, documents) VALUES \(Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT (term) DO UPDATE SET documents = documents + excluded.documents
                """
            // The last chunk's size varies from one write to the next: caching each size would keep
            // up to 500 prepared statements for good.
            let full = chunk.count == statisticsRowsPerStatement
            try (full ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)).execute(arguments: arguments)
        }
        try db.execute(sql: "UPDATE story_statistics SET documents = ? WHERE id = 1", arguments: [documents])
    }

    /// Whether term counts are waiting to be written.
    var hasUnsavedStoryStatistics: Bool {
        storyClusterer.withLock { $0?.hasUnsavedChanges ?? false }
    }

    static let statisticsPeriod: TimeInterval = 60
    static let statisticsBatch = 200_000
    static let statisticsRowsPerStatement = 500

    /// Forgets the in-memory stories (after a failed write): the next ingest reloads them.
    func forgetStories() {
        storyClusterer.withLock { $0 = nil }
    }

    private struct StoryMember {
        var id: Int64
        var sourceID: String
        var url: String?
        var title: String
        var time: Date
    }

    private func place(_ article: StoryMember, features: () -> StoryFeatures, duplicate: DuplicateMatch?,
                       clusterer: inout StoryClusterer, now: Date, in db: Database) throws {
        let seconds = article.time.timeIntervalSince1970
        var storyID: Int64?
        var score: Double?
        var created = false
        let original = try duplicate.flatMap {
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT story_id FROM story_articles WHERE article_id = ?"),
                               arguments: [$0.canonicalID])
        }
        if let original {
            // A copy adds nothing to what the story is about: it only stretches its time span.
            storyID = original
            clusterer.extend(original, to: seconds)
        } else {
            let vector = clusterer.vector(of: features())
            if clusterer.statistics.isDueForHalving { try halveStatistics(of: &clusterer, in: db) }
            if let match = clusterer.bestStory(for: vector, at: seconds) {
                storyID = match.storyID
                score = (match.score * 10000).rounded() / 10000
            } else {
                try db.cachedStatement(sql: """
                    INSERT INTO stories (article_id, title, first_at, last_at, articles, sources, centroid)
                    VALUES (?, ?, ?, ?, 0, 0, x'')
                    """).execute(arguments: [article.id, article.title, article.time.storedValue, article.time.storedValue])
                storyID = db.lastInsertedRowID
                created = true
            }
            clusterer.add(vector, to: storyID!, at: seconds)
        }
        guard let storyID else { return }
        let joined = created ? "started" : original != nil ? "duplicate" : "similarity"
        try db.cachedStatement(sql: "INSERT INTO story_articles (article_id, story_id, source_id, joined, score) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [article.id, storyID, article.sourceID, joined, score])
        // One statement: the counts and the span (an outlet counts once: when no other member comes
        // from it). The earliest article names the story; a member published before it takes over.
        // The centroid is written with the term statistics (`saveStoryStatistics`).
        let title = try String.fetchOne(db.cachedStatement(sql: """
            UPDATE stories SET articles = articles + 1,
                sources = sources + NOT EXISTS (SELECT 1 FROM story_articles
                                                WHERE story_id = ?1 AND source_id = ?5 AND article_id <> ?3),
                article_id = CASE WHEN ?2 < first_at THEN ?3 ELSE article_id END,
                title = CASE WHEN ?2 < first_at THEN ?4 ELSE title END,
                first_at = min(first_at, ?2), last_at = max(last_at, ?2)
            WHERE id = ?1 RETURNING title
            """), arguments: [storyID, article.time.storedValue, article.id, article.title, article.sourceID])
        var details: [String: JSONValue] = ["story": .int(Int(storyID))]
        if !created {
            details["story_title"] = .string(title ?? "")
            details["via"] = .string(joined)
            if let score { details["score"] = .double(score) }
        }
        try ChangeRecorder.record(created ? .storyCreated : .storyJoined, in: db, at: now, sourceID: article.sourceID,
                                  articleID: article.id, url: article.url, title: article.title, details: details)
    }

    /// Halves the term statistics in memory and in the store alike, in the transaction that stores
    /// the article that brought them to their horizon: what is pending is written first, so that
    /// both halve the same counts. A failed write drops the clusterer, which reloads the store's.
    private func halveStatistics(of clusterer: inout StoryClusterer, in db: Database) throws {
        try Self.writeStatistics(clusterer.takePendingStatistics(), documents: clusterer.statistics.documents, in: db)
        let times = clusterer.halveStatistics()
        try db.execute(sql: "DELETE FROM story_terms WHERE documents >> ? = 0", arguments: [times])
        try db.execute(sql: "UPDATE story_terms SET documents = documents >> ?", arguments: [times])
        try db.execute(sql: "UPDATE story_statistics SET documents = ? WHERE id = 1", arguments: [clusterer.statistics.documents])
    }

    /// The clusterer as the store left it: term statistics, and the stories recent enough to join.
    private static func loadStories(_ parameters: StoryParameters, in db: Database) throws -> StoryClusterer {
        var clusterer = StoryClusterer(parameters: parameters, keepsPendingStatistics: true)
        let documents = try Int.fetchOne(db, sql: "SELECT documents FROM story_statistics WHERE id = 1") ?? 0
        var frequencies: [(UInt64, UInt32)] = []
        let terms = try Row.fetchCursor(db, sql: "SELECT term, documents FROM story_terms")
        while let row = try terms.next() {
            frequencies.append((UInt64(bitPattern: row[0]), UInt32(clamping: row[1] as Int64)))
        }
        clusterer.loadStatistics(documents: documents, frequencies: frequencies)
        guard let newest = try Date.fetchOne(db, sql: "SELECT max(last_at) FROM stories") else { return clusterer }
        let stories = try Row.fetchCursor(db, sql: """
            SELECT id, first_at, last_at, centroid FROM stories WHERE last_at >= ? ORDER BY last_at
            """, arguments: [newest.addingTimeInterval(-2 * parameters.window)])
        while let row = try stories.next() {
            let blob: Data = row["centroid"]
            guard let centroid = StoryVector(blob: [UInt8](blob)) else { continue }
            let first: Date = row["first_at"]
            let last: Date = row["last_at"]
            clusterer.restore(ActiveStory(id: row["id"], centroid: centroid, first: first.timeIntervalSince1970,
                                          last: last.timeIntervalSince1970))
        }
        return clusterer
    }
}

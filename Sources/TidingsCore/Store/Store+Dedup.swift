import Foundation
import GRDB

/// The daemon's `DedupIndex`: the store's dedup tables, read and written inside
/// the transaction that inserts the article, so a verdict and its article
/// commit together.
struct StoreDedupIndex: DedupIndex {
    let db: Database
    /// Whose band rows not yet merged (`RecentBands`) are looked up and added to.
    let store: Store

    func boilerplate(source: String, lines: [UInt64], repeats: Int) throws -> Set<UInt64> {
        let scope = Self.scopeKey(source)
        var found = Set<UInt64>()
        for chunk in Self.chunks(of: lines) {
            let statement = try db.cachedStatement(sql: """
                SELECT line_key FROM dedup_lines WHERE scope_key = ? AND seen >= ? AND line_key IN (\(Self.placeholders(chunk.count, "?")))
                """)
            let keys = try Int64.fetchAll(statement, arguments: StatementArguments([scope, Int64(repeats)] + chunk.map { Int64(bitPattern: $0) }))
            for key in keys { found.insert(UInt64(bitPattern: key)) }
        }
        return found
    }

    func remember(source: String, lines: [UInt64], at time: Double) throws {
        let scope = Self.scopeKey(source)
        var seen = Set<UInt64>()
        let unique = lines.filter { seen.insert($0).inserted }  // one row may not be upserted twice in a statement
        for chunk in Self.chunks(of: unique) {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO dedup_lines (scope_key, line_key, seen, last_seen) VALUES \(Self.placeholders(chunk.count, "(?, ?, 1, ?)"))
                ON CONFLICT (scope_key, line_key) DO UPDATE SET seen = seen + 1, last_seen = max(last_seen, excluded.last_seen)
                """)
            var arguments = StatementArguments()
            for line in chunk { arguments += [scope, Int64(bitPattern: line), time] }
            try statement.execute(arguments: arguments)
        }
    }

    /// Keys in statement-sized groups: one statement per group, not one per key.
    private static func chunks(of keys: [UInt64]) -> [ArraySlice<UInt64>] {
        stride(from: 0, to: keys.count, by: 64).map { keys[$0..<min($0 + 64, keys.count)] }
    }

    /// `count` copies of `item`, comma-separated.
    static func placeholders(_ count: Int, _ item: String) -> String {
        Array(repeating: item, count: count).joined(separator: ", ")
    }

    func candidates(bandKeys: [UInt64], notBefore: Double) throws -> [DedupCandidate] {
        var buckets: [Int64: [Int64]] = [:]
        try store.withRecentBands(in: db) { $0.collect(bandKeys, notBefore: notBefore, into: &buckets) }
        // All keys in one statement (an IN list is read in key order, half the cost of a
        // statement per key on a big table); then each bucket newest first up to the bucket limit.
        // Only keys the merged table may have: most have no row there, and a lookup of one still
        // reads a leaf page that a big store's cache does not hold.
        let merged = try store.withBandFilter(in: db) { filter in bandKeys.filter { filter.mayContain($0) } }
        for chunk in Self.chunks(of: merged) {
            let statement = try db.cachedStatement(sql: """
                SELECT band_key, article_id FROM dedup_bands WHERE band_key IN (\(Self.placeholders(chunk.count, "?"))) AND time >= ?
                """)
            var arguments = StatementArguments(chunk.map { Int64(bitPattern: $0) })
            arguments += [notBefore]
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() { buckets[row[0], default: []].append(row[1]) }
        }
        var ids = Set<Int64>()
        for members in buckets.values {
            ids.formUnion(members.count <= DedupEngine.bucketLimit ? members : Array(members.sorted(by: >).prefix(DedupEngine.bucketLimit)))
        }
        guard !ids.isEmpty else { return [] }
        let fingerprint = try db.cachedStatement(sql: "SELECT \(Self.columns) FROM dedup_fingerprints WHERE article_id = ?")
        return try ids.sorted().compactMap { try Row.fetchOne(fingerprint, arguments: [$0]).map(Self.candidate) }
    }

    func insert(_ article: JudgedArticle) throws {
        let fingerprint = article.fingerprint
        try db.cachedStatement(sql: """
            INSERT INTO dedup_fingerprints (article_id, time, canonical_id, exact_hash, word_count, shingle_count,
                                            signature, shingles)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [article.id, article.time, article.canonicalID, Int64(bitPattern: fingerprint.exactHash),
                             fingerprint.wordCount, fingerprint.shingleCount, Data(fingerprint.signature.blob),
                             Data(UInt32Blob.encode(fingerprint.shingles))])
        try insertBands(article.bandKeys, articleID: article.id, time: article.time)
    }

    /// An article's band rows: in memory until maintenance merges them (`RecentBands`), or
    /// straight into `dedup_bands` for an article merged already (a revision of an older one).
    func insertBands(_ keys: [UInt64], articleID: Int64, time: Double) throws {
        let kept = try store.withRecentBands(in: db) { bands -> Bool in
            guard bands.holds(articleID) else { return false }
            bands.add(articleID: articleID, time: time, keys: keys)
            return true
        }
        guard !kept else { return }
        try store.withBandFilter(in: db) { filter in
            _ = try Store.insertMergedBands(keys.map { RecentBands.Row(key: Int64(bitPattern: $0), articleID: articleID, time: time) },
                                            into: &filter, in: db)
        }
        // Keys that reach the table outside a merge are kept apart until the next merge stores
        // the filter, so that a restart still finds them.
        for chunk in Self.chunks(of: keys) {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO dedup_band_filter_extra (band_key) VALUES \(Self.placeholders(chunk.count, "(?)"))
                """).execute(arguments: StatementArguments(chunk.map { Int64(bitPattern: $0) }))
        }
    }

    private static let columns = "article_id, canonical_id, exact_hash, shingle_count, signature, shingles"

    private static func candidate(_ row: Row) -> DedupCandidate {
        let signature: Data = row["signature"]
        let shingles: Data = row["shingles"]
        return DedupCandidate(id: row["article_id"], canonicalID: row["canonical_id"],
                              exactHash: UInt64(bitPattern: row["exact_hash"]),
                              signature: UInt32Blob.decode(signature)?[...] ?? [],
                              shingleCount: row["shingle_count"],
                              shingles: UInt32Blob.decode(shingles)?[...] ?? [])
    }

    /// The stored key of a line scope (a source, or the shared headline scope).
    static func scopeKey(_ scope: String) -> Int64 { Int64(bitPattern: StableHash.fnv1a64(scope)) }
}

extension Store {
    /// Judges a just-inserted article against the stored ones and records the verdict:
    /// `duplicate_of` and `similarity` on the article, an `article.duplicate` change row.
    func judgeDuplicate(articleID: Int64, prepared: PreparedArticle, sourceID: String, url: String?,
                        time: Date, now: Date, in db: Database) throws -> (match: DuplicateMatch?, droppedLines: Set<UInt64>) {
        var index = StoreDedupIndex(db: db, store: self)
        let seconds = time.timeIntervalSince1970
        let title = prepared.content.title
        let kept = try dedup.dropBoilerplate(prepared.dedupText, source: sourceID, time: seconds, index: &index)
        let fingerprint = prepared.fingerprint(keeping: kept, engine: dedup)
        guard let match = try dedup.judge(id: articleID, fingerprint: fingerprint, time: seconds,
                                          index: &index) else { return (nil, kept.droppedLines) }
        let similarity = (match.similarity * 10000).rounded() / 10000
        var details: [String: JSONValue] = [
            "matched": .int(Int(match.matchedID)),
            "similarity": .double(similarity),
            "containment": .double((match.containment * 10000).rounded() / 10000),
            "kind": .string(match.kind.rawValue),
        ]
        let canonicalTime = try Double.fetchOne(db.cachedStatement(sql: "SELECT time FROM dedup_fingerprints WHERE article_id = ?"),
                                                arguments: [match.canonicalID])
        if let canonicalTime, seconds < canonicalTime {
            // Published before the cluster's original (feeds arrive in any order): the earliest
            // article is canonical, so the cluster moves under this one.
            let previous = match.canonicalID
            try db.execute(sql: "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", arguments: [articleID, previous])
            try db.execute(sql: "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE id = ?",
                           arguments: [articleID, similarity, previous])
            try db.execute(sql: "UPDATE dedup_fingerprints SET canonical_id = ? WHERE canonical_id IN (?, ?)",
                           arguments: [articleID, previous, articleID])
            let old = try Row.fetchOne(db, sql: "SELECT source_id, url, title FROM articles WHERE id = ?", arguments: [previous])
            details["duplicate_of"] = .int(Int(articleID))
            details["matched"] = .int(Int(articleID))
            details["reason"] = .string("an earlier original arrived")
            try ChangeRecorder.record(.articleDuplicate, in: db, at: now, sourceID: old?["source_id"], articleID: previous,
                                      url: old?["url"], title: old?["title"], details: details)
            return (match, kept.droppedLines)
        }
        details["duplicate_of"] = .int(Int(match.canonicalID))
        try db.cachedStatement(sql: "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE id = ?")
            .execute(arguments: [match.canonicalID, similarity, articleID])
        try ChangeRecorder.record(.articleDuplicate, in: db, at: now, sourceID: sourceID, articleID: articleID,
                                  url: url, title: title, details: details)
        return (match, kept.droppedLines)
    }

    /// After a significant revision, the article is compared from then on by what it says now:
    /// its fingerprint, exact-text hash and band keys become the new text's (the source's
    /// boilerplate dropped by its line counts as they stand; the revision's lines are not counted
    /// again). Its own verdict and its cluster stand: they were judged when it was first seen, and
    /// later copies already point at it. An article past the dedup window keeps no band rows and
    /// gets none; one stored before dedup existed has no fingerprint and gets none.
    func refingerprint(articleID: Int64, prepared: PreparedArticle, sourceID: String, in db: Database) throws {
        guard let stored = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT time, signature, length(shingles) > 0 AS indexed FROM dedup_fingerprints WHERE article_id = ?
            """), arguments: [articleID]) else { return }
        let time: Double = stored["time"]
        let indexed: Bool = stored["indexed"]
        let index = StoreDedupIndex(db: db, store: self)
        var lines = LineCountsReadOnly(base: index)
        let kept = try dedup.dropBoilerplate(prepared.dedupText, source: sourceID, time: time, index: &lines)
        let fingerprint = prepared.fingerprint(keeping: kept, engine: dedup)
        if indexed { try deleteBands(of: articleID, signature: stored["signature"], in: db) }
        try db.cachedStatement(sql: """
            UPDATE dedup_fingerprints SET exact_hash = ?, word_count = ?, shingle_count = ?, signature = ?, shingles = ?
            WHERE article_id = ?
            """).execute(arguments: [Int64(bitPattern: fingerprint.exactHash), fingerprint.wordCount, fingerprint.shingleCount,
                                     Data(fingerprint.signature.blob),
                                     Data(indexed ? UInt32Blob.encode(fingerprint.shingles) : []), articleID])
        if indexed, fingerprint.wordCount > 0 {
            try index.insertBands(dedup.bandKeys(of: fingerprint.signature), articleID: articleID, time: time)
        }
    }

    /// Deletes an article's LSH band rows, in memory and in `dedup_bands` (where a merge may have
    /// put them already); the merged rows' keys are recomputed from its `signature` (they live in
    /// their key's B-tree only), and only those the filter says the table may hold are looked for
    /// there (pruning a cold import's articles looked for 28 absent keys each). Returns how many there were.
    @discardableResult
    func deleteBands(of articleID: Int64, signature: Data, in db: Database) throws -> Int {
        var rows = try withRecentBands(in: db) { $0.remove(articleID) }
        let merged = try db.cachedStatement(sql: "DELETE FROM dedup_bands WHERE band_key = ? AND article_id = ?")
        let keys = bandKeys(ofStored: signature)
        for key in try withBandFilter(in: db, { filter in keys.filter { filter.mayContain($0) } }) {
            try merged.execute(arguments: [Int64(bitPattern: key), articleID])
            rows += db.changesCount
        }
        return rows
    }

    /// Deletes the lines seen too rarely to be boilerplate that were last seen before the window,
    /// `chunkRows` rows of the table a call, in key order from where the last call stopped (and
    /// around again at the end): a bounded step each maintenance round instead of a scan of the
    /// whole table (ten million rows for a million articles) at once. Returns the rows deleted.
    @discardableResult
    public func sweepRareLines(now: Date = Date(), chunkRows: Int = 100_000) async throws -> Int {
        let cutoff = now.timeIntervalSince1970 - dedup.parameters.window
        return try await pool.write { db in
            let task = "dedup-lines-sweep"
            let from = try Row.fetchOne(db, sql: "SELECT first_key, second_key FROM upkeep_cursors WHERE task = ?",
                                        arguments: [task]).map { (row: Row) in (row[0] as Int64, row[1] as Int64) }
                ?? (Int64.min, Int64.min)
            let end = try Row.fetchOne(db, sql: """
                SELECT scope_key, line_key FROM dedup_lines WHERE (scope_key, line_key) >= (?, ?)
                ORDER BY scope_key, line_key LIMIT 1 OFFSET ?
                """, arguments: [from.0, from.1, chunkRows]).map { (row: Row) in (row[0] as Int64, row[1] as Int64) }
            try db.execute(sql: """
                DELETE FROM dedup_lines WHERE (scope_key, line_key) >= (?, ?) \(end == nil ? "" : "AND (scope_key, line_key) < (?, ?)")
                    AND last_seen < ? AND seen < ?
                """, arguments: StatementArguments([from.0, from.1] + (end.map { [$0.0, $0.1] } ?? [])
                                                       + [cutoff, Int64(dedup.parameters.boilerplateRepeats)]))
            let deleted = db.changesCount
            let next = end ?? (Int64.min, Int64.min)
            try db.execute(sql: "INSERT OR REPLACE INTO upkeep_cursors (task, first_key, second_key) VALUES (?, ?, ?)",
                           arguments: [task, next.0, next.1])
            return deleted
        }
    }

    /// Forgets what dedup no longer needs: band keys and shingle sets of articles older than the
    /// window (lines seen too rarely to be boilerplate go a chunk a round: `sweepRareLines`).
    /// Signatures stay (for `tidings similar`). Works in batches of `batchSize` articles, one
    /// short transaction each, so ingest never waits long. Returns the number of band rows removed.
    @discardableResult
    public func pruneDedup(now: Date = Date(), batchSize: Int = 500) async throws -> Int {
        let cutoff = now.timeIntervalSince1970 - dedup.parameters.window
        var removed = 0
        while true {
            let (articles, rows) = try await pool.write { db -> (Int, Int) in
                let expired = try Row.fetchAll(db, sql: """
                    SELECT article_id, signature FROM dedup_fingerprints
                    WHERE time < ? AND length(shingles) > 0 LIMIT ?
                    """, arguments: [cutoff, batchSize])
                let forget = try db.cachedStatement(sql: "UPDATE dedup_fingerprints SET shingles = x'' WHERE article_id = ?")
                var rows = 0
                for row in expired {
                    let articleID: Int64 = row["article_id"]
                    rows += try deleteBands(of: articleID, signature: row["signature"], in: db)
                    try forget.execute(arguments: [articleID])
                }
                return (expired.count, rows)
            }
            removed += rows
            if articles < batchSize { break }
        }
        return removed
    }
}

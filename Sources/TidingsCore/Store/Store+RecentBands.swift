import Foundation
import GRDB

/// What the store keeps in memory of its band index: the rows of the articles stored since the
/// last merge (`RecentBands`) and a filter over the keys of `dedup_bands` (`BandKeyFilter`). Read
/// and changed only inside write transactions (one writer); loaded when first needed, forgotten
/// when a transaction that touched them rolls back.
struct RecentBandsState: Sendable {
    var loaded: BandIndexMemory?
    /// Whether the current transaction already asked to be told how it ends.
    var watching = false
}

struct BandIndexMemory: Sendable {
    var recent: RecentBands
    var filter: BandKeyFilter
}

extension Store {
    /// The upkeep cursor that holds the id up to which articles have their rows in `dedup_bands`.
    static let mergedBandsCursor = "dedup-bands-merged"

    /// Runs `body` on the recent band rows inside the write transaction of `db`, loading them
    /// first if needed. Should the transaction roll back, memory forgets them (it may hold what
    /// never committed) and the next use loads them again.
    func withRecentBands<Result>(in db: Database, _ body: (inout RecentBands) throws -> Result) throws -> Result {
        try withBandIndexMemory(in: db) { try body(&$0.recent) }
    }

    /// Runs `body` on the filter over the keys of `dedup_bands`, as `withRecentBands`.
    func withBandFilter<Result>(in db: Database, _ body: (inout BandKeyFilter) throws -> Result) throws -> Result {
        try withBandIndexMemory(in: db) { try body(&$0.filter) }
    }

    private func withBandIndexMemory<Result>(in db: Database, _ body: (inout BandIndexMemory) throws -> Result) throws -> Result {
        let needsWatch = recentBands.withLock { state -> Bool in
            defer { state.watching = true }
            return !state.watching
        }
        if needsWatch {
            db.afterNextTransaction(onCommit: { [self] _ in recentBands.withLock { $0.watching = false } },
                                    onRollback: { [self] _ in recentBands.withLock { $0 = RecentBandsState() } })
        }
        if recentBands.withLock({ $0.loaded == nil }) {
            let loaded = BandIndexMemory(recent: try loadRecentBands(in: db), filter: try loadBandFilter(in: db))
            recentBands.withLock { $0.loaded = loaded }
        }
        return try recentBands.withLock { state in
            var memory = state.loaded!
            state.loaded = nil  // one copy: `body` changes it in place
            defer { state.loaded = memory }
            return try body(&memory)
        }
    }

    /// The stored filter with the keys inserted outside merges since it was stored; built from
    /// the table (and stored) when there is none, as after the upgrade that introduced it.
    private func loadBandFilter(in db: Database) throws -> BandKeyFilter {
        var filter: BandKeyFilter
        if let row = try Row.fetchOne(db, sql: "SELECT bits, inserted FROM dedup_band_filter WHERE id = 1"),
           let stored = BandKeyFilter(blob: row["bits"] as Data, inserted: row["inserted"]) {
            filter = stored
            for key in try Int64.fetchAll(db, sql: "SELECT band_key FROM dedup_band_filter_extra") {
                filter.insert(UInt64(bitPattern: key))
            }
        } else {
            filter = try rebuildBandFilter(in: db)
        }
        return filter
    }

    /// A new filter over every key of `dedup_bands` (with room for half as many again), stored.
    /// Reads the whole table: about 700 MB for a million articles in the window.
    private func rebuildBandFilter(in db: Database) throws -> BandKeyFilter {
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_bands") ?? 0
        var filter = BandKeyFilter(capacity: rows + max(rows / 2, 1_000_000))
        let keys = try Int64.fetchCursor(db, sql: "SELECT band_key FROM dedup_bands")
        while let key = try keys.next() { filter.insert(UInt64(bitPattern: key)) }
        try storeBandFilter(filter, in: db)
        return filter
    }

    private func storeBandFilter(_ filter: BandKeyFilter, in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO dedup_band_filter (id, bits, inserted) VALUES (1, ?, ?)",
                       arguments: [Data(filter.blob), filter.inserted])
        try db.execute(sql: "DELETE FROM dedup_band_filter_extra")
    }

    /// The rows of the articles not yet merged, from their signatures. Articles past the window
    /// (their shingles pruned) have none.
    private func loadRecentBands(in db: Database) throws -> RecentBands {
        let mergedThrough = try Int64.fetchOne(db, sql: "SELECT first_key FROM upkeep_cursors WHERE task = ?",
                                               arguments: [Self.mergedBandsCursor]) ?? 0
        var bands = RecentBands(mergedThrough: mergedThrough)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT article_id, time, signature FROM dedup_fingerprints
            WHERE article_id > ? AND length(shingles) > 0 ORDER BY article_id
            """, arguments: [mergedThrough])
        while let row = try rows.next() {
            bands.add(articleID: row[0], time: row[1], keys: bandKeys(ofStored: row[2]))
        }
        return bands
    }

    /// The band keys of a stored signature; none when it is not one of this engine's (damaged, or
    /// made with another number of permutations).
    func bandKeys(ofStored signature: Data) -> [UInt64] {
        guard let values = UInt32Blob.decode(signature), values.count == dedup.parameters.permutations else { return [] }
        return dedup.bandKeys(of: MinHashSignature(values: values))
    }

    /// Moves the recent band rows into `dedup_bands`, in key order and in short transactions of
    /// `chunkRows` rows, once they are many enough to be worth it: at least `minimumRows`, and an
    /// eighth of the merged rows (estimated from the articles that have band rows), so the merged
    /// table is rewritten at most once per eighth of its size. Rows older than the window are
    /// dropped on the way. Returns the rows moved (0 when it was not yet time).
    @discardableResult
    public func mergeRecentBands(now: Date = Date(), minimumRows: Int = 250_000, chunkRows: Int = 50_000) async throws -> Int {
        let recent = try await pool.write { db in try self.withRecentBands(in: db) { $0.rowCount } }
        guard recent > 0, recent >= minimumRows else { return 0 }
        // Counting the articles with band rows reads the whole fingerprint table (0.7 s from disk
        // for a million articles): only once the recent rows are many, and not on the writer.
        let indexed = try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup_fingerprints WHERE length(shingles) > 0") ?? 0
        }
        guard recent >= (indexed * dedup.parameters.bands.bands - recent) / 8 else { return 0 }
        let cutoff = now.timeIntervalSince1970 - dedup.parameters.window
        let (rows, through, mark) = try await pool.write { db in
            try self.withRecentBands(in: db) { bands in
                let through = bands.newestArticle
                return (bands.rows(through: through), through, bands.sequence)
            }
        }
        var moved = 0
        for start in stride(from: 0, to: rows.count, by: chunkRows) {
            let chunk = rows[start..<min(start + chunkRows, rows.count)]
            moved += try await pool.write { db in
                try self.withBandIndexMemory(in: db) { memory in
                    // An article removed or revised since the rows were taken has none of them left.
                    let current = chunk.filter { memory.recent.contains($0) && $0.time >= cutoff }
                    return try Self.insertMergedBands(current, into: &memory.filter, in: db)
                }
            }
        }
        return try await moved + pool.write { db in
            try self.withBandIndexMemory(in: db) { memory in
                // Revised while the rows were written: their new rows go in with the rest.
                let late = memory.recent.rows(through: through, addedAfter: mark).filter { $0.time >= cutoff }
                let inserted = try Self.insertMergedBands(late, into: &memory.filter, in: db)
                try db.execute(sql: """
                    INSERT INTO upkeep_cursors (task, first_key, second_key) VALUES (?, ?, 0)
                    ON CONFLICT (task) DO UPDATE SET first_key = excluded.first_key
                    """, arguments: [Self.mergedBandsCursor, through])
                memory.recent.markMerged(through: through)
                // Full (keys of pruned rows count too): made again from the table, else stored as it is.
                if memory.filter.inserted > memory.filter.capacity {
                    memory.filter = try rebuildBandFilter(in: db)
                } else {
                    try storeBandFilter(memory.filter, in: db)
                }
                return inserted
            }
        }
    }

    /// Inserts `rows` (best in key order) into `dedup_bands` and their keys into `filter`, which
    /// must hold every key of the table; returns how many rows were new.
    static func insertMergedBands(_ rows: [RecentBands.Row], into filter: inout BandKeyFilter,
                                          in db: Database) throws -> Int {
        for row in rows { filter.insert(UInt64(bitPattern: row.key)) }
        let perStatement = 200
        var inserted = 0
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let group = rows[start..<min(start + perStatement, rows.count)]
            var arguments = StatementArguments()
            for row in group { arguments += [row.key, row.articleID, row.time] }
            let sql = "INSERT OR IGNORE INTO dedup_bands (band_key, article_id, time) VALUES "
                + StoreDedupIndex.placeholders(group.count, "(?, ?, ?)")
            try (group.count == perStatement ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)).execute(arguments: arguments)
            inserted += db.changesCount
        }
        return inserted
    }
}

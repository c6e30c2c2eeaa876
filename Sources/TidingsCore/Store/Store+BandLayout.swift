import GRDB

/// What `Store.adoptBandLayout` found.
public enum BandLayoutAdoption: Sendable, Equatable {
    /// The merged band rows were keyed with this layout already.
    case unchanged
    /// No layout was recorded (a new store, or one from before layouts were): this one is now.
    case recorded
    /// The rows were keyed with `previous`: dropped, to be rebuilt from the articles' signatures.
    case rebuilt(previous: LSHBands)
}

extension Store {
    /// Makes the band index follow this engine's layout (bands x rows, set by `[dedup] threshold`
    /// and `permutations`). A band key depends on the layout, so after a change the merged rows
    /// of the articles still in the window could never be found by new articles, and pruning,
    /// which computes the keys to delete, would never delete them. On a change they are dropped
    /// with the filter over them, and the merge cursor goes back to the start: the in-memory index
    /// (`RecentBands`) then loads every article in the window from its signature with the new
    /// keys, and the next merge writes them to the table. Signatures of another number of
    /// permutations give no keys (they are not comparable), so those articles drop out of matching.
    /// The daemon calls it as it starts; nothing else does (the CLI may not know the config).
    @discardableResult
    public func adoptBandLayout() throws -> BandLayoutAdoption {
        let layout = dedup.parameters.bands
        let adoption = try pool.write { db -> BandLayoutAdoption in
            let stored = try Row.fetchOne(db, sql: "SELECT bands, rows FROM dedup_band_layout WHERE id = 1")
                .map { LSHBands(bands: $0["bands"], rows: $0["rows"]) }
            guard stored != layout else { return .unchanged }  // a read, no write: the usual start
            try db.execute(sql: "INSERT OR REPLACE INTO dedup_band_layout (id, bands, rows) VALUES (1, ?, ?)",
                           arguments: [layout.bands, layout.rows])
            guard let stored else { return .recorded }
            try db.execute(sql: """
                DELETE FROM dedup_bands;
                DELETE FROM dedup_band_filter;
                DELETE FROM dedup_band_filter_extra;
                """)
            try db.execute(sql: "INSERT OR REPLACE INTO upkeep_cursors (task, first_key, second_key) VALUES (?, 0, 0)",
                           arguments: [Self.mergedBandsCursor])
            return .rebuilt(previous: stored)
        }
        if case .rebuilt = adoption { recentBands.withLock { $0 = RecentBandsState() } }  // loaded again, with new keys
        return adoption
    }
}

/// The LSH band rows of the articles stored since the last merge into `dedup_bands`, held in
/// memory instead of a table. Written to a table, each row was an insert at a random place of
/// its B-tree: 28 rows an article dirtied about 28 pages, every transaction, and half of what a
/// cold ingest wrote to the WAL. The rows are derived data (an article's band keys follow from
/// its stored signature), so the store rebuilds them when it opens and nothing is lost with the
/// process; maintenance writes them into `dedup_bands` in key order once they are many.
///
/// A chained hash table whose chains run through the entries (16 bytes a row, plus 4 to 8 bytes
/// of chain heads). An article's entries stay where they are when it is removed: lookups skip
/// them, and the table is rebuilt once the dead rows outnumber the live ones.
struct RecentBands: Sendable {
    /// Articles up to this id have their rows in `dedup_bands` (or none); later ones only here.
    private(set) var mergedThrough: Int64
    /// Band rows of the live articles.
    private(set) var rowCount = 0
    /// How many times articles were added: `rows(through:addedAfter:)` finds those added since.
    private(set) var sequence: UInt64 = 0

    private struct Entry {
        var key: UInt64
        var slot: Int32
        var next: Int32
    }

    private var heads = [Int32](repeating: -1, count: 1 << 12)
    /// An article's entries are added together: those of slot `s` run from `firstEntry[s]` to
    /// the next slot's first (or the end).
    private var entries: [Entry] = []
    /// Per slot (an article as added): its id, its time, when it was added, where its entries
    /// start, and whether it was removed since.
    private var articleIDs: [Int64] = []
    private var addedAt: [UInt64] = []
    private var times: [Double] = []
    private var firstEntry: [Int32] = []
    private var live: [Bool] = []
    private var slotOfArticle: [Int64: Int32] = [:]

    init(mergedThrough: Int64) {
        self.mergedThrough = mergedThrough
    }

    /// Whether `articleID` has its rows here rather than in `dedup_bands`.
    func holds(_ articleID: Int64) -> Bool { articleID > mergedThrough }

    /// Adds the rows of `articleID` (newer than `mergedThrough`), replacing any it had.
    mutating func add(articleID: Int64, time: Double, keys: [UInt64]) {
        sequence += 1
        add(articleID: articleID, time: time, keys: keys, addedAt: sequence)
    }

    private mutating func add(articleID: Int64, time: Double, keys: [UInt64], addedAt added: UInt64) {
        precondition(holds(articleID), "article \(articleID) is merged already")
        remove(articleID)
        guard !keys.isEmpty else { return }
        let slot = Int32(articleIDs.count)
        articleIDs.append(articleID)
        addedAt.append(added)
        times.append(time)
        firstEntry.append(Int32(entries.count))
        live.append(true)
        slotOfArticle[articleID] = slot
        for (index, key) in keys.enumerated() where !keys[..<index].contains(key) {  // one row per (key, article)
            if entries.count >= heads.count { rehash(heads.count * 2) }
            let head = Self.headIndex(key, heads.count)
            entries.append(Entry(key: key, slot: slot, next: heads[head]))
            heads[head] = Int32(entries.count - 1)
            rowCount += 1
        }
    }

    /// Removes the rows of `articleID`; returns how many it had.
    @discardableResult
    mutating func remove(_ articleID: Int64) -> Int {
        guard let slot = slotOfArticle.removeValue(forKey: articleID) else { return 0 }
        live[Int(slot)] = false
        let removed = entryRange(of: Int(slot)).count
        rowCount -= removed
        if entries.count - rowCount > max(rowCount, 1 << 12) { compact(keepingAfter: mergedThrough) }
        return removed
    }

    private func entryRange(of slot: Int) -> Range<Int> {
        Int(firstEntry[slot])..<(slot + 1 < firstEntry.count ? Int(firstEntry[slot + 1]) : entries.count)
    }

    /// Adds to `buckets` the articles (not older than `notBefore`) that have each of `keys`.
    func collect(_ keys: [UInt64], notBefore: Double, into buckets: inout [Int64: [Int64]]) {
        for key in keys {
            var entry = heads[Self.headIndex(key, heads.count)]
            while entry >= 0 {
                let current = entries[Int(entry)]
                let slot = Int(current.slot)
                if current.key == key, live[slot], times[slot] >= notBefore {
                    buckets[Int64(bitPattern: key), default: []].append(articleIDs[slot])
                }
                entry = current.next
            }
        }
    }

    /// One row to write into `dedup_bands`.
    struct Row: Equatable {
        var key: Int64
        var articleID: Int64
        var time: Double
    }

    /// The rows of articles up to `articleID` (added after `sequence` was `addedAfter`), in the
    /// table's key order (band key, article).
    func rows(through articleID: Int64, addedAfter: UInt64 = 0) -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(addedAfter == 0 ? rowCount : 0)
        for entry in entries {
            let slot = Int(entry.slot)
            if live[slot], articleIDs[slot] <= articleID, addedAt[slot] > addedAfter {
                rows.append(Row(key: Int64(bitPattern: entry.key), articleID: articleIDs[slot], time: times[slot]))
            }
        }
        rows.sort { ($0.key, $0.articleID) < ($1.key, $1.articleID) }
        return rows
    }

    /// Whether the row is still here (its article was not removed or changed since `rows`).
    func contains(_ row: Row) -> Bool {
        guard let slot = slotOfArticle[row.articleID] else { return false }
        var entry = heads[Self.headIndex(UInt64(bitPattern: row.key), heads.count)]
        while entry >= 0 {
            let current = entries[Int(entry)]
            if current.slot == slot, current.key == UInt64(bitPattern: row.key) { return true }
            entry = current.next
        }
        return false
    }

    /// The newest article id here (or `mergedThrough` when there is none).
    var newestArticle: Int64 { slotOfArticle.keys.max() ?? mergedThrough }

    /// Forgets the articles up to `articleID`: their rows are in `dedup_bands` now.
    mutating func markMerged(through articleID: Int64) {
        mergedThrough = max(mergedThrough, articleID)
        compact(keepingAfter: mergedThrough)
    }

    /// Rebuilds the table with only the live articles newer than `articleID`, in the order added.
    private mutating func compact(keepingAfter articleID: Int64) {
        let old = self
        self = RecentBands(mergedThrough: mergedThrough)
        sequence = old.sequence
        for slot in old.articleIDs.indices where old.live[slot] && old.articleIDs[slot] > articleID {
            add(articleID: old.articleIDs[slot], time: old.times[slot], keys: old.entryRange(of: slot).map { old.entries[$0].key },
                addedAt: old.addedAt[slot])
        }
    }

    private mutating func rehash(_ capacity: Int) {
        heads = [Int32](repeating: -1, count: capacity)
        for index in entries.indices {
            let head = Self.headIndex(entries[index].key, capacity)
            entries[index].next = heads[head]
            heads[head] = Int32(index)
        }
    }

    /// Band keys are hashes already: their low bits pick the chain.
    private static func headIndex(_ key: UInt64, _ capacity: Int) -> Int {
        Int(truncatingIfNeeded: key) & (capacity - 1)
    }
}

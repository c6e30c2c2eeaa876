import CSearchRank
import Foundation
import GRDB

/// The search index's row lengths packed for ranking: `search_lengths` holds the lengths (tokens
/// in title and text, as FTS5's docsize table has them) of 1,024 consecutive article ids in one
/// 2 KiB blob, little-endian 16-bit, 0 where it has none (no such article, or 65,536 tokens and
/// more). Ranking reads a length there instead of looking it up in docsize, a B-tree row an
/// article: a common word's thousands of lookups in a million articles read 9 MB of pages,
/// the blocks at most 2 MB (`Sources/CSearchRank/lengths.c`).
///
/// A block can only be true or absent: the store's triggers (migration v22) drop it whenever one
/// of its articles is changed or deleted, and ranking reads what is absent from docsize. Blocks
/// to pack wait in `search_lengths_pending`: new articles' blocks (`queue`), changed ones, and
/// at first every block (`queueAll`). The daemon's upkeep packs them (`Store.packSearchLengths`).
///
/// Beside each block, `search_length_floors` (migration v24) keeps the shortest length it held and the
/// last id it knew, a few bytes a block: ranking bounds a match's score with its block's floor before
/// looking its length up, so a common word's matches need far fewer lookups (`--all` on one of
/// 73,552 matches: 5,561 lookups in 973 blocks before, 279 in 240 with the bench store's floors). A
/// floor goes with its block (a trigger on `search_lengths`), and with an article stored below its last id.
enum SearchLengths {
    /// A block holds the ids `block << blockShift` and the next `blockRows - 1`: the layout the ranking
    /// functions read (CSearchRank.h).
    static let blockShift = Int(tidings_lengths_block_shift)
    static let blockRows: Int64 = 1 << blockShift

    /// Queues the blocks of the ids `first...last` (new articles) to be packed.
    static func queue(_ first: Int64, through last: Int64, in db: Database) throws {
        guard first <= last else { return }
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO search_lengths_pending (block) VALUES (?)")
        for block in (first >> blockShift)...(last >> blockShift) { try statement.execute(arguments: [block]) }
    }

    /// Drops every block and queues every block that holds an article (a store migrated to v22,
    /// or a search index made anew): read from an index, half a second for a million articles.
    static func queueAll(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM search_lengths;
            INSERT OR IGNORE INTO search_lengths_pending (block) SELECT DISTINCT id >> \(blockShift) FROM articles;
            """)
    }

    /// Packs up to `limit` queued blocks, lowest first, with their facets (`SearchFacets`); returns how many
    /// it packed and how many are still queued.
    static func pack(limit: Int, in db: Database) throws -> (packed: Int, remaining: Int) {
        let blocks = try Int64.fetchAll(db, sql: "SELECT block FROM search_lengths_pending ORDER BY block LIMIT ?",
                                        arguments: [limit])
        for block in blocks {
            try SearchFacets.pack(block, in: db)
            try pack(block, in: db)
        }
        let remaining = blocks.count < limit ? 0 : try Int.fetchOne(db, sql: "SELECT count(*) FROM search_lengths_pending") ?? 0
        return (blocks.count, remaining)
    }

    /// Packs block `block` from docsize as it is now (a block without articles is dropped).
    static func pack(_ block: Int64, in db: Database) throws {
        let first = block << blockShift
        var lengths = [UInt8](repeating: 0, count: 2 * Int(blockRows))
        var found = false
        var shortest = Int.max, lastID = first
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, sz FROM articles_search_docsize WHERE id BETWEEN ? AND ?"),
                                       arguments: [first, first + blockRows - 1])
        while let row = try rows.next() {
            found = true
            lastID = row["id"]
            let length = documentLength(row["sz"] as Data? ?? Data())
            shortest = min(shortest, length)
            guard length > 0, length <= 0xFFFF else { continue }  // 0 says "not known here": docsize has it
            lengths.setLittleEndian(UInt16(length), at: 2 * Int(lastID - first))
        }
        if found {
            try db.execute(sql: "INSERT OR REPLACE INTO search_lengths (block, lengths) VALUES (?, ?)", arguments: [block, Data(lengths)])
            try db.execute(sql: "INSERT OR REPLACE INTO search_length_floors (block, shortest, last_id) VALUES (?, ?, ?)",
                           arguments: [block, shortest, lastID])
        } else {
            try db.execute(sql: "DELETE FROM search_lengths WHERE block = ?", arguments: [block])
        }
        try db.execute(sql: "DELETE FROM search_lengths_pending WHERE block = ?", arguments: [block])
    }

    /// A docsize row's length: the sum of its columns' sizes, each an SQLite varint (big-endian, 7 bits a byte).
    static func documentLength(_ sizes: Data) -> Int {
        var total = 0, value = 0
        for byte in sizes {
            value = value << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 {
                total += value
                value = 0
            }
        }
        return total
    }
}

extension Store {
    /// Packs every queued block of search lengths, on the calling thread; returns how many.
    public func packAllSearchLengths() throws -> Int {
        var packed = 0
        while true {
            let step = try pool.write { try SearchLengths.pack(limit: 256, in: $0) }
            packed += step.packed
            if step.remaining == 0 { return packed }
        }
    }

    /// Packs queued blocks of search lengths (`SearchLengths`) for about `budget` seconds, in
    /// transactions of `batch` blocks so ingest interleaves. Returns the blocks packed and those still queued.
    public func packSearchLengths(budget: TimeInterval, batch: Int = 64) async throws -> (packed: Int, remaining: Int) {
        let started = Date()
        var packed = 0
        while true {
            let step = try await pool.write { try SearchLengths.pack(limit: batch, in: $0) }
            packed += step.packed
            if step.remaining == 0 || Date().timeIntervalSince(started) >= budget { return (packed, step.remaining) }
        }
    }
}

extension [UInt8] {
    /// Writes `value` at `offset`, little-endian: the byte order of the packed blocks (`SearchLengths`,
    /// `SearchFacets`), which CSearchRank reads.
    mutating func setLittleEndian(_ value: some FixedWidthInteger, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<offset + $0.count, with: $0) }
    }
}

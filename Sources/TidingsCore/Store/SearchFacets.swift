import CSearchRank
import Foundation
import GRDB

/// What a search filters on, packed by article id for ranking (`search_facets`, migration v24):
/// for each block of `SearchLengths` the blocks' 1,024 ids have a 16-bit tag (bit 15 set for a
/// near-duplicate, bits 0-14 the source's number in `search_source_numbers`; 0 when not known)
/// and the minute of their date (published, else first seen; minutes since 1970, Int32.min when
/// not known), little-endian. `tidings_bm25_top` checks a filter on them (CSearchRank's
/// facets.c) instead of reading every match's article row: a common word's 73,552 matches in a
/// million articles are 977 blocks of 6 KiB, their article rows 2 GB.
///
/// Beside each block, `search_facet_spans` keeps the first and last of its minutes (NULL when one is
/// not known) and the last id it holds, in rows of a few bytes: a date filter skips the blocks wholly
/// outside its dates, and reads no minutes for those wholly inside, without reading their blobs.
///
/// A block can only be true or absent: the store's triggers drop it whenever one of its articles
/// changes source, date or duplicate flag, or is deleted, or an article is stored below its last
/// id, and queue it with the lengths (the blocks of `search_lengths_pending`), which
/// `SearchLengths.pack` packs both. Whatever the facets cannot settle, the filter's SQL does:
/// articles stored since the block was packed, in a bound's very minute, or of a date or source
/// number the facets cannot hold.
enum SearchFacets {
    static let duplicateTag: UInt16 = 0x8000
    static let sourceTags: UInt16 = 0x7FFF

    /// Packs block `block` from the articles table as it is now (a block without articles is dropped).
    static func pack(_ block: Int64, in db: Database) throws {
        let rows = Int(SearchLengths.blockRows), first = block << SearchLengths.blockShift
        var tags = [UInt8](repeating: 0, count: 2 * rows)
        var minutes = [UInt8](repeating: 0, count: 4 * rows)
        for row in 0..<rows { minutes.setLittleEndian(Int32(tidings_facet_unknown_minute), at: 4 * row) }
        var numbers: [String: Int64] = [:]
        var found = false
        // The span of the block's minutes (kept only if every date is known as one), and its last id.
        var firstMinute = Int32.max, lastMinute = Int32.min, everyMinuteKnown = true
        var lastID = first
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, source_id, duplicate_of IS NOT NULL, \(ArticleFilter.dateSQL) FROM articles WHERE id BETWEEN ? AND ?
            """), arguments: [first, first + Int64(rows) - 1])
        while let article = try cursor.next() {
            found = true
            let id: Int64 = article[0]
            let at = Int(id - first)
            lastID = id
            if case .string(let text) = (article[3] as DatabaseValue).storage, let minute = minute(ofStored: text) {
                minutes.setLittleEndian(minute, at: 4 * at)
                (firstMinute, lastMinute) = (min(firstMinute, minute), max(lastMinute, minute))
            } else {
                everyMinuteKnown = false
            }
            let source: String = article[1]
            let number = try numbers[source] ?? sourceNumber(source, in: db)
            numbers[source] = number
            guard number <= Int64(sourceTags) else { continue }  // tag 0: the filter's SQL checks it
            tags.setLittleEndian(UInt16(number) | ((article[2] as Bool) ? duplicateTag : 0), at: 2 * at)
        }
        if found {
            try db.execute(sql: "INSERT OR REPLACE INTO search_facets (block, tags, minutes) VALUES (?, ?, ?)",
                           arguments: [block, Data(tags), Data(minutes)])
            try db.execute(sql: "INSERT OR REPLACE INTO search_facet_spans (block, first_minute, last_minute, last_id) VALUES (?, ?, ?, ?)",
                           arguments: [block, everyMinuteKnown ? firstMinute : nil, everyMinuteKnown ? lastMinute : nil, lastID])
        } else {
            try db.execute(sql: "DELETE FROM search_facets WHERE block = ?; DELETE FROM search_facet_spans WHERE block = ?",
                           arguments: [block, block])
        }
    }

    /// The source's number, given it on first sight (never reused: a block keeps it).
    static func sourceNumber(_ source: String, in db: Database) throws -> Int64 {
        if let number = try knownNumber(of: source, in: db) { return number }
        try db.execute(sql: "INSERT INTO search_source_numbers (source_id) VALUES (?)", arguments: [source])
        return db.lastInsertedRowID
    }

    /// The number the source was given, if it has been packed.
    static func knownNumber(of source: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT number FROM search_source_numbers WHERE source_id = ?", arguments: [source])
    }

    /// The minute (since 1970, rounded down) of a date stored as the store writes dates; nil for any
    /// other text (its order as text is not its order in time) or a minute Int32 cannot hold.
    static func minute(ofStored text: String) -> Int32? {
        guard let date = Date.fromStoredText(text) else { return nil }
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let minute = millis >= 0 ? millis / 60_000 : -((-millis + 59_999) / 60_000)
        guard let value = Int32(exactly: minute), value != Int32(tidings_facet_unknown_minute) else { return nil }
        return value
    }
}

/// A filter as `tidings_bm25_top` checks it: on the packed facets, and by `check` (the filter's SQL
/// on one article row, its arguments bound) for the rows they cannot settle.
struct FacetFilter {
    var facets: TidingsFacetFilter
    let check: Statement

    /// `filter` for the facets (its limit aside: that is the search's business); nil when it has nothing to
    /// check, a bound the facets cannot read (a date outside the years 1601-9999), or a source whose number
    /// does not fit a tag.
    init?(_ filter: ArticleFilter, in db: Database) throws {
        let (conditions, arguments) = filter.conditions
        guard !conditions.isEmpty else { return nil }
        var facets = TidingsFacetFilter()
        if let source = filter.source {
            facets.tagMask |= SearchFacets.sourceTags
            // A source never packed has no number: no packed row passes (tag 0 is "not known", checked by SQL).
            let number = try SearchFacets.knownNumber(of: source, in: db) ?? 0
            guard number <= Int64(SearchFacets.sourceTags) else { return nil }  // never packed with its number
            facets.tagValue |= UInt16(number)
        }
        if let duplicates = filter.duplicates {
            facets.tagMask |= SearchFacets.duplicateTag
            facets.tagValue |= duplicates ? SearchFacets.duplicateTag : 0
        }
        func minute(_ date: Date) -> Int32? {
            guard case .string(let text) = date.databaseValue.storage else { return nil }
            return SearchFacets.minute(ofStored: text)
        }
        if let since = filter.since {
            guard let value = minute(since) else { return nil }
            (facets.hasSince, facets.sinceMinute) = (1, value)
        }
        if let until = filter.until {
            guard let value = minute(until) else { return nil }
            (facets.hasUntil, facets.untilMinute) = (1, value)
        }
        check = try db.makeStatement(sql: "SELECT 1 FROM articles WHERE id = ?\(conditions)")
        try check.setArguments([0] + arguments)
        facets.check = check.sqliteStatement
        self.facets = facets
    }
}

import CSearchRank
import Foundation
import GRDB

/// The ranking function searches order by: FTS5's BM25 (titles weighing four times the text),
/// computed by `tidings_bm25`, which skips the rows that cannot reach the results kept.
///
/// FTS5's own `bm25()` looks up every match's length in the index, an SQL statement a row:
/// ranking a common word's 73,500 matches in a million articles took SQLite 90–185 ms that
/// way, and 27–50 ms this way (`bench/cli_bench.py`'s store, 7 runs each from C).
/// `tidings_bm25` first scores a row as if it were as short as the offsets of its matches
/// allow; that bound is never below the real score, so a row whose bound is below the
/// `best` scores already seen cannot be among them and is left out without a lookup. Every
/// other row gets exactly the double `bm25()` gives it (the same operations in the same order),
/// so the results and their scores are those of `bm25()`.
enum SearchRanking {
    /// The weights of title and text (the index's own `rank` is set to the same by migration v10).
    static let weights = "4.0, 1.0"

    /// Makes `tidings_bm25` available on a connection.
    static func register(on db: Database) throws {
        let code = tidings_search_rank_register(db.sqliteConnection)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register the search ranking (FTS5 missing?)")
        }
    }

    /// The score's SQL, lower is better as FTS5 ranks: exact for any row among the `best` best of the
    /// query, a value worse than any score for the rows that cannot be. nil `best` ranks every row exactly.
    /// The query must keep at most `best` rows ordered by this value.
    static func score(best: Int?) -> String {
        "tidings_bm25(articles_search, \(best ?? 0), \(weights))"
    }

    /// The `best` best of the newest `window` matches (nil: of all) that `filter` keeps (nil: every match)
    /// of a query of one phrase (a word, a prefix or a quoted phrase, in one column or all), best first,
    /// with the scores `score(best:)` gives them; nil for any other query, which is then ranked row by row.
    ///
    /// `tidings_bm25_top` reads every match's count and offsets from the index in one pass, checking the
    /// filter on the packed facets (`SearchFacets`) as it goes, and looks up the lengths of the rows in
    /// the order of their bound, best first, until no row left can make the cut: the phrase is evaluated
    /// once (row by row, it is evaluated for the window's start, for its IDF and for the scan), and the
    /// rows are not scored in the order of the scan.
    static func top(_ expression: String, best: Int, window: Int?, filter: FacetFilter? = nil,
                    in db: Database) throws -> RankedMatches? {
        guard best > 0 else { return nil }  // no limit: the function would say nil after a pass over the matches
        let statement = try db.makeStatement(sql: """
            SELECT tidings_bm25_top(articles_search, ?, ?, ?, \(weights)) FROM articles_search WHERE articles_search MATCH ? LIMIT 1
            """)
        try statement.setArguments([best, window ?? 0, nil, expression])
        let found: Row?
        if let facets = filter?.facets {
            found = try withUnsafePointer(to: facets) { pointer in
                _ = tidings_bind_facet_filter(statement.sqliteStatement, 3, pointer)
                defer { sqlite3_bind_null(statement.sqliteStatement, 3) }  // the pointer does not outlive this call
                return try Row.fetchOne(statement)
            }
        } else {
            found = try Row.fetchOne(statement)
        }
        guard let row = found else {
            return RankedMatches(hits: [], cutByWindow: false)  // nothing matches
        }
        guard let ranked = row[0] as Data? else { return nil }
        return ranked.withUnsafeBytes { bytes in
            let header = MemoryLayout<Int64>.size, stride = MemoryLayout<Int64>.size + MemoryLayout<Double>.size
            let hits = (0..<(bytes.count - header) / stride).map { index in
                let id = bytes.loadUnaligned(fromByteOffset: header + index * stride, as: Int64.self)
                let value = bytes.loadUnaligned(fromByteOffset: header + index * stride + MemoryLayout<Int64>.size, as: Double.self)
                return (id: id, score: -value)
            }
            let candidates = bytes.loadUnaligned(as: Int64.self)  // the matches the filter keeps
            return RankedMatches(hits: hits, cutByWindow: window.map { candidates > $0 } ?? false)
        }
    }
}

/// The best matches of a query, best first, with their scores as `SearchRanking.score(best:)` gives them.
struct RankedMatches {
    var hits: [(id: Int64, score: Double)]
    /// More matches than the window: only the newest were ranked.
    var cutByWindow: Bool
}

import CSearchRank
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
}

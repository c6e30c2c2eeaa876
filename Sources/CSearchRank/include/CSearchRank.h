#ifndef TIDINGS_CSEARCHRANK_H
#define TIDINGS_CSEARCHRANK_H

#include <sqlite3.h>

/// Registers the FTS5 auxiliary function `tidings_bm25(table, best, weight...)` on `db`.
///
/// It returns what FTS5's own `bm25(table, weight...)` returns for every row that can be
/// among the `best` lowest (best-ranked) results of the query, to the last bit, and 1.0
/// (worse than any BM25 score, which is never positive) for a row that provably cannot:
/// one whose score, with its document length taken as short as its matches allow, is still
/// below the `best` scores already seen. Only those rows skip the document-size lookup,
/// which is most of what ranking costs. `best` 0, or above 2^20, ranks every row exactly. The query must order by
/// this value with a LIMIT of at most `best`, and evaluate it only for rows that pass its
/// WHERE clause (as SQLite does for a result column).
///
/// It also registers `tidings_bm25_top(table, best, window, weight...)`, for a query of one
/// phrase: called once
/// (`... WHERE articles_search MATCH ? LIMIT 1`), it returns a blob of the number of
/// matches (int64) then the `best` best of the newest `window` matches (0: of all) as
/// (rowid int64, score double) pairs, best first, the score positive and exactly bm25()'s
/// (negated); NULL when the query has more than one phrase or `best` is not in 1...2^20.
///
/// Both are for `articles_search` only: they read its rows' lengths by name, from the store's
/// packed `search_lengths` where it has them and from `articles_search_docsize` otherwise.
///
/// Returns SQLITE_OK, or an SQLite error code when FTS5 is not available.
int tidings_search_rank_register(sqlite3 *db);

/// The store's packed lengths (`search_lengths`): a block holds the rowids `block << shift` to
/// `(block << shift) + 2^shift - 1`, one little-endian 16-bit length each. The store packs them
/// (TidingsCore's `SearchLengths`) and the ranking functions read them, both by this layout.
enum { tidings_lengths_block_shift = 10 };

#endif

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
/// It also registers `tidings_bm25_top(table, best, window, filter, weight...)`, for a query of one
/// phrase: called once
/// (`... WHERE articles_search MATCH ? LIMIT 1`), it returns a blob of the number of
/// matches (int64) then the `best` best of the newest `window` matches (0: of all) as
/// (rowid int64, score double) pairs, best first, the score positive and exactly bm25()'s
/// (negated); NULL when the query has more than one phrase or `best` is not in 1...2^20.
///
/// With a filter (`tidings_bind_facet_filter`, bound to the `filter` argument of
/// `tidings_bm25_top(table, best, window, filter, weight...)`; NULL for none), only the matches
/// it keeps are candidates, the window counts those, and the blob's count is of those.
///
/// Both are for `articles_search` only: they read its rows' lengths by name, from the store's
/// packed `search_lengths` where it has them and from `articles_search_docsize` otherwise;
/// `tidings_bm25_top` also bounds rows by their block's floor (`search_length_floors`).
///
/// Returns SQLITE_OK, or an SQLite error code when FTS5 is not available.
int tidings_search_rank_register(sqlite3 *db);

/// The store's packed lengths (`search_lengths`): a block holds the rowids `block << shift` to
/// `(block << shift) + 2^shift - 1`, one little-endian 16-bit length each. The store packs them
/// (TidingsCore's `SearchLengths`) and the ranking functions read them, both by this layout.
enum { tidings_lengths_block_shift = 10 };

/// A search filter, checked on the store's packed facets (`search_facets`, packed by
/// TidingsCore's `SearchFacets` in the blocks of `search_lengths`): per row a 16-bit tag
/// (bit 15: a near-duplicate; bits 0-14: the source's number; 0: not known) and the minute of
/// its date (published, else first seen; minutes since 1970, `tidings_facet_unknown_minute`
/// when not known). A row passes when `(tag & tagMask) == tagValue` and its date is within the
/// bounds. A row the facets cannot settle (not packed, or dated in a bound's very minute) is
/// settled by `check`: `SELECT 1 FROM articles WHERE id = ?1 AND ...`, its other parameters bound.
typedef struct {
    unsigned short tagMask, tagValue;
    int hasSince, hasUntil;
    /// The minutes of the bounds (`since` inclusive, `until` exclusive), rounded down.
    int sinceMinute, untilMinute;
    sqlite3_stmt *check;
} TidingsFacetFilter;

enum { tidings_facet_unknown_minute = -2147483647 - 1 };

/// Binds `filter` (not copied: it must outlive the statement's run) to parameter `index` of a
/// statement calling `tidings_bm25_top`.
int tidings_bind_facet_filter(sqlite3_stmt *statement, int index, const TidingsFacetFilter *filter);

#endif

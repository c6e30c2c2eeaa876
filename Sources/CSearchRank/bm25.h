/* What tidings_bm25 and tidings_bm25_top share: FTS5's BM25, operation by operation as
 * fts5_aux.c's fts5Bm25Function computes it, so that both give bm25()'s doubles. */
#ifndef TIDINGS_BM25_H
#define TIDINGS_BM25_H

#include <math.h>
#include <sqlite3.h>

static const double bm25K1 = 1.2;
static const double bm25B = 0.75;

/* BM25 of a row with these per-phrase weighted counts at document length `length`. A row's
 * score only falls as `length` grows (every step rounds monotonically). */
static inline double bm25Score(const double *idf, const double *frequency, int phrases, double averageLength,
                               double length) {
    double total = 0.0;
    for (int i = 0; i < phrases; i++) {
        double f = frequency[i];
        total += idf[i] * ((f * (bm25K1 + 1.0)) / (f + bm25K1 * (1 - bm25B + bm25B * length / averageLength)));
    }
    return total;
}

/* The IDF of a phrase found in `hits` of `rows` rows, as bm25() floors it. */
static inline double bm25Idf(sqlite3_int64 rows, sqlite3_int64 hits) {
    double idf = log((rows - hits + 0.5) / (hits + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

/* Each column's weight: the function's argument for it, else 1. Read once per query: a common word's
 * instances are tens of thousands. */
static inline void bm25ReadWeights(sqlite3_value **values, int count, int columns, double *weights) {
    for (int c = 0; c < columns; c++) weights[c] = c < count ? sqlite3_value_double(values[c]) : 1.0;
}

/* The most results a page may ask for and still be ranked with a bound (8 MiB of scores in rank.c). */
static const sqlite3_int64 bm25BestCap = 1 << 20;

/* Adds up the weighted instances of `phrase` in the current row into `*frequency` (`weights` has one per
 * column), and raises `columnEnds[c]` to the offset of its last instance in column c plus one. */
static inline int bm25PhraseCounts(const Fts5ExtensionApi *api, Fts5Context *fts, int phrase, const double *weights,
                                   int columns, int *columnEnds, double *frequency) {
    Fts5PhraseIter iterator;
    int column, offset;
    *frequency = 0.0;
    int rc = api->xPhraseFirst(fts, phrase, &iterator, &column, &offset);
    if (rc != SQLITE_OK) return rc;
    for (; column >= 0; api->xPhraseNext(fts, &iterator, &column, &offset)) {
        if (column >= columns) continue;
        *frequency += weights[column];
        if (offset + 1 > columnEnds[column]) columnEnds[column] = offset + 1;
    }
    return SQLITE_OK;
}

/* The shortest a row can be: the last instance's offset plus one, in each column. */
static inline int bm25ShortestLength(const int *columnEnds, int columns) {
    int shortest = 0;
    for (int c = 0; c < columns; c++) shortest += columnEnds[c];
    return shortest;
}

/* Registers tidings_bm25_top (top.c). */
int tidings_search_top_register(fts5_api *api);

#endif

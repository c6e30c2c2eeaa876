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

/* The weight of an instance in `column`: the function's argument for it, else 1. */
static inline double bm25Weight(sqlite3_value **weights, int count, int column) {
    return count > column ? sqlite3_value_double(weights[column]) : 1.0;
}

/* Registers tidings_bm25_top (top.c). */
int tidings_search_top_register(fts5_api *api);

#endif

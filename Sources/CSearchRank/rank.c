/* tidings_bm25: FTS5's BM25 with a bound that skips rows which cannot reach the top.
 *
 * FTS5's bm25() reads each matching row's size from the index's docsize table: an SQL
 * statement per row, which is most of the cost of ranking a common word's 74,000 matches.
 * The score only grows as the row gets shorter, and a row is at least as long as the
 * offset of its last match in each column, plus one. So the score a row would have at that
 * length bounds the real one from above; when the bound is below the `best` scores already
 * seen, the row cannot make the cut and its size is never read. Every other row is scored
 * exactly as fts5_aux.c's fts5Bm25Function does, operation by operation, so the results
 * are the same doubles. */
#include "CSearchRank.h"
#include "bm25.h"
#include "lengths.h"

#include <stdlib.h>
#include <string.h>

/* What one query needs across its rows: FTS5 keeps it with the cursor (xSetAuxdata). */
typedef struct {
    int phrases;
    int columns;
    double averageLength;
    double *idf;        /* per phrase */
    double *frequency;  /* per phrase, this row's weighted count of instances */
    double *weights;    /* per column */
    int *columnEnds;    /* per column, this row's last match offset + 1 */
    LengthReader *lengths;
    int best;           /* how many results the query keeps; 0: no bound */
    int kept;
    double *heap;       /* the `best` highest scores so far (positive), lowest at the top */
    sqlite3_int64 lastRow;
    int hasLast;
    double lastResult;
} RankState;

static int countRow(const Fts5ExtensionApi *api, Fts5Context *fts, void *count) {
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)count)++;
    return SQLITE_OK;
}

static void freeRankState(void *state) {
    lengthReaderClose(((RankState *)state)->lengths);
    free(state);
}

static RankState *rankState(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, int best,
                            sqlite3_value **weights, int weightCount, int *rc) {
    RankState *state = api->xGetAuxdata(fts, 0);
    if (state) return state;
    int phrases = api->xPhraseCount(fts);
    int columns = api->xColumnCount(fts);
    size_t bytes = sizeof(RankState) + sizeof(double) * (2 * (size_t)phrases + (size_t)best + (size_t)columns)
        + sizeof(int) * (size_t)columns;
    state = calloc(1, bytes);
    if (!state) {
        *rc = SQLITE_NOMEM;
        return NULL;
    }
    state->phrases = phrases;
    state->columns = columns;
    state->idf = (double *)(state + 1);
    state->frequency = state->idf + phrases;
    state->heap = state->frequency + phrases;
    state->weights = state->heap + best;
    state->columnEnds = (int *)(state->weights + columns);
    bm25ReadWeights(weights, weightCount, columns, state->weights);
    state->best = best;
    state->lengths = lengthReaderOpen(db);
    if (!state->lengths) *rc = SQLITE_NOMEM;
    sqlite3_int64 rows = 0, tokens = 0;
    if (*rc == SQLITE_OK) *rc = api->xRowCount(fts, &rows);
    if (*rc == SQLITE_OK) *rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (*rc == SQLITE_OK) state->averageLength = (double)tokens / (double)rows;
    for (int i = 0; *rc == SQLITE_OK && i < phrases; i++) {
        sqlite3_int64 hits = 0;
        *rc = api->xQueryPhrase(fts, i, &hits, countRow);
        if (*rc == SQLITE_OK) state->idf[i] = bm25Idf(rows, hits);
    }
    if (*rc == SQLITE_OK) *rc = api->xSetAuxdata(fts, state, freeRankState);  /* on failure it frees it */
    else freeRankState(state);
    return *rc == SQLITE_OK ? state : NULL;
}

/* BM25 of the current row's frequencies at document length `length`. */
static double score(const RankState *state, double length) {
    return bm25Score(state->idf, state->frequency, state->phrases, state->averageLength, length);
}

/* Keeps `value` if it is among the `best` highest so far (a min-heap of them). */
static void keep(RankState *state, double value) {
    double *heap = state->heap;
    int i;
    if (state->kept < state->best) {
        for (i = state->kept++; i > 0 && heap[(i - 1) / 2] > value; i = (i - 1) / 2) heap[i] = heap[(i - 1) / 2];
        heap[i] = value;
        return;
    }
    if (value <= heap[0]) return;
    for (i = 0;;) {
        int child = 2 * i + 1;
        if (child >= state->kept) break;
        if (child + 1 < state->kept && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= value) break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = value;
}

static void finish(RankState *state, sqlite3_context *context, sqlite3_int64 row, double result) {
    state->lastRow = row;
    state->hasLast = 1;
    state->lastResult = result;
    sqlite3_result_double(context, result);
}

static void rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context, int count,
                 sqlite3_value **values) {
    if (count < 1) {
        sqlite3_result_error(context, "tidings_bm25: expected (table, best, weight...)", -1);
        return;
    }
    /* A page longer than the cap (a script asking for everything) is ranked without the bound: exact all the same. */
    sqlite3_int64 best = sqlite3_value_int64(values[0]);
    int rc = SQLITE_OK;
    RankState *state = rankState(api, fts, sqlite3_context_db_handle(context), best < 0 || best > bm25BestCap ? 0 : (int)best,
                                 values + 1, count - 1, &rc);
    if (!state) {
        sqlite3_result_error_code(context, rc);
        return;
    }
    sqlite3_int64 row = api->xRowid(fts);
    if (state->hasLast && state->lastRow == row) {  /* the same row asked again: answered, not counted twice */
        sqlite3_result_double(context, state->lastResult);
        return;
    }
    memset(state->columnEnds, 0, sizeof(int) * (size_t)state->columns);
    for (int i = 0; i < state->phrases; i++) {
        rc = bm25PhraseCounts(api, fts, i, state->weights, state->columns, state->columnEnds, &state->frequency[i]);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(context, rc);
            return;
        }
    }
    if (state->best > 0 && state->kept == state->best) {
        if (score(state, (double)bm25ShortestLength(state->columnEnds, state->columns)) < state->heap[0]) {
            finish(state, context, row, 1.0);
            return;
        }
    }
    int length = 0;
    rc = lengthReaderGet(state->lengths, row, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(context, rc);
        return;
    }
    double value = score(state, (double)length);
    if (state->best > 0) keep(state, value);
    finish(state, context, row, -1.0 * value);
}

static fts5_api *fts5(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    return api;
}

int tidings_search_rank_register(sqlite3 *db) {
    fts5_api *api = fts5(db);
    if (!api) return SQLITE_ERROR;
    int rc = api->xCreateFunction(api, "tidings_bm25", NULL, rank, NULL);
    return rc == SQLITE_OK ? tidings_search_top_register(api) : rc;
}

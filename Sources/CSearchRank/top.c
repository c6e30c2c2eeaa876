/* tidings_bm25_top: the best rows of a one-phrase query, ranked in one pass over its matches.
 *
 * tidings_bm25 sees the rows in the order FTS5 scans them (by rowid), so its bound can only
 * leave a row out once the rows before it have raised the cut: for a common word, thousands
 * of rows are still looked up. Here every match is read first, from the index alone (its
 * weighted count and the offset of its last match in each column), and scored at the
 * shortest length those offsets allow. Rows are then looked up in the order of that bound,
 * best first, and the search stops as soon as the next bound cannot beat the `best`
 * exact scores kept: most of the matches of a common word are never looked up. The scores
 * kept are computed as bm25() computes them, so they are its doubles.
 *
 * With a window, only the newest `window` matches are ranked (the IDF still counts them all),
 * as a search ranks the newest 10,000 matches of a common word unless asked for all. With a
 * filter, only the matches it keeps are candidates (the window counts those), each checked as it
 * is read (facets.h).
 *
 * Only a query of one phrase (a word, a prefix, a quoted phrase, with or without a column)
 * can be read this way: its matches are that phrase's rows. FTS5 gives them to an
 * auxiliary function through xQueryPhrase. */
#include "CSearchRank.h"
#include "bm25.h"
#include "facets.h"
#include "lengths.h"

#include <stdlib.h>
#include <string.h>

/* A match, as the index tells it. */
typedef struct {
    sqlite3_int64 rowid;
    double frequency;  /* weighted count of its instances */
    double bound;      /* its score at the shortest length its offsets allow */
} Candidate;

/* How many rows are looked up at a time. */
enum { lookupBatch = 256 };

/* A row kept, with its exact score. */
typedef struct {
    sqlite3_int64 rowid;
    double value;
} Ranked;

typedef struct {
    double *weights;       /* per column */
    int columns;
    sqlite3_int64 window;  /* only the newest this many rows are candidates; 0: all */
    sqlite3_int64 hits;    /* every row of the phrase: its IDF counts them all */
    FacetReader *filter;   /* NULL: every row is a candidate */
    sqlite3_int64 passed;  /* the rows that pass the filter (all without one) */
    sqlite3_int64 next;    /* the slot of the next row that passes */
    Candidate *candidates; /* with a window, a ring of the newest rows seen */
    sqlite3_int64 capacity;
    int *columnEnds;
} Collector;

static int collect(const Fts5ExtensionApi *api, Fts5Context *fts, void *context) {
    Collector *collector = context;
    collector->hits++;
    sqlite3_int64 rowid = api->xRowid(fts);
    if (collector->filter) {
        int passes = 0;
        int rc = facetReaderPasses(collector->filter, rowid, &passes);
        if (rc != SQLITE_OK || !passes) return rc;
    }
    collector->passed++;
    /* With a window, the oldest row kept gives way to the next (the rows come in rowid order). */
    sqlite3_int64 slot = collector->next++;
    if (collector->next == collector->window) collector->next = 0;
    if (slot == collector->capacity) {
        sqlite3_int64 capacity = collector->capacity ? 2 * collector->capacity : 1024;
        if (collector->window > 0 && capacity > collector->window) capacity = collector->window;
        Candidate *grown = realloc(collector->candidates, sizeof(Candidate) * (size_t)capacity);
        if (!grown) return SQLITE_NOMEM;
        collector->candidates = grown;
        collector->capacity = capacity;
    }
    memset(collector->columnEnds, 0, sizeof(int) * (size_t)collector->columns);
    double frequency;
    int rc = bm25PhraseCounts(api, fts, 0, collector->weights, collector->columns, collector->columnEnds, &frequency);
    if (rc != SQLITE_OK) return rc;
    Candidate *candidate = &collector->candidates[slot];
    candidate->rowid = rowid;
    candidate->frequency = frequency;
    /* A length for now, as short as its matches allow: bounded once the IDF (which counts every row) is known. */
    candidate->bound = (double)bm25ShortestLength(collector->columnEnds, collector->columns);
    return SQLITE_OK;
}

/* `a` ranks before `b`: a higher score, and between equal scores the newer row (ORDER BY score, rowid DESC). */
static int before(const Ranked *a, const Ranked *b) {
    return a->value > b->value || (a->value == b->value && a->rowid > b->rowid);
}

/* A max-heap of candidates by bound. */
static void siftDown(Candidate *heap, sqlite3_int64 count, sqlite3_int64 i) {
    Candidate item = heap[i];
    for (;;) {
        sqlite3_int64 child = 2 * i + 1;
        if (child >= count) break;
        if (child + 1 < count && heap[child + 1].bound > heap[child].bound) child++;
        if (heap[child].bound <= item.bound) break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = item;
}

/* A min-heap of bounds: the `count` highest seen so far, the lowest of them on top. */
static void siftBoundDown(double *heap, sqlite3_int64 count, sqlite3_int64 i) {
    double item = heap[i];
    for (;;) {
        sqlite3_int64 child = 2 * i + 1;
        if (child >= count) break;
        if (child + 1 < count && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= item) break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = item;
}

/* Moves the candidates of the `count` highest bounds among `items[0..n)`, n > count, (and any that tie the
 * lowest of them) to its front, in no order, and returns how many were moved. `scratch` has room for `count`
 * bounds. Two sequential passes: the bounds take few distinct values, which a partitioning select would
 * swap back and forth. */
static sqlite3_int64 gatherHighest(Candidate *items, sqlite3_int64 n, sqlite3_int64 count, double *scratch) {
    for (sqlite3_int64 i = 0; i < count; i++) scratch[i] = items[i].bound;
    for (sqlite3_int64 i = count / 2; i-- > 0;) siftBoundDown(scratch, count, i);
    for (sqlite3_int64 i = count; i < n; i++) {
        if (items[i].bound > scratch[0]) {
            scratch[0] = items[i].bound;
            siftBoundDown(scratch, count, 0);
        }
    }
    double threshold = scratch[0];
    sqlite3_int64 gathered = 0;
    for (sqlite3_int64 i = 0; i < n; i++) {
        if (items[i].bound >= threshold) {
            Candidate swap = items[gathered];
            items[gathered++] = items[i];
            items[i] = swap;
        }
    }
    return gathered;
}

/* The candidates, highest bound first: a heap of the highest few at a time, gathered from the rest when it
 * empties. Most matches of a common word are never taken, so most are never sorted. */
typedef struct {
    Candidate *heap;
    sqlite3_int64 heapCount;
    Candidate *rest;
    sqlite3_int64 restCount;
    sqlite3_int64 round; /* how many the next gathering takes (doubling each time) */
    double *scratch;     /* room for `round` bounds */
} BoundQueue;

/* The candidate of highest bound left, or NULL when none is. */
static const Candidate *boundQueuePeek(BoundQueue *queue) {
    if (queue->heapCount == 0) {
        if (queue->restCount == 0) return NULL;
        sqlite3_int64 take = queue->restCount;
        if (take > queue->round) {
            /* Short of memory, the heap takes them all: slower, the same order. */
            double *scratch = realloc(queue->scratch, sizeof(double) * (size_t)queue->round);
            if (scratch) {
                queue->scratch = scratch;
                take = gatherHighest(queue->rest, queue->restCount, queue->round, scratch);
            }
        }
        queue->heap = queue->rest;
        queue->heapCount = take;
        queue->rest += take;
        queue->restCount -= take;
        queue->round *= 2;
        for (sqlite3_int64 i = take / 2; i-- > 0;) siftDown(queue->heap, take, i);
    }
    return &queue->heap[0];
}

/* Takes the candidate boundQueuePeek gave. */
static Candidate boundQueuePop(BoundQueue *queue) {
    Candidate taken = queue->heap[0];
    queue->heap[0] = queue->heap[--queue->heapCount];
    siftDown(queue->heap, queue->heapCount, 0);
    return taken;
}

/* Keeps `row` among the `best` that rank first; `kept` is a heap whose top ranks last. */
static void keep(Ranked *kept, int *count, int best, Ranked row) {
    int i;
    if (*count < best) {
        for (i = (*count)++; i > 0 && before(&kept[(i - 1) / 2], &row); i = (i - 1) / 2) kept[i] = kept[(i - 1) / 2];
        kept[i] = row;
        return;
    }
    if (!before(&row, &kept[0])) return;
    for (i = 0;;) {
        int child = 2 * i + 1;
        if (child >= *count) break;
        if (child + 1 < *count && before(&kept[child], &kept[child + 1])) child++;
        if (!before(&row, &kept[child])) break;
        kept[i] = kept[child];
        i = child;
    }
    kept[i] = row;
}

static int byRowid(const void *a, const void *b) {
    sqlite3_int64 x = ((const Candidate *)a)->rowid, y = ((const Candidate *)b)->rowid;
    return (x > y) - (x < y);
}

static int rankedOrder(const void *a, const void *b) {
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static void top(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context, int count,
                sqlite3_value **values) {
    if (count < 3) {
        sqlite3_result_error(context, "tidings_bm25_top: expected (table, best, window, filter, weight...)", -1);
        return;
    }
    sqlite3_int64 best64 = sqlite3_value_int64(values[0]);
    if (api->xPhraseCount(fts) != 1 || best64 < 1 || best64 > bm25BestCap) {
        sqlite3_result_null(context);  /* not a query this can rank: the caller ranks it row by row */
        return;
    }
    int best = (int)best64;
    Collector collector = {.columns = api->xColumnCount(fts), .window = sqlite3_value_int64(values[1])};
    const TidingsFacetFilter *filter = facetFilterValue(values[2]);
    Ranked *kept = NULL;
    LengthReader *lengths = lengthReaderOpen(sqlite3_context_db_handle(context));
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = SQLITE_OK;
    collector.columnEnds = calloc((size_t)collector.columns + 1, sizeof(int));
    collector.weights = malloc(sizeof(double) * ((size_t)collector.columns + 1));
    if (collector.weights) bm25ReadWeights(values + 3, count - 3, collector.columns, collector.weights);
    kept = malloc(sizeof(Ranked) * (size_t)best);
    if (filter) collector.filter = facetReaderOpen(sqlite3_context_db_handle(context), filter);
    if (!collector.columnEnds || !collector.weights || !kept || !lengths || (filter && !collector.filter)) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc == SQLITE_OK) {
        /* Room for every row the pass can keep, taken at once: growing it would copy it over and over (a
         * common word's 73,552 rows copied 3 MB). Pages never written are never mapped. */
        sqlite3_int64 capacity = collector.window > 0 && collector.window < rows ? collector.window : rows;
        collector.candidates = capacity > 0 ? malloc(sizeof(Candidate) * (size_t)capacity) : NULL;
        if (collector.candidates) collector.capacity = capacity;  /* else the pass grows it as it goes */
    }
    if (rc == SQLITE_OK) rc = api->xQueryPhrase(fts, 0, &collector, collect);
    int keptCount = 0;
    if (rc == SQLITE_OK) {
        double averageLength = (double)tokens / (double)rows;
        double idf = bm25Idf(rows, collector.hits);
        Candidate *candidates = collector.candidates;
        sqlite3_int64 count = collector.window > 0 && collector.passed > collector.window ? collector.window : collector.passed;
        /* Each candidate's bound: its score at the longer of two lengths it cannot be shorter than, where its
         * matches end and its block's floor (only the candidates: rows the window dropped need neither). */
        for (sqlite3_int64 i = 0; i < count && rc == SQLITE_OK; i++) {
            int floor = 0;
            rc = lengthReaderFloor(lengths, candidates[i].rowid, &floor);
            double length = (double)floor > candidates[i].bound ? (double)floor : candidates[i].bound;
            candidates[i].bound = bm25Score(&idf, &candidates[i].frequency, 1, averageLength, length);
        }
        BoundQueue queue = {.rest = candidates, .restCount = count, .round = 2 * (best > lookupBatch ? best : lookupBatch)};
        /* Looked up a batch at a time, in rowid order: neighbouring rows share the size table's pages. */
        Candidate *batch = malloc(sizeof(Candidate) * lookupBatch);
        if (!batch) rc = SQLITE_NOMEM;
        while (rc == SQLITE_OK) {
            int taken = 0;
            const Candidate *next;
            /* The bound never falls below the exact score: no row left can rank before the last kept. */
            while (taken < lookupBatch && (next = boundQueuePeek(&queue)) && !(keptCount == best && next->bound < kept[0].value))
                batch[taken++] = boundQueuePop(&queue);
            if (taken == 0) break;
            qsort(batch, (size_t)taken, sizeof(Candidate), byRowid);
            for (int i = 0; i < taken && rc == SQLITE_OK; i++) {
                if (keptCount == best && batch[i].bound < kept[0].value) continue;  /* the cut rose past it meanwhile */
                int length = 0;
                rc = lengthReaderGet(lengths, batch[i].rowid, &length);
                Ranked row = {batch[i].rowid, bm25Score(&idf, &batch[i].frequency, 1, averageLength, (double)length)};
                if (rc == SQLITE_OK) keep(kept, &keptCount, best, row);
            }
        }
        free(batch);
        free(queue.scratch);
    }
    if (rc == SQLITE_OK) {
        /* The result: the number of candidates (matches the filter keeps), then the rows kept, best first. */
        qsort(kept, (size_t)keptCount, sizeof(Ranked), rankedOrder);
        size_t bytes = sizeof(sqlite3_int64) + sizeof(Ranked) * (size_t)keptCount;
        unsigned char *result = sqlite3_malloc64(bytes);
        if (result) {
            memcpy(result, &collector.passed, sizeof(sqlite3_int64));
            memcpy(result + sizeof(sqlite3_int64), kept, sizeof(Ranked) * (size_t)keptCount);
            sqlite3_result_blob64(context, result, bytes, sqlite3_free);
        } else {
            sqlite3_result_error_nomem(context);
        }
    } else {
        sqlite3_result_error_code(context, rc);
    }
    lengthReaderClose(lengths);
    facetReaderClose(collector.filter);
    free(kept);
    free(collector.columnEnds);
    free(collector.weights);
    free(collector.candidates);
}

int tidings_search_top_register(fts5_api *api) {
    return api->xCreateFunction(api, "tidings_bm25_top", NULL, top, NULL);
}

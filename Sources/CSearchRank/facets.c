#include "facets.h"
#include "lengths.h"

#include <stdlib.h>

enum { tagBytes = 2 * lengthsBlockRows, minuteBytes = 4 * lengthsBlockRows };

enum Verdict { fails, passes, unsure };

struct FacetReader {
    const TidingsFacetFilter *filter;
    int checksTags, checksDates;
    /* Each NULL on a store without packed facets: then every row is checked by the filter's SQL. */
    sqlite3_stmt *spanQuery, *tagQuery, *minuteQuery;
    sqlite3_int64 block;       /* the block read last (-1: none yet) */
    int packed;                /* the store has what the filter needs of it */
    sqlite3_int64 lastKnown;   /* with dates: the highest rowid the block knew when packed */
    enum Verdict blockDates;   /* with dates: the verdict on every row it knew, or `unsure` (read its minutes) */
    unsigned char tags[tagBytes];
    unsigned char minutes[minuteBytes];
};

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) {
        sqlite3_finalize(statement);  /* no such table: a store before migration v24 */
        return NULL;
    }
    return statement;
}

FacetReader *facetReaderOpen(sqlite3 *db, const TidingsFacetFilter *filter) {
    FacetReader *reader = calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->filter = filter;
    reader->checksTags = filter->tagMask != 0;
    reader->checksDates = filter->hasSince || filter->hasUntil;
    reader->block = -1;
    reader->spanQuery = prepare(db, "SELECT first_minute, last_minute, last_id FROM search_facet_spans WHERE block = ?");
    reader->tagQuery = prepare(db, "SELECT tags FROM search_facets WHERE block = ?");
    reader->minuteQuery = prepare(db, "SELECT minutes FROM search_facets WHERE block = ?");
    return reader;
}

void facetReaderClose(FacetReader *reader) {
    if (!reader) return;
    sqlite3_finalize(reader->spanQuery);
    sqlite3_finalize(reader->tagQuery);
    sqlite3_finalize(reader->minuteQuery);
    free(reader);
}

/* Where a row dated in `minute` stands to the filter's dates: a row in a bound's very minute may be
 * on either side of it. */
static enum Verdict minuteVerdict(const TidingsFacetFilter *filter, int minute) {
    if (minute == tidings_facet_unknown_minute) return unsure;
    if ((filter->hasSince && minute < filter->sinceMinute) || (filter->hasUntil && minute > filter->untilMinute)) return fails;
    if ((filter->hasSince && minute == filter->sinceMinute) || (filter->hasUntil && minute == filter->untilMinute)) return unsure;
    return passes;
}

/* Where every row dated within first...last stands. */
static enum Verdict spanVerdict(const TidingsFacetFilter *filter, int first, int last) {
    if ((filter->hasSince && last < filter->sinceMinute) || (filter->hasUntil && first > filter->untilMinute)) return fails;
    if ((!filter->hasSince || first > filter->sinceMinute) && (!filter->hasUntil || last < filter->untilMinute)) return passes;
    return unsure;
}

/* Reads the span of the block's minutes: its verdict on the dates, and the last row it knew. */
static int readSpan(FacetReader *reader, sqlite3_int64 number) {
    reader->packed = 0;
    if (!reader->spanQuery) return SQLITE_OK;
    sqlite3_bind_int64(reader->spanQuery, 1, number);
    int rc = sqlite3_step(reader->spanQuery);
    if (rc == SQLITE_ROW) {
        reader->packed = 1;
        reader->lastKnown = sqlite3_column_int64(reader->spanQuery, 2);
        /* NULL bounds: a row the block knew has a date it could not read as a minute. */
        int bounded = sqlite3_column_type(reader->spanQuery, 0) == SQLITE_INTEGER &&
                      sqlite3_column_type(reader->spanQuery, 1) == SQLITE_INTEGER;
        reader->blockDates = bounded ? spanVerdict(reader->filter, sqlite3_column_int(reader->spanQuery, 0),
                                                   sqlite3_column_int(reader->spanQuery, 1))
                                     : unsure;
    }
    sqlite3_reset(reader->spanQuery);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Reads what the filter needs of block `number`, unless it is the one read last. With dates, the span
 * comes first: a block wholly outside them needs neither blob, one wholly inside no minutes. */
static int readBlock(FacetReader *reader, sqlite3_int64 number) {
    if (number == reader->block) return SQLITE_OK;
    reader->block = -1;
    int rc = SQLITE_OK;
    if (reader->checksDates) {
        rc = readSpan(reader, number);
    } else {
        reader->packed = 1;
        reader->blockDates = passes;
    }
    if (rc == SQLITE_OK && reader->packed && reader->checksTags && reader->blockDates != fails) {
        rc = blockBlobRead(reader->tagQuery, number, reader->tags, tagBytes, &reader->packed);
    }
    if (rc == SQLITE_OK && reader->packed && reader->blockDates == unsure) {
        rc = blockBlobRead(reader->minuteQuery, number, reader->minutes, minuteBytes, &reader->packed);
    }
    if (rc == SQLITE_OK) reader->block = number;
    return rc;
}

/* The verdict of the packed facets alone. A row the block did not know (stored after it was packed)
 * has tag 0, and with dates an id past the last it knew. */
static enum Verdict packedVerdict(FacetReader *reader, sqlite3_int64 rowid) {
    if (!reader->packed || (reader->checksDates && rowid > reader->lastKnown)) return unsure;
    if (reader->blockDates == fails) return fails;
    size_t row = (size_t)(rowid & (lengthsBlockRows - 1));
    if (reader->checksTags) {
        unsigned tag = reader->tags[2 * row] | (unsigned)reader->tags[2 * row + 1] << 8;
        if (tag == 0) return unsure;
        if ((tag & reader->filter->tagMask) != reader->filter->tagValue) return fails;
    }
    if (reader->blockDates == passes) return passes;
    const unsigned char *at = reader->minutes + 4 * row;
    return minuteVerdict(reader->filter, (int)((unsigned)at[0] | (unsigned)at[1] << 8 | (unsigned)at[2] << 16 |
                                               (unsigned)at[3] << 24));
}

int facetReaderPasses(FacetReader *reader, sqlite3_int64 rowid, int *result) {
    enum Verdict verdict = unsure;
    if (rowid >= 0) {
        int rc = readBlock(reader, rowid >> lengthsBlockShift);
        if (rc != SQLITE_OK) return rc;
        verdict = packedVerdict(reader, rowid);
    }
    if (verdict != unsure) {
        *result = verdict == passes;
        return SQLITE_OK;
    }
    sqlite3_stmt *check = reader->filter->check;
    sqlite3_bind_int64(check, 1, rowid);
    int rc = sqlite3_step(check);
    sqlite3_reset(check);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    *result = rc == SQLITE_ROW;
    return SQLITE_OK;
}

static const char facetFilterType[] = "tidings_facet_filter";

int tidings_bind_facet_filter(sqlite3_stmt *statement, int index, const TidingsFacetFilter *filter) {
    return sqlite3_bind_pointer(statement, index, (void *)filter, facetFilterType, NULL);
}

const TidingsFacetFilter *facetFilterValue(sqlite3_value *value) {
    return sqlite3_value_pointer(value, facetFilterType);
}

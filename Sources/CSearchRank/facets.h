/* Whether a row passes a search filter (TidingsFacetFilter, in CSearchRank.h), read from the
 * store's packed facets where they settle it and from the filter's own SQL check otherwise.
 *
 * Checking a filter on a match's article row costs a B-tree seek and a page or more: tens of
 * milliseconds for a common word's thousands of matches. The facets of 1,024 rows fit in one
 * 2 KiB blob of tags and one 4 KiB blob of minutes, read once for all the rows they hold. */
#ifndef TIDINGS_FACETS_H
#define TIDINGS_FACETS_H

#include "CSearchRank.h"

typedef struct FacetReader FacetReader;

/* A reader of `filter`'s verdicts on `db`; NULL when out of memory. */
FacetReader *facetReaderOpen(sqlite3 *db, const TidingsFacetFilter *filter);

/* Sets `*passes` to whether the row passes the filter. */
int facetReaderPasses(FacetReader *reader, sqlite3_int64 rowid, int *passes);

void facetReaderClose(FacetReader *reader);

/* The filter bound to a function's argument by `tidings_bind_facet_filter`; NULL for none. */
const TidingsFacetFilter *facetFilterValue(sqlite3_value *value);

#endif

/* The lengths BM25 needs (a row's tokens in all columns, as xColumnSize(-1) gives them), read
 * from the store's packed copy where it has one, else from the index's docsize table.
 *
 * FTS5 keeps a row's length in `articles_search_docsize`, one B-tree row per article: ranking a
 * common word looks up thousands of them, each a seek and most a page of its own. The store
 * also keeps them packed (`search_lengths`, made by migration v22 and filled by its upkeep):
 * 1,024 rows' lengths in one 2 KiB blob, little-endian 16-bit, 0 for a row it does not know.
 * A block is dropped whenever one of its articles changes or goes, so a length found there is
 * the row's length now; a block not there, or a 0, is read from docsize. */
#ifndef TIDINGS_LENGTHS_H
#define TIDINGS_LENGTHS_H

#include "CSearchRank.h"

/* Rows a block holds: a row's block is its rowid >> lengthsBlockShift (the layout in CSearchRank.h). */
enum { lengthsBlockShift = tidings_lengths_block_shift, lengthsBlockRows = 1 << lengthsBlockShift };

typedef struct LengthReader LengthReader;

/* Copies the blob `query` (one parameter: a block number; NULL: a store without the table) gives for
 * block `number` into `into`; `*found` says whether it had one of exactly `bytes` bytes. The packed
 * lengths and the packed facets are read this way. */
int blockBlobRead(sqlite3_stmt *query, sqlite3_int64 number, unsigned char *into, int bytes, int *found);

/* A reader on `db`'s `articles_search`; NULL when out of memory. */
LengthReader *lengthReaderOpen(sqlite3 *db);

/* Sets `*length` to the row's length; SQLITE_CORRUPT_VTAB when the index has no size for it. */
int lengthReaderGet(LengthReader *reader, sqlite3_int64 rowid, int *length);

/* Sets `*floor` to a length the row cannot be shorter than: the shortest its block held when the store
 * packed it (`search_length_floors`), for a row the block knew then; 0 when there is none. Ranking bounds
 * a row's score with it before looking its length up. */
int lengthReaderFloor(LengthReader *reader, sqlite3_int64 rowid, int *floor);

void lengthReaderClose(LengthReader *reader);

#endif

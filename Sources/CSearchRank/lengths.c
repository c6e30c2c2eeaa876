#include "lengths.h"

#include <stdlib.h>
#include <string.h>

/* Blocks beyond this are read from docsize, not kept (ids past 4 billion): the table of blocks read
 * stays within 32 MiB however high an id. */
enum { blockBytes = 2 * lengthsBlockRows, maxBlocks = 1 << 22 };

/* A block's floor: the shortest length it held when packed, and the last rowid it knew then (a row
 * stored after it may be shorter). All zero for a block without one. */
typedef struct {
    int shortest;
    sqlite3_int64 lastKnown;
} Floor;

struct LengthReader {
    sqlite3 *db;
    sqlite3_stmt *blockQuery;  /* NULL: a store without packed lengths */
    sqlite3_blob *sizes;       /* on articles_search_docsize, opened at the first row read there */
    unsigned char **blocks;    /* by block number: its lengths, `absent`, or NULL when not read yet */
    sqlite3_int64 blockCount;
    int floorsRead;            /* the floors below are loaded (all at once, on first use) */
    Floor *floors;             /* by block number; NULL when the store has none */
    sqlite3_int64 floorCount;
};

/* Marks a block the store does not have. */
static unsigned char absent[1];

LengthReader *lengthReaderOpen(sqlite3 *db) {
    LengthReader *reader = calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->db = db;
    if (sqlite3_prepare_v2(db, "SELECT lengths FROM search_lengths WHERE block = ?", -1, &reader->blockQuery, NULL)
        != SQLITE_OK) {
        reader->blockQuery = NULL;  /* no such table: every length comes from docsize */
    }
    return reader;
}

void lengthReaderClose(LengthReader *reader) {
    if (!reader) return;
    for (sqlite3_int64 i = 0; i < reader->blockCount; i++) {
        if (reader->blocks[i] != absent) free(reader->blocks[i]);
    }
    free(reader->blocks);
    free(reader->floors);
    sqlite3_finalize(reader->blockQuery);
    if (reader->sizes) sqlite3_blob_close(reader->sizes);
    free(reader);
}

int blockBlobRead(sqlite3_stmt *query, sqlite3_int64 number, unsigned char *into, int bytes, int *found) {
    *found = 0;
    if (!query) return SQLITE_OK;
    sqlite3_bind_int64(query, 1, number);
    int rc = sqlite3_step(query);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(query, 0) == bytes) {
        memcpy(into, sqlite3_column_blob(query, 0), (size_t)bytes);
        *found = 1;
    }
    sqlite3_reset(query);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Block `number`'s lengths, read once per query; `absent` when the store does not have it. */
static int block(LengthReader *reader, sqlite3_int64 number, const unsigned char **lengths) {
    if (number >= reader->blockCount) {
        sqlite3_int64 count = reader->blockCount ? 2 * reader->blockCount : 64;
        if (count <= number) count = number + 1;
        unsigned char **grown = realloc(reader->blocks, sizeof(unsigned char *) * (size_t)count);
        if (!grown) return SQLITE_NOMEM;
        memset(grown + reader->blockCount, 0, sizeof(unsigned char *) * (size_t)(count - reader->blockCount));
        reader->blocks = grown;
        reader->blockCount = count;
    }
    if (!reader->blocks[number]) {
        unsigned char *found = malloc(blockBytes);
        if (!found) return SQLITE_NOMEM;
        int present = 0;
        int rc = blockBlobRead(reader->blockQuery, number, found, blockBytes, &present);
        if (rc != SQLITE_OK || !present) {
            free(found);
            if (rc != SQLITE_OK) return rc;
            found = absent;
        }
        reader->blocks[number] = found;
    }
    *lengths = reader->blocks[number];
    return SQLITE_OK;
}

/* The row's length from docsize: the sum of its columns' varints, read with a blob handle
 * (a seek in the table, no statement to run). */
static int documentLength(LengthReader *reader, sqlite3_int64 rowid, int *length) {
    int rc = reader->sizes ? sqlite3_blob_reopen(reader->sizes, rowid)
                           : sqlite3_blob_open(reader->db, "main", "articles_search_docsize", "sz", rowid, 0, &reader->sizes);
    if (rc != SQLITE_OK) return rc == SQLITE_ERROR ? SQLITE_CORRUPT_VTAB : rc;  /* a match without a size: a damaged index */
    unsigned char bytes[64];
    int size = sqlite3_blob_bytes(reader->sizes);
    if (size > (int)sizeof bytes) size = (int)sizeof bytes;
    rc = sqlite3_blob_read(reader->sizes, bytes, size, 0);
    *length = 0;
    for (int at = 0; rc == SQLITE_OK && at < size;) {
        /* FTS5 writes each column's size as an SQLite varint; a size fits in 32 bits. */
        unsigned value = 0;
        for (int k = 0; at < size && k < 5; k++) {
            unsigned char byte = bytes[at++];
            value = (value << 7) | (byte & 0x7f);
            if (!(byte & 0x80)) break;
        }
        *length += (int)value;
    }
    return rc;
}

int lengthReaderGet(LengthReader *reader, sqlite3_int64 rowid, int *length) {
    if (rowid >= 0 && (rowid >> lengthsBlockShift) < maxBlocks) {
        const unsigned char *lengths = NULL;
        int rc = block(reader, rowid >> lengthsBlockShift, &lengths);
        if (rc != SQLITE_OK) return rc;
        if (lengths != absent) {
            size_t at = 2 * (size_t)(rowid & (lengthsBlockRows - 1));
            int value = lengths[at] | lengths[at + 1] << 8;
            if (value > 0) {  /* 0: a row the block does not know (or of no tokens) */
                *length = value;
                return SQLITE_OK;
            }
        }
    }
    return documentLength(reader, rowid, length);
}

/* Loads every block's floor: a few bytes a block, from a table of one row each, the highest block
 * first so that the table is sized once. */
static int readFloors(LengthReader *reader) {
    reader->floorsRead = 1;
    sqlite3_stmt *query = NULL;
    if (sqlite3_prepare_v2(reader->db, "SELECT block, shortest, last_id FROM search_length_floors "
                           "WHERE block BETWEEN 0 AND ? ORDER BY block DESC", -1, &query, NULL) != SQLITE_OK) {
        sqlite3_finalize(query);
        return SQLITE_OK;  /* no such table: no floors */
    }
    sqlite3_bind_int64(query, 1, maxBlocks - 1);
    int rc;
    while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
        sqlite3_int64 number = sqlite3_column_int64(query, 0);
        if (!reader->floors) {
            reader->floors = calloc((size_t)number + 1, sizeof(Floor));
            if (!reader->floors) {
                rc = SQLITE_NOMEM;
                break;
            }
            reader->floorCount = number + 1;
        }
        reader->floors[number] = (Floor){sqlite3_column_int(query, 1), sqlite3_column_int64(query, 2)};
    }
    sqlite3_finalize(query);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int lengthReaderFloor(LengthReader *reader, sqlite3_int64 rowid, int *floor) {
    *floor = 0;
    if (!reader->floorsRead) {
        int rc = readFloors(reader);
        if (rc != SQLITE_OK) return rc;
    }
    sqlite3_int64 number = rowid >> lengthsBlockShift;
    if (rowid >= 0 && number < reader->floorCount && rowid <= reader->floors[number].lastKnown) *floor = reader->floors[number].shortest;
    return SQLITE_OK;
}

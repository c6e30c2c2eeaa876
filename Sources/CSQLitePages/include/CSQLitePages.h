#ifndef TIDINGS_CSQLITEPAGES_H
#define TIDINGS_CSQLITEPAGES_H

#include <stddef.h>
#include <stdint.h>

/// Gives SQLite a pool of page slots of its own, outside malloc: `slots` slots of
/// `tidings_sqlite_page_slot_size(page_size)` bytes each, mapped (not touched) here.
/// Page caches take slots from the pool first and fall back to malloc when it is empty.
/// Must run before SQLite is initialized (before any connection is opened); returns
/// SQLite's result code (SQLITE_MISUSE when SQLite is already in use) or -1 when the
/// pool could not be mapped.
int tidings_sqlite_page_pool(int page_size, int slots);

/// The bytes one slot takes for pages of `page_size` bytes: the page and the header
/// SQLite keeps beside it (SQLITE_CONFIG_PCACHE_HDRSZ), rounded up to 8.
int tidings_sqlite_page_slot_size(int page_size);

#endif

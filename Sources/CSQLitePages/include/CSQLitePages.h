#ifndef TIDINGS_CSQLITEPAGES_H
#define TIDINGS_CSQLITEPAGES_H

/// Gives SQLite a pool of `slots` page slots of its own, outside malloc, mapped (not
/// touched) here. A slot holds a page of `page_size` bytes and the header SQLite keeps
/// beside it; its size is written to `slot_size`. Page caches take slots from the pool
/// first and fall back to malloc when it is empty. Must run before SQLite is initialized
/// (before any connection is opened): SQLite answers the header size only then. Returns
/// SQLite's result code (SQLITE_MISUSE when SQLite is already in use) or -1 when the pool
/// could not be mapped.
int tidings_sqlite_page_pool(int page_size, int slots, int *slot_size);

#endif

/* SQLite's page-cache pool (SQLITE_CONFIG_PAGECACHE). sqlite3_config is variadic,
 * which Swift cannot call, hence this file. */
#include "CSQLitePages.h"

#include <sqlite3.h>
#include <stddef.h>
#include <sys/mman.h>

int tidings_sqlite_page_pool(int page_size, int slots, int *slot_size) {
    int header = 0;
    int result = sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header);
    if (result != SQLITE_OK) {
        return result;
    }
    int size = (page_size + header + 7) & ~7;
    size_t bytes = (size_t)size * (size_t)slots;
    /* Untouched pages of the mapping cost nothing: the pool grows resident only as far as
     * the caches have ever filled it, and freed slots are reused before untouched ones. */
    void *pool = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pool == MAP_FAILED) {
        return -1;
    }
    result = sqlite3_config(SQLITE_CONFIG_PAGECACHE, pool, size, slots);
    if (result != SQLITE_OK) {
        munmap(pool, bytes);
        return result;
    }
    *slot_size = size;
    return SQLITE_OK;
}

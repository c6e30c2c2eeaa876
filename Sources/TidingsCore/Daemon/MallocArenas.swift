import CMalloc
import Glibc

/// How the daemon keeps glibc's malloc from holding on to memory it no longer uses,
/// and what malloc holds (for the metrics file).
///
/// glibc gives threads malloc arenas of their own as they contend, up to eight per
/// core, and never hands an arena's freed pages to another. The daemon's work hops
/// between threads (the cooperative pool, the database writer's queue, the curl
/// thread), so every arena ends up holding a share of SQLite's page cache and of
/// each refresh's buffers, and resident memory creeps up for hours. With two arenas
/// the soak's resident memory was 16–24 MiB lower from five minutes in.
enum MallocArenas {
    static let limit: Int32 = 2

    /// Caps the arenas, unless `MALLOC_ARENA_MAX` in the environment already says how many.
    /// Returns whether the cap was set.
    @discardableResult
    static func limitUnlessConfigured() -> Bool {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return false }
        return mallopt(M_ARENA_MAX, limit) == 1
    }

    /// Blocks from this size up that find no free room in a heap get pages mapped for themselves,
    /// handed back whole when freed, instead of growing the heap.
    static let mapThreshold: Int32 = 256 << 10

    /// Fixes the size from which malloc maps a block of its own, unless `MALLOC_MMAP_THRESHOLD_`
    /// in the environment already says. glibc's own threshold climbs to the largest block freed
    /// so far (up to 32 MiB), so after the first big feed body the heaps grew for every big
    /// buffer (bodies grown by realloc) and kept the holes they left: in a 45-minute soak malloc's
    /// free bytes grew 27 → 56 MiB and resident memory with them while the bytes in use stayed
    /// level; in a 30-minute soak with the threshold fixed, free bytes stayed at 10–27 MiB.
    /// Returns whether it was set.
    @discardableResult
    static func fixMapThresholdUnlessConfigured() -> Bool {
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return false }
        return mallopt(M_MMAP_THRESHOLD, mapThreshold) == 1
    }

    /// Hands the free pages inside malloc's heaps back to the kernel (`malloc_trim(0)`). glibc gives
    /// back only the top of a heap on its own, so pages freed in the middle (SQLite's page caches,
    /// before `SQLitePagePool` took them out of malloc, churning beside each refresh's short-lived
    /// buffers) stayed resident: the soak's live heap was
    /// 80 MiB at its peak while resident memory crept past 170 MiB. Returns whether any was released.
    @discardableResult
    static func trim() -> Bool {
        malloc_trim(0) == 1
    }

    /// What malloc holds across all arenas: the bytes handed out and not freed (SQLite's share
    /// included), and the bytes freed but kept inside its heaps. In use rising is a leak; free
    /// rising while in use stays put is fragmentation.
    static func heap() -> (inUse: Int, free: Int) {
        let figures = mallinfo2()
        return (Int(figures.uordblks + figures.hblkhd), Int(figures.fordblks))
    }
}

import Glibc

/// How the daemon keeps glibc's malloc from holding on to memory it no longer uses.
///
/// glibc gives threads malloc arenas of their own as they contend, up to eight per
/// core, and never hands an arena's freed pages to another. The daemon's work hops
/// between threads (the cooperative pool, the database writer's queue, the curl
/// thread), so every arena ends up holding a share of SQLite's page cache and of
/// each refresh's buffers, and resident memory creeps up for hours. With two arenas
/// the soak's resident memory was 16–24 MiB lower from five minutes in.
enum MallocArenas {
    static let limit: Int32 = 2
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which Swift's Glibc module does not import.
    private static let arenaMaxParameter: Int32 = -8

    /// Caps the arenas, unless `MALLOC_ARENA_MAX` in the environment already says how many.
    /// Returns whether the cap was set.
    @discardableResult
    static func limitUnlessConfigured() -> Bool {
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else {
            return false
        }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        return unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, limit) == 1
    }

    /// Hands the free pages inside malloc's heaps back to the kernel (`malloc_trim(0)`). glibc gives
    /// back only the top of a heap on its own, so pages freed in the middle (SQLite's page cache
    /// churning beside each refresh's short-lived buffers) stayed resident: the soak's live heap was
    /// 80 MiB at its peak while resident memory crept past 170 MiB. Returns whether any was released.
    @discardableResult
    static func trim() -> Bool {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return false }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        return unsafeBitCast(symbol, to: MallocTrim.self)(0) == 1
    }
}

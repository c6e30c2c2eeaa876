import Glibc

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
}

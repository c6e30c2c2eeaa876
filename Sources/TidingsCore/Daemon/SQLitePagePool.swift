import CSQLitePages
import GRDBSQLite

/// SQLite's page caches, kept in a pool of fixed slots outside malloc.
///
/// A reader connection empties its page cache whenever the writer has committed since
/// its last read, and fills it again page by page: with the caches in malloc, a steady
/// stream of 4 KiB blocks was freed and taken again between Swift's own small blocks,
/// and the holes they left kept malloc's heaps growing over hours while the bytes in
/// use stayed level. Slots of a pool are all the same size and a freed one is the next
/// one taken, so the pool never holds more than the caches ever held at once.
enum SQLitePagePool {
    /// Pages of this size fit a slot (SQLite's default, and what every store of ours uses);
    /// a store with bigger pages has its caches in malloc as before.
    static let pageSize: Int32 = 4096
    /// Room for the writer's 64 MiB cache, five readers' 2 MiB caches, the checkpointer's
    /// and a few more: 77 MiB of address space (4,360-byte slots with SQLite 3.40), resident
    /// only as far as it was used.
    static let slots: Int32 = 18_432

    /// The bytes of one slot, once the pool is SQLite's (0 before: no pool). Set once, before
    /// any connection is opened; SQLite tells a slot's header size only before it is in use.
    nonisolated(unsafe) private(set) static var slotSize = 0
    static var installed: Bool { slotSize > 0 }

    /// Hands SQLite the pool. Must come before SQLite is first used; later (SQLite already
    /// initialized) it changes nothing. Returns whether the pool is SQLite's.
    @discardableResult
    static func install() -> Bool {
        guard !installed else { return true }
        var size: Int32 = 0
        if tidings_sqlite_page_pool(pageSize, slots, &size) == SQLITE_OK { slotSize = Int(size) }
        return installed
    }

    /// The bytes of the pool's slots in use now.
    static func bytesInUse() -> Int {
        guard installed else { return 0 }
        var current: sqlite3_int64 = 0
        var highest: sqlite3_int64 = 0
        guard sqlite3_status64(SQLITE_STATUS_PAGECACHE_USED, &current, &highest, 0) == SQLITE_OK else { return 0 }
        return Int(current) * slotSize
    }
}

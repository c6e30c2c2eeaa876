import Foundation
import GRDB

/// The SQLite store: sources with their fetch state, articles, and the change
/// log table. One `Store` per process writes; `StoreReader` reads.
///
/// WAL mode, `synchronous=NORMAL`, a busy timeout and foreign keys on. Opening
/// migrates to the current schema and refuses a database from a newer Tidings.
public final class Store: Sendable {
    let pool: DatabasePool
    public let path: String
    /// Judges each new article against the stored ones (the `[dedup]` settings).
    let dedup: DedupEngine
    /// The `[stories]` settings; nil when story grouping is off.
    let storyParameters: StoryParameters?
    /// Loaded on the first ingest; touched only inside write transactions (one writer).
    let storyClusterer = Locked<StoryClusterer?>(nil)
    /// The band rows not yet merged into `dedup_bands`: loaded on first use, touched only inside
    /// write transactions (`withRecentBands`).
    let recentBands = Locked(RecentBandsState())
    private let checkpointer: WALCheckpointer
    /// Told after each write that may have added changes (the change-log writer).
    let changesListener = Locked<ChangesListener?>(nil)
    /// Whether writes to the store and the change log currently work (shown in `STATUS=`).
    public let health = StorageHealth()
    /// A tombstone whose item no feed has listed for this long is forgotten (`[daemon] tombstone_expiry`).
    let tombstoneExpiry: TimeInterval

    private init(pool: DatabasePool, path: String, dedup: DedupSettings, stories: StorySettings,
                 tombstoneExpiry: TimeInterval) throws {
        self.pool = pool
        self.path = path
        self.tombstoneExpiry = tombstoneExpiry
        self.dedup = DedupEngine(parameters: DedupParameters(settings: dedup))
        storyParameters = stories.enabled ? StoryParameters(settings: stories) : nil
        self.checkpointer = try WALCheckpointer(path: path, writer: pool)
    }

    /// Checkpoints the write-ahead log into the database file and closes every
    /// connection: after it the WAL is empty and the `.db` file alone holds
    /// everything (a plain copy is a complete backup). The daemon calls it on its way out.
    public func close() throws {
        checkpointer.stop()
        // Term statistics waiting to be written are worth a transaction, not a lost checkpoint.
        var statisticsError: (any Error)?
        if hasUnsavedStoryStatistics {
            do { try pool.write { try saveStoryStatistics(in: $0, force: true) } } catch { statisticsError = error }
        }
        // Readers close last and cannot checkpoint, so the writer empties the log first.
        _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try pool.close()
        if let statisticsError { throw statisticsError }  // reported once the store is safely closed
    }

    /// A store released without `close` still stops its checkpointer (waiting
    /// a moment for it), so that nothing touches the file once the store is gone.
    deinit { checkpointer.stop() }

    /// Opens (creating if needed) and migrates the store at `path`; new articles are deduplicated
    /// with `dedup` and grouped into stories with `stories`; tombstones of items long gone from
    /// their feeds expire after `tombstoneExpiry`.
    public static func open(path: String, dedup: DedupSettings = DedupSettings(),
                            stories: StorySettings = StorySettings(),
                            tombstoneExpiry: TimeSpan = DaemonSettings().tombstoneExpiry) throws -> Store {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try Directories.create(directory)
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "\(error)")
            }
        }
        // Check an existing file through a read-only connection first: opening the
        // writable pool already writes, and a foreign or newer file must stay untouched.
        if FileManager.default.fileExists(atPath: path) {
            var readOnly = Configuration.atDefaultPriority()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)  // a store closing a moment ago may still be checkpointing
            do {
                let queue = try DatabaseQueue(path: path, configuration: readOnly)
                try StoreSchemaCheck.verify(queue, path: path)
                try queue.close()
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
            }
        }
        var configuration = Configuration.atDefaultPriority()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            guard !db.configuration.readonly else { return }
            // The one writer: ingest touches band-key pages all over their B-tree. A 64 MiB page
            // cache keeps them (the 2 MiB default spills and re-reads). Checkpoints are the
            // WALCheckpointer's job, off the writer's thread.
            // A new store returns pages freed by retention to the file system bit by bit
            // (`vacuumIncrementally`); an existing one keeps its mode (only VACUUM changes it).
            // Debian builds SQLite with secure delete on: every freed page was written over
            // with zeros, so each FTS segment merge, pruned article and dropped index cost its
            // size again in WAL writes (dropping a million articles' old search index wrote
            // 894 MB in 12.8 s; with FAST, 3 MB in 0.6 s). FAST still clears deleted content on
            // pages that are written anyway. The store holds public articles, not secrets.
            try db.execute(sql: """
                PRAGMA secure_delete = FAST;
                PRAGMA auto_vacuum = INCREMENTAL;
                PRAGMA cache_size = -65536;
                PRAGMA wal_autocheckpoint = 0;
                PRAGMA journal_size_limit = 67108864;
                """)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
        }
        do {
            try StoreMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "migration failed: \(StoreErrorText.describe(error))")
        }
        do {
            return try Store(pool: pool, path: path, dedup: dedup, stories: stories,
                             tombstoneExpiry: TimeInterval(tombstoneExpiry.seconds))
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
        }
    }
}

/// Checks that a database is ours and not newer than this build; with `current`, also not
/// older (a reader cannot migrate, so it needs every migration applied already).
enum StoreSchemaCheck {
    static func verify(_ reader: any DatabaseReader, path: String, current: Bool = false) throws {
        let result: Result<Void, StoreError>
        do {
            result = try reader.read { db -> Result<Void, StoreError> in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if applicationID != StoreMigrations.applicationID, tableCount > 0 {
                    return .failure(.notTidings(path: path))
                }
                guard try db.tableExists("grdb_migrations") else { return .success(()) }
                let migrator = StoreMigrations.migrator
                let known = Set(migrator.migrations)
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(known).sorted()
                guard unknown.isEmpty else { return .failure(.newerSchema(path: path, unknownMigrations: unknown)) }
                let missing = known.subtracting(applied).sorted()
                guard !current || missing.isEmpty else { return .failure(.olderSchema(path: path, missingMigrations: missing)) }
                return .success(())
            }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreErrorText.describe(error))
        }
        try result.get()
    }
}

enum StoreErrorText {
    /// SQLite's message without GRDB's SQL echo.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }
}

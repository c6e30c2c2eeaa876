/// Why the store could not be opened or used, in words a user can act on.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// No database at the path (read-only opens never create one).
    case missing(path: String)
    /// The file is not SQLite, or SQLite cannot open it.
    case cannotOpen(path: String, reason: String)
    /// Opened, but a read failed (a damaged page, a lock held past the busy timeout, an I/O error).
    case readFailed(path: String, reason: String)
    /// SQLite, but not a Tidings store.
    case notTidings(path: String)
    /// Written by a newer Tidings: this build does not know these migrations.
    case newerSchema(path: String, unknownMigrations: [String])
    /// Written by an older Tidings and not migrated yet (the CLI reads, so it cannot migrate).
    case olderSchema(path: String, missingMigrations: [String])
    /// `tidings backup` could not write a sound copy to `path`.
    case backupFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no Tidings database at \(path) (has tidingsd run with this config yet?)"
        case .cannotOpen(let path, let reason):
            "cannot open database \(path): \(reason)"
        case .readFailed(let path, let reason):
            "cannot read database \(path): \(reason)"
        case .notTidings(let path):
            "\(path) is an SQLite database but not a Tidings store; refusing to touch it"
        case .newerSchema(let path, let unknown):
            "database \(path) was written by a newer version of Tidings (unknown migrations: "
                + unknown.joined(separator: ", ") + "); this is Tidings \(TidingsVersion.current), upgrade it to use this database"
        case .olderSchema(let path, let missing):
            "database \(path) was written by an older tidingsd and lacks " + missing.joined(separator: ", ")
                + "; restart tidingsd \(TidingsVersion.current) (it migrates the store as it starts), then try again"
        case .backupFailed(let path, let reason):
            "cannot back up to \(path): \(reason); nothing was written there"
        }
    }
}

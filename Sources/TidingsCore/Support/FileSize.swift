import Foundation

/// Sizes on disk; a file that is not there weighs nothing.
enum FileSize {
    static func of(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// An SQLite database with the files beside it: `-wal`, `-shm`.
    static func of(database path: String, with suffixes: [String] = ["-wal", "-shm"]) -> Int {
        ([""] + suffixes).reduce(0) { $0 + of(path + $1) }
    }
}

import Foundation

enum Directories {
    /// Creates `path` and any missing parents (`mkdir -p`). The error names the
    /// path and the system's own words ("Read-only file system", "Permission
    /// denied"), which FileManager's errors often lose.
    static func create(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw PosixFileError(path: path, operation: "create directory", code: errno)
            }
        }
    }
}

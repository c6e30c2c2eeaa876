import Foundation

/// An owned file descriptor with the few calls the change log and backups need, each
/// failing with the path and the system's words (`No space left on device`).
final class PosixFile {
    let path: String
    private let descriptor: Int32

    init(path: String, flags: Int32, mode: mode_t = 0o644) throws {
        self.path = path
        descriptor = open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw PosixFileError(path: path, operation: "open", code: errno) }
    }

    deinit { close(descriptor) }

    func size() throws -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw PosixFileError(path: path, operation: "stat", code: errno) }
        return Int(status.st_size)
    }

    /// Writes all of `bytes` (at the end, for a file opened with `O_APPEND`).
    func write(_ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw PosixFileError(path: path, operation: "write", code: errno)
            }
            written += result
        }
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw PosixFileError(path: path, operation: "fsync", code: errno) }
    }

    func truncate(to size: Int) throws {
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            throw PosixFileError(path: path, operation: "truncate", code: errno)
        }
    }

    /// The last line of the first `size` bytes: where it starts, its bytes
    /// without the line feed, and whether it has one (a complete line).
    func lastLine(size: Int) throws -> (start: Int, bytes: [UInt8], complete: Bool) {
        var chunk = 64 * 1024
        while true {
            let from = max(0, size - chunk)
            var bytes = [UInt8](repeating: 0, count: size - from)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(from)) }
            guard count == bytes.count else { throw PosixFileError(path: path, operation: "read", code: count < 0 ? errno : EIO) }
            let complete = bytes.last == 0x0A
            let body = complete ? bytes.dropLast() : bytes[...]
            if let newline = body.lastIndex(of: 0x0A) {
                return (from + newline + 1, Array(body[(newline + 1)...]), complete)
            }
            if from == 0 { return (0, Array(body), complete) }
            chunk *= 4
        }
    }

    /// Makes a new file's directory entry durable.
    static func syncDirectory(_ path: String) throws {
        let directory = try PosixFile(path: path, flags: O_RDONLY | O_DIRECTORY)
        try directory.sync()
    }
}

struct PosixFileError: Error, CustomStringConvertible {
    let path: String
    let operation: String
    let code: Int32

    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

import Foundation

/// A small tmpfs mounted for one test, so that a disk can really fill up.
/// Needs the right to mount (root or CAP_SYS_ADMIN); `mount` says why not when
/// the machine forbids it. Unmounted (lazily, even if busy) on deinit.
public final class ScratchFilesystem: @unchecked Sendable {
    public let path: String
    private var filler: String { path + "/filler" }

    private init(path: String) { self.path = path }

    /// Mounts a tmpfs of `bytes` at `path` (created); the error is the reason it cannot.
    public static func mount(at path: String, bytes: Int) -> Result<ScratchFilesystem, ScratchFilesystemUnavailable> {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"),
                                               ["-t", "tmpfs", "-o", "size=\(bytes),mode=0755", "tmpfs", path])
            guard result.status == 0 else {
                return .failure(ScratchFilesystemUnavailable(reason: "cannot mount a tmpfs (uid \(getuid())): "
                    + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        } catch {
            return .failure(ScratchFilesystemUnavailable(reason: "cannot mount a tmpfs: \(error)"))
        }
        return .success(ScratchFilesystem(path: path))
    }

    deinit {
        _ = try? ProcessRunner.run(URL(fileURLWithPath: "/bin/umount"), ["-l", path])
    }

    /// Remounts read-only (or back to read-write).
    public func remount(readOnly: Bool) throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"), ["-o", readOnly ? "remount,ro" : "remount,rw", path])
        guard result.status == 0 else { throw FixtureError(message: "cannot remount \(path): \(result.stderr)") }
    }

    /// Writes a filler file until the filesystem has no byte left.
    public func fill() {
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let block = [UInt8](repeating: 0, count: 16_384)
        while true {
            let written = block.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 { continue }
            if written < 0 && errno == EINTR { continue }
            break  // ENOSPC (or a 0-byte write): full
        }
        // The last partial block: fill what is left byte by byte.
        var byte: UInt8 = 0
        while write(descriptor, &byte, 1) == 1 {}
    }

    /// Deletes the filler: the space comes back.
    public func free() {
        unlink(filler)
    }

    /// Bytes still free.
    public var available: Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return -1 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }
}

public struct ScratchFilesystemUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

import Foundation

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`: bound at a
/// path, or in the abstract namespace when `abstract` (then `environmentValue`
/// starts with `@`). Collects what the daemon sends.
public final class NotifySocket: @unchecked Sendable {
    private let descriptor: Int32
    public let environmentValue: String

    public init(path: String, abstract: Bool = false) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes.insert(0, at: 0) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw ServerStartError(message: "cannot bind notify socket \(path): errno \(errno)")
        }
        environmentValue = abstract ? "@" + path : path
    }

    deinit { close(descriptor) }

    /// The next datagram, or nil after `timeout` seconds without one.
    public func receive(timeout: TimeInterval) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    /// Datagrams until one contains `text` (returned last), or nil after `timeout` seconds.
    public func waitFor(_ text: String, timeout: TimeInterval = 20) -> [String]? {
        let deadline = Date().addingTimeInterval(timeout)
        var seen: [String] = []
        while Date() < deadline {
            guard let message = receive(timeout: deadline.timeIntervalSinceNow) else { break }
            seen.append(message)
            if message.contains(text) { return seen }
        }
        return nil
    }
}

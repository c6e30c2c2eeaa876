import Foundation

/// Tells systemd how the service is doing (`sd_notify`), without libsystemd:
/// one datagram per message to the socket named by `$NOTIFY_SOCKET` — a path,
/// or an abstract socket written with a leading `@`. Does nothing when the
/// variable is unset (not run by systemd, or not `Type=notify`).
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// Half of `$WATCHDOG_USEC` when systemd expects keep-alives from this process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forThisProcess, let usec = environment["WATCHDOG_USEC"].flatMap(Int64.init), usec > 0 {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Start-up is complete: config loaded, store migrated.
    public func ready(status: String? = nil) { send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }
    /// One line of live state, shown by `systemctl status`.
    public func status(_ line: String) { send(["STATUS=\(line)"]) }
    /// The keep-alive, sent only while the service is healthy.
    public func watchdog() { send(["WATCHDOG=1"]) }
    /// A reload has begun; `ready()` says it is over.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send(["RELOADING=1", "MONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)"])
    }
    /// Shutdown has begun.
    public func stopping() { send(["STOPPING=1"]) }

    /// Sends `assignments` as one datagram; failures are ignored (systemd may be gone, and the daemon goes on).
    /// Never waits: a manager that stopped reading (its queue is full) loses a status line, not the daemon.
    private func send(_ assignments: [String]) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let message = Array(assignments.joined(separator: "\n").utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), socketAddress, length) }
            }
        }
    }
}

import Foundation

/// The Python test server (`Tests/Servers/feed_server.py`) on 127.0.0.1 and a
/// free port, serving fixture files from `root`. Stopped by PID when released.
public final class FeedServer: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let output: Pipe

    private let logFile = TemporaryDirectory("tidings-server-log")

    public init(root: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.feedServerScript.path, "--root", root.path,
                             "--log", logFile.path("requests.log")]
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The server prints its port once it is listening.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw ServerStartError(message: "feed server did not report a port")
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The requests served so far, as "GET /path STATUS UNIXTIME" lines.
    public var requests: [String] {
        ((try? String(contentsOfFile: logFile.path("requests.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read, released).
public func closedLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

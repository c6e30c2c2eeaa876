import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when it was killed for running past its time limit.
    public let timedOut: Bool
}

/// Runs programs the way a user would, with output captured in files (no pipe can fill up).
public enum ProcessRunner {
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           timeout: TimeInterval = 120) throws -> ProcessResult {
        let scratch = TemporaryDirectory("tidings-proc")
        let outURL = scratch.url.appendingPathComponent("out")
        let errURL = scratch.url.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                             timedOut: timedOut)
    }

    public static func tidings(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try run(TestPaths.tidings, arguments, environment: environment)
    }

    public static func tidingsd(_ arguments: [String], environment: [String: String] = [:],
                                timeout: TimeInterval = 120) throws -> ProcessResult {
        try run(TestPaths.tidingsd, arguments, environment: environment, timeout: timeout)
    }
}

/// A finished child process and its peak resident memory.
public struct MeasuredResult: Sendable {
    public let result: ProcessResult
    public let peakMegabytes: Int
}

extension ProcessRunner {
    /// Runs `executable` under a small Python wrapper that reports the child's
    /// peak RSS (`ru_maxrss` of its only child), so that memory bounds can be checked.
    public static func measured(_ executable: URL, _ arguments: [String], timeout: TimeInterval = 120) throws -> MeasuredResult {
        let scratch = TemporaryDirectory("tidings-rss")
        let peakFile = scratch.url.appendingPathComponent("peak").path
        let wrapper = """
            import resource, subprocess, sys
            code = subprocess.run(sys.argv[2:]).returncode
            open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
            sys.exit(code if code >= 0 else 128 - code)
            """
        let result = try run(URL(fileURLWithPath: "/usr/bin/env"),
                             ["python3", "-c", wrapper, peakFile, executable.path] + arguments, timeout: timeout)
        let peak = (try? String(contentsOfFile: peakFile, encoding: .utf8)).flatMap { Int($0) } ?? -1
        return MeasuredResult(result: result, peakMegabytes: peak)
    }
}

/// A child process left running in the background (a daemon under test); killed when released.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    private let scratch = TemporaryDirectory("tidings-bg")

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: scratch.path("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.path("err"), contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    public var pid: Int32 { process.processIdentifier }

    public var stderr: String { (try? String(contentsOfFile: scratch.path("err"), encoding: .utf8)) ?? "" }
    public var stdout: String { (try? String(contentsOfFile: scratch.path("out"), encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds; the exit status, or nil if still running.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32? {
        kill(process.processIdentifier, signal)
        return waitForExit(timeout: timeout)
    }

    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: TimeInterval = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

import Foundation

/// Where things are when tests run from a checkout.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("cannot find Package.swift above \(#filePath)")
    }()

    /// The folder with the built `tidingsd` and `tidings`: `$TIDINGS_BIN_DIR`, else beside the test bundle.
    public static let binaries: URL = {
        if let dir = ProcessInfo.processInfo.environment["TIDINGS_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("tidingsd").path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }()

    /// The team's shared material beside the checkout (`../shared`: seeds, bench, conformance).
    public static var shared: URL { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared") }

    public static var tidingsd: URL { binaries.appendingPathComponent("tidingsd") }
    public static var tidings: URL { binaries.appendingPathComponent("tidings") }
    public static var feedServerScript: URL { repositoryRoot.appendingPathComponent("Tests/Servers/feed_server.py") }
    /// The Python of the tests' virtual environment (`make test` creates it, with prometheus_client from PyPI):
    /// `$TIDINGS_TEST_PYTHON`, else `.build/test-venv/bin/python`.
    public static var testPython: URL {
        if let python = ProcessInfo.processInfo.environment["TIDINGS_TEST_PYTHON"], !python.isEmpty {
            return URL(fileURLWithPath: python)
        }
        return repositoryRoot.appendingPathComponent(".build/test-venv/bin/python")
    }
}

/// A fresh directory under the system temp folder, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init(_ label: String = "tidings-test") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` inside this directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

import Foundation

/// A small store for the inspection CLI's tests, made by the real daemon from the feeds in
/// `Tests/Fixtures/inspection` (English, Russian and Kazakh articles; one reprint), then pinned:
/// each article first seen 30 minutes after it was published, and every source last fetched
/// 2h ago and due again in 4h10m (with 50 s of slack for the relative times a table prints).
public final class InspectionStore: @unchecked Sendable {
    public let directory = TemporaryDirectory("tidings-inspect")
    public let db: String
    public let config: String

    public static let feeds = TestPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/inspection")

    public init() throws {
        let feeds = Self.feeds.path
        db = directory.path("tidings.db")
        config = try directory.write("tidings.toml", """
            [daemon]
            database = "\(db)"
            change_log = "\(directory.path("changes"))"
            concurrency = 1

            [[source]]
            id = "steppe-herald"
            url = "file://\(feeds)/steppe-herald.xml"
            tags = ["central-asia", "original"]

            [[source]]
            id = "moscow-daily"
            url = "file://\(feeds)/moscow-daily.xml"
            tags = ["russian"]

            [[source]]
            id = "wire"
            url = "file://\(feeds)/wire.xml"
            title = "Central Asia Wire"
            tags = ["wire", "syndicated"]
            """)
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        precondition(run.status == 0, run.stderr)
        try sql("""
            UPDATE articles SET first_seen_at = strftime('%Y-%m-%d %H:%M:%f', published_at, '+30 minutes');
            UPDATE sources SET last_attempt_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-7210 seconds'),
                               last_success_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-7210 seconds'),
                               next_due_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+15050 seconds'),
                               due_reason = 'interval', learnt_interval = NULL;
            """)
    }

    /// Runs SQL statements against the store (tests pin or change what the daemon wrote).
    public func sql(_ statements: String) throws {
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", db, statements])
        guard result.status == 0 else { throw FixtureError(message: result.stderr) }
    }

    /// `tidings --db STORE ARGS` with a fixed table width.
    public func tidings(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.tidings(["--db", db] + arguments, environment: ["COLUMNS": "120"].merging(environment) { $1 })
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

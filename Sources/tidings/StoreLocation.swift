import ArgumentParser
import Foundation
import TidingsCore

extension Tidings {
    /// The store named by `--db`, or by the config file.
    func openStore() throws -> StoreReader {
        try StoreReader.open(path: storePath())
    }

    /// The `[dedup]` settings of `--config`; the defaults when no config is given and none is at the default path.
    func dedupSettings() throws -> DedupSettings {
        try configurationIfAny(for: "the [dedup] settings")?.dedup ?? DedupSettings()
    }

    /// `--config`, else the default config if there is one; nil when neither is there. A config
    /// that does not load is a `CLIFailure` saying what it was needed `for`.
    func configurationIfAny(for purpose: String) throws -> TidingsConfiguration? {
        guard config != nil || FileManager.default.fileExists(atPath: TidingsConfiguration.defaultPath) else { return nil }
        do {
            return try ConfigurationLoader.load(path: config ?? TidingsConfiguration.defaultPath).configuration
        } catch let error as ConfigurationError {
            throw CLIFailure(message: "cannot use config file for \(purpose):\n" + error.description)
        }
    }

    func storePath() throws -> String {
        if let db { return db }
        let file = config ?? TidingsConfiguration.defaultPath
        do {
            return try ConfigurationLoader.load(path: file).configuration.daemon.databasePath
        } catch let error as ConfigurationError {
            throw CLIFailure(message: "cannot use config file to find the store:\n" + error.description)
        }
    }
}

/// `--json` and `--limit`, shared by listings.
struct ListingOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table (never cut short unless --limit is given).")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Show at most this many (tables show 50 by default).", valueName: "n"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    /// The limit a table uses when none is given; JSON has none.
    static let defaultTableLimit = 50

    var effectiveLimit: Int? { json ? limit : (limit ?? Self.defaultTableLimit) }

    /// How many rows to fetch: one more than shown, to know whether the page was cut.
    var fetchLimit: Int? { effectiveLimit.map { $0 + 1 } }

    /// The rows a listing shows of `rows` (fetched with `fetchLimit`), and whether some were cut.
    func page<Row>(_ rows: [Row]) -> (rows: [Row], cut: Bool) {
        guard let limit = effectiveLimit else { return (rows, false) }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// Under a table cut at the default limit: how to see the rest.
    func noteCut(_ cut: Bool, of what: String = "") {
        if cut, limit == nil {
            Output.line("(first \(Self.defaultTableLimit) \(what)shown; use --limit N or --json for more)")
        }
    }
}

/// Parses `tidings changes --since`: a sequence number, or a time or span as `FilterOptions.time` reads them.
enum SinceValue {
    case seq(Int64)
    case time(Date)

    init(parsing text: String) throws {
        if let seq = Int64(text) {
            self = .seq(seq)
        } else {
            do {
                self = .time(try FilterOptions.time(text, option: "--since"))
            } catch {
                throw ValidationError("--since expects a sequence number, a time such as 2026-01-06T09:30:00Z, or a span such as 2h; found \"\(text)\".")
            }
        }
    }
}

/// A file argument's bytes, `-` meaning standard input; a file that cannot be read is a `CLIFailure` naming it.
enum InputFile {
    static func read(_ path: String, what: String = "") throws -> Data {
        do {
            return path == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CLIFailure(message: "cannot read \(what)\(path): \(error.localizedDescription)")
        }
    }
}

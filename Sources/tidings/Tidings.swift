import ArgumentParser
import Foundation
import TidingsCore

/// `tidings`: inspect what `tidingsd` stored. Opens the store read-only.
struct Tidings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidings",
        abstract: "Inspect the articles, sources and changes that tidingsd stored.",
        discussion: """
            The store is found through --db, or through the config file (--config, default \
            \(TidingsConfiguration.defaultPath)). It is opened read-only and never blocks the daemon.

            Every listing takes --json (JSON Lines for streams); tables fit the terminal. Colour only on a terminal \
            and never with NO_COLOR set.

            Exit status: 0 success, 1 not found or invalid (missing store, a store from a newer Tidings or not yet \
            migrated by tidingsd, bad config, unknown id, unreadable file), 2 usage error (unknown option, bad value, \
            unreadable search query).
            """,
        version: TidingsVersion.current,
        subcommands: [
            SourcesCommand.self, ArticlesCommand.self, SearchCommand.self, ShowCommand.self, DiffCommand.self, ChangesCommand.self, StatsCommand.self, ExportCommand.self, BackupCommand.self, MaintenanceCommand.self,
            DupsCommand.self, StoriesCommand.self, SimilarCommand.self, CheckConfigCommand.self, ParseCommand.self, ExtractCommand.self, DedupCommand.self,
        ]
    )

    @Option(name: .long, help: ArgumentHelp("Config file that names the store.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Store to read, instead of the one the config names.", valueName: "file"))
    var db: String?

    func validate() throws {
        if config != nil, db != nil { throw ValidationError("Give --config or --db, not both.") }
    }
}

/// A failure the user caused or can fix: printed as `tidings: message`, exit status 1.
struct CLIFailure: Error {
    let message: String
}

@main
enum TidingsMain {
    static func main() {
        do {
            var command = try Tidings.parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            Output.error("tidings: \(failure.message)")
            exit(1)
        } catch let failure as StoreError {  // whichever command met it: a missing, foreign or broken store
            Output.error("tidings: \(failure.description)")
            exit(1)
        } catch {
            if Tidings.exitCode(for: error) == .validationFailure {
                Output.error(Tidings.fullMessage(for: error))
                exit(2)
            }
            Tidings.exit(withError: error)
        }
    }
}

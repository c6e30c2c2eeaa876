import ArgumentParser
import Foundation
import TidingsCore

/// `tidingsd`: the feed-ingesting daemon.
@main
struct TidingsDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidingsd",
        abstract: "Fetch the configured feeds on schedule and store their articles and changes.",
        discussion: """
            Runs until SIGTERM or SIGINT, then stops scheduling, lets refreshes in flight finish and exits 0. \
            With --once, refreshes the sources that are due (every enabled one with --all) and exits. \
            Exit status: 0 success, 1 fatal error (unreadable or invalid config, unusable database), 2 usage error.
            """,
        version: TidingsVersion.current
    )

    @Option(name: .long, help: ArgumentHelp("Config file.", valueName: "file"))
    var config = TidingsConfiguration.defaultPath

    @Flag(name: .long, help: "Refresh the due sources once, then exit.")
    var once = false

    @Flag(name: .long, help: "With --once: refresh every enabled source, due or not.")
    var all = false

    @Option(name: .customLong("log-level"),
            help: ArgumentHelp("Least severe level logged: \(LogLevelName.all.joined(separator: ", ")).", valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, !LogLevelName.all.contains(logLevel) {
            throw ValidationError("--log-level expects one of \(LogLevelName.all.joined(separator: ", ")); found \"\(logLevel)\".")
        }
        if all, !once { throw ValidationError("--all only makes sense with --once.") }
    }

    func run() async throws {
        let status = await DaemonLauncher.run(DaemonOptions(configPath: config, once: once, all: all, logLevel: logLevel))
        if status != 0 { throw ExitCode(status) }
    }

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file: every error and warning with file, line and key. Exit 0 if usable, 1 if not."
    )

    @ParentCommand var root: Tidings
    @Argument(help: ArgumentHelp("Config file (default: --config, else \(TidingsConfiguration.defaultPath)).", valueName: "file"))
    var file: String?
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    func run() throws {
        let path = file ?? root.config ?? TidingsConfiguration.defaultPath
        let report: ConfigCheckReport
        do {
            let loaded = try ConfigurationLoader.load(path: path)
            report = ConfigCheckReport(file: path, valid: true, diagnostics: loaded.warnings, configuration: loaded.configuration)
        } catch let error as ConfigurationError {
            report = ConfigCheckReport(file: path, valid: false, diagnostics: error.diagnostics, configuration: nil)
        }
        if json {
            Output.line(JSONOutput.encode(report, pretty: true))
        } else {
            for diagnostic in report.diagnostics { Output.error(diagnostic.description) }
            if let summary = report.summary { Output.line("\(path): ok: " + summary) }
        }
        if !report.valid { throw ExitCode(1) }
    }
}

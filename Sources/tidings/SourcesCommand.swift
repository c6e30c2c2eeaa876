import ArgumentParser
import Foundation
import TidingsCore

struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Sources: their health, and OPML import and export.",
        subcommands: [SourcesListCommand.self, ImportOPMLCommand.self, ExportOPMLCommand.self],
        defaultSubcommand: SourcesListCommand.self
    )
}

struct SourcesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sources with their health (the default): state, last HTTP status, articles, duplicate rate, "
            + "items filtered out and articles pruned, last success, next due, consecutive errors, last error or warning."
    )

    @ParentCommand var root: Tidings
    @Flag(name: .long, help: "Print JSON instead of a table.") var json = false

    func run() throws {
        let sources = try root.openStore().sources()
        if json {
            Output.line(JSONOutput.encode(sources))
            return
        }
        guard !sources.isEmpty else {
            Output.line("No sources in the store yet.")
            return
        }
        var table = TextTable([
            .init("ID"), .init("STATE"), .init("HTTP", rightAligned: true), .init("ARTICLES", rightAligned: true),
            .init("DUPS", rightAligned: true), .init("FILTERED", rightAligned: true), .init("PRUNED", rightAligned: true),
            .init("LAST SUCCESS"), .init("NEXT DUE"), .init("ERRORS", rightAligned: true),
            .init("PROBLEM", flexible: true),
        ])
        let now = Date()
        for source in sources {
            table.append([
                source.id, source.state, source.lastStatus.map(String.init) ?? "-", String(source.articles),
                Percent.text(source.duplicateRate), String(source.filtered), String(source.pruned),
                HumanTime.relative(source.lastSuccess, now: now),
                ["removed", "disabled", "gone"].contains(source.state) ? "-" : Self.nextDue(source, now: now),
                String(source.consecutiveErrors), source.lastError ?? source.warning.map { "warning: \($0)" } ?? "",
            ])
        }
        Output.line(table.render(width: Terminal.width))
    }

    /// "in 42m (adaptive: every 45m)", "in 3m (retry-after)", "overdue 5m (backoff)".
    static func nextDue(_ source: SourceStatus, now: Date) -> String {
        var when = HumanTime.relative(source.nextDue, now: now)
        if let due = source.nextDue, due < now.addingTimeInterval(-1) {
            when = "overdue \(HumanTime.span(now.timeIntervalSince(due)))"
        }
        guard let reason = source.dueReason else { return when }
        if reason == DueReason.adaptive.rawValue, let learnt = source.learntInterval {
            return "\(when) (adaptive: every \(HumanTime.span(learnt)))"
        }
        return "\(when) (\(reason))"
    }
}

/// A share as a whole percentage: `29%`, `<1%` for a small non-zero share, `-` for none known.
enum Percent {
    static func text(_ share: Double?) -> String {
        guard let share else { return "-" }
        if share > 0, share < 0.005 { return "<1%" }
        return "\(Int((share * 100).rounded()))%"
    }
}

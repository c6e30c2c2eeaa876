import ArgumentParser
import Foundation
import TidingsCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show totals, store size, articles per day as a chart, and articles and duplicate rate per source.",
        discussion: """
            --prometheus prints the figures in the Prometheus text format, for node_exporter's textfile collector:
              tidings stats --prometheus > /var/lib/node_exporter/tidings.prom
            """
    )

    @ParentCommand var root: Tidings
    @Option(name: .long, help: ArgumentHelp("Days the per-day chart covers, today included.", valueName: "n")) var days = 28
    @Flag(name: .long, help: "Print JSON instead of text.") var json = false
    @Flag(name: .long, help: "Print Prometheus metrics instead of text.") var prometheus = false

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be between 1 and 3660.") }
        if json, prometheus { throw ValidationError("Give --json or --prometheus, not both.") }
    }

    func run() throws {
        let store = try root.openStore()
        let stats = try store.statistics(days: days)
        if json {
            Output.line(JSONOutput.encode(stats, pretty: true))
            return
        }
        if prometheus {
            Output.line(try StoreGauges.text(of: store).trimmingCharacters(in: .newlines))
            return
        }
        var lines = [
            "Store      \(store.path) (\(ByteCount(bytes: stats.databaseBytes)))",
            "Sources    \(stats.sources) configured, \(stats.sourcesEnabled) enabled, \(stats.sourcesFailing) failing",
            "Articles   \(stats.articles) (\(stats.articlesLastDay) in the last 24h), first seen "
                + "\(HumanTime.short(stats.oldestArticle)) … \(HumanTime.short(stats.newestArticle))",
            "Duplicates \(stats.duplicates) in \(stats.duplicateClusters) clusters (\(Percent.text(stats.duplicateRate)) of articles)",
            "Stories    \(stats.stories) (\(stats.storiesAcrossSources) told by more than one outlet)",
            "Changes    \(stats.changes) (last seq \(stats.lastSeq.map(String.init) ?? "-"))",
            "",
            "Articles first seen per day (UTC), last \(days) day\(days == 1 ? "" : "s")",
        ]
        if stats.perDay.contains(where: { $0.articles > 0 }) {
            lines += BarChart.lines(stats.perDay.map { ($0.day, $0.articles) }, width: Terminal.width)
        } else {
            lines.append("(none)")
        }
        if !stats.perSource.isEmpty {
            var table = TextTable([.init("SOURCE"), .init("ARTICLES", rightAligned: true), .init("LAST 24H", rightAligned: true),
                                   .init("DUPLICATES", rightAligned: true), .init("DUP RATE", rightAligned: true)])
            for row in stats.perSource {
                table.append([row.source, String(row.articles), String(row.lastDay), String(row.duplicates),
                              Percent.text(row.duplicateRate)])
            }
            lines += ["", table.render(width: Terminal.width)]
        }
        Output.line(lines.joined(separator: "\n"))
    }
}

/// A horizontal bar per label, scaled to the largest value, in eighth-block steps.
enum BarChart {
    static func lines(_ values: [(label: String, value: Int)], width: Int) -> [String] {
        let largest = values.map(\.value).max() ?? 0
        let labelWidth = values.map(\.label.count).max() ?? 0
        let numberWidth = String(largest).count
        let barWidth = max(10, min(50, width - labelWidth - numberWidth - 4))
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return values.map { label, value in
            let length = largest > 0 ? Int((Double(value) / Double(largest) * Double(barWidth * 8)).rounded()) : 0
            let visible = value > 0 ? max(length, 1) : 0  // a day with any articles shows a sliver
            let bar = String(repeating: "█", count: visible / 8) + eighths[visible % 8]
            let padding = String(repeating: " ", count: barWidth - bar.count)
            let number = String(repeating: " ", count: numberWidth - String(value).count) + String(value)
            return label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + bar + padding + "  " + number
        }
    }
}

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
            Output.line(PrometheusText.metrics(stats, sources: try store.sources()))
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

/// The store's figures in the Prometheus text exposition format.
enum PrometheusText {
    static func metrics(_ stats: StoreStatistics, sources: [SourceStatus]) -> String {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            lines += ["# HELP tidings_\(name) \(help)", "# TYPE tidings_\(name) gauge"]
            for sample in samples {
                let value = sample.value == sample.value.rounded() && abs(sample.value) < 1e15
                    ? String(Int64(sample.value)) : String(sample.value)
                lines.append("tidings_\(name)\(sample.labels.isEmpty ? "" : "{\(sample.labels)}") \(value)")
            }
        }
        let bySource = { (value: (SourceStatus) -> Double?) in
            sources.compactMap { source in value(source).map { (labels: "source=\"\(label(source.id))\"", value: $0) } }
        }
        gauge("articles", "Articles stored.", [("", Double(stats.articles))])
        gauge("duplicates", "Articles that are near-duplicates of an earlier one.", [("", Double(stats.duplicates))])
        gauge("stories", "Stories: articles about one event, grouped.", [("", Double(stats.stories))])
        gauge("stories_across_sources", "Stories told by more than one outlet.", [("", Double(stats.storiesAcrossSources))])
        gauge("changes_last_seq", "Sequence number of the newest change.", [("", Double(stats.lastSeq ?? 0))])
        gauge("store_bytes", "Size of the database with its WAL.", [("", Double(stats.databaseBytes))])
        let states = ["ok", "backing-off", "new", "gone", "disabled"]
        gauge("sources", "Configured sources by state.", states.map { state in
            ("state=\"\(state)\"", Double(sources.count { $0.state == state }))
        })
        gauge("source_articles", "Articles stored per source.", bySource { Double($0.articles) })
        gauge("source_duplicates", "Near-duplicates per source.", bySource { Double($0.duplicates) })
        gauge("source_consecutive_errors", "Failed fetches in a row per source.", bySource { Double($0.consecutiveErrors) })
        gauge("source_last_success_timestamp_seconds", "When each source was last fetched successfully.",
              bySource { $0.lastSuccess?.timeIntervalSince1970.rounded() })
        return lines.joined(separator: "\n")
    }

    /// A label value with backslash, quote and line feed escaped.
    static func label(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

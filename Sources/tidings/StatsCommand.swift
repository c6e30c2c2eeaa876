import ArgumentParser
import Foundation
import TidingsCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show totals: sources, articles, duplicates, changes, store size, articles per source."
    )

    @ParentCommand var root: Tidings
    @Flag(name: .long, help: "Print JSON instead of text.") var json = false

    func run() throws {
        let store = try root.openStore()
        let stats = try store.statistics()
        if json {
            Output.line(JSONOutput.encode(stats, pretty: true))
            return
        }
        Output.line("""
            Store      \(store.path) (\(ByteCount(bytes: stats.databaseBytes)))
            Sources    \(stats.sources) configured, \(stats.sourcesEnabled) enabled, \(stats.sourcesFailing) failing
            Articles   \(stats.articles) (\(stats.articlesLastDay) in the last 24h), first seen \
            \(HumanTime.short(stats.oldestArticle)) … \(HumanTime.short(stats.newestArticle))
            Duplicates \(stats.duplicates) in \(stats.duplicateClusters) clusters
            Changes    \(stats.changes) (last seq \(stats.lastSeq.map(String.init) ?? "-"))
            """)
        guard !stats.perSource.isEmpty else { return }
        Output.line()
        var table = TextTable([.init("SOURCE"), .init("ARTICLES", rightAligned: true), .init("LAST 24H", rightAligned: true)])
        for row in stats.perSource { table.append([row.source, String(row.articles), String(row.lastDay)]) }
        Output.line(table.render(width: Terminal.width))
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct DupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dups",
        abstract: "List clusters of near-duplicate articles, most recently grown first.",
        discussion: """
            Each cluster is the canonical (earliest) article and the articles found to be copies of it, \
            with their similarity. --limit counts clusters.
            """
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let (clusters, cut) = listing.page(try root.openStore().duplicateClusters(limit: listing.fetchLimit))
        if listing.json {
            Output.line(JSONOutput.encode(clusters))
            return
        }
        guard !clusters.isEmpty else {
            Output.line("No duplicates.")
            return
        }
        var table = TextTable([
            .init("ID", rightAligned: true), .init("SOURCE"), .init("SIMILAR", rightAligned: true), .init("TITLE", flexible: true),
        ])
        for cluster in clusters {
            table.append([String(cluster.canonical.id), cluster.canonical.source, "original", cluster.canonical.title])
            for member in cluster.members {
                table.append([String(member.id), member.source, String(format: "%.2f", member.similarity), "  " + member.title])
            }
        }
        Output.line(table.render(width: Terminal.width))
        listing.noteCut(cut, of: "clusters ")
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct ArticlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "List stored articles, newest first.",
        discussion: """
            An article's date is its publication time, or when it was first seen if its feed gave none; \
            --since and --until filter on it.
            """
    )

    @ParentCommand var root: Tidings
    @OptionGroup var filter: FilterOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let (articles, cut) = listing.page(try root.openStore().articles(filter.filter(limit: listing.fetchLimit)))
        if listing.json {
            Output.line(JSONOutput.encode(articles))
            return
        }
        guard !articles.isEmpty else {
            Output.line("No articles.")
            return
        }
        var table = TextTable([
            .init("ID", rightAligned: true), .init("SOURCE"), .init("DATE"), .init("DUP OF", rightAligned: true),
            .init("TITLE", flexible: true),
        ])
        for article in articles {
            table.append([String(article.id), article.source, HumanTime.short(article.date),
                          article.duplicateOf.map(String.init) ?? "", article.title])
        }
        Output.line(table.render(width: Terminal.width))
        listing.noteCut(cut)
    }
}

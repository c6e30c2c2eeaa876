import ArgumentParser
import Foundation
import TidingsCore

struct ArticlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "List stored articles, newest first."
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    @Option(name: .long, help: ArgumentHelp("Only articles of this source.", valueName: "id"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("Only articles first seen since a time or span (2026-01-06, 2d).", valueName: "when"))
    var since: String?

    func run() throws {
        var filter = ArticleFilter(source: source, limit: listing.fetchLimit)
        if let since {
            guard case .time(let date) = try SinceValue(parsing: since) else {
                throw ValidationError("--since expects a time or a span for articles, not a sequence number.")
            }
            filter.since = date
        }
        let (articles, cut) = listing.page(try root.openStore().articles(filter))
        if listing.json {
            Output.line(JSONOutput.encode(articles))
            return
        }
        guard !articles.isEmpty else {
            Output.line("No articles.")
            return
        }
        var table = TextTable([
            .init("ID", rightAligned: true), .init("SOURCE"), .init("PUBLISHED"), .init("DUP OF", rightAligned: true),
            .init("TITLE", flexible: true),
        ])
        for article in articles {
            table.append([String(article.id), article.source, HumanTime.short(article.published ?? article.firstSeen),
                          article.duplicateOf.map(String.init) ?? "", article.title])
        }
        Output.line(table.render(width: Terminal.width))
        listing.noteCut(cut)
    }
}

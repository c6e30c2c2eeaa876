import ArgumentParser
import Foundation
import TidingsCore

struct StoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "List stories: different outlets' articles about one event, grouped.",
        discussion: """
            A story gathers the articles that report the same event in their own words (and their \
            duplicates). The table shows stories with at least --min-articles articles (2 by default), \
            the most recently active first: id, articles, outlets, time span and the title of the earliest \
            article. --id N lists one story's articles, oldest first, with how well each fitted the story \
            when it joined (FIT: the score; "started" for the article that began it; a duplicate shows the \
            article it copies; "its copy" marks an original that came in after a copy of it).

            Examples: tidings stories --since 24h; tidings stories --id 42; tidings stories --min-articles 1 --json
            """
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    @Option(name: .long, help: ArgumentHelp("Only stories active since then: a date, a time or a span back from now (24h, 7d).",
                                            valueName: "when"))
    var since: String?

    @Option(name: .customLong("min-articles"), help: ArgumentHelp("Only stories with at least this many articles.", valueName: "n"))
    var minimumArticles = 2

    @Option(name: .long, help: ArgumentHelp("List the articles of this story.", valueName: "story"))
    var id: Int64?

    func validate() throws {
        if minimumArticles < 1 { throw ValidationError("--min-articles must be at least 1.") }
    }

    func run() throws {
        let store = try root.openStore()
        if let id {
            guard let detail = try store.story(id: id) else { throw CLIFailure(message: "no story with id \(id)") }
            show(detail)
            return
        }
        let since = try since.map { try FilterOptions.time($0, option: "--since") }
        let (stories, cut) = listing.page(try store.stories(since: since, minimumArticles: minimumArticles,
                                                            limit: listing.fetchLimit))
        if listing.json {
            Output.line(JSONOutput.encode(stories))
            return
        }
        guard !stories.isEmpty else {
            Output.line(minimumArticles > 1 ? "No stories with \(minimumArticles) or more articles." : "No stories.")
            return
        }
        var table = TextTable([
            .init("ID", rightAligned: true), .init("ARTICLES", rightAligned: true), .init("OUTLETS"), .init("SPAN"),
            .init("TITLE", flexible: true),
        ])
        for story in stories {
            table.append([String(story.id), String(story.articles), Self.outlets(story), Self.span(story), story.title])
        }
        Output.line(table.render(width: Terminal.width))
        listing.noteCut(cut, of: "stories ")
    }

    private func show(_ detail: StoryDetail) {
        if listing.json {
            Output.line(JSONOutput.encode(detail, pretty: true))
            return
        }
        let story = detail.story
        var lines = [story.title, ""]
        lines.append("Story         \(story.id)")
        lines.append("Articles      \(story.articles) from \(story.sources) outlet\(story.sources == 1 ? "" : "s"): "
                     + story.outlets.joined(separator: ", "))
        lines.append("Span          \(ISO8601.string(story.first)) to \(ISO8601.string(story.last))")
        lines.append("")
        var table = TextTable([
            .init("ID", rightAligned: true), .init("DATE"), .init("SOURCE"), .init("FIT", rightAligned: true),
            .init("TITLE", flexible: true),
        ])
        for member in detail.members {
            let article = member.article
            let fit = member.score.map { String(format: "%.2f", $0) } ?? article.duplicateOf.map { "dup of \($0)" }
                ?? (member.joined == "duplicate" ? "its copy" : member.joined)
            table.append([String(article.id), HumanTime.short(article.date), article.source, fit, article.title])
        }
        lines.append(table.render(width: Terminal.width))
        Output.line(lines.joined(separator: "\n"))
    }

    /// "3: wire-a, daily-b, times-c", shortened when long.
    private static func outlets(_ story: StorySummary) -> String {
        let names = story.outlets.prefix(3).joined(separator: ", ")
        return "\(story.sources): " + names + (story.outlets.count > 3 ? ", …" : "")
    }

    /// "2024-03-26 10:00 +22h".
    private static func span(_ story: StorySummary) -> String {
        let hours = story.last.timeIntervalSince(story.first) / 3600
        let length = hours < 1 ? "" : hours < 48 ? String(format: " +%.0fh", hours) : String(format: " +%.0fd", hours / 24)
        return HumanTime.short(story.first) + length
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search of titles and texts, best match first.",
        discussion: """
            Words must all match, in any order and any case; Latin accents are ignored ("cafe" finds "café"). \
            "an exact phrase" in quotes; prefix* matches word beginnings; OR between alternatives; -word (or NOT word) \
            excludes; title:word or text:word looks in one field; ( ) groups. Ranking is BM25, a title match \
            weighing four times a match in the text (`score` in JSON, higher is better). When more than 10,000 \
            articles match, the newest 10,000 are ranked and a note says so; --all ranks every match. Matches are coloured on a terminal and [bracketed] elsewhere.

            Examples:
              tidings search kazakhstan troops
              tidings search '"state of emergency"' --since 7d
              tidings search 'казах*' --source steppe-herald --json
            """
    )

    @ParentCommand var root: Tidings
    @Argument(parsing: .allUnrecognized, help: "What to look for (quote phrases and * for the shell).") var query: [String]
    @OptionGroup var filter: FilterOptions
    @OptionGroup var listing: ListingOptions
    @OptionGroup var colour: ColourOptions
    @Flag(name: .long, help: "Rank every match, not only the newest \(Self.rankWithin) (slower for common words in a large store).")
    var all = false

    /// How many of the newest matches are ranked unless --all is given.
    static let rankWithin = 10_000

    func validate() throws {
        // Words are taken as they come so that "-word" excludes; a "--word" can only be a mistyped option.
        if let option = query.first(where: { $0.hasPrefix("--") && $0.count > 2 }) {
            throw ValidationError("Unknown option '\(option)'.")
        }
        guard !query.isEmpty else { throw ValidationError("Missing expected argument '<query> ...'.") }
        do {
            _ = try SearchQuery(parsing: query.joined(separator: " "))
        } catch {
            throw ValidationError("invalid search query: \(error.description).")
        }
    }

    func run() throws {
        // validate() parsed it already, so that a bad query is a usage error with this command's usage.
        let parsed = try SearchQuery(parsing: query.joined(separator: " "))
        let store = try root.openStore()
        let results = try store.search(parsed, filter: filter.filter(limit: listing.fetchLimit), rankWithin: all ? nil : Self.rankWithin)
        let (hits, cut) = listing.page(results.hits)
        let capNote = results.rankedAmongNewest.map {
            "(more than \($0) articles match: these are the best of the newest \($0); --all ranks every match, "
                + "--since/--until or a narrower query cut them down)"
        }
        if listing.json {
            Output.line(JSONOutput.encode(hits))
            if let capNote { Output.error("tidings: " + capNote.dropFirst().dropLast()) }
            return
        }
        guard !hits.isEmpty else {
            Output.line("No matches.")
            return
        }
        let paint = colour.painter
        var table = TextTable([
            .init("ID", rightAligned: true), .init("SOURCE"), .init("DATE"), .init("TITLE", flexible: true),
        ])
        for hit in hits {
            table.append([String(hit.article.id), hit.article.source, HumanTime.short(hit.article.date),
                          hit.titleMarks.text])
        }
        let width = Terminal.width
        let rows = table.render(width: width).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let indent = String(repeating: " ", count: String(hits.map(\.article.id).max() ?? 0).count + 2)
        var lines = [paint.header(rows[0])]
        for (hit, row) in zip(hits, rows.dropFirst()) {
            lines.append(paint.enabled ? Self.highlightTitle(row, hit.titleMarks, paint) : row)
            if !hit.snippet.text.isEmpty {
                lines.append(indent + paint.matches(Self.fitted(hit.snippet, to: width - indent.count)))
            }
        }
        Output.line(lines.joined(separator: "\n"))
        listing.noteCut(cut, of: "matches ")
        if let capNote { Output.line(capNote) }
    }

    /// The row with its title's matches coloured, when the title was not shortened to fit.
    static func highlightTitle(_ row: String, _ title: MarkedText, _ paint: Painter) -> String {
        guard !title.matches.isEmpty, row.hasSuffix(title.text) else { return row }
        return String(row.dropLast(title.text.count)) + paint.matches(title, brackets: false)
    }

    /// The snippet cut to `width` characters (with "…"), its marks kept where they still fit.
    static func fitted(_ snippet: MarkedText, to width: Int) -> MarkedText {
        let scalars = Array(snippet.text.unicodeScalars)
        guard scalars.count > width, width > 1 else { return snippet }
        var text = String.UnicodeScalarView(scalars[..<(width - 1)])
        text.append("…")
        var cut = snippet
        cut.text = String(text)
        cut.matches = snippet.matches.filter { $0[1] <= width - 1 }
        return cut
    }
}

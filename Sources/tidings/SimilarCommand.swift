import ArgumentParser
import Foundation
import TidingsCore

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Find the stored articles closest to a text.",
        discussion: """
            Reads plain text or HTML from FILE (- for standard input), shingles it the way the daemon \
            does with the [dedup] settings, and compares it with every stored article. Similarity is the \
            Jaccard similarity of the word shingles; containment is the share of the shorter text found \
            in the longer one.
            """
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    @Argument(help: ArgumentHelp("Text or HTML file; - reads standard input.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Least similarity (or containment) to list, 0-1.", valueName: "x"))
    var minimum: Double = 0.1

    func validate() throws {
        guard (0...1).contains(minimum) else { throw ValidationError("--minimum expects a number from 0 to 1.") }
    }

    func run() throws {
        let text = String(decoding: try InputFile.read(file), as: UTF8.self)
        let (matches, cut) = listing.page(try root.openStore().similarArticles(
            to: text, settings: try root.dedupSettings(), minimum: minimum, limit: listing.fetchLimit))
        if listing.json {
            Output.line(JSONOutput.encode(matches))
            return
        }
        guard !matches.isEmpty else {
            Output.line("No stored article is at least \(minimum) similar.")
            return
        }
        var table = TextTable([
            .init("ID", rightAligned: true), .init("SOURCE"), .init("SIMILAR", rightAligned: true),
            .init("CONTAINED", rightAligned: true), .init("TITLE", flexible: true),
        ])
        for match in matches {
            table.append([String(match.article.id), match.article.source, String(format: "%.2f", match.similarity),
                          String(format: "%.2f", match.containment), match.article.title])
        }
        Output.line(table.render(width: Terminal.width))
        listing.noteCut(cut)
    }
}

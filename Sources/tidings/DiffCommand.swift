import ArgumentParser
import Foundation
import TidingsCore

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed in an article between two of its revisions.",
        discussion: """
            A unified diff of the article's text, one sentence per line, with the title change above it. \
            By default the newest revision is compared with the one before it. `tidings show ID` lists the \
            revisions. Colours only on a terminal (--color always|never overrides; NO_COLOR is respected).
            """
    )

    @ParentCommand var root: Tidings
    @Argument(help: "Article id, as listed by `tidings articles`.") var id: Int64
    @Option(name: .long, help: ArgumentHelp("Revision to compare from (default: the one before --to).", valueName: "rev"))
    var from: Int?
    @Option(name: .long, help: ArgumentHelp("Revision to compare to (default: the newest).", valueName: "rev"))
    var to: Int?
    @OptionGroup var colour: ColourOptions
    @Flag(name: .long, help: "Print JSON: both revisions' numbers, times, titles and content hashes, and the diff.") var json = false

    func run() throws {
        let store = try root.openStore()
        let revisions = try store.revisionHeaders(of: id)
        guard let newest = revisions.last else { throw CLIFailure(message: "no article with id \(id)") }
        let toNumber = to ?? newest.revision
        let fromNumber = from ?? toNumber - 1
        let numbers = revisions.map(\.revision).map(String.init).joined(separator: ", ")
        guard let new = revisions.first(where: { $0.revision == toNumber }) else {
            throw CLIFailure(message: "article \(id) has no revision \(toNumber) (it has \(numbers))")
        }
        guard let old = revisions.first(where: { $0.revision == fromNumber }) else {
            if from == nil, revisions.count == 1 {
                throw CLIFailure(message: "article \(id) has one revision: nothing to compare")
            }
            throw CLIFailure(message: "article \(id) has no revision \(fromNumber) (it has \(numbers))")
        }
        // Only the two texts compared are read, not every version's.
        guard let oldText = try store.revisionText(of: id, revision: old.revision),
              let newText = try store.revisionText(of: id, revision: new.revision) else {
            throw CLIFailure(message: "article \(id) changed while it was read; try again")
        }
        let diff = TextDiff.unified(from: oldText, to: newText, oldLabel: "article \(id) revision \(old.revision)",
                                    newLabel: "article \(id) revision \(new.revision)")
        if json {
            Output.line(JSONOutput.encode(DiffReport(article: id, from: old, to: new, diff: diff), pretty: true))
            return
        }
        let paint = colour.painter
        var lines: [String] = []
        lines.append("revision \(old.revision) (\(ISO8601.string(old.seenAt))) → revision \(new.revision) (\(ISO8601.string(new.seenAt)))")
        if old.title != new.title {
            lines.append(paint.removed("-title: \(old.title)"))
            lines.append(paint.added("+title: \(new.title)"))
        }
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            switch line.first {
            case "@": lines.append(paint.hunk(String(line)))
            case "-" where !line.hasPrefix("--- "): lines.append(paint.removed(String(line)))
            case "+" where !line.hasPrefix("+++ "): lines.append(paint.added(String(line)))
            case "-", "+": lines.append(paint.header(String(line)))
            default: lines.append(String(line))
            }
        }
        if diff.isEmpty, old.title == new.title { lines.append("(the text is the same)") }
        Output.line(lines.joined(separator: "\n"))
    }
}

/// `tidings diff --json`: both sides' revision, time, title and content hash, and the diff.
struct DiffReport: Encodable {
    var article: Int64
    var from: RevisionHeader
    var to: RevisionHeader
    var diff: String
}

import ArgumentParser
import Foundation
import TidingsCore

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List recorded changes (articles added, sources added, failed, recovered...), oldest first.",
        discussion: "With --json, prints JSON Lines: one change object per line, as in the change-log files."
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    @Option(name: .long, help: ArgumentHelp("Only changes after this sequence number, or since a time or span (2026-01-06, 2h).", valueName: "seq|when"))
    var since: String?

    func run() throws {
        let store = try root.openStore()
        var afterSeq: Int64?
        var sinceTime: Date?
        switch try since.map(SinceValue.init(parsing:)) {
        case .seq(let seq)?: afterSeq = seq
        case .time(let date)?: sinceTime = date
        case nil: break
        }
        let (changes, cut) = listing.page(try store.changes(afterSeq: afterSeq, since: sinceTime, limit: listing.fetchLimit))
        if listing.json {
            for change in changes { Output.line(change.json.jsonText) }
            return
        }
        guard !changes.isEmpty else {
            Output.line("No changes.")
            return
        }
        var table = TextTable([
            .init("SEQ", rightAligned: true), .init("TIME"), .init("EVENT"), .init("SOURCE"),
            .init("ARTICLE", rightAligned: true), .init("DETAIL", flexible: true),
        ])
        for change in changes {
            table.append([String(change.seq), HumanTime.short(change.time), change.event, change.source ?? "-",
                          change.article.map(String.init) ?? "-", Self.detail(change)])
        }
        Output.line(table.render(width: Terminal.width))
        if cut, listing.limit == nil {
            let last = changes.last?.seq ?? 0
            Output.line("(first \(ListingOptions.defaultTableLimit) shown; continue with --since \(last))")
        }
    }

    private static func detail(_ change: ChangeRecord) -> String {
        if change.event == ChangeEvent.articleDuplicate.rawValue, case .int(let original)? = change.details["duplicate_of"] {
            var similarity = ""
            if case .double(let value)? = change.details["similarity"] { similarity = String(format: " (%.2f)", value) }
            return "of \(original)\(similarity): \(change.title ?? "")"
        }
        if let title = change.title, !title.isEmpty { return title }
        if case .string(let reason)? = change.details["reason"] { return reason }
        if let url = change.url { return url }
        return change.details.isEmpty ? "" : JSONValue.object(change.details).jsonText
    }
}

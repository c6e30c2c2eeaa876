import ArgumentParser
import Foundation
import Synchronization
import TidingsCore

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List recorded changes (articles added, sources added, failed, recovered...), oldest first.",
        discussion: """
            With --json, prints JSON Lines: one change object per line, as in the change-log files. \
            With --follow, keeps printing changes as the daemon commits them (checked ten times a second) \
            until interrupted (Ctrl-C or SIGTERM, exit 0); without --since it starts at the newest change.
            """
    )

    @ParentCommand var root: Tidings
    @OptionGroup var listing: ListingOptions

    @Option(name: .long, help: ArgumentHelp("Only changes after this sequence number, or since a time or span (2026-01-06, 2h).", valueName: "seq|when"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only changes of this event (article.added, source.failed, ...).", valueName: "event"))
    var event: String?

    @Option(name: .long, help: ArgumentHelp("Only changes of this source.", valueName: "id"))
    var source: String?

    @Flag(name: .long, help: "Keep printing new changes as they are committed, like tail -f, until interrupted.")
    var follow = false

    func run() throws {
        let store = try root.openStore()
        var afterSeq: Int64?
        var sinceTime: Date?
        switch try since.map(SinceValue.init(parsing:)) {
        case .seq(let seq)?: afterSeq = seq
        case .time(let date)?: sinceTime = date
        case nil: break
        }
        if follow {
            return try self.follow(store, afterSeq: afterSeq ?? (sinceTime == nil ? try store.lastChangeSeq() : nil),
                                   since: sinceTime)
        }
        let (changes, cut) = listing.page(try store.changes(afterSeq: afterSeq, since: sinceTime, event: event, source: source,
                                                            limit: listing.fetchLimit))
        if listing.json {
            for change in changes { Output.line(change.jsonLine) }
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
            table.append(Self.cells(change))
        }
        Output.line(table.render(width: Terminal.width))
        if cut, listing.limit == nil {
            let last = changes.last?.seq ?? 0
            Output.line("(first \(ListingOptions.defaultTableLimit) shown; continue with --since \(last))")
        }
    }

    /// Prints matching changes after `afterSeq` (or since `since`) as they appear, one a line,
    /// until SIGINT or SIGTERM.
    private func follow(_ store: StoreReader, afterSeq: Int64?, since: Date?) throws {
        FollowStop.install()
        var last = afterSeq
        var since = since
        while !FollowStop.requested.load(ordering: .relaxed) {
            // Only while following by time: read before the query, so that a change
            // committed in between is still after `last`.
            let newest = last == nil ? try store.lastChangeSeq() : nil
            for change in try store.changes(afterSeq: last, since: since, event: event, source: source) {
                Output.line(listing.json ? change.jsonLine : Self.cells(change).joined(separator: "  "))
                last = change.seq
                since = nil
            }
            if last == nil { last = newest }  // nothing matched since the given time: go on from here
            usleep(100_000)
        }
    }

    /// SEQ, TIME, EVENT, SOURCE, ARTICLE, DETAIL: a table row, or a followed line.
    private static func cells(_ change: ChangeRecord) -> [String] {
        [String(change.seq), HumanTime.short(change.time), change.event, change.source ?? "-",
         change.article.map(String.init) ?? "-", detail(change)]
    }

    private static func detail(_ change: ChangeRecord) -> String {
        let details = change.details
        if change.event == ChangeEvent.articleDuplicate.rawValue, case .int(let original)? = details["duplicate_of"] {
            var similarity = ""
            if case .double(let value)? = details["similarity"] { similarity = String(format: " (%.2f)", value) }
            return "of \(original)\(similarity): \(change.title ?? "")"
        }
        if change.event == ChangeEvent.storyCreated.rawValue || change.event == ChangeEvent.storyJoined.rawValue,
           case .int(let story)? = details["story"] {
            var how = ""
            if case .double(let score)? = details["score"] { how = String(format: " (%.2f)", score) }
            if case .string("duplicate")? = details["via"] { how = " (as a duplicate)" }
            return "story \(story)\(how): \(change.title ?? "")"
        }
        if change.event == ChangeEvent.articleUpdated.rawValue, case .int(let revision)? = details["revision"] {
            return "revision \(revision): \(change.title ?? "")"
        }
        if let title = change.title, !title.isEmpty { return title }
        if case .string(let reason)? = details["reason"] { return reason }
        if let url = change.url { return url }
        return details.isEmpty ? "" : change.detailsJSON
    }
}

/// SIGINT and SIGTERM end `changes --follow` cleanly (exit 0) instead of killing it mid-line.
enum FollowStop {
    static let requested = Atomic<Bool>(false)

    static func install() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in FollowStop.requested.store(true, ordering: .relaxed) }
            sigaddset(&signals, signalNumber)
        }
        // A parent may have started us with them blocked (as Foundation's Process does).
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}

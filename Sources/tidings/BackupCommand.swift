import ArgumentParser
import Foundation
import TidingsCore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the store while the daemon keeps running.",
        discussion: """
            The copy holds every change committed before the backup began and nothing after it; it is \
            checked with PRAGMA integrity_check before it is put in place (by renaming, so an older \
            backup at FILE stays whole until then). To restore: stop tidingsd, copy FILE over the \
            database, delete the database's -wal and -shm files, start tidingsd.
              tidings backup /var/backups/tidings-$(date +%F).db
            """
    )

    @ParentCommand var root: Tidings
    @Argument(help: "Where to write the copy.") var file: String
    @Flag(name: .long, help: "Replace FILE if it exists.") var force = false
    @Flag(name: .long, help: "Print JSON: path, bytes, articles, last change seq, integrity, seconds.") var json = false

    func run() throws {
        let report = try root.openStore().backup(to: file, replace: force)
        if json {
            Output.line(JSONOutput.encode(report))
        } else {
            Output.line("Backed up \(report.articles) articles (changes up to seq \(report.lastChangeSeq)) to \(report.path): "
                        + "\(ByteCount(bytes: Int(report.bytes))), integrity ok, \(report.seconds)s")
        }
    }
}

struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Upkeep the daemon also does on its own.",
        subcommands: [VacuumCommand.self, SearchIndexCommand.self]
    )
}

struct VacuumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Return the store's free pages to the file system.",
        discussion: """
            Stores created by this version vacuum incrementally (the daemon does it after pruning): this \
            finishes the job in short steps, safe while the daemon runs. An older store is rewritten once \
            with VACUUM and switched to incremental mode; while that runs the daemon's writes wait, and \
            any that time out are retried. Needs free disk space about the size of the store. The one \
            command that writes to the store.
            """
    )

    @ParentCommand var root: Tidings
    @Flag(name: .long, help: "Print JSON: mode, bytes before and after, seconds.") var json = false

    func run() throws {
        let report = try StoreVacuum.run(path: try root.storePath())
        if json {
            Output.line(JSONOutput.encode(report))
        } else {
            Output.line("Vacuumed (\(report.mode)): \(ByteCount(bytes: report.bytesBefore)) → \(ByteCount(bytes: report.bytesAfter)) "
                        + "in \(report.seconds)s")
        }
    }
}

struct SearchIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-index",
        abstract: "Finish rebuilding the search index now.",
        discussion: """
            An upgrade that changes the search index's options (this version adds 4-letter prefixes) \
            builds the new index beside the old one; the daemon copies articles across for up to ten \
            seconds each maintenance round, and searches use the old index until the new one is \
            complete. This command copies the rest at once (a million articles took about two minutes here), \
            in short transactions, safe while the daemon runs. It applies pending migrations first. \
            Says so when no rebuild is pending. It also packs the index's lengths and filter facets for ranking where \
            the daemon has not yet (new articles since its last maintenance round).
            """
    )

    @ParentCommand var root: Tidings
    @Flag(name: .long, help: "Print JSON: articles copied, remaining, finished.") var json = false

    func run() throws {
        let store = try Store.open(path: try root.storePath())
        var progress = ProgressLine(enabled: Terminal.showsProgress)
        let done = try store.finishSearchIndexRebuild { step in
            progress.draw("search index: \(step.copied) articles copied, about \(step.remaining) to go")
        }
        progress.clear()
        _ = try store.packAllSearchLengths()
        if json {
            Output.line(JSONOutput.encode(done ?? .upToDate))
        } else if let done {
            Output.line("Search index rebuilt: \(done.copied) articles copied.")
        } else {
            Output.line("The search index is up to date: no rebuild pending.")
        }
    }
}

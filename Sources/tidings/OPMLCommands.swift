import ArgumentParser
import Foundation
import TidingsCore

struct ImportOPMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-opml",
        abstract: "Print the subscriptions of an OPML file as [[source]] tables to append to the config.",
        discussion: """
            Each outline with an xmlUrl becomes a source: an id made from its title, its URL, its title, and its \
            tags (the outline's category and the folders it sits in). URLs the config (--config, or the default \
            config when present) already has are left out, and ids never collide with its ids. Nothing is written: \
            append the output yourself, then reload the daemon:

              tidings sources import-opml subscriptions.opml >> /etc/tidings/tidings.toml
              systemctl reload tidingsd
            """
    )

    @ParentCommand var root: Tidings
    @Argument(help: ArgumentHelp("OPML file (- for standard input).", valueName: "file")) var file: String

    func run() throws {
        let data = try InputFile.read(file)
        let feeds: [OPMLFeed]
        do {
            feeds = try OPMLReader.read(data, file: file)
        } catch {
            throw CLIFailure(message: error.description)
        }
        guard !feeds.isEmpty else {
            throw CLIFailure(message: "\(file) lists no subscriptions; expected <outline> elements with an xmlUrl")
        }
        let configured = try root.configurationIfAny(for: "the sources to compare with")?.sources ?? []
        let tables = SourceTables(feeds, from: file, existing: configured.map { ($0.id, $0.url.absoluteString) })
        FileHandle.standardOutput.write(Data(tables.text.utf8))
        if !tables.skipped.isEmpty {
            Output.error("tidings: \(tables.imported) imported, \(tables.skipped.count) skipped (the output's comments say why)")
        }
    }
}

struct ExportOPMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-opml",
        abstract: "Print the store's sources as an OPML 2.0 file that feed readers import.",
        discussion: """
            Every source still configured, with the URL it is fetched from (after a permanent redirect, the new \
            one), its title, its site and its tags as the outline's category. Page sources are type="link" outlines.
            """
    )

    @ParentCommand var root: Tidings

    func run() throws {
        let sources = try root.openStore().sources().filter { $0.state != "removed" }
        let feeds = sources.map { source in
            OPMLFeed(url: source.url, title: source.title.isEmpty ? source.id : source.title, siteURL: source.siteURL,
                     tags: source.tags, isPage: source.kind == SourceKind.page.rawValue)
        }
        Output.line(OPMLWriter.document(feeds))
    }
}

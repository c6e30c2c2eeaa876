import ArgumentParser
import Foundation
import TidingsCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one article: metadata and text."
    )

    @ParentCommand var root: Tidings
    @Argument(help: "Article id, as listed by `tidings articles`.") var id: Int64
    @Flag(name: .long, help: "Print JSON (with the stored HTML summary and content).") var json = false

    func run() throws {
        guard let article = try root.openStore().article(id: id) else {
            throw CLIFailure(message: "no article with id \(id)")
        }
        if json {
            Output.line(JSONOutput.encode(article, pretty: true))
            return
        }
        var lines = [article.title.isEmpty ? "(untitled)" : article.title, ""]
        let fields: [(String, String?)] = [
            ("Article", String(article.id)), ("Source", article.source), ("URL", article.url),
            ("Author", article.author), ("Published", article.published.map(ISO8601.string)),
            ("Updated", article.updated.map(ISO8601.string)), ("First seen", ISO8601.string(article.firstSeen)),
            ("Identity", article.identity),
            ("Duplicate of", article.duplicateOf.map { id in
                "\(id)" + (article.similarity.map { String(format: " (similarity %.2f)", $0) } ?? "")
            }),
        ]
        for case let (name, value?) in fields where !value.isEmpty {
            lines.append(name.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        lines.append("")
        lines.append(article.text.isEmpty ? "(no text)" : article.text)
        Output.line(lines.joined(separator: "\n"))
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write articles as JSON Lines or CSV, streaming: any number in constant memory.",
        discussion: """
            Articles in the order they were stored (by id), with the fields id, source, url, title, author, published, \
            updated, first_seen, duplicate_of, similarity, revision and text (--html adds content, the stored HTML). \
            Times are UTC, RFC 3339. CSV is RFC 4180 with a header line. With standard error on a terminal and the \
            output going elsewhere, a progress line shows.

            Example: tidings export --format csv --source steppe-herald --since 30d > herald.csv
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @ParentCommand var root: Tidings
    @Option(name: .long, help: "jsonl (one JSON object per line) or csv.") var format: Format = .jsonl
    @OptionGroup var filter: FilterOptions
    @Option(name: .long, help: ArgumentHelp("Export at most this many.", valueName: "n")) var limit: Int?
    @Flag(name: .long, help: "Include the stored HTML content.") var html = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    func run() throws {
        let store = try root.openStore()
        let selection = try filter.filter(limit: limit)
        var output = BufferedOutput()
        let names = ExportedArticle.fieldNames(withContent: html)
        if format == .csv { output.append(CSVField.line(names.map(JSONValue.string))) }
        var progress = ProgressLine(enabled: Terminal.showsProgress)
        let total = progress.enabled ? try store.countArticles(selection) : 0
        let started = Date()
        var done = 0
        try store.forEachArticle(selection, withContent: html) { article in
            let values = article.values(withContent: html)
            switch format {
            case .jsonl: output.append(JSONValue.objectText(Array(zip(names, values))) + "\n")
            case .csv: output.append(CSVField.line(values))
            }
            done += 1
            if done % 256 == 0 { progress.draw("export: \(done * 100 / max(total, 1))% (\(done) of \(total) articles)") }
        }
        output.flush()
        progress.clear()
        if progress.enabled {
            Output.error(String(format: "export: %d articles in %.1f s", done, Date().timeIntervalSince(started)))
        }
    }
}

/// Standard output in 64 KiB writes.
struct BufferedOutput {
    private var buffer = Data()

    mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

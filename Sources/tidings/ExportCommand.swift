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
        var progress = Terminal.showsProgress ? Progress(total: try store.countArticles(selection), noun: "articles") : nil
        let count = try store.forEachArticle(selection, withContent: html) { article in
            let values = article.values(withContent: html)
            switch format {
            case .jsonl: output.append(JSONValue.objectText(Array(zip(names, values))) + "\n")
            case .csv: output.append(CSVField.line(values))
            }
            progress?.advance()
        }
        output.flush()
        progress?.finish(count: count)
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

/// A progress line on standard error, redrawn at most ten times a second: `export: 41% (410000 of 1000000 articles)`.
struct Progress {
    let total: Int
    let noun: String
    private var done = 0
    private var lastDrawn = Date.distantPast
    private let started = Date()

    init(total: Int, noun: String) {
        self.total = total
        self.noun = noun
    }

    mutating func advance() {
        done += 1
        guard done % 256 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        let percent = total > 0 ? done * 100 / total : 100
        FileHandle.standardError.write(Data("\r\u{1B}[Kexport: \(percent)% (\(done) of \(total) \(noun))".utf8))
    }

    func finish(count: Int) {
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data("\r\u{1B}[Kexport: \(count) \(noun) in \(String(format: "%.1f", seconds)) s\n".utf8))
    }
}

import ArgumentParser
import Foundation
import TidingsCore

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Show what the article extractor sees on a page: metadata and main text.",
        discussion: """
            Each input is an HTML file (- reads standard input) or an http(s) URL, fetched with the \
            daemon's fetcher; --list names a file of inputs, one per line, for many pages at once (libcurl, same user agent and limits). --json prints one JSON object a line \
            per input: input, url, title, author, published, modified, canonical_url, site_name, language, \
            description, words, paragraphs and text (null when the page has no article). Exit status 1 when \
            an input cannot be read or fetched; a page without an article is not an error.
            """
    )

    @Argument(help: ArgumentHelp("HTML files or http(s) URLs.", valueName: "file-or-url"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also read inputs from this file, one per line (- for standard input).", valueName: "file"))
    var list: String?

    @Option(name: .long, help: ArgumentHelp("Page URL of a file input, the base for relative links.", valueName: "url"))
    var url: String?

    @Option(name: .customLong("content-type"), help: ArgumentHelp("HTTP Content-Type of a file input (its charset).", valueName: "type"))
    var contentType: String?

    @Flag(name: .long, help: "Print JSON Lines, one object per input.") var json = false

    func validate() throws {
        if inputs.isEmpty, list == nil { throw ValidationError("Give at least one HTML file or URL, or --list.") }
    }

    /// The inputs named on the command line, then those of `--list`.
    private func allInputs() throws -> [String] {
        guard let list else { return inputs }
        let text = String(decoding: try InputFile.read(list, what: "the list "), as: UTF8.self)
        return inputs + text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    func run() throws {
        var failures: [String] = []
        for (position, input) in try allInputs().enumerated() {
            let page: Page
            do {
                page = try load(input)
            } catch let failure as CLIFailure {
                failures.append(failure.message)
                Output.error("tidings: \(failure.message)")
                continue
            }
            let article = ArticleExtractor.extract(page.bytes, url: page.url, contentType: page.contentType)
            if json {
                Output.line(JSONValue.objectText([("input", .string(input)), ("url", page.url.map { .string($0.absoluteString) } ?? .null)]
                    + article.jsonFields()))
            } else {
                if position > 0 { Output.line() }
                Output.line(Self.describe(article, input: input))
            }
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    private struct Page {
        var bytes: [UInt8]
        var url: URL?
        var contentType: String?
    }

    private func load(_ input: String) throws -> Page {
        if let remote = URL(string: input), let scheme = remote.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            return try fetch(remote)
        }
        let data = try InputFile.read(input)
        return Page(bytes: data.byteArray, url: url.flatMap { URL(string: $0) }, contentType: contentType)
    }

    /// Fetches on a task and waits: the main thread is not one of the cooperative pool's.
    private func fetch(_ remote: URL) throws -> Page {
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            box.result = await HTTPFetcher(policy: FetchPolicy()).fetch(FetchRequest(url: remote))
            semaphore.signal()
        }
        semaphore.wait()
        switch box.result! {
        case .failure(let error):
            throw CLIFailure(message: "cannot fetch \(remote.absoluteString): \(error.message)")
        case .success(let response) where !response.isSuccess:
            throw CLIFailure(message: "cannot fetch \(remote.absoluteString): HTTP \(response.status) \(response.reason)")
        case .success(let response):
            return Page(bytes: response.body.byteArray, url: response.effectiveURL, contentType: response.header("Content-Type"))
        }
    }

    private final class ResultBox: @unchecked Sendable {
        var result: Result<FetchResponse, FetchError>?
    }

    static func describe(_ article: ExtractedArticle, input: String) -> String {
        let metadata = article.metadata
        var lines = ["== \(input)"]
        let fields: [(String, String?)] = [
            ("Title", metadata.title), ("Author", metadata.author), ("Published", metadata.published.map(ISO8601.string)),
            ("Modified", metadata.modified.map(ISO8601.string)), ("Canonical", metadata.canonicalURL?.absoluteString),
            ("Site", metadata.siteName), ("Language", metadata.language),
            ("Text", article.hasArticle ? "\(article.wordCount) words in \(article.paragraphs.count) paragraphs" : nil),
        ]
        for case let (name, value?) in fields where !value.isEmpty {
            lines.append(name.padding(toLength: 11, withPad: " ", startingAt: 0) + value)
        }
        lines.append("")
        lines.append(article.hasArticle ? article.text : "(no article text found on this page)")
        return lines.joined(separator: "\n")
    }
}

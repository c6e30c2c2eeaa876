import ArgumentParser
import Foundation
import TidingsCore

/// `--source`, `--since`, `--until`, `--duplicates/--no-duplicates`: which articles a listing,
/// search or export covers.
struct FilterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only articles of this source.", valueName: "id"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only articles dated at or after this time or this long ago (2026-01-06, 2026-01-06T09:30:00Z, 2d).",
        valueName: "when"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only articles dated before this time or this long ago.", valueName: "when"))
    var until: String?

    @Flag(inversion: .prefixedNo, help: "Only near-duplicates (--duplicates) or only originals (--no-duplicates).")
    var duplicates: Bool?

    func validate() throws {
        let bounds = try (since.map { try Self.time($0, option: "--since") }, until.map { try Self.time($0, option: "--until") })
        if let since = bounds.0, let until = bounds.1, since >= until {
            throw ValidationError("--since must be earlier than --until.")
        }
    }

    /// The filter, with `limit` rows at most.
    func filter(limit: Int?) throws -> ArticleFilter {
        ArticleFilter(source: source, since: try since.map { try Self.time($0, option: "--since") },
                      until: try until.map { try Self.time($0, option: "--until") }, duplicates: duplicates, limit: limit)
    }

    /// A time (`2026-01-06`, RFC 3339, RFC 822) or a span ago (`3h`, `2d`).
    static func time(_ text: String, option: String) throws -> Date {
        if let date = FeedDate.parse(text) { return date }
        if let span = TimeSpan(parsing: text) { return Date().addingTimeInterval(-span.timeInterval) }
        throw ValidationError("\(option) expects a time such as 2026-01-06 or 2026-01-06T09:30:00Z, or a span ago such as 2d; found \"\(text)\".")
    }
}

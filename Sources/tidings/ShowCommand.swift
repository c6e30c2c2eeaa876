import ArgumentParser
import Foundation
import TidingsCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one article: metadata, its story, its duplicate cluster, revisions and text."
    )

    @ParentCommand var root: Tidings
    @Argument(help: "Article id, as listed by `tidings articles`.") var id: Int64
    @Flag(name: .long, help: "Print JSON (with the stored HTML summary and content, and every revision).") var json = false

    func run() throws {
        let store = try root.openStore()
        guard let article = try store.article(id: id) else {
            throw CLIFailure(message: "no article with id \(id)")
        }
        let revisions = try store.revisionHeaders(of: id)
        let cluster = try store.duplicateCluster(of: id)
        let story = try store.story(ofArticle: id)
        if json {
            Output.line(JSONOutput.encode(ArticleWithRevisions(article: article, revisions: revisions, cluster: cluster,
                                                               story: story?.story), pretty: true))
            return
        }
        var lines = [article.title.isEmpty ? "(untitled)" : article.title, ""]
        let fields: [(String, String?)] = [
            ("Article", String(article.id)), ("Source", article.source), ("URL", article.url),
            ("Author", article.author), ("Published", article.published.map(ISO8601.string)),
            ("Updated", article.updated.map(ISO8601.string)), ("First seen", ISO8601.string(article.firstSeen)),
            ("Identity", article.identity),
            ("Left feed", article.leftFeed.map(ISO8601.string)),
            ("Duplicate of", article.duplicateOf.map { id in
                "\(id)" + (article.similarity.map { String(format: " (similarity %.2f)", $0) } ?? "")
            }),
        ]
        let storyLine = story.map { story, score in
            "\(story.id) \"\(story.title)\": \(story.articles) article\(story.articles == 1 ? "" : "s") from "
                + "\(story.sources) outlet\(story.sources == 1 ? "" : "s")" + (score.map { String(format: " (fit %.2f)", $0) } ?? "")
                + (story.articles > 1 ? " — tidings stories --id \(story.id)" : "")
        }
        for case let (name, value?) in fields + [("Story", storyLine)] where !value.isEmpty {
            lines.append(name.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        if let cluster {
            lines.append("Cluster       \(cluster.members.count + 1) articles, the original first")
            var table = TextTable([.init("", rightAligned: true), .init(""), .init("", rightAligned: true), .init("", flexible: true)])
            table.append([String(cluster.canonical.id), cluster.canonical.source, "original", cluster.canonical.title])
            for member in cluster.members {
                table.append([String(member.id), member.source, String(format: "%.2f", member.similarity), member.title])
            }
            let rows = table.render(width: Terminal.width - 2).split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            for (row, memberID) in zip(rows, [cluster.canonical.id] + cluster.members.map(\.id)) {
                lines.append("  " + row + (memberID == id ? "  ← this article" : ""))
            }
        }
        if revisions.count > 1 {
            lines.append("Revisions")
            for revision in revisions {
                lines.append("  \(revision.revision)  \(ISO8601.string(revision.seenAt))  \(revision.title)")
            }
            lines.append("  (tidings diff \(id) shows the last change; --from/--to pick others)")
        }
        lines.append("")
        lines.append(article.text.isEmpty ? "(no text)" : article.text)
        Output.line(lines.joined(separator: "\n"))
    }
}

/// `tidings show --json`: the article's fields, its revisions oldest first (title, time and
/// content hash each; `tidings diff` compares their texts), its duplicate cluster and its story (or null).
struct ArticleWithRevisions: Encodable {
    var article: ArticleDetail
    var revisions: [RevisionHeader]
    var cluster: DuplicateCluster?
    var story: StorySummary?

    func encode(to encoder: any Encoder) throws {
        try article.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(revisions, forKey: Key(stringValue: "revisions"))
        try container.encode(cluster, forKey: Key(stringValue: "cluster"))
        try container.encode(story, forKey: Key(stringValue: "story"))
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

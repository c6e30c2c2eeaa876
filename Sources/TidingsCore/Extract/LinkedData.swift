import Foundation

/// The JSON-LD (`<script type="application/ld+json">`) of a page: the first
/// object typed as an article (`NewsArticle`, `BlogPosting`, `LiveBlogPosting`
/// ...), looked for in top-level arrays and `@graph`; a `WebPage` is the
/// fallback when no article is described.
struct LinkedData {
    static let articleTypes: Set<String> = [
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
        "techarticle", "scholarlyarticle", "report",
    ]

    /// A JSON object (as `JSONSerialization` reads it: several times faster
    /// than `Codable` here) with accessors that forgive the shapes publishers use.
    struct Object {
        let fields: [String: Any]

        /// The value, or each item of an array value.
        func values(_ key: String) -> [Any] {
            switch fields[key] {
            case let items as [Any]: items
            case let value?: [value]
            case nil: []
            }
        }

        func string(_ key: String) -> String? {
            values(key).lazy.compactMap { ($0 as? String).flatMap(PageMetadata.nonEmpty) }.first
        }

        func object(_ key: String) -> Object? {
            values(key).lazy.compactMap { ($0 as? [String: Any]).map(Object.init) }.first
        }

        var types: [String] { values("@type").compactMap { ($0 as? String)?.lowercased() } }
    }

    /// The described article (or page), if any.
    let article: Object?

    init(_ tree: PageTree) {
        var objects: [Object] = []
        for index in tree.all("script") where tree.nodes[index].attribute("type")?.lowercased().contains("ld+json") == true {
            var text = ""
            for node in tree.nodes[(index + 1)..<tree.nodes[index].end] where node.isText { text += node.text }
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { continue }
            Self.collect(value, into: &objects, depth: 0)
        }
        article = objects.first { $0.types.contains(where: Self.articleTypes.contains) }
            ?? objects.first { $0.types.contains("webpage") }
    }

    private static func collect(_ value: Any, into objects: inout [Object], depth: Int) {
        guard depth < 4 else { return }
        switch value {
        case let items as [Any]:
            for item in items { collect(item, into: &objects, depth: depth + 1) }
        case let fields as [String: Any]:
            objects.append(Object(fields: fields))
            if let graph = fields["@graph"] { collect(graph, into: &objects, depth: depth + 1) }
        default:
            break
        }
    }
}

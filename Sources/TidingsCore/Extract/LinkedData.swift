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

    /// A JSON object with accessors that forgive the shapes publishers use.
    struct Object {
        let fields: [String: JSONValue]

        func string(_ key: String) -> String? {
            switch fields[key] {
            case .string(let text)?: PageMetadata.nonEmpty(text)
            case .array(let items)?: items.lazy.compactMap { if case .string(let text) = $0 { return PageMetadata.nonEmpty(text) }; return nil }.first
            default: nil
            }
        }

        func object(_ key: String) -> Object? {
            switch fields[key] {
            case .object(let fields)?: Object(fields: fields)
            case .array(let items)?: items.lazy.compactMap { if case .object(let fields) = $0 { return Object(fields: fields) }; return nil }.first
            default: nil
            }
        }

        /// The value, or each item of an array value.
        func values(_ key: String) -> [JSONValue] {
            switch fields[key] {
            case .array(let items)?: items
            case let value?: [value]
            case nil: []
            }
        }

        var types: [String] {
            values("@type").compactMap { if case .string(let type) = $0 { return type.lowercased() }; return nil }
        }
    }

    /// The described article (or page), if any.
    let article: Object?

    init(_ tree: PageTree) {
        var objects: [Object] = []
        for index in tree.all("script") where tree.nodes[index].attribute("type")?.lowercased().contains("ld+json") == true {
            var text = ""
            for node in tree.nodes[(index + 1)..<tree.nodes[index].end] where node.isText { text += node.text }
            guard let value = JSONValue.parse(text) else { continue }
            Self.collect(value, into: &objects, depth: 0)
        }
        article = objects.first { $0.types.contains(where: Self.articleTypes.contains) }
            ?? objects.first { $0.types.contains("webpage") }
    }

    private static func collect(_ value: JSONValue, into objects: inout [Object], depth: Int) {
        guard depth < 4 else { return }
        switch value {
        case .array(let items):
            for item in items { collect(item, into: &objects, depth: depth + 1) }
        case .object(let fields):
            objects.append(Object(fields: fields))
            if let graph = fields["@graph"] { collect(graph, into: &objects, depth: depth + 1) }
        default:
            break
        }
    }
}

import Foundation

/// Names and URLs as the builder needs them.
enum FeedKey {
    /// `title`, `content:encoded`, `dc:creator`...: format-neutral names for elements.
    static func make(namespace: String, name: String, qualifiedName: String) -> String {
        if namespace.isEmpty {
            // An undeclared prefix keeps its prefix, so it is never taken for a feed element.
            return qualifiedName
        }
        if let prefix = prefixes[namespace] { return prefix.isEmpty ? name : "\(prefix):\(name)" }
        if namespace.hasPrefix("http://purl.org/rss/") || namespace.hasPrefix("http://backend.userland.com/rss") {
            return name
        }
        return "{\(namespace)}\(name)"
    }

    private static let prefixes: [String: String] = [
        FeedNamespace.atom10: "", FeedNamespace.atom03: "", FeedNamespace.rss10: "", FeedNamespace.rss090: "",
        "http://blogs.law.harvard.edu/tech/rss": "", "http://backend.userland.com/rss2": "",
        FeedNamespace.content: "content", FeedNamespace.dc: "dc", FeedNamespace.dcterms: "dcterms",
        FeedNamespace.xhtml: "xhtml", FeedNamespace.rdf: "rdf", "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
        "http://search.yahoo.com/mrss/": "media", "http://search.yahoo.com/mrss": "media",
    ]

    static func format(root key: String, namespace: String, attributes: XMLAttributes) -> ParsedFeed.Format? {
        switch (key, namespace) {
        case ("rss", _):
            switch attributes["version"] {
            case "0.91": return .rss091
            case "0.92": return .rss092
            default: return .rss20
            }
        case ("rdf:RDF", _):
            return .rss10
        case ("feed", FeedNamespace.atom03):
            return .atom03
        case ("feed", _):
            return attributes["version"] == "0.3" ? .atom03 : .atom10
        case ("channel", _):
            return .rss091
        default:
            return nil
        }
    }

    static func base(_ value: String?, parent: URL?) -> URL? {
        guard let value, !value.isEmpty else { return parent }
        if let parent, let url = URL(string: value, relativeTo: parent) { return url.absoluteURL }
        return URL(string: value) ?? parent
    }

    static func resolve(_ link: String, base: URL?) -> String {
        let trimmed = link.trimmedWhitespace
        // Most links are absolute already: no need to parse them.
        if trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://") { return trimmed }
        guard let base, let url = URL(string: trimmed, relativeTo: base) else { return trimmed }
        return url.absoluteString
    }
}

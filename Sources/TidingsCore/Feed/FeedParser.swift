import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses RSS (0.9x, 1.0, 2.0) and Atom (0.3, 1.0) documents into `ParsedFeed`.
///
/// It takes bytes and the document's URL (the base for relative links) and
/// nothing else: fetching happens elsewhere. External entities are never loaded.
public enum FeedParser {
    public static func parse(_ data: Data, baseURL: URL?) throws -> ParsedFeed {
        guard data.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw FeedParseError.empty
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = FeedBuilder(baseURL: baseURL)
        parser.delegate = builder
        let succeeded = parser.parse()
        if let rejection = builder.rejection { throw rejection }
        guard succeeded else {
            let reason = (parser.parserError as NSError?).map(describe) ?? "unknown XML error"
            throw FeedParseError.malformed(line: parser.lineNumber, column: parser.columnNumber, reason: reason)
        }
        guard let feed = builder.result() else { throw FeedParseError.notAFeed(rootElement: builder.rootElement ?? "") }
        return feed
    }

    private static func describe(_ error: NSError) -> String {
        let text = error.localizedDescription
        // libxml2's messages arrive with a trailing newline and sometimes a generic Foundation wording.
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("The operation could not be completed") {
            return "XML error \(error.code)"
        }
        return trimmed
    }
}

/// XML namespaces a feed may use.
enum FeedNamespace {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let xhtml = "http://www.w3.org/1999/xhtml"

    /// Namespaces whose elements are the format's own (title, link, item, ...).
    static let core: Set<String> = ["", atom10, atom03, rss10, rss090]
}

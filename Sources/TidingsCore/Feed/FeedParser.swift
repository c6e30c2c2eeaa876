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
        // libxml2 recovers from many errors and parse() may still return true: any error makes the document malformed.
        if let first = builder.firstError {
            throw FeedParseError.malformed(line: first.line, column: first.column, reason: XMLErrorText.describe(first.code))
        }
        guard succeeded else {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw FeedParseError.malformed(line: parser.lineNumber, column: parser.columnNumber,
                                           reason: XMLErrorText.describe(code))
        }
        guard let feed = builder.result() else { throw FeedParseError.notAFeed(rootElement: builder.rootElement ?? "") }
        return feed
    }
}

/// Words for libxml2's error codes (`xmlParserErrors` in libxml/xmlerror.h),
/// which `XMLParser` on Linux passes through as its error codes, with no message.
enum XMLErrorText {
    static func describe(_ code: Int) -> String {
        switch code {
        case 3: "expected the document to start with '<' (junk before the XML?)"
        case 4: "the document is empty"
        case 5: "the document ends before its elements are closed (truncated?)"
        case 6, 7, 8: "an invalid character reference (&#...;)"
        case 9: "a character that XML does not allow (a control character?)"
        case 22, 23: "a malformed entity reference (a bare '&'?)"
        case 26, 27: "an entity that XML does not define (an HTML entity such as &nbsp;?)"
        case 31, 32: "an unsupported character encoding"
        case 38: "a '<' inside an attribute value"
        case 39, 40, 41: "a malformed attribute"
        case 42: "an attribute appears twice on one element"
        case 45: "a comment that is not closed"
        case 56, 57, 64: "a malformed XML declaration (<?xml ...?> not at the very start?)"
        case 63: "a CDATA section that is not closed"
        case 68: "a tag without a valid name"
        case 72, 73, 77: "a tag that is not closed with '>'"
        case 74, 76: "an end tag that does not match the open element"
        case 75: "an attribute without '='"
        case 81: "bytes that are not valid in the declared encoding"
        case 85: "elements that are not properly nested"
        case 86: "content after the end of the root element"
        case 89: "an entity that refers to itself"
        case 201: "an undeclared namespace prefix"
        default: "XML error \(code)"
        }
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

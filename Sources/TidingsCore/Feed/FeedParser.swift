import Foundation

/// Parses RSS (0.9x, 1.0, 2.0), Atom (0.3, 1.0) and JSON Feed (1.0, 1.1)
/// documents into `ParsedFeed`, the way the Universal Feed Parser reads them.
///
/// It takes bytes, the document's URL (the base for relative links) and the
/// HTTP `Content-Type` if there was one, and nothing else: fetching happens
/// elsewhere. No DTD is processed and no external entity is loaded. Broken
/// documents are recovered as far as possible and flagged `bozo`.
public enum FeedParser {
    /// Parses one document. At most `maxEntries` entries are kept, in document
    /// order (`Int.max` keeps all); the rest are counted, not built, and make the feed `bozo`.
    public static func parse(_ data: Data, baseURL: URL?, contentType: String? = nil,
                             maxEntries: Int = ParsedFeed.maxEntries) throws -> ParsedFeed {
        try data.withUnsafeBytes {
            try parse($0.bindMemory(to: UInt8.self), baseURL: baseURL, contentType: contentType, maxEntries: maxEntries)
        }
    }

    /// Parses one document in memory that the caller owns (a mapped file, say): nothing is copied
    /// unless it must be converted to UTF-8 or repaired.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, baseURL: URL?, contentType: String? = nil,
                             maxEntries: Int = ParsedFeed.maxEntries) throws -> ParsedFeed {
        try parse(bytes, baseURL: baseURL, contentType: contentType, maxEntries: maxEntries, split: .automatic)
    }

    /// `split` says how a large document is cut up to be scanned on several cores.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, baseURL: URL?, contentType: String?, maxEntries: Int,
                      split: Parallel.Split) throws -> ParsedFeed {
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw FeedParseError.empty
        }
        if first == 0x7B || (bytes.starts(with: [0xEF, 0xBB, 0xBF]) && bytes.dropFirst(3).first(where: { $0 > 0x20 }) == 0x7B) {
            return try JSONFeedParser.parse(Data(buffer: bytes), baseURL: baseURL, maxEntries: maxEntries)
        }
        let decoded = FeedTextDecoder.decode(bytes, httpCharset: ContentType.charset(contentType), markup: .xml)
        var preprocessor = XMLPreprocessor()
        let builder = decoded.withUTF8(of: bytes) { text in
            let scan = { ParallelFeedScan.scan($0, documentURL: baseURL, maxEntries: maxEntries, split: split).builder }
            guard let repaired = preprocessor.process(text, split: split) else { return scan(text) }
            return repaired.withUnsafeBufferPointer(scan)
        }
        if let rejection = builder.rejection { throw rejection }
        let xmlError = builder.firstError
        guard var feed = builder.result() else {
            if builder.rootElement == nil {
                throw FeedParseError.malformed(line: 1, column: 1, reason: "no XML element found (is this XML at all?)")
            }
            if let xmlError {
                throw FeedParseError.malformed(line: xmlError.line, column: xmlError.column, reason: xmlError.problem.description)
            }
            throw FeedParseError.notAFeed(rootElement: builder.rootElement ?? "")
        }
        feed.encoding = decoded.encoding
        let problems = [
            decoded.problem,
            preprocessor.problem,
            xmlError.map { "not well-formed XML at line \($0.line), column \($0.column): \($0.problem)" },
            builder.truncatedText,
            ParsedFeed.entriesProblem(kept: feed.entries.count, dropped: builder.droppedEntries),
            ContentType.problem(contentType),
        ].compactMap { $0 }
        feed.bozo = !problems.isEmpty
        feed.bozoReason = problems.first
        return feed
    }
}

/// The parts of an HTTP `Content-Type` the parser cares about.
enum ContentType {
    static func charset(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    /// A served type that says "this is not a feed" (text/plain, text/html) is itself a problem.
    static func problem(_ contentType: String?) -> String? {
        guard let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
              !mediaType.isEmpty else { return nil }
        if mediaType.contains("xml") || mediaType.contains("rss") || mediaType.contains("atom") || mediaType.contains("json")
            || mediaType == "application/octet-stream" {
            return nil
        }
        return "served as \(mediaType), not as an XML feed type"
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

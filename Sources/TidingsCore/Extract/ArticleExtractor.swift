import Foundation

/// What the extractor found on a page: its metadata and the article text.
public struct ExtractedArticle: Sendable, Equatable {
    public var metadata: PageMetadata
    /// The article's paragraphs in reading order; empty when the page holds no article.
    public var paragraphs: [String]

    /// The paragraphs separated by blank lines.
    public var text: String { paragraphs.joined(separator: "\n\n") }

    /// True when the page has article text.
    public var hasArticle: Bool { !paragraphs.isEmpty }

    /// Words of the text (line breaks inside a paragraph part words too).
    public var wordCount: Int { paragraphs.reduce(0) { $0 + UTF8Text.wordCount($1) } }
}

/// Extracts the article from an HTML page: libxml2 parses it leniently,
/// chrome is pruned (`ChromePruner`), the content block is found by text
/// density (`ContentScorer`), its paragraphs are collected and cleaned
/// (`ParagraphCollector`), and the metadata is read from `<meta>`, JSON-LD,
/// `<time>` and `<link>` (`PageMetadata`).
public enum ArticleExtractor {
    /// Fewer words than this is not an article (a section front, an error page, a paywall stub).
    static let minimumWords = 20
    /// A content block with more of its text in links than this is a list of links, not an article;
    /// so is one with three headings or more that link elsewhere (a section front's teasers).
    static let maximumLinkDensity = 0.4

    /// Extracts `html`; `url` resolves relative URLs, `contentType` (an HTTP header) may name the charset.
    public static func extract(_ html: [UInt8], url: URL? = nil, contentType: String? = nil) -> ExtractedArticle {
        let utf8 = FeedTextDecoder.utf8(html, httpCharset: ContentType.charset(contentType), markup: .html)
        let tree = PageTreeBuilder.parse(utf8)
        let metadata = PageMetadata.read(tree, baseURL: url)
        let raw = TextStatistics(tree)
        let pruned = ChromePruner.prune(tree, raw: raw)
        let stats = raw.excluding(pruned)
        let scorer = ContentScorer(tree: tree, pruned: pruned, stats: stats)
        let content = scorer.contentRoots()
        guard !content.roots.isEmpty, content.linkDensity <= maximumLinkDensity,
              scorer.teaserHeadings(in: content.roots) < 3 else {
            return ExtractedArticle(metadata: metadata, paragraphs: [])
        }
        let paragraphs = ParagraphCollector(tree: tree, pruned: pruned, stats: stats).paragraphs(of: content.roots, title: metadata.title)
        let article = ExtractedArticle(metadata: metadata, paragraphs: paragraphs)
        return article.wordCount >= minimumWords ? article : ExtractedArticle(metadata: metadata, paragraphs: [])
    }
}

extension ExtractedArticle {
    /// The fields of `tidings extract --json`, in a stable order; `text` is null when the page has no article.
    public func jsonFields() -> [(String, JSONValue)] {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            ("title", string(metadata.title)), ("author", string(metadata.author)),
            ("published", string(metadata.published.map(ISO8601.string))),
            ("modified", string(metadata.modified.map(ISO8601.string))),
            ("canonical_url", string(metadata.canonicalURL?.absoluteString)), ("site_name", string(metadata.siteName)),
            ("language", string(metadata.language)), ("description", string(metadata.description)),
            ("words", .int(wordCount)), ("paragraphs", .int(paragraphs.count)), ("text", hasArticle ? .string(text) : .null),
        ]
    }
}

extension ExtractedArticle {
    /// The text as HTML paragraphs (`<p>`, lines parted by `<br>`), as stored for an article's content.
    public var html: String {
        paragraphs.map { paragraph in
            "<p>" + paragraph.split(separator: "\n", omittingEmptySubsequences: false)
                .map { XHTMLMarkup.escape(String($0)) }.joined(separator: "<br>") + "</p>"
        }.joined(separator: "\n")
    }
}

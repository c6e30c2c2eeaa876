import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Article extraction")
struct ArticleExtractorTests {
    static func extract(_ html: String, url: String? = nil, contentType: String? = nil) -> ExtractedArticle {
        ArticleExtractor.extract(Array(html.utf8), url: url.flatMap { URL(string: $0) }, contentType: contentType)
    }

    static func seedParagraphs() throws -> [String] {
        let seed = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(
            "../shared/fixtures/seeds/kazakhstan-web-page.txt"), encoding: .utf8)
        let blocks = seed.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        let start = try #require(blocks.firstIndex(of: "Must Read"))
        let end = try #require(blocks.firstIndex(of: "Latest"))
        return Array(blocks[(start + 1)..<end])
    }

    @Test("the web-page seed in a news site's chrome: every article paragraph, no chrome, the article's own date")
    func seedPage() throws {
        let html = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(
            "Tests/TidingsCoreTests/Fixtures/kazakhstan-article.html"), encoding: .utf8)
        let article = Self.extract(html, url: "https://eurasiadesk.example/2022/01/06/russia-led-troops-arrive-in-kazakhstan/")
        let paragraphs = try Self.seedParagraphs()
        #expect(paragraphs.count == 11)
        #expect(article.paragraphs == paragraphs)
        for chrome in ["Must Read", "Latest", "KF-21", "Korea Aerospace", "More Articles Like This", "Wednesday, July 3, 2024",
                       "Fuel price protests", "Facebook", "TAGS", "cookies", "Privacy policy", "Kazakh president orders"] {
            #expect(!article.text.contains(chrome), "chrome leaked: \(chrome)")
        }
        #expect(article.metadata.title == "Russia-led troops arrive in Kazakhstan as unrest continues")
        #expect(article.metadata.published == FeedDate.parse("2022-01-06T14:35:00Z"))
        #expect(article.metadata.modified == FeedDate.parse("2022-01-06T18:02:00Z"))
        #expect(article.metadata.author == "Desk Staff")
        #expect(article.metadata.siteName == "The Eurasia Desk")
        #expect(article.metadata.language == "en-US")
    }

    static let body = (1...5).map { "<p>Paragraph \($0) of the story, long enough to read as text, with a clause, and another one.</p>" }
        .joined()

    @Test("metadata precedence: og: over JSON-LD over twitter: over <h1> over <title>; JSON-LD dates over <meta> over <time>")
    func metadataPrecedence() {
        let ld = """
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
            {"@type":["NewsArticle"],"headline":"LD headline","datePublished":"2024-03-01T10:00:00Z","dateModified":"2024-03-02T10:00:00Z",
            "author":[{"@type":"Person","name":"Ann Author"},{"@type":"Person","name":"Bo Byline"}],"publisher":{"name":"LD Publisher"},
            "inLanguage":"de"}]}</script>
            """
        let full = Self.extract("""
            <html><head><title>Title tag | Site</title><meta property="og:title" content="OG title">\(ld)
            <meta property="article:published_time" content="2024-01-01T00:00:00Z"><meta name="author" content="Meta Author">
            </head><body><article><h1>H1 title</h1><time datetime="2023-05-05T05:05:05Z">May 5</time>\(Self.body)</article></body></html>
            """)
        #expect(full.metadata.title == "OG title")
        #expect(full.metadata.published == FeedDate.parse("2024-03-01T10:00:00Z"))
        #expect(full.metadata.modified == FeedDate.parse("2024-03-02T10:00:00Z"))
        #expect(full.metadata.author == "Ann Author, Bo Byline")
        #expect(full.metadata.siteName == "LD Publisher")
        #expect(full.metadata.language == "de")

        let noOG = Self.extract("<html><head><title>T | Site</title>\(ld)</head><body><h1>H1</h1>\(Self.body)</body></html>")
        #expect(noOG.metadata.title == "LD headline")
        let metaOnly = Self.extract("""
            <html lang="fr"><head><title>Le titre complet de la page | Site</title>
            <meta property="article:published_time" content="2024-01-01T08:00:00+01:00"></head>
            <body><article><time datetime="2023-05-05T05:05:05Z">x</time>\(Self.body)</article></body></html>
            """)
        #expect(metaOnly.metadata.title == "Le titre complet de la page")
        #expect(metaOnly.metadata.published == FeedDate.parse("2024-01-01T07:00:00Z"))
        #expect(metaOnly.metadata.language == "fr")
        let timeOnly = Self.extract("""
            <html><head><title>x</title></head><body><div class="top">Monday, 1 July 2024</div><h1>Headline here</h1>
            <article><time datetime="2023-05-05T05:05:05Z">5 May 2023</time>\(Self.body)</article></body></html>
            """)
        #expect(timeOnly.metadata.title == "Headline here")
        #expect(timeOnly.metadata.published == FeedDate.parse("2023-05-05T05:05:05Z"))
        let printedOnly = Self.extract("<html><body><p>Wednesday, July 3, 2024</p><article>\(Self.body)</article></body></html>")
        #expect(printedOnly.metadata.published == nil, "a date printed in the page is never the published date")
        let compact = Self.extract("<html><head><meta name=\"pubdate\" content=\"20240308182222\"></head><body>\(Self.body)</body></html>")
        #expect(compact.metadata.published == FeedDate.parse("2024-03-08T18:22:22Z"))
    }

    @Test("relative canonical URLs resolve against the page URL")
    func relativeURLs() {
        let page = "https://news.example/world/2024/story.html?ref=rss"
        func canonical(_ head: String) -> String? {
            Self.extract("<html><head>\(head)</head><body>\(Self.body)</body></html>", url: page).metadata.canonicalURL?.absoluteString
        }
        #expect(canonical(#"<link rel="canonical" href="/world/2024/story">"#) == "https://news.example/world/2024/story")
        #expect(canonical(#"<link rel="canonical" href="story-amp.html">"#) == "https://news.example/world/2024/story-amp.html")
        #expect(canonical(#"<meta property="og:url" content="//cdn.example/a">"#) == "https://cdn.example/a")
        #expect(canonical(#"<link rel="alternate canonical" href=" https://other.example/x ">"#) == "https://other.example/x")
        #expect(canonical("") == nil)
    }

    @Test("a page without an article reports no text rather than chrome")
    func noArticle() {
        let teasers = (1...12).map { number in
            "<div class=\"item\"><h3><a href=\"/s/\(number)\">Headline number \(number) about something</a></h3>"
                + "<p>A short lede for story \(number), one sentence to tempt a click.</p></div>"
        }.joined()
        let front = Self.extract("""
            <html><head><title>Front page</title><meta property="og:type" content="website"></head><body>
            <nav><a href="/">Home</a><a href="/world">World</a></nav><div class="grid">\(teasers)</div>
            <footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>
            """)
        #expect(!front.hasArticle)
        #expect(front.text.isEmpty)
        let missing = Self.extract("""
            <html><head><title>404 Not Found</title></head><body><header><a href="/">Example</a></header>
            <h1>Page not found</h1><p>Sorry, we could not find that page.</p><footer>Help | Contact</footer></body></html>
            """)
        #expect(!missing.hasArticle)
        #expect(!Self.extract("").hasArticle)
        #expect(!Self.extract("not html at all \u{0}\u{1}").hasArticle)
    }

    @Test("paragraphs: <br><br> parts them, a single <br> breaks a line, inline tags and entities join words")
    func paragraphs() {
        let article = Self.extract("""
            <html><body><div class="story"><font>First paragraph with <b>bold</b> words&nbsp;and&amp;entities, long enough.<br><br>
            Second paragraph, line one of a poem that runs on for a while<br>line two of the poem that also runs on.<br><br>
            Third paragraph, once again with enough words and a comma, to count as article text here.</font></div></body></html>
            """)
        #expect(article.paragraphs == [
            "First paragraph with bold words and&entities, long enough.",
            "Second paragraph, line one of a poem that runs on for a while\nline two of the poem that also runs on.",
            "Third paragraph, once again with enough words and a comma, to count as article text here.",
        ])
    }

    @Test("character sets: <meta charset>, the HTTP header over <meta>, windows-1252 when not UTF-8")
    func charsets() throws {
        let text = "Привет, мир: это статья на русском языке, и в ней достаточно слов для текста статьи, "
            + "потому что короткий текст статьёй не считается, а этот абзац длинный."
        let cp1251 = try #require(text.data(using: .windowsCP1251))
        let page = Array("<html><head><meta charset=\"windows-1251\"></head><body><p>".utf8) + [UInt8](cp1251)
            + Array("</p></body></html>".utf8)
        #expect(ArticleExtractor.extract(page).paragraphs == [text])
        let mislabelled = Array("<html><head><meta charset=\"utf-8\"></head><body><p>".utf8) + [UInt8](cp1251)
            + Array("</p></body></html>".utf8)
        #expect(ArticleExtractor.extract(mislabelled, contentType: "text/html; charset=windows-1251").paragraphs == [text])
        let latin = "Caf\u{E9} cr\u{E8}me, d\u{E9}j\u{E0} vu: un article assez long pour compter comme du texte, "
            + "vraiment, car un texte trop court n'est pas un article et serait ignor\u{E9}."
        let bytes = Array("<html><body><p>".utf8) + [UInt8](latin.data(using: .isoLatin1)!) + Array("</p></body></html>".utf8)
        #expect(ArticleExtractor.extract(bytes).paragraphs == [latin])
    }

    @Test("hostile markup is bounded: 200,000 nested elements, an 8 MiB attribute, unclosed tags, 800,000 nodes")
    func hostileMarkup() {
        let deep = String(repeating: "<div>", count: 200_000) + Self.body + String(repeating: "</div>", count: 200_000)
        let nested = Self.extract(deep)
        #expect(nested.paragraphs.count == 5, "text below the depth limit is kept, flattened")
        let huge = "<html><body><div class=\"" + String(repeating: "x", count: 8 << 20) + "\">\(Self.body)</div></body></html>"
        let tree = PageTreeBuilder.parse(Array(huge.utf8))
        #expect(tree.nodes.allSatisfy { node in node.attributes.allSatisfy { $0.value.utf8.count <= 4096 } })
        #expect(Self.extract(huge).paragraphs.count == 5)
        let unclosed = Self.extract("<html><body><article><p>" + Self.body.replacingOccurrences(of: "</p>", with: ""))
        #expect(unclosed.paragraphs.count == 5)
        // Wide, not deep (depth is flattened): 800,000 sibling nodes stop at the cap, the tree stays well formed.
        let wide = PageTreeBuilder.parse(Array(("<body>" + String(repeating: "<i>x</i>", count: 400_000)).utf8))
        #expect(wide.nodes.count == PageTreeBuilder.maxNodes)
        #expect(wide.nodes.indices.allSatisfy { wide.nodes[$0].end > $0 && wide.nodes[$0].end <= wide.nodes.count })
    }
}

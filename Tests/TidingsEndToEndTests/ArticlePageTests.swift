import Foundation
import Testing
import TidingsTestSupport

/// Page sources, full text for feed items and `tidings extract`, through the
/// built binaries against a real HTTP server on 127.0.0.1.
@Suite("Article pages end to end", .serialized)
struct ArticlePageTests {
    let work = TemporaryDirectory("tidings-pages-e2e")
    let site = TemporaryDirectory("tidings-pages-site")

    static let seedPage: String = {
        (try? String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(
            "Tests/TidingsCoreTests/Fixtures/kazakhstan-article.html"), encoding: .utf8)) ?? ""
    }()

    static func page(title: String, paragraphs: [String]) -> String {
        """
        <html><head><title>\(title) | Test Site</title><meta property="article:published_time" content="2024-05-01T09:00:00Z">
        </head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>\(title)</h1>
        \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))</article>
        <aside><h2>Latest</h2><ul><li><a href="/other">Another story entirely</a></li></ul></aside>
        <footer>Copyright Test Site</footer></body></html>
        """
    }

    static func longParagraphs(_ topic: String) -> [String] {
        (1...4).map { "Paragraph \($0) about \(topic), with several clauses, enough words to be an article, and a comma or two." }
    }

    func config(_ name: String, sources: String, spacing: String = "0s") throws -> (config: String, db: String) {
        let text = "[daemon]\ndatabase = \"\(name)/tidings.db\"\nchange_log = \"\(name)/changes\"\nhost_spacing = \"\(spacing)\"\n\n" + sources
        return (try work.write("\(name).toml", text), work.path("\(name)/tidings.db"))
    }

    func show(_ db: String, _ id: Int) throws -> [String: Any] {
        let output = try ProcessRunner.tidings(["--db", db, "show", "\(id)", "--json"]).stdout
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// The stored text of the article titled `title`.
    func text(_ db: String, title: String) throws -> String {
        let articles = try #require(try TidingsJSON.document(db: db, ["articles", "--json"]) as? [[String: Any]])
        let id = try #require(articles.first { $0["title"] as? String == title }?["id"] as? Int)
        return try show(db, id)["text"] as? String ?? ""
    }

    @Test("a page source: the seed page's article is stored without chrome; an edit makes a revision, a chrome change does not")
    func pageSource() throws {
        try site.write("story.html", Self.seedPage)
        let server = try FeedServer(root: site.url)
        let (config, db) = try config("page", sources: """
            [[source]]
            id = "eurasia"
            url = "\(server.url("/files/story.html"))"
            kind = "page"
            """)
        let first = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("added=1"), "\(first.stderr)")
        let article = try show(db, 1)
        let text = try #require(article["text"] as? String)
        #expect(text.contains("Russian troops, on Thursday, landed in Kazakhstan"))
        #expect(text.contains("called for “restraint” on all sides"))
        for chrome in ["Must Read", "KF-21", "More Articles Like This", "Wednesday, July 3, 2024"] { #expect(!text.contains(chrome)) }
        #expect(article["title"] as? String == "Russia-led troops arrive in Kazakhstan as unrest continues")
        #expect((article["published"] as? String)?.hasPrefix("2022-01-06T14:35:00") == true)
        // The page's relative canonical link, resolved against the page's own URL.
        #expect(article["url"] as? String == server.url("/2022/01/06/russia-led-troops-arrive-in-kazakhstan/"))

        // Only the chrome changes (the top bar's date): the body differs, the article does not.
        try site.write("story.html", Self.seedPage.replacingOccurrences(of: "Wednesday, July 3, 2024", with: "Thursday, July 4, 2024"))
        let chromeOnly = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(chromeOnly.stderr.contains("revised=0"), "\(chromeOnly.stderr)")

        // The article is edited: a revision, with a diff.
        try site.write("story.html", Self.seedPage.replacingOccurrences(
            of: "12 killed in clashes", with: "18 killed in clashes"))
        let edited = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(edited.stderr.contains("revised=1"), "\(edited.stderr)")
        let diff = try ProcessRunner.tidings(["--db", db, "diff", "1", "--color", "never"]).stdout
        #expect(diff.contains("-According to Almaty city authorities, 353 police and security forces personnel had been injured, and 12 killed"))
        #expect(diff.contains("+According to Almaty city authorities, 353 police and security forces personnel had been injured, and 18 killed"))
        let articles = try #require(try TidingsJSON.document(db: db, ["articles", "--json"]) as? [Any])
        #expect(articles.count == 1)
    }

    @Test("a page without an article fails the refresh in words and keeps what was stored")
    func pageWithoutArticle() throws {
        try site.write("story.html", Self.page(title: "A story", paragraphs: Self.longParagraphs("a story")))
        let server = try FeedServer(root: site.url)
        let (config, db) = try config("empty", sources: """
            [[source]]
            id = "site"
            url = "\(server.url("/files/story.html"))"
            kind = "page"
            """)
        _ = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        try site.write("story.html", "<html><body><nav><a href='/'>Home</a></nav><p>Subscribe to read.</p></body></html>")
        let run = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("no article text found on the page"), "\(run.stderr)")
        let source = try #require(try TidingsJSON.sources(db: db)["site"])
        #expect((source["last_error"] as? String)?.contains("no article text found") == true, "\(source)")
        #expect(try show(db, 1)["text"] as? String != nil)
    }

    @Test("full_text: new items get their page's text when longer; a 404, a page without article or a file: link keeps the feed's; known items are not fetched again")
    func fullText() throws {
        try site.write("one.html", Self.page(title: "One", paragraphs: Self.longParagraphs("the first event")))
        try site.write("three.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
        try site.write("four.html", Self.page(title: "Four", paragraphs: Self.longParagraphs("the fourth event")))
        let server = try FeedServer(root: site.url)
        func feed(_ items: [(String, String)]) -> String {
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Teasers</title>"
                + items.map { "<item><guid>\($0.0)</guid><title>Story \($0.0)</title>"
                    + "<link>\($0.1.hasPrefix("file:") ? $0.1 : server.url("/files/\($0.1)"))</link>"
                    + "<description>Teaser of story \($0.0).</description></item>" }.joined()
                + "</channel></rss>"
        }
        // A remote feed must not make the daemon read local files: this one is a full article on disk.
        let local = try site.write("local.html", Self.page(title: "Local", paragraphs: Self.longParagraphs("a private file")))
        let fileLink = URL(fileURLWithPath: local).absoluteString
        try site.write("feed.xml", feed([("1", "one.html"), ("2", "missing.html"), ("3", "three.html"), ("5", fileLink)]))
        let (config, db) = try config("full", sources: """
            [[source]]
            id = "teasers"
            url = "\(server.url("/files/feed.xml"))"
            full_text = true
            """, spacing: "1s")
        let first = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(first.stderr.contains("added=4"), "\(first.stderr)")
        #expect(first.stderr.contains("fulltext.done"), "\(first.stderr)")
        let texts = try ["Story 1", "Story 2", "Story 3"].map { try text(db, title: $0) }
        #expect(texts[0].contains("Paragraph 4 about the first event"))
        #expect(!texts[0].contains("Another story entirely"))
        #expect(texts[1] == "Teaser of story 2.")
        #expect(texts[2] == "Teaser of story 3.")
        #expect(try text(db, title: "Story 5") == "Teaser of story 5.", "a file: link in a remote feed is not followed")
        // Pages are requests to the feed's host like any other: host_spacing apart (with margin).
        let times = server.requests.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(times.count == 4, "\(server.requests)")
        for (earlier, later) in zip(times, times.dropFirst()) { #expect(later - earlier >= 0.8, "\(server.requests)") }

        try site.write("feed.xml", feed([("1", "one.html"), ("2", "missing.html"), ("3", "three.html"), ("5", fileLink),
                                         ("4", "four.html")]))
        let before = server.requests.count
        let second = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(second.stderr.contains("added=1"), "\(second.stderr)")
        let fetched = server.requests.dropFirst(before).map { $0.split(separator: " ")[1] }
        #expect(fetched.sorted() == ["/files/feed.xml", "/files/four.html"], "\(server.requests)")
        #expect(try text(db, title: "Story 4").contains("Paragraph 1 about the fourth event"))
    }

    @Test("tidings extract: a file, a URL through libcurl, JSON Lines, and exit status 1 for what cannot be read")
    func extractCommand() throws {
        try site.write("story.html", Self.seedPage)
        let server = try FeedServer(root: site.url)
        let file = site.path("story.html")
        let human = try ProcessRunner.tidings(["extract", file])
        #expect(human.status == 0)
        #expect(human.stdout.contains("Published  2022-01-06T14:35:00Z"))
        #expect(human.stdout.contains("words in 11 paragraphs"))
        let json = try ProcessRunner.tidings(["extract", "--json", file, server.url("/files/story.html")])
        let lines = json.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == 2)
        #expect(lines.first?["text"] as? String == lines.last?["text"] as? String)
        #expect(lines.last?["url"] as? String == server.url("/files/story.html"))
        let listing = try site.write("pages.list", "\(file)\n\n\(server.url("/files/story.html"))\n")
        let listed = try ProcessRunner.tidings(["extract", "--json", "--list", listing])
        #expect(listed.stdout == json.stdout, "--list reads the same inputs")
        #expect(lines.last?["canonical_url"] as? String == server.url("/2022/01/06/russia-led-troops-arrive-in-kazakhstan/"))
        #expect(lines.first?["canonical_url"] is NSNull, "a file without --url has no base for a relative canonical link")
        let missing = try ProcessRunner.tidings(["extract", site.path("nope.html"), server.url("/files/nope.html")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read \(site.path("nope.html"))"))
        #expect(missing.stderr.contains("HTTP 404"))
    }
}

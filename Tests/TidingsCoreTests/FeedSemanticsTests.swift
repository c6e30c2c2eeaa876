import Foundation
import Testing
@testable import TidingsCore

private func rss(title: String, item: String = "", declaration: String = "<?xml version=\"1.0\"?>") -> String {
    "\(declaration)\n<rss version=\"2.0\"><channel><title>\(title)</title>\(item)</channel></rss>"
}

private func parse(_ data: Data, url: String? = nil, contentType: String? = nil) throws -> ParsedFeed {
    try FeedParser.parse(data, baseURL: url.flatMap(URL.init(string:)), contentType: contentType)
}

private func parse(_ text: String, url: String? = nil, contentType: String? = nil) throws -> ParsedFeed {
    try parse(Data(text.utf8), url: url, contentType: contentType)
}

@Suite("Feed encodings")
struct FeedEncodingTests {
    @Test("windows-1251 declared in the prolog")
    func windows1251() throws {
        let text = rss(title: "Новости дня", declaration: "<?xml version=\"1.0\" encoding=\"windows-1251\"?>")
        let feed = try parse(try #require(text.data(using: .windowsCP1251)))
        #expect(feed.title?.value == "Новости дня")
        #expect(feed.encoding == "windows-1251")
        #expect(!feed.bozo)
    }

    @Test("KOI8-R, which Foundation has no constant for")
    func koi8r() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><rss><channel><title>".utf8)
        bytes += [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]  // Привет
        bytes += Array("</title></channel></rss>".utf8)
        let feed = try parse(Data(bytes))
        #expect(feed.title?.value == "Привет")
        #expect(feed.encoding == "koi8-r")
    }

    @Test("the HTTP charset wins over the XML declaration")
    func httpCharsetWins() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>".utf8)
        bytes += [0xA3, 0xF3, 0x64, 0xBC]  // Łódź in ISO-8859-2
        bytes += Array("</title></channel></rss>".utf8)
        let feed = try parse(Data(bytes), contentType: "application/rss+xml; charset=ISO-8859-2")
        #expect(feed.title?.value == "Łódź")
        #expect(feed.encoding == "iso-8859-2")
    }

    @Test("UTF-16 with a BOM, UTF-16 without one (sniffed), UTF-32 with a BOM", arguments: [
        ("utf-16le", [UInt8]([0xFF, 0xFE])), ("utf-16be", []), ("utf-32le", [0xFF, 0xFE, 0x00, 0x00]),
    ])
    func wideEncodings(name: String, bom: [UInt8]) throws {
        let text = "<?xml version=\"1.0\" encoding=\"\(name.hasPrefix("utf-16") ? "utf-16" : "utf-32")\"?><rss><channel><title>Ünïcödé ✓</title></channel></rss>"
        let encoding: String.Encoding = switch name {
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        default: .utf32LittleEndian
        }
        let data = Data(bom) + (try #require(text.data(using: encoding)))
        let feed = try parse(data)
        #expect(feed.title?.value == "Ünïcödé ✓")
        #expect(feed.encoding == name)
    }

    @Test("bytes that do not decode are replaced, not dropped, and the feed says it was not clean")
    func invalidBytesAreRepaired() throws {
        var bytes = Array("<rss><channel><title>caf".utf8)
        bytes += [0xE9]  // latin-1 é in a UTF-8 document
        bytes += Array(" ok</title><item><title>kept</title></item></channel></rss>".utf8)
        let feed = try parse(Data(bytes))
        #expect(feed.title?.value == "caf\u{FFFD} ok")
        #expect(feed.bozo)
        #expect(feed.bozoReason == "bytes that are not valid utf-8 were replaced")
        #expect(feed.entries.first?.title?.value == "kept")
    }

    @Test("a byte-order mark is not content")
    func utf8BOM() throws {
        let feed = try parse(Data([0xEF, 0xBB, 0xBF]) + Data(rss(title: "bom").utf8))
        #expect(feed.title?.value == "bom")
        #expect(!feed.bozo)
    }
}

@Suite("Feed URLs and formats")
struct FeedURLTests {
    @Test("xml:base nests, and links inside content resolve against the innermost base")
    func nestedXMLBase() throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/root/">
              <link href="index.html"/>
              <entry xml:base="entries/">
                <link href="one.html"/>
                <content type="html" xml:base="http://other.example/media/">&lt;img src="pic.png"&gt;&lt;a href="../up.html"&gt;x&lt;/a&gt;</content>
              </entry>
            </feed>
            """, url: "http://ignored.example/feed.xml")
        #expect(feed.link == "http://example.org/root/index.html")
        #expect(feed.entries[0].link == "http://example.org/root/entries/one.html")
        #expect(feed.entries[0].content?.value == "<img src=\"http://other.example/media/pic.png\" /><a href=\"http://other.example/up.html\">x</a>")
    }

    @Test("without xml:base, the document URL is the base")
    func documentURLIsBase() throws {
        let feed = try parse(rss(title: "t", item: "<item><link>/a/b.html</link><description>&lt;a href=\"c.html\"&gt;c&lt;/a&gt;</description></item>"),
                             url: "https://news.example/feeds/main.xml")
        #expect(feed.entries[0].link == "https://news.example/a/b.html")
        #expect(feed.entries[0].summary?.value == "<a href=\"https://news.example/feeds/c.html\">c</a>")
    }

    @Test("Atom 0.3: escaped and base64 modes, issued and modified, tagline, author")
    func atom03() throws {
        let feed = try parse("""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <title>Old Atom</title>
              <tagline>Still around</tagline>
              <entry>
                <title mode="escaped" type="text/html">Fish &amp;amp; &lt;b&gt;chips&lt;/b&gt;</title>
                <summary type="text/plain" mode="base64">SGVsbG8gd29ybGQ=</summary>
                <issued>2004-01-01T12:00:00Z</issued>
                <modified>2004-01-02T12:00:00Z</modified>
                <author><name>Old Timer</name><email>old@example.org</email></author>
              </entry>
            </feed>
            """)
        #expect(feed.format == .atom03)
        #expect(feed.subtitle?.value == "Still around")
        let entry = feed.entries[0]
        #expect(entry.title == FeedText("Fish &amp; <b>chips</b>", isHTML: true))
        #expect(entry.summary == FeedText("Hello world", isHTML: false))
        #expect(entry.published == FeedDate.parse("2004-01-01T12:00:00Z"))
        #expect(entry.updated == FeedDate.parse("2004-01-02T12:00:00Z"))
        #expect(entry.author == "Old Timer (old@example.org)")
    }

    @Test("categories, enclosures and the guid-is-link rule")
    func categoriesAndEnclosures() throws {
        let feed = try parse(rss(title: "t", item: """
            <item><guid>https://pod.example/ep/1</guid><category domain="https://pod.example/cats">Science</category>
            <enclosure url="/media/ep1.mp3" length="12345" type="audio/mpeg"/></item>
            """), url: "https://pod.example/feed")
        let entry = feed.entries[0]
        #expect(entry.link == "https://pod.example/ep/1")
        #expect(entry.tags == [FeedTag(term: "Science", scheme: "https://pod.example/cats")])
        #expect(entry.enclosures == [FeedEnclosure(href: "https://pod.example/media/ep1.mp3", type: "audio/mpeg", length: "12345")])
    }

    @Test("Media RSS content and thumbnails, also inside media:group, become enclosures once per URL")
    func mediaRSS() throws {
        let feed = try parse("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>v</title>
            <item><title>clip</title><media:group>
              <media:content url="https://cdn.example/clip.mp4" type="video/mp4" fileSize="1000"/>
              <media:thumbnail url="/thumb.jpg"/></media:group>
              <enclosure url="https://cdn.example/clip.mp4" type="video/mp4" length="1000"/></item>
            </channel></rss>
            """, url: "https://video.example/feed")
        #expect(feed.entries[0].enclosures == [
            FeedEnclosure(href: "https://cdn.example/clip.mp4", type: "video/mp4", length: "1000"),
            FeedEnclosure(href: "https://video.example/thumb.jpg", type: "image", length: nil),
        ])
    }

    @Test("RSS 0.90 is told from RSS 1.0 by its namespace")
    func rss090() throws {
        let feed = try parse("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
            <channel><title>Old</title><link>http://old.example/</link></channel>
            <item><title>One</title><link>http://old.example/1</link></item></rdf:RDF>
            """)
        #expect(feed.format == .rss090)
        #expect(feed.title?.value == "Old")
        #expect(feed.entries.map(\.link) == ["http://old.example/1"])
    }

    @Test("JSON Feed 1.1: authors, sanitized HTML, attachments, tags, dates")
    func jsonFeed() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "JSON News", "home_page_url": "https://json.example/",
             "feed_url": "https://json.example/feed.json", "language": "en",
             "items": [{"id": 7, "url": "/posts/7", "title": "Seven", "summary": "Short",
                        "content_html": "<p onclick=\\"x()\\">Body</p><script>alert(1)</script>",
                        "date_published": "2024-05-01T10:00:00+02:00", "authors": [{"name": "Ada"}], "tags": ["a", "b"],
                        "attachments": [{"url": "https://json.example/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 99}]}]}
            """)
        #expect(feed.format == .json11)
        #expect(feed.title?.value == "JSON News")
        #expect(feed.language == "en")
        let entry = feed.entries[0]
        #expect(entry.id == "7")
        #expect(entry.link == "https://json.example/posts/7")
        #expect(entry.content == FeedText("<p>Body</p>", isHTML: true))
        #expect(entry.summary == FeedText("Short", isHTML: false))
        #expect(entry.author == "Ada")
        #expect(entry.published == FeedDate.parse("2024-05-01T08:00:00Z"))
        #expect(entry.tags.map(\.term) == ["a", "b"])
        #expect(entry.enclosures == [FeedEnclosure(href: "https://json.example/a.mp3", type: "audio/mpeg", length: "99")])
    }

    @Test("JSON that is not a JSON Feed is an error in words")
    func invalidJSON() {
        #expect(throws: FeedParseError.invalidJSON(reason: "no \"version\" naming jsonfeed.org and no \"items\"")) {
            try parse("{\"hello\": 1}")
        }
        #expect { try parse("{not json") } throws: { "\($0)".hasPrefix("expected a JSON Feed: the document is not valid JSON") }
    }
}

@Suite("HTML sanitizing")
struct HTMLSanitizingTests {
    func clean(_ html: String, base: String? = "https://site.example/dir/page") -> String {
        HTMLSanitizer.sanitize(html, baseURL: base.flatMap(URL.init(string:)))
    }

    @Test("scripts, styles and embeds go with their content", arguments: [
        ("<p>a</p><script>alert(1)</script><p>b</p>", "<p>a</p><p>b</p>"),
        ("x<style>body{display:none}</style>y", "xy"),
        ("<iframe src=\"https://evil.example\">fallback</iframe>ok", "ok"),
        ("<object data=\"x.swf\"><embed src=\"x.swf\"></object>ok", "ok"),
        ("<svg onload=\"alert(1)\"><circle/></svg>ok", "ok"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", "ok"),
    ])
    func dangerousElements(input: String, expected: String) {
        #expect(clean(input) == expected)
    }

    @Test("event handlers and javascript: URLs are removed; safe links are resolved", arguments: [
        ("<p onclick=\"steal()\">t</p>", "<p>t</p>"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a href=\"\">x</a>"),
        ("<a href=\"java\tscript:alert(1)\">x</a>", "<a href=\"\">x</a>"),
        ("<a href=\" JavaScript&#58;alert(1)\">x</a>", "<a href=\"\">x</a>"),
        ("<a href=\"java&#x0A;script:x()\">x</a>", "<a href=\"\">x</a>"),
        ("<a href=\"vbscript:x()\">x</a><a href=\"HTTPS://up.example/\">y</a>",
         "<a href=\"\">x</a><a href=\"HTTPS://up.example/\">y</a>"),
        ("<a href=\"?q=1#top\">x</a>", "<a href=\"https://site.example/dir/page?q=1#top\">x</a>"),
        // A space other than tab, line feed or blank inside a scheme makes it unknown, so unsafe.
        ("<a href=\"ht\u{A0}tp://x.example/\">z</a>", "<a href=\"\">z</a>"),
        ("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\" onerror=\"x()\">", "<img src=\"\" />"),
        ("<a href=\"../other\">x</a>", "<a href=\"https://site.example/other\">x</a>"),
        ("<a href=\"mailto:me@example.org\" title=\"Say &quot;hi&quot;\">m</a>", "<a href=\"mailto:me@example.org\" title=\"Say &quot;hi&quot;\">m</a>"),
        // Sorted by name; of a repeated attribute the first written counts.
        ("<a title=\"t\" href=\"/a\" HREF=\"javascript:x()\" alt=\"1\" title=\"u\">x</a>",
         "<a alt=\"1\" href=\"https://site.example/a\" title=\"t\">x</a>"),
    ])
    func attributes(input: String, expected: String) {
        #expect(clean(input) == expected)
    }

    @Test("forms are removed; their text stays, their controls do not")
    func forms() {
        #expect(clean("<form action=\"/steal\"><label>Name</label><input name=\"n\"><button>Go</button><textarea>t</textarea></form>") == "Name")
    }

    @Test("only safe CSS survives", arguments: [
        ("<p style=\"color: red; font-weight: bold\">x</p>", "<p style=\"color: red; font-weight: bold;\">x</p>"),
        ("<p style=\"background: url(javascript:alert(1))\">x</p>", "<p>x</p>"),
        ("<p style=\"width: expression(alert(1))\">x</p>", "<p>x</p>"),
        ("<p style=\"position: fixed; top: 0\">x</p>", "<p>x</p>"),
        ("<p style=\"margin: 0 auto\">x</p>", "<p style=\"margin: 0 auto;\">x</p>"),
    ])
    func css(input: String, expected: String) {
        #expect(clean(input) == expected)
    }

    @Test("safe markup, character references and unknown tags' text are kept")
    func safeMarkup() {
        #expect(clean("<p>A &amp; B &copy; <b>bold</b> <blink>text</blink><br><table><tr><td>1</td></tr></table></p>")
                == "<p>A &amp; B &copy; <b>bold</b> text<br /><table><tr><td>1</td></tr></table></p>")
        #expect(clean("a < b & c") == "a &lt; b &amp; c")
        #expect(clean("<!-- secret --><p>shown</p>") == "<p>shown</p>")
    }

    @Test("titles and content in feeds are sanitized too")
    func inFeeds() throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title type="html">&lt;b onmouseover="x()"&gt;Bold&lt;/b&gt;&lt;script&gt;x()&lt;/script&gt;</title>
            <entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>ok</p><script>bad()</script><a href="javascript:x()">l</a></div></content></entry></feed>
            """)
        #expect(feed.title?.value == "<b>Bold</b>")
        #expect(feed.entries[0].content?.value == "<p>ok</p><a href=\"\">l</a>")
    }
}

@Suite("Malformed feeds")
struct MalformedFeedTests {
    @Test("each kind of damage is recovered, flagged and explained", arguments: [
        ("<rss><channel><title>T</title><item><title>a</title></item><item><title>b</title></channel></rss>",
         "not well-formed XML at line 1", 2),
        ("<rss><channel><title>T&nbsp;x</title><item><title>a &bogus; b</title></item></channel></rss>",
         "the HTML entity &nbsp; is not defined in XML", 1),
        ("garbage before<?xml version=\"1.0\"?><rss><channel><title>T</title><item><title>a</title></item></channel></rss>",
         "content before the first tag was dropped", 1),
        ("<rss><channel><title>T\u{01}</title><item><title>a\u{0B}</title></item></channel></rss>",
         "a control character that XML does not allow was dropped", 1),
        ("<rss><channel><title>T</title><item><title>a</title></item><item><title>b",
         "not well-formed XML", 2),
        ("<rss><channel><title>Fish & chips</title><item><title>a</title></item></channel></rss>",
         "a bare '&' was read as text", 1),
    ])
    func recovered(document: String, reason: String, entries: Int) throws {
        let feed = try parse(document)
        #expect(feed.bozo)
        #expect(feed.bozoReason?.hasPrefix(reason) == true, "\(feed.bozoReason ?? "nil")")
        #expect(feed.entries.count == entries)
        #expect(feed.title?.value.hasPrefix("T") == true || feed.title?.value == "Fish & chips")
    }

    @Test("undefined entities stay as text, HTML entities become characters")
    func entities() throws {
        let feed = try parse("<rss><channel><title>a&nbsp;b &eacute; &bogus; &#X41;</title></channel></rss>")
        #expect(feed.title?.value == "a\u{A0}b é &bogus; A")
    }

    @Test("a clean feed is not bozo")
    func clean() throws {
        #expect(try !parse(rss(title: "fine &amp; dandy")).bozo)
    }
}

@Suite("More date forms")
struct MoreDateTests {
    @Test("broken forms seen in real feeds", arguments: [
        ("Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z"),
        ("20040104T162906Z", "2004-01-04T16:29:06Z"),
        ("20040104", "2004-01-04T00:00:00Z"),
        ("2004-01-04T16:29:06", "2004-01-04T16:29:06Z"),
        ("2004-01-04 16:29:06 GMT", "2004-01-04T16:29:06Z"),
        ("2004-01-04 16:29:06 EST", "2004-01-04T21:29:06Z"),
        ("Sun, 04 Jan 2004 16:29:06 +0100 (CET)", "2004-01-04T15:29:06Z"),
        ("Sun, 04 Jan 2004 16:29:06 UT", "2004-01-04T16:29:06Z"),
        ("04 Jan 2004 16:29 Z", "2004-01-04T16:29:00Z"),
        ("Sun, 4 Jan 04 16:29:06 PST", "2004-01-05T00:29:06Z"),
        ("2004-01-04t16:29:06z", "2004-01-04T16:29:06Z"),
    ])
    func broken(text: String, expected: String) {
        #expect(FeedDate.parse(text).map(ISO8601.string) == expected)
    }
}

@Suite("Whitespace in text")
struct TextWhitespaceTests {
    /// The scanner makes no string of whitespace before an element's first text
    /// (outside markup), since whatever reads it trims it: this pins that nothing
    /// it keeps is lost — whitespace between texts, and all of it inside XHTML.
    @Test("around a text whitespace is trimmed; between texts and inside XHTML markup it is kept")
    func whitespace() throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <entry><title>
              <![CDATA[ One ]]>  two  </title>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
              <p> <b>a</b> <i>b</i></p></div></content></entry></feed>
            """)
        #expect(feed.entries.first?.title?.value == "One   two")
        #expect(feed.entries.first?.content?.value == "<p> <b>a</b> <i>b</i></p>")
    }
}

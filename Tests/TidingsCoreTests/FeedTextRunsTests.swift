import Foundation
import Testing
@testable import TidingsCore

/// Text that is the document's bytes as written is kept as their place until a String is
/// needed (`FeedBuilder.characters(in:)`); these are the texts that take the other turns:
/// several runs, runs after references, Unicode spaces at the ends, markup inside.
@Suite("Feed text read in place")
struct FeedTextRunsTests {
    private static func entry(_ item: String) throws -> FeedEntry {
        let document = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>\
            <link>http://example.com/</link>\(item)</channel></rss>
            """
        let feed = try FeedParser.parse(Data(document.utf8), baseURL: URL(string: "http://example.com/feed"),
                                        contentType: nil)
        return try #require(feed.entries.first)
    }

    @Test("titles: trimmed at ASCII and Unicode spaces, runs joined, references and CR decoded", arguments: [
        ("<title>\u{A0}Hello\u{A0}</title>", "Hello"),
        ("<title>  Hi there \n </title>", "Hi there"),
        ("<title>Hello<!-- c -->World</title>", "HelloWorld"),
        ("<title>A &amp; <![CDATA[B <i>c</i>]]></title>", "A &amp; B <i>c</i>"),
        ("<title>line\r\nbreak</title>", "line\nbreak"),
        ("<title>   </title>", ""),
        ("<title>Café</title>", "Café"),
    ])
    func titles(item: String, expected: String) throws {
        #expect(try Self.entry("<item>\(item)<guid>g</guid></item>").title?.value == expected)
    }

    @Test("descriptions: sanitized from the bytes, or from the text when runs or markup join", arguments: [
        ("<description><![CDATA[<p>See <a href=\"/x\" onclick=\"evil()\">this</a><script>bad()</script></p>]]></description>",
         "<p>See <a href=\"http://example.com/x\">this</a></p>"),
        ("<description><![CDATA[<p>One</p>]]> two &amp; three</description>", "<p>One</p> two &amp; three"),
        ("<description>Intro <b>bold</b> end</description>", "Intro <b>bold</b> end"),
        ("<description>a &lt; b</description>", "a &lt; b"),
        ("<description>\u{2003}<![CDATA[x]]></description>", "x"),
        ("<description><![CDATA[  ]]></description>", ""),
    ])
    func descriptions(item: String, expected: String) throws {
        #expect(try Self.entry("<item>\(item)<guid>g</guid></item>").summary?.value == expected)
    }

    @Test("elements that are not text constructs get their text as a String")
    func plainFields() throws {
        let entry = try Self.entry("""
            <item><author> jo@example.com (Jo) </author><dc:creator>Ann</dc:creator>\
            <guid isPermaLink="false"> id-1 </guid><link> http://example.com/a </link></item>
            """)
        #expect(entry.author == "jo@example.com (Jo)")
        #expect(entry.id == "id-1")
        #expect(entry.link == "http://example.com/a")
    }
}

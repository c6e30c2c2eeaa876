import Foundation
import Testing
@testable import TidingsCore

@Suite("OPML and config tables")
struct OPMLTests {
    @Test("outlines: nested folders become tags, any letter case of xmlUrl, references decoded, pages by type=link")
    func reading() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0"><head><title>x</title></head><body>
              <outline text="News"><outline text="World">
                <outline text="A &amp; B" xmlurl="https://a.example/rss?x=1&amp;y=2" category="/politics/europe, economy"/>
              </outline></outline>
              <outline type="link" text="Blog page" url="https://blog.example/post"/>
              <outline text="No URL"/>
            </body></opml>
            """
        let feeds = try OPMLReader.read(Data(text.utf8), file: "x.opml")
        #expect(feeds == [
            OPMLFeed(url: "https://a.example/rss?x=1&y=2", title: "A & B", tags: ["News", "World", "politics/europe", "economy"], line: 4),
            OPMLFeed(url: "https://blog.example/post", title: "Blog page", isPage: true, line: 6),
        ])
    }

    @Test("written OPML reads back to the same subscriptions, markup and line breaks escaped")
    func writing() throws {
        let feeds = [OPMLFeed(url: "https://a.example/rss?x=1&y=\"2\"", title: "<A>\nB", siteURL: "https://a.example/", tags: ["x", "y"]),
                     OPMLFeed(url: "https://b.example/page", title: "Page", isPage: true)]
        let back = try OPMLReader.read(Data(OPMLWriter.document(feeds).utf8), file: "out.opml")
        #expect(back.map(\.url) == feeds.map(\.url))
        #expect(back.map(\.title) == feeds.map(\.title))
        #expect(back.map(\.tags) == feeds.map(\.tags))
        #expect(back.map(\.isPage) == [false, true])
        #expect(back[0].siteURL == "https://a.example/")
    }

    @Test("ids: transliterated titles, the host without a title, numbered on a clash, never an existing id", arguments: [
        ("Московский вестник", "moskovskij-vestnik"), ("Қазақстан жаңалықтары", "kazakstan-zanalyktary"),
        ("東京新聞", "dong-jing-xin-wen"), ("Le Monde — À la une!", "le-monde-a-la-une"), ("", "news-example-org"),
        ("!!!", "news-example-org"),
    ])
    func ids(title: String, id: String) throws {
        let feed = OPMLFeed(url: "https://news.example.org/rss", title: title)
        #expect(SourceTables.uniqueID(for: feed, url: try #require(URL(string: feed.url)), taken: []) == id)
    }

    @Test("tables: TOML strings escaped, clashes numbered, existing URLs and non-http URLs skipped with the reason")
    func tables() {
        let feeds = [
            OPMLFeed(url: "https://a.example/rss", title: "Quote \"this\" \\ that", tags: ["t"], line: 3),
            OPMLFeed(url: "https://b.example/rss", title: "Quote this that", line: 4),
            OPMLFeed(url: "https://known.example/rss", title: "Known", line: 5),
            OPMLFeed(url: "ftp://c.example/rss", title: "FTP", line: 6),
        ]
        let tables = SourceTables(feeds, from: "s.opml", existing: [("quote-this-that", "https://elsewhere.example/"),
                                                                 ("known", "https://known.example/rss")])
        #expect(tables.imported == 2)
        #expect(tables.text == """
            # 2 sources from s.opml (tidings sources import-opml)
            # skipped s.opml:5: https://known.example/rss is already source "known"
            # skipped s.opml:6: "ftp://c.example/rss" is not an http, https or file URL

            [[source]]
            id = "quote-this-that-2"
            url = "https://a.example/rss"
            title = "Quote \\"this\\" \\\\ that"
            tags = ["t"]

            [[source]]
            id = "quote-this-that-3"
            url = "https://b.example/rss"
            title = "Quote this that"

            """)
    }

    @Test("CSV fields: quoted only when needed, quotes doubled, CRLF inside a field kept")
    func csv() {
        #expect(CSVField.line([.int(1), .string("plain"), .null, .string("a,b"), .string("say \"hi\""), .string("x\r\ny")])
                == "1,plain,,\"a,b\",\"say \"\"hi\"\"\",\"x\r\ny\"\r\n")
    }
}

import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Tests/TidingsCoreTests/Fixtures/\(name)"))
}

func utc(_ text: String) -> Date { FeedDate.parseISO8601(text)! }

@Suite("Feed parsing")
struct FeedParserTests {
    @Test("RSS 2.0 with content: and dc: namespaces")
    func rss20() throws {
        let feed = try FeedParser.parse(try fixture("rss20-with-namespaces.xml"), baseURL: URL(string: "https://news.example/feed"))
        #expect(feed.format == .rss20)
        #expect(feed.title?.value == "Example & Co News")
        #expect(feed.link == "https://news.example/")
        #expect(feed.subtitle?.value == "All the news")
        #expect(feed.entries.count == 2)
        let first = feed.entries[0]
        #expect(first.title == FeedText("First <b>story</b>", isHTML: true), "RSS text that looks like HTML is HTML")
        #expect(first.plainTitle == "First story")
        #expect(first.link == "https://news.example/stories/1", "relative links resolve against the document URL")
        #expect(first.id == "story-1")
        #expect(first.author == "Jane Doe")
        #expect(first.published == utc("2022-01-04T06:15:00Z"))
        #expect(first.summary == FeedText("Teaser <i>one</i>", isHTML: true))
        #expect(first.content == FeedText("<p>Full text of the <a href=\"https://news.example/x\">first</a> story.</p>", isHTML: true),
                "relative links inside content resolve too")
        let second = feed.entries[1]
        #expect(second.id == nil)
        #expect(second.author == "desk@news.example (News Desk)")
        #expect(second.updated == utc("2022-01-05T10:00:00Z"), "dc:date is the updated date, as in feedparser")
        #expect(second.content == nil)
    }

    @Test("Atom 1.0: alternate links, xhtml content, author name and email, html titles")
    func atom10() throws {
        let feed = try FeedParser.parse(try fixture("atom10-with-xhtml-and-authors.xml"), baseURL: nil)
        #expect(feed.format == .atom10)
        #expect(feed.title?.value == "Atom Example")
        #expect(feed.link == "https://atom.example/")
        #expect(feed.subtitle?.value == "Things & stuff")
        let entry = feed.entries[0]
        #expect(entry.title == FeedText("Caf&eacute; <em>opens</em>", isHTML: true))
        #expect(entry.plainTitle == "Café opens")
        #expect(entry.link == "https://atom.example/2022/cafe")
        #expect(entry.id == "tag:atom.example,2022:cafe")
        #expect(entry.author == "Ana Lima (ana@atom.example)")
        #expect(entry.published == utc("2022-01-06T19:40:00Z"))
        #expect(entry.updated == utc("2022-01-07T03:10:00.5Z"))
        #expect(entry.summary == FeedText("Plain <text> summary", isHTML: false), "type=text is plain text")
        #expect(entry.summary?.html == "Plain &lt;text&gt; summary")
        #expect(entry.content == FeedText("<p>Hello <b>world</b> &amp; more</p>", isHTML: true))
        let plain = feed.entries[1]
        #expect(plain.link == "https://atom.example/2022/plain")
        #expect(plain.content?.value == "<p>HTML content</p>")
        #expect(plain.summary?.value == "<p>HTML content</p>", "content stands in for a missing summary")
    }

    @Test("RSS 1.0 (RDF): items beside the channel, rdf:about as id")
    func rss10() throws {
        let feed = try FeedParser.parse(try fixture("rss10-rdf.xml"), baseURL: nil)
        #expect(feed.format == .rss10)
        #expect(feed.title?.value == "RDF Site")
        #expect(feed.entries.count == 1)
        #expect(feed.entries[0].id == "https://rdf.example/items/1")
        #expect(feed.entries[0].author == "R. Writer")
        #expect(feed.entries[0].updated == utc("2022-01-03T12:00:00Z"))
    }

    @Test("malformed XML is recovered as far as possible and flagged bozo with line and column")
    func malformedIsRecovered() throws {
        let feed = try FeedParser.parse(try fixture("malformed-unclosed-element.xml"), baseURL: nil)
        #expect(feed.bozo)
        #expect(feed.bozoReason == "not well-formed XML at line 7, column 12: an end tag that does not match the open element")
        #expect(feed.title?.value == "Broken")
        #expect(feed.entries.count == 1)
        #expect(feed.entries.first?.title?.value == "Unclosed")
    }

    @Test("a document with nothing to recover is an error with its position")
    func unrecoverable() {
        #expect(throws: FeedParseError.malformed(line: 1, column: 1, reason: "no XML element found (is this XML at all?)")) {
            try FeedParser.parse(Data("this is not XML at all".utf8), baseURL: nil)
        }
    }

    @Test("an HTML page is not a feed, and says so")
    func htmlIsNotAFeed() throws {
        #expect(throws: FeedParseError.notAFeed(rootElement: "html")) {
            try FeedParser.parse(try fixture("html-page-not-a-feed.html"), baseURL: nil)
        }
    }

    @Test("an empty body is reported as empty")
    func emptyBody() {
        #expect(throws: FeedParseError.empty) { try FeedParser.parse(Data(" \n".utf8), baseURL: nil) }
    }
}

@Suite("Feed dates")
struct FeedDateTests {
    @Test("RFC 822 and its real-world variants", arguments: [
        ("Sat, 07 Sep 2002 00:00:01 GMT", "2002-09-07T00:00:01Z"),
        ("Sat, 7 Sep 2002 00:00:01 +0100", "2002-09-06T23:00:01Z"),
        ("07 Sep 2002 00:00:01 EST", "2002-09-07T05:00:01Z"),
        ("Sat, 07 Sep 02 00:00 GMT", "2002-09-07T00:00:00Z"),
        ("Sat, 07 September 2002 10:20:30 -05:00", "2002-09-07T15:20:30Z"),
        ("Thu, 06 Jan 2022 14:05:00 +0000", "2022-01-06T14:05:00Z"),
        ("Thu, 06 Jan 2022", "2022-01-06T00:00:00Z"),
    ])
    func rfc822(text: String, expected: String) {
        #expect(FeedDate.parse(text).map(ISO8601.string) == expected)
    }

    @Test("RFC 3339 and W3C-DTF", arguments: [
        ("2003-12-13T18:30:02Z", "2003-12-13T18:30:02Z"),
        ("2003-12-13T18:30:02.25+01:00", "2003-12-13T17:30:02Z"),
        ("2003-12-13T18:30Z", "2003-12-13T18:30:00Z"),
        ("2003-12-13", "2003-12-13T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003-12-13 18:30:02 -0500", "2003-12-13T23:30:02Z"),
    ])
    func rfc3339(text: String, expected: String) {
        #expect(FeedDate.parse(text).map(ISO8601.string) == expected)
    }

    @Test("the byte-level reading of the two common forms gives what the general parser gives, or leaves the text to it")
    func commonForms() {
        var random = DedupHash.SplitMix64(state: 822)
        let days = ["Mon", "tue", "WED", "Thu", "Fri", "Sat", "Sun", "Xyz"]
        let months = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"]
        let zones = ["+0000", "-0500", "+0530", "GMT", "gmt", "UT", "UTC", "Z", "EST", "+05:30", "XYZ", ""]
        var read = 0
        for _ in 0..<20_000 {
            let year = 1990 + random.below(40), month = 1 + random.below(13), day = random.below(33)
            let (hour, minute, second) = (random.below(26), random.below(61), random.below(62))
            let iso = String(format: "%04d-%02d-%02d%@%02d:%02d:%02d%@", year, month, day,
                             ["T", "t", " "][random.below(3)], hour, minute, second,
                             ["Z", "z", "+01:00", "-05:30", ".5Z", " GMT", "+0100", "Z "][random.below(8)])
            let rfc = String(format: "%@%@ %@ %04d %02d:%02d:%02d %@", random.below(4) == 0 ? "" : days[random.below(days.count)] + ", ",
                             random.below(2) == 0 ? String(day) : String(format: "%02d", day), months[random.below(months.count)],
                             year, hour, minute, second, zones[random.below(zones.count)])
            for text in [iso, rfc] {
                let common = text.utf8.withContiguousStorageIfAvailable(FeedDate.parseCommon) ?? nil
                if let common { read += 1; #expect(common == FeedDate.parseAnyForm(text), "\(text)") }
                #expect(FeedDate.parse(text) == FeedDate.parseAnyForm(text), "\(text)")
            }
        }
        #expect(read > 10_000, "the common forms should mostly be read on the fast path")
    }

    @Test("garbage is no date", arguments: ["", "yesterday", "2003-13-01", "32 Jan 2020 00:00 GMT", "Mon, Foo 2020"])
    func garbage(text: String) {
        #expect(FeedDate.parse(text) == nil)
    }
}

@Suite("Entry identity")
struct EntryIdentityTests {
    @Test("guid, then link, then a content hash; repeated guids fall back to the link")
    func ladder() throws {
        let feed = try FeedParser.parse(try fixture("rss20-repeated-guids.xml"), baseURL: nil)
        let identities = EntryIdentity.assign(feed.entries)
        #expect(identities[0] == "link:https://dup.example/1")
        #expect(identities[1] == "link:https://dup.example/2")
        #expect(identities[2] == "guid:unique-3")
        #expect(identities[3].hasPrefix("hash:"))
        #expect(identities[3] == EntryIdentity.assign([feed.entries[3]])[0], "the hash is stable")
    }

    @Test("the stable hash does not change between processes or releases")
    func stableHash() {
        #expect(StableHash.hex("") == "cbf29ce484222325")
        #expect(StableHash.hex("tidings") == String(StableHash.fnv1a64("tidings"), radix: 16).leftPadded(16))
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

@Suite("HTML to text")
struct HTMLTextTests {
    @Test("tags go, paragraphs stay apart, entities decode, scripts vanish")
    func plainText() {
        let html = """
            <h1>Title</h1><p>First&nbsp;paragraph &amp; <b>bold</b> &#8212; &#x263A; &eacute;</p>
            <script>alert("x")</script><style>p{}</style><p>Second<br>line</p><!-- comment > here -->tail
            """
        #expect(HTMLText.plainText(fromHTML: html) == "Title\n\nFirst paragraph & bold — ☺ é\n\nSecond\nline\n\ntail")
    }

    @Test("spaces collapse within lines, lines stay, any blank run is one paragraph break; no-break spaces are spaces, letters are not")
    func collapse() {
        #expect(HTMLText.collapse("  one \t two\u{A0}\u{A0}three \r\nfour\n \n\n\n  five  ") == "one two three\nfour\n\nfive")
        #expect(HTMLText.collapse("à la carte, Ġ and \u{2003}em") == "à la carte, Ġ and \u{2003}em", "U+00E0 ends in byte A0 too")
        #expect(HTMLText.collapse(" \n\t\n ") == "")
    }

    @Test("unknown and legacy entities")
    func entities() {
        #expect(HTMLEntities.decode("&copy2022 &bogus; &amp &lt;b&gt; &#150; &#0;") == "©2022 &bogus; & <b> – \u{FFFD}")
        // HTML5: a legacy name is recognised as a prefix, as browsers do in text.
        #expect(HTMLEntities.decode("&notit;") == "¬it;")
        // One table for HTML text and XML text alike; &lang; keeps its HTML 4 value, as feedparser reads it.
        #expect(HTMLEntities.decode("&lang;x&rang;") == "\u{2329}x\u{232A}")
    }
}

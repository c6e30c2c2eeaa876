import Foundation
import Testing
@testable import TidingsCore

/// A large document is scanned in pieces on several cores; the result must be
/// exactly the one-piece result, whatever the document, and a piece whose
/// starting guess was wrong must be caught.
@Suite("Feed parsing in pieces")
struct ParallelFeedScanTests {
    static let base = URL(string: "https://pieces.example/feed.xml")

    enum Outcome: Equatable {
        case success(ParsedFeed)
        case failure(String)
    }

    /// The parse with `split`, or the error it threw, in words.
    static func parse(_ bytes: [UInt8], split: Parallel.Split, maxEntries: Int = .max) -> Outcome {
        do {
            return .success(try bytes.withUnsafeBufferPointer {
                try FeedParser.parse($0, baseURL: base, contentType: nil, maxEntries: maxEntries, split: split)
            })
        } catch {
            return .failure("\(error)")
        }
    }

    /// How many pieces the scan kept for `text`, cut as small as it may be.
    static func piecesKept(_ text: String, pieces: Int) -> Int { piecesKept(Array(text.utf8), pieces: pieces) }

    static func piecesKept(_ bytes: [UInt8], pieces: Int) -> Int {
        bytes.withUnsafeBufferPointer {
            ParallelFeedScan.scan($0, documentURL: base, maxEntries: .max,
                                  split: .init(pieces: pieces, minimumPieceBytes: 1)).pieces
        }
    }

    static func expectSame(_ text: String, pieces: Int, maxEntries: Int = .max,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        let whole = parse(bytes, split: .none, maxEntries: maxEntries)
        let cut = parse(bytes, split: .init(pieces: pieces, minimumPieceBytes: 1), maxEntries: maxEntries)
        #expect(cut == whole, sourceLocation: sourceLocation)
    }

    static func rss(items: Int, item: (Int) -> String = { number in
        "<item><title>Story &amp; \(number)</title><link>news/\(number)</link><guid>id-\(number)</guid>"
            + "<pubDate>Mon, 0\(number % 9 + 1) Jun 2026 10:00:00 GMT</pubDate><dc:creator>Writer \(number)</dc:creator>"
            + "<description>&lt;p onclick=\"x()\"&gt;Text \(number) &lt;a href=\"/more/\(number)\"&gt;more&lt;/a&gt;&lt;/p&gt;</description>"
            + "<content:encoded><![CDATA[<p>Body \(number)<script>bad()</script></p>]]></content:encoded></item>\n"
    }, after: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel xml:base="https://pieces.example/section/"><title>Pieces</title><link>https://pieces.example/</link>
        <description>A feed cut into pieces</description>

        """ + (0..<items).map(item).joined() + after + "</channel></rss>\n"
    }

    @Test("cuts fall at the first boundary after each even share, in order, inside the buffer, and not at all in a small one")
    func evenCuts() {
        let split = Parallel.Split(pieces: 4, minimumPieceBytes: 10)
        #expect(split.cuts(1000, after: 100) { $0 } == [325, 550, 775])
        #expect(split.cuts(1000, after: 100) { ($0 / 100 + 1) * 100 } == [400, 600, 800])
        #expect(split.cuts(1000, after: 100) { $0 < 500 ? 990 : nil } == [990], "no boundary left: fewer pieces")
        #expect(split.cuts(1000, after: 0) { _ in 10 }.isEmpty, "a boundary before its share ends the cutting")
        #expect(split.cuts(39, after: 0) { $0 } == [13, 26], "pieces of at least 10 bytes: 3")
        #expect(split.cuts(19, after: 0) { $0 }.isEmpty)
    }

    @Test("a large RSS feed is built in as many pieces as asked, with the one-piece result")
    func rssInPieces() {
        let feed = ParallelFeedScanTests.rss(items: 40)
        for pieces in [2, 4, 7] {
            #expect(ParallelFeedScanTests.piecesKept(feed, pieces: pieces) == pieces)
            ParallelFeedScanTests.expectSame(feed, pieces: pieces)
        }
        guard case .success(let parsed) = ParallelFeedScanTests.parse(Array(feed.utf8), split: .init(pieces: 4, minimumPieceBytes: 1)) else {
            Issue.record("the feed did not parse")
            return
        }
        #expect(parsed.entries.map(\.id) == (0..<40).map { "id-\($0)" })
        #expect(parsed.entries[33].link == "https://pieces.example/section/news/33")
        #expect(parsed.entries[33].content?.value == "<p>Body 33</p>")
    }

    @Test("Atom with prefixed entries, bases and languages declared above them")
    func atomWithPrefixes() {
        let entries = (0..<30).map { number in
            "<a:entry xml:lang=\"kk\"><a:id>urn:\(number)</a:id><a:title type=\"html\">&lt;b&gt;\(number)&lt;/b&gt;</a:title>"
                + "<a:link href=\"e/\(number)\"/><a:updated>2026-06-01T10:00:0\(number % 10)Z</a:updated>"
                + "<a:content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Мәтін \(number)</p></div></a:content></a:entry>\n"
        }.joined()
        let feed = "<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\" xml:base=\"https://atom.example/base/\" xml:lang=\"en\">"
            + "<a:title>Atom</a:title><a:id>urn:feed</a:id>\n" + entries + "</a:feed>"
        #expect(ParallelFeedScanTests.piecesKept(feed, pieces: 3) == 3)
        ParallelFeedScanTests.expectSame(feed, pieces: 3)
    }

    @Test("RSS 1.0, whose items stand beside the channel")
    func rdfItems() {
        let items = (0..<20).map { "<item rdf:about=\"https://rdf.example/\($0)\"><title>\($0)</title><link>https://rdf.example/\($0)</link></item>\n" }
        let feed = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
            + "<channel rdf:about=\"https://rdf.example/\"><title>RDF</title><link>https://rdf.example/</link></channel>\n"
            + items.joined() + "</rdf:RDF>"
        #expect(ParallelFeedScanTests.piecesKept(feed, pieces: 4) == 4)
        ParallelFeedScanTests.expectSame(feed, pieces: 4)
    }

    @Test("a cut that falls inside CDATA in an entry or a comment between entries is caught and the feed is read whole",
          arguments: [true, false])
    func cutInsideMarkup(inCDATA: Bool) {
        // The preprocessor leaves `&` and `&nbsp;` alone in CDATA and comments, and repairs them elsewhere.
        // The opener written inside makes its cuts guess "outside" too, so its own end check is what catches them.
        let hidden = String(repeating: "<item> not an item & not&nbsp;text \(inCDATA ? "<![CDATA[" : "<!--") ", count: 400)
        let feed = ParallelFeedScanTests.rss(items: 3) { number in
            switch (number, inCDATA) {
            case (1, true): "<item><title>1</title><description><![CDATA[\(hidden)]]></description></item>\n"
            case (1, false): "<item><title>1</title></item><!-- \(hidden) -->\n"
            default: "<item><title>\(number)</title></item>\n"
            }
        }
        #expect(ParallelFeedScanTests.piecesKept(feed, pieces: 2) == 1)
        ParallelFeedScanTests.expectSame(feed, pieces: 2)
    }

    @Test("the repair pass cuts outside CDATA sections and comments full of tags, and keeps its pieces")
    func repairCutsOutsideMarkup() {
        // Most of each item is markup in CDATA or in a comment: most even shares fall inside one.
        let feed = ParallelFeedScanTests.rss(items: 300) { number in
            "<item><title>\(number)&nbsp;&amp;</title><description><![CDATA["
                + String(repeating: "<p>Text & <b>more</b></p>", count: 30) + "]]></description><!-- "
                + String(repeating: "<i>note</i> ", count: 30) + "--></item>\n"
        }
        Array(feed.utf8).withUnsafeBufferPointer { input in
            var whole = XMLPreprocessor()
            let expected = whole.process(input, split: .none)
            #expect(expected != nil)
            for pieces in [2, 3, 5] {
                var cut = XMLPreprocessor()
                #expect(cut.process(input, split: .init(pieces: pieces, minimumPieceBytes: 1)) == expected)
                #expect(cut.piecesKept == pieces)
            }
        }
        ParallelFeedScanTests.expectSame(feed, pieces: 3)
    }

    @Test("a feed field after the entries makes the feed be read whole")
    func feedFieldAfterEntries() {
        let feed = ParallelFeedScanTests.rss(items: 12, after: "<lastBuildDate>Tue, 02 Jun 2026 08:00:00 GMT</lastBuildDate>\n")
        #expect(ParallelFeedScanTests.piecesKept(feed, pieces: 3) == 1)
        ParallelFeedScanTests.expectSame(feed, pieces: 3)
        if case .success(let parsed) = ParallelFeedScanTests.parse(Array(feed.utf8), split: .init(pieces: 3, minimumPieceBytes: 1)) {
            #expect(parsed.updated != nil)
        }
    }

    @Test("the entry limit counts across pieces")
    func entryLimit() {
        let feed = ParallelFeedScanTests.rss(items: 30)
        for limit in [1, 7, 12, 29, 30] { ParallelFeedScanTests.expectSame(feed, pieces: 4, maxEntries: limit) }
        if case .success(let parsed) = ParallelFeedScanTests.parse(Array(feed.utf8), split: .init(pieces: 4, minimumPieceBytes: 1),
                                                                   maxEntries: 12) {
            #expect(parsed.entries.map(\.id) == (0..<12).map { "id-\($0)" })
            #expect(parsed.bozoReason == "the feed lists 30 entries; only the first 12 are read")
        }
    }

    @Test("broken markup in a later piece is reported at its line, and a truncated end keeps its last entry")
    func brokenLaterPiece() {
        let broken = ParallelFeedScanTests.rss(items: 30) { number in
            number == 25 ? "<item><title a=b>25</title><guid>id-25</wrong></item>\n" : "<item><guid>id-\(number)</guid></item>\n"
        }
        ParallelFeedScanTests.expectSame(broken, pieces: 4)
        let truncated = String(ParallelFeedScanTests.rss(items: 30).utf8.dropLast(60))!
        ParallelFeedScanTests.expectSame(truncated, pieces: 4)
        if case .success(let parsed) = ParallelFeedScanTests.parse(Array(truncated.utf8), split: .init(pieces: 4, minimumPieceBytes: 1)) {
            #expect(parsed.bozo && parsed.entries.count == 30)
        }
    }

    @Test("the JSON of a feed lists every entry once, in order, however its batches fall on the cores",
          arguments: [0, 1, FeedJSON.batch, FeedJSON.batch + 1, 2 * FeedJSON.batch + 1, 7 * FeedJSON.batch + 3])
    func jsonOfManyEntries(count: Int) throws {
        var feed = ParsedFeed(format: .rss20)
        feed.entries = (0..<count).map { FeedEntry(id: "id-\($0)") }
        var json: [UInt8] = []
        FeedJSON.write(feed) { json += $0 }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.map { $0["id"] as? String } == (0..<count).map { "id-\($0)" })
    }

    @Test("every fixture, demo and conformance document, and damaged copies of them, parse alike in pieces")
    func everyDocument() throws {
        let documents = try FeedParserRobustnessTests.sampleDocuments([".xml"])
        #expect(documents.count > 300)
        var random = FeedParserRobustnessTests.Seeded(state: 20_261_203)
        let damaged = (0..<1500).map { FeedParserRobustnessTests.mutate(documents[$0 % documents.count], &random) }
        var cutUp = 0
        var cleanWithEntries = 0
        for document in documents {
            if case .success(let feed) = ParallelFeedScanTests.parse(document, split: .none), !feed.bozo, feed.entries.count > 1 {
                cleanWithEntries += 1
            }
        }
        for document in documents + damaged {
            let whole = ParallelFeedScanTests.parse(document, split: .none)
            for pieces in [2, 5] {
                #expect(ParallelFeedScanTests.parse(document, split: .init(pieces: pieces, minimumPieceBytes: 1)) == whole,
                        "\(String(decoding: document.prefix(300), as: UTF8.self))")
            }
            #expect(ParallelFeedScanTests.parse(document, split: .init(pieces: 3, minimumPieceBytes: 1), maxEntries: 1)
                    == ParallelFeedScanTests.parse(document, split: .none, maxEntries: 1))
            if ParallelFeedScanTests.piecesKept(document, pieces: 2) > 1 { cutUp += 1 }
        }
        // Most conformance documents hold a single entry; every sound one with more is cut.
        #expect(cleanWithEntries > 3 && cutUp >= cleanWithEntries,
                "\(cutUp) documents were scanned in pieces; \(cleanWithEntries) sound ones have entries to cut between")
    }
}

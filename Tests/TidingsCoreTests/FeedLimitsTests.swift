import Foundation
import Testing
@testable import TidingsCore

/// What the parser does with documents whose server lies about them, or that
/// are built to exhaust the store.
@Suite("Feed limits and lying servers")
struct FeedLimitsTests {
    let utf8Feed = Data(("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Zürich</title>"
        + "<item><guid>1</guid><title>Grüße aus Zürich</title></item></channel></rss>").utf8)

    @Test("a Latin-1 or UTF-16 charset on bytes that cannot be it is overruled, and said so")
    func lyingCharsets() throws {
        for contentType in ["application/rss+xml; charset=iso-8859-1", "text/xml; charset=windows-1252", "text/xml; charset=utf-16"] {
            let feed = try FeedParser.parse(utf8Feed, baseURL: nil, contentType: contentType)
            #expect(feed.entries.first?.title?.value == "Grüße aus Zürich", "\(contentType)")
            #expect(feed.encoding == "utf-8")
            #expect(feed.bozo && feed.bozoReason?.hasPrefix("served as charset=") == true, "\(String(describing: feed.bozoReason))")
        }
        // A charset that may be true is believed: real Latin-1 bytes under a Latin-1 header.
        let latin1 = Data("<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>Gr".utf8)
            + Data([0xFC, 0xDF, 0x65]) + Data("</title></item></channel></rss>".utf8)
        let believed = try FeedParser.parse(latin1, baseURL: nil, contentType: "text/xml; charset=iso-8859-1")
        #expect(believed.entries.first?.title?.value == "Grüße")
        #expect(!believed.bozo)
    }

    @Test("a feed of 150,000 items yields the first 10,000 and says how many it had", arguments: ["xml", "json"])
    func entryCap(format: String) throws {
        let count = 150_000
        let data: Data
        if format == "xml" {
            data = Data(("<rss version=\"2.0\"><channel><title>many</title>"
                + (0..<count).map { "<item><guid>\($0)</guid></item>" }.joined() + "</channel></rss>").utf8)
        } else {
            data = Data(("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"many\",\"items\":["
                + (0..<count).map { "{\"id\":\"\($0)\"}" }.joined(separator: ",") + "]}").utf8)
        }
        let feed = try FeedParser.parse(data, baseURL: nil)
        #expect(feed.entries.count == ParsedFeed.maxEntries)
        #expect(feed.entries.first?.id == "0" && feed.entries.last?.id == "9999", "document order is kept")
        #expect(feed.bozoReason == "the feed lists 150000 entries; only the first 10000 are read")
    }

    @Test("the entry limit is a parameter: a smaller one keeps that many, Int.max keeps all", arguments: ["xml", "json"])
    func entryLimitParameter(format: String) throws {
        let data: Data
        if format == "xml" {
            data = Data(("<rss version=\"2.0\"><channel><title>t</title>"
                + (0..<12).map { "<item><guid>\($0)</guid><title>Item \($0)</title><source url=\"https://x.example/\">s</source></item>" }.joined()
                + "</channel></rss>").utf8)
        } else {
            data = Data(("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
                + (0..<12).map { "{\"id\":\"\($0)\",\"title\":\"Item \($0)\"}" }.joined(separator: ",") + "]}").utf8)
        }
        let five = try FeedParser.parse(data, baseURL: nil, maxEntries: 5)
        #expect(five.entries.map(\.id) == ["0", "1", "2", "3", "4"])
        #expect(five.entries.last?.title?.value == "Item 4")
        #expect(five.bozoReason == "the feed lists 12 entries; only the first 5 are read")
        let all = try FeedParser.parse(data, baseURL: nil, maxEntries: .max)
        #expect(all.entries.count == 12 && all.entries.last?.id == "11")
        #expect(!all.bozo, "\(String(describing: all.bozoReason))")
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// Hostile documents through the real `tidings parse`, with the child's peak
/// memory measured. Limits are generous bounds against blow-ups, not benchmarks.
@Suite("Parser under attack", .serialized)
struct ParserAttackTests {
    let work = TemporaryDirectory("tidings-attack")

    struct Measured {
        let status: Int32
        let peakMegabytes: Int
        let output: String
    }

    /// Runs `tidings parse FILE` with its peak memory measured.
    func parse(_ name: String, _ contents: String) throws -> Measured {
        let path = try work.write(name, contents)
        let run = try ProcessRunner.measured(TestPaths.tidings, ["parse", path], timeout: 300)
        return Measured(status: run.result.status, peakMegabytes: run.peakMegabytes, output: run.result.stdout)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("billion laughs: no DTD is processed, nothing expands")
    func billionLaughs() throws {
        var dtd = "<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            dtd += "<!ENTITY lol\(level) \"\(String(repeating: level == 1 ? "&lol;" : "&lol\(level - 1);", count: 10))\">\n"
        }
        let result = try parse("lol.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n\(dtd)]>\n<rss><channel><title>&lol9;</title></channel></rss>")
        #expect(result.status == 0)
        #expect(result.peakMegabytes < 100, "peak \(result.peakMegabytes) MB")
        let feed = try json(result.output)
        #expect((feed["feed"] as? [String: Any])?["title"] as? String == "&lol9;")
        #expect(feed["bozo"] as? Bool == true)
    }

    @Test("quadratic blowup: one entity referenced two million times expands at most 1 MiB")
    func quadraticBlowup() throws {
        let result = try parse("quad.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE q [<!ENTITY a \"\(String(repeating: "x", count: 1000))\">]>\n<rss><channel><title>"
                               + String(repeating: "&a;", count: 2_000_000) + "</title></channel></rss>")
        #expect(result.status == 0)
        #expect(result.peakMegabytes < 300, "peak \(result.peakMegabytes) MB")
        #expect((try json(result.output)["bozo_exception"] as? String)?.contains("expand to more than 1 MiB") == true)
    }

    @Test("XXE: a SYSTEM entity naming a file is never read")
    func externalEntity() throws {
        let result = try parse("xxe.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
            <rss><channel><title>x&xxe;y</title><item><title>&xxe;</title></item></channel></rss>
            """)
        #expect(result.status == 0)
        #expect(!result.output.contains("root:"))
        #expect((try json(result.output)["feed"] as? [String: Any])?["title"] as? String == "x&xxe;y")
    }

    @Test("a 100 MB text node: cut at 4 MiB, memory bounded, the items after it still read")
    func hugeTextNode() throws {
        let result = try parse("big.xml", "<rss><channel><title>t</title><item><title>big</title><description>"
                               + String(repeating: "a", count: 100 << 20)
                               + "</description></item><item><title>after</title></item></channel></rss>")
        #expect(result.status == 0)
        #expect(result.peakMegabytes < 700, "peak \(result.peakMegabytes) MB for 100 MB of input")
        let feed = try json(result.output)
        #expect(feed["bozo"] as? Bool == true)
        let entries = try #require(feed["entries"] as? [[String: Any]])
        #expect(entries.map { $0["title"] as? String } == ["big", "after"])
        #expect(((entries[0]["summary"] as? String)?.utf8.count ?? 0) <= 4 << 20)
    }

    @Test("deeply nested elements neither crash nor hang")
    func deepNesting() throws {
        let depth = 50_000
        let result = try parse("deep.xml", "<rss><channel><title>deep</title><item><title>x</title><description>"
                               + String(repeating: "<div>", count: depth) + "core" + String(repeating: "</div>", count: depth)
                               + "</description></item></channel></rss>")
        #expect(result.status == 0)
        #expect(result.peakMegabytes < 300, "peak \(result.peakMegabytes) MB")
        #expect((try json(result.output)["feed"] as? [String: Any])?["title"] as? String == "deep")
    }

    @Test("hostile HTML pages through tidings extract: deep nesting, a 12 MiB attribute, a million sibling tags — bounded memory, clean exit")
    func hostilePages() throws {
        let body = (1...5).map { "<p>Paragraph \($0) of the story, long enough to read as text, with a clause, and another one.</p>" }
            .joined()
        let pages = [
            ("deep.html", String(repeating: "<div><span>", count: 400_000) + body),
            ("attribute.html", "<html><body><div class=\"" + String(repeating: "a", count: 12 << 20) + "\">\(body)</div></body></html>"),
            ("tags.html", "<html><body>" + String(repeating: "<i>x</i>", count: 1_000_000) + body + "</body></html>"),
            ("comments.html", "<html><body>" + String(repeating: "<!--", count: 500_000) + body),
        ]
        for (name, html) in pages {
            let path = try work.write(name, html)
            let run = try ProcessRunner.measured(TestPaths.tidings, ["extract", "--json", path], timeout: 300)
            #expect(run.result.status == 0, "\(name): \(run.result.stderr)")
            #expect(run.peakMegabytes < 400, "\(name): peak \(run.peakMegabytes) MB for \(html.utf8.count >> 20) MiB of HTML")
            #expect((try? json(run.result.stdout)) != nil, "\(name): one JSON object")
        }
    }

    @Test("20,000 items: the daemon's first 10,000 by default, all with --max-entries 0, and JSON whole across output pieces")
    func entryLimitOption() throws {
        let title = String(repeating: "A long title \"quoted\" & escaped, ", count: 4)
        let items = (0..<20_000).map { "<item><guid>g\($0)</guid><title>\(title.replacingOccurrences(of: "&", with: "&amp;")) \($0)</title></item>" }
        let path = try work.write("many.xml", "<rss version=\"2.0\"><channel><title>many</title>" + items.joined() + "</channel></rss>")

        let capped = try ProcessRunner.run(TestPaths.tidings, ["parse", path], timeout: 300)
        #expect(capped.status == 0, "\(capped.stderr)")
        let cappedFeed = try json(capped.stdout)
        #expect((cappedFeed["entries"] as? [Any])?.count == 10_000)
        #expect(cappedFeed["bozo_exception"] as? String == "the feed lists 20000 entries; only the first 10000 are read")

        let all = try ProcessRunner.run(TestPaths.tidings, ["parse", "--max-entries", "0", path], timeout: 300)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.utf8.count > 3 << 20, "several 1 MiB pieces: \(all.stdout.utf8.count) bytes")
        let entries = try #require(try json(all.stdout)["entries"] as? [[String: Any]])
        #expect(entries.count == 20_000)
        #expect(entries.last?["title"] as? String == "\(title) 19999")
        #expect(entries.last?["id"] as? String == "g19999")

        let negative = try ProcessRunner.run(TestPaths.tidings, ["parse", "--max-entries=-1", path], timeout: 60)
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("--max-entries must be 0 (all) or more"), "\(negative.stderr)")
    }

    @Test("output that cannot be written (a full disk) is an error, not a short document and exit 0")
    func fullDisk() throws {
        let path = try work.write("small.xml", "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid></item></channel></rss>")
        let run = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"),
                                        ["-c", "exec \"$0\" parse \"$1\" > /dev/full", TestPaths.tidings.path, path], timeout: 60)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("tidings: cannot write to standard output: No space left on device"), "\(run.stderr)")
    }
}

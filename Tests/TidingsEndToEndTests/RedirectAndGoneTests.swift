import Foundation
import Testing
import TidingsTestSupport

/// 301/308 move a source, 302/307 do not; 410 Gone stops polling.
@Suite("Moved and gone sources", .serialized)
struct RedirectAndGoneTests {
    let work = TemporaryDirectory("tidings-moved")
    let site = TemporaryDirectory("tidings-moved-site")

    func config(_ url: String, title: String = "") throws -> String {
        try work.write("tidings.toml", tidingsConfig(database: "state/tidings.db", sources: [("feed", url)])
                       + "title = \"\(title)\"\n")
    }

    func source() throws -> [String: Any] {
        try #require(try TidingsJSON.sources(db: work.path("state/tidings.db"))["feed"])
    }

    func events() throws -> [[String: Any]] {
        try TidingsJSON.lines(db: work.path("state/tidings.db"), ["changes", "--json"])
    }

    @Test("a 301 moves the source: the new URL is stored, recorded as source.moved, and fetched directly next time")
    func permanentRedirectMoves() throws {
        try site.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        let server = try FeedServer(root: site.url)
        let target = server.url("/files/feed.xml")
        let file = try config(server.url("/redirect?to=\(target)&code=301"))
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        #expect(try source()["url"] as? String == target)
        let moved = try events().filter { $0["event"] as? String == "source.moved" }
        #expect(moved.count == 1)
        #expect(moved.first?["to"] as? String == target)
        #expect((moved.first?["from"] as? String)?.contains("/redirect?") == true)

        _ = try ProcessRunner.tidingsd(["--config", file, "--once", "--all"])
        #expect(server.requests.map { $0.split(separator: " ")[1] }.map(String.init)
                == ["/redirect?to=\(target)&code=301", "/files/feed.xml", "/files/feed.xml"], "\(server.requests)")
        #expect(try events().filter { $0["event"] as? String == "source.moved" }.count == 1)
    }

    @Test("a 302 does not move the source")
    func temporaryRedirectDoesNotMove() throws {
        try site.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        let server = try FeedServer(root: site.url)
        let configured = server.url("/redirect?to=\(server.url("/files/feed.xml"))&code=302")
        let file = try config(configured)
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        #expect(try source()["url"] as? String == configured)
        #expect(try source()["articles"] as? Int == 1)
        #expect(try events().allSatisfy { $0["event"] as? String != "source.moved" })
    }

    @Test("429 with Retry-After: the error says so and the source waits that long, not the one-minute backoff")
    func retryAfterIsHonoured() throws {
        let server = try FeedServer(root: site.url)
        let file = try config(server.url("/status/429?retry-after=1800"))
        let before = Date()
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        let limited = try source()
        #expect(limited["state"] as? String == "backing-off")
        #expect(limited["due_reason"] as? String == "retry-after")
        #expect((limited["last_error"] as? String)?.contains("HTTP 429 Too Many Requests") == true)
        #expect((limited["last_error"] as? String)?.contains("server asks to retry after") == true)
        let due = try #require((limited["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(due.timeIntervalSince(before) > 1700 && due.timeIntervalSince(before) < 1900, "\(due)")
    }

    @Test("Retry-After holds the whole origin: other sources there are not requested and wait as long; other origins are fetched")
    func retryAfterHoldsTheOrigin() throws {
        try site.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        let server = try FeedServer(root: site.url)
        let file = try work.write("tidings.toml", tidingsConfig(database: "state/tidings.db", sources: [
            ("a-limited", server.url("/status/503?retry-after=900")),
            ("b-same-origin", server.url("/files/feed.xml")),
            ("c-elsewhere", site.url.appendingPathComponent("feed.xml").absoluteString),
        ]))
        let before = Date()
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once", "--all"]).status == 0)
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once", "--all"]).status == 0)
        #expect(server.requests.map { String($0.split(separator: " ")[1]) } == ["/status/503?retry-after=900"],
                "one request to the origin in two runs: \(server.requests)")
        let sources = try TidingsJSON.sources(db: work.path("state/tidings.db"))
        let held = try #require(sources["b-same-origin"])
        #expect(held["due_reason"] as? String == "retry-after")
        #expect(held["articles"] as? Int == 0)
        let due = try #require((held["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(due.timeIntervalSince(before) > 850 && due.timeIntervalSince(before) < 950, "\(due)")
        #expect(sources["c-elsewhere"]?["articles"] as? Int == 1)
    }

    @Test("410 Gone stops polling, even with --all, until the source's settings change")
    func goneStopsPolling() throws {
        let server = try FeedServer(root: site.url)
        let file = try config(server.url("/status/410"))
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        let gone = try source()
        #expect(gone["state"] as? String == "gone")
        #expect(gone["last_status"] as? Int == 410)
        #expect((gone["last_error"] as? String)?.contains("polling stopped") == true)
        #expect(gone["next_due"] == nil)
        #expect(try events().filter { $0["event"] as? String == "source.gone" }.count == 1)

        _ = try ProcessRunner.tidingsd(["--config", file, "--once", "--all"])
        #expect(server.requests.count == 1, "a gone source is not fetched again: \(server.requests)")

        _ = try config(server.url("/status/410"), title: "Renamed")
        _ = try ProcessRunner.tidingsd(["--config", file, "--once"])
        #expect(server.requests.count == 2, "changed settings give it another try")
    }
}

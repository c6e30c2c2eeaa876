import Foundation
import Testing
import TidingsTestSupport

/// `tidingsd --once` against the fault-injecting Python server: each fault is
/// bounded in time and memory and recorded on its source in words, and the
/// good source beside them is ingested.
@Suite("Hostile servers", .serialized)
struct HostileServerTests {
    let work = TemporaryDirectory("tidings-hostile")
    let site = TemporaryDirectory("tidings-hostile-site")

    /// Documents that lie or attack, served from `site` (`/files/NAME`).
    private func writeHostileDocuments() throws {
        try site.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        // UTF-8 bytes, to be served with a charset or a type that says otherwise.
        try site.write("lying.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Zürich</title>"
            + "<item><guid>1</guid><title>Grüße aus Zürich</title></item></channel></rss>")
        var invalid = Data("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>caf".utf8)
        invalid += Data([0xE9, 0x20, 0xC3, 0x28, 0xFF]) + Data(" ok</title></item></channel></rss>".utf8)
        try invalid.write(to: site.url.appendingPathComponent("invalid-utf8.xml"))
        var dtd = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            dtd += "<!ENTITY lol\(level) \"\(String(repeating: level == 1 ? "&lol;" : "&lol\(level - 1);", count: 10))\">"
        }
        try site.write("laughs.xml", "<?xml version=\"1.0\"?><!DOCTYPE rss [\(dtd)]><rss version=\"2.0\"><channel><title>&lol9;</title>"
            + "<item><guid>1</guid><title>laughs &lol9;</title></item></channel></rss>")
        try site.write("xxe.xml", "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>xxe &xxe;</title></item></channel></rss>")
    }

    @Test("slow drip, endless body, oversized body, gzip bomb, a million items, reset mid-body, 10 MB of headers, redirect loop, redirects to file: and ftp:, a self-signed certificate — each fails alone, in words")
    func everyFaultIsContained() throws {
        try writeHostileDocuments()
        let server = try FeedServer(root: site.url)
        // A second origin, so that its Retry-After holds nothing on the first.
        let limiter = try FeedServer(root: site.url)
        let tls = try NginxServer(root: site.url, tls: true)
        let inTwoHours = Date().addingTimeInterval(7200)
        let httpDate = DateFormatter()
        httpDate.locale = Locale(identifier: "en_US_POSIX")
        httpDate.timeZone = TimeZone(identifier: "GMT")
        httpDate.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let retryDate = httpDate.string(from: inTwoHours).replacingOccurrences(of: " ", with: "%20")
        let faults: [(id: String, url: String, expected: String)] = [
            ("drip", server.url("/slow?seconds=120"), "timed out: Operation too slow"),
            ("endless", server.url("/endless"), "response body exceeds the 1MiB limit (max_body_size)"),
            ("oversized", server.url("/big?bytes=5000000"), "response body exceeds the 1MiB limit (max_body_size)"),
            ("bomb", server.url("/gzip-bomb?mb=256"), "response body exceeds the 1MiB limit (max_body_size)"),
            ("million", server.url("/items?count=1000000"), "response body exceeds the 1MiB limit (max_body_size)"),
            ("reset", server.url("/reset?bytes=3000"), "transfer failed:"),
            ("headers", server.url("/huge-headers?mb=10"), "response headers exceed 256KiB"),
            ("loop", server.url("/redirect-loop"), "more than 5 redirects"),
            ("to-file", server.url("/redirect?to=file:///etc/passwd"), "refused a redirect or URL to a scheme other than http/https"),
            ("to-ftp", server.url("/redirect?to=ftp://127.0.0.1/feed.xml"), "refused a redirect or URL to a scheme other than http/https"),
            ("self-signed", tls.url("/feed.xml"), "TLS error: "),
        ]
        // Lies and attacks in the document itself: read anyway, correctly, and nothing expands or leaks.
        let recovered: [(id: String, url: String, title: String)] = [
            ("typed-png", server.url("/files/lying.xml?type=image/png"), "Grüße aus Zürich"),
            ("latin1-lie", server.url("/files/lying.xml?type=application/rss%2Bxml;%20charset=iso-8859-1"), "Grüße aus Zürich"),
            ("utf16-lie", server.url("/files/lying.xml?type=text/xml;%20charset=utf-16"), "Grüße aus Zürich"),
            ("invalid-utf8", server.url("/files/invalid-utf8.xml"), "caf\u{FFFD} \u{FFFD}(\u{FFFD} ok"),
            ("laughs", server.url("/files/laughs.xml"), "laughs &lol9;"),
            ("xxe", server.url("/files/xxe.xml"), "xxe &xxe;"),
        ]
        var sources = [(id: "good", url: server.url("/files/feed.xml"))]
        sources += faults.map { ($0.id, $0.url) } + recovered.map { ($0.id, $0.url) }
        sources.append(("unavailable", limiter.url("/status/503?retry-after=\(retryDate)")))
        let file = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: sources, daemon: """
            max_body_size = "1MiB"
            timeout = "30s"
            low_speed_time = "5s"
            per_host_concurrency = 16
            concurrency = 16
            host_spacing = "0s"
            """))

        let run = try ProcessRunner.measured(TestPaths.tidingsd, ["--config", file, "--once"], timeout: 90)
        #expect(!run.result.timedOut, "every fault is bounded in time")
        #expect(run.result.status == 0, "failing sources are not a failure of the daemon: \(run.result.stderr)")
        #expect(run.peakMegabytes > 0 && run.peakMegabytes < 256, "peak \(run.peakMegabytes) MB")

        let db = work.path("tidings.db")
        let stored = try TidingsJSON.sources(db: db)
        #expect(stored["good"]?["state"] as? String == "ok")
        #expect(stored["good"]?["articles"] as? Int == 1)
        for fault in faults {
            let source = try #require(stored[fault.id])
            #expect(source["state"] as? String == "backing-off", "\(fault.id)")
            #expect(source["due_reason"] as? String == "backoff", "\(fault.id)")
            #expect(source["articles"] as? Int == 0, "\(fault.id)")
            let error = source["last_error"] as? String ?? ""
            #expect(error.contains(fault.expected), "\(fault.id): \(error)")
        }
        let articles = try TidingsJSON.document(db: db, ["articles", "--json"]) as? [[String: Any]] ?? []
        for document in recovered {
            #expect(stored[document.id]?["state"] as? String == "ok", "\(document.id): \(String(describing: stored[document.id]))")
            let titles = articles.filter { $0["source"] as? String == document.id }.compactMap { $0["title"] as? String }
            #expect(titles == [document.title], "\(document.id)")
        }
        #expect(!articles.contains { ($0["title"] as? String ?? "").contains("lollol") || ($0["text"] as? String ?? "").contains("root:") })
        let unavailable = try #require(stored["unavailable"])
        #expect((unavailable["last_error"] as? String)?.contains("HTTP 503 Service Unavailable") == true)
        #expect(unavailable["due_reason"] as? String == "retry-after")
        let due = try #require((unavailable["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(abs(due.timeIntervalSince(inTwoHours)) < 2, "the HTTP date is honoured: \(due)")
        // Nothing was written for the faults but their failure.
        let events = try TidingsJSON.lines(db: db, ["changes", "--json"])
        #expect(events.filter { $0["event"] as? String == "source.failed" }.count == faults.count + 1)
        #expect(events.filter { $0["event"] as? String == "article.added" }.count == 1 + recovered.count)
    }

    @Test("as a service beside hostile servers: the healthy source keeps being refreshed, STATUS and the watchdog keep coming, SIGTERM stops it cleanly")
    func serviceStaysHealthy() throws {
        try writeHostileDocuments()
        let server = try FeedServer(root: site.url)
        let hostile = ["/slow?seconds=600", "/endless", "/gzip-bomb?mb=256", "/items?count=1000000", "/reset?bytes=3000",
                       "/huge-headers?mb=10", "/redirect-loop", "/files/laughs.xml", "/files/invalid-utf8.xml"]
        var config = tidingsConfig(database: work.path("service.db"), sources: [], daemon: """
            max_body_size = "1MiB"
            low_speed_time = "5s"
            min_interval = "1s"
            host_spacing = "0s"
            per_host_concurrency = 16
            concurrency = 16
            """)
        config += "\n[[source]]\nid = \"good\"\nurl = \"\(server.url("/rolling/good?items=5&new=1"))\"\ninterval = \"1s\"\n"
        for (index, path) in hostile.enumerated() {
            config += "\n[[source]]\nid = \"hostile\(index)\"\nurl = \"\(server.url(path))\"\ninterval = \"1s\"\n"
        }
        let file = try work.write("service.toml", config)
        let socket = try NotifySocket(path: work.path("notify.sock"))
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", file],
                                           environment: ["NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "2000000"])
        defer { _ = daemon.stop(signal: SIGKILL) }
        func goodArticles() -> Int {
            (try? TidingsJSON.document(db: work.path("service.db"), ["articles", "--source", "good", "--json"]) as? [Any])?.count ?? 0
        }
        // The rolling feed gains an item per request: the count keeps growing while the hostile ones fail.
        #expect(eventually(timeout: 30) { goodArticles() >= 10 }, "\(goodArticles()) articles; \(daemon.stderr.suffix(3000))")
        #expect(socket.waitFor("WATCHDOG=1", timeout: 10) != nil, "the watchdog keeps being fed")
        #expect(daemon.process.isRunning)
        let stored = try TidingsJSON.sources(db: work.path("service.db"))
        #expect(stored.filter { $0.key.hasPrefix("hostile") && ($0.value["last_error"] as? String ?? "").isEmpty == false }.count >= 7,
                "\(stored.mapValues { $0["last_error"] ?? "" })")
        kill(daemon.pid, SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0, "\(daemon.stderr.suffix(2000))")
    }
}

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

    @Test("slow drip, endless body, oversized body, gzip bomb, reset mid-body, 10 MB of headers, redirect loop and redirect to file: — each fails alone")
    func everyFaultIsContained() throws {
        try site.write("feed.xml", "<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item></channel></rss>")
        let server = try FeedServer(root: site.url)
        // A second origin, so that its Retry-After holds nothing on the first.
        let limiter = try FeedServer(root: site.url)
        let inTwoHours = Date().addingTimeInterval(7200)
        let httpDate = DateFormatter()
        httpDate.locale = Locale(identifier: "en_US_POSIX")
        httpDate.timeZone = TimeZone(identifier: "GMT")
        httpDate.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let retryDate = httpDate.string(from: inTwoHours).replacingOccurrences(of: " ", with: "%20")
        let faults: [(id: String, path: String, expected: String)] = [
            ("drip", "/slow?seconds=120", "timed out: Operation too slow"),
            ("endless", "/endless", "response body exceeds the 1MiB limit (max_body_size)"),
            ("oversized", "/big?bytes=5000000", "response body exceeds the 1MiB limit (max_body_size)"),
            ("bomb", "/gzip-bomb?mb=256", "response body exceeds the 1MiB limit (max_body_size)"),
            ("reset", "/reset?bytes=3000", "transfer failed:"),
            ("headers", "/huge-headers?mb=10", "response headers exceed 256KiB"),
            ("loop", "/redirect-loop", "more than 5 redirects"),
            ("to-file", "/redirect?to=file:///etc/passwd", "refused a redirect or URL to a scheme other than http/https"),
        ]
        var sources = [(id: "good", url: server.url("/files/feed.xml"))]
        sources += faults.map { ($0.id, server.url($0.path)) }
        sources.append(("unavailable", limiter.url("/status/503?retry-after=\(retryDate)")))
        let file = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: sources, daemon: """
            max_body_size = "1MiB"
            timeout = "30s"
            low_speed_time = "2s"
            per_host_concurrency = 16
            host_spacing = "0s"
            """))

        let run = try ProcessRunner.measured(TestPaths.tidingsd, ["--config", file, "--once"], timeout: 90)
        #expect(!run.result.timedOut, "every fault is bounded in time")
        #expect(run.result.status == 0, "failing sources are not a failure of the daemon: \(run.result.stderr)")
        #expect(run.peakMegabytes > 0 && run.peakMegabytes < 256, "peak \(run.peakMegabytes) MB")

        let stored = try TidingsJSON.sources(db: work.path("tidings.db"))
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
        let unavailable = try #require(stored["unavailable"])
        #expect((unavailable["last_error"] as? String)?.contains("HTTP 503 Service Unavailable") == true)
        #expect(unavailable["due_reason"] as? String == "retry-after")
        let due = try #require((unavailable["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(abs(due.timeIntervalSince(inTwoHours)) < 2, "the HTTP date is honoured: \(due)")
        // Nothing was written for the faults but their failure.
        let events = try TidingsJSON.lines(db: work.path("tidings.db"), ["changes", "--json"])
        #expect(events.filter { $0["event"] as? String == "source.failed" }.count == faults.count + 1)
        #expect(events.filter { $0["event"] as? String == "article.added" }.count == 1)
    }
}

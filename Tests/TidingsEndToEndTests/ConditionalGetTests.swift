import Foundation
import Testing
import TidingsTestSupport

/// Politeness against a real nginx: validators kept and sent, 304s, gzip, edits picked up.
@Suite("Conditional GET against nginx", .serialized, .enabled(if: NginxServer.isAvailable, "nginx is not installed"))
struct ConditionalGetTests {
    let work = TemporaryDirectory("tidings-nginx-e2e")
    let site = TemporaryDirectory("tidings-site")

    func feed(items: [String]) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nginx feed</title>"
            + items.map { "<item><guid>\($0)</guid><title>Story \($0)</title><description>Text of \($0), long enough to be worth compressing.</description></item>" }.joined()
            + "</channel></rss>"
    }

    func sources(_ db: String) throws -> [String: Any] {
        try #require(try TidingsJSON.sources(db: db).values.first)
    }

    @Test("a 304 round trip: validators stored and sent, nothing parsed; an edited feed is fetched again with 200")
    func conditionalRoundTrip() throws {
        try site.write("feed.xml", feed(items: ["a", "b"]))
        let nginx = try NginxServer(root: site.url)
        let config = try work.write("tidings.toml", tidingsConfig(database: "state/tidings.db",
                                                                  sources: [("nginx", nginx.url("/feed.xml"))]))
        let db = work.path("state/tidings.db")

        let first = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("added=2"), "\(first.stderr)")
        #expect(try sources(db)["last_status"] as? Int == 200)

        let second = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(second.stderr.contains("refresh.unchanged http.status=304"), "\(second.stderr)")
        #expect(try sources(db)["last_status"] as? Int == 304)
        #expect(try sources(db)["state"] as? String == "ok")
        let statuses = nginx.accessLog.split(separator: "\n").map { $0.split(separator: "\"")[2].split(separator: " ")[0] }
        #expect(statuses == ["200", "304"], "\(nginx.accessLog)")

        // An edit changes the ETag (size and mtime): the next fetch is a 200 with the new item.
        Thread.sleep(forTimeInterval: 1.1)
        try site.write("feed.xml", feed(items: ["a", "b", "c"]))
        let third = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(third.stderr.contains("added=1"), "\(third.stderr)")
        #expect(try sources(db)["last_status"] as? Int == 200)
        let articles = try ProcessRunner.tidings(["--db", db, "articles", "--json"]).stdout
        #expect(articles.contains("Story c"))
    }

    @Test("a server that ignores validators: a byte-identical 200 is not parsed again")
    func identicalBodySkipsParsing() throws {
        try site.write("feed.xml", feed(items: ["x"]))
        let server = try FeedServer(root: site.url)
        let config = try work.write("plain.toml", tidingsConfig(database: "plain/tidings.db",
                                                                sources: [("plain", server.url("/files/feed.xml"))]))
        _ = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        let again = try ProcessRunner.tidingsd(["--config", config, "--once", "--all"])
        #expect(again.stderr.contains("refresh.unchanged http.status=200"), "\(again.stderr)")
        #expect(try sources(work.path("plain/tidings.db"))["state"] as? String == "ok")
    }

    @Test("two feeds on one host are fetched one after the other, host_spacing apart (seen at the server, with margin)")
    func hostSpacing() throws {
        try site.write("one.xml", feed(items: ["1"]))
        try site.write("two.xml", feed(items: ["2"]))
        let server = try FeedServer(root: site.url)
        let config = try work.write("spaced.toml", tidingsConfig(
            database: "spaced/tidings.db",
            sources: [("one", server.url("/files/one.xml")), ("two", server.url("/files/two.xml"))],
            daemon: "host_spacing = \"2s\""))
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.status == 0)
        let times = server.requests.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(times.count == 2)
        if times.count == 2 { #expect(abs(times[1] - times[0]) >= 1.5, "\(server.requests)") }
    }

    @Test("gzip from nginx is decoded")
    func gzip() throws {
        try site.write("feed.xml", feed(items: (1...50).map(String.init)))
        let nginx = try NginxServer(root: site.url)
        let config = try work.write("tidings.toml", tidingsConfig(database: "state/tidings.db",
                                                                  sources: [("nginx", nginx.url("/feed.xml"))]))
        let run = try ProcessRunner.tidingsd(["--config", config, "--once"])
        #expect(run.stderr.contains("added=50"), "\(run.stderr)")
        // nginx logs the bytes it sent: far fewer than the feed's size when compressed.
        let sent = nginx.accessLog.split(separator: "\"")[2].split(separator: " ")[1]
        let size = try FileManager.default.attributesOfItem(atPath: site.path("feed.xml"))[.size] as? Int ?? 0
        #expect((Int(sent) ?? size) < size / 2, "sent \(sent) of \(size) bytes")
    }
}

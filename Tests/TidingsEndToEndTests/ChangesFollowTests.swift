import Foundation
import Testing
import TidingsTestSupport

/// `tidings changes --follow` prints what the daemon commits, as it commits it.
@Suite("Following changes", .serialized)
struct ChangesFollowTests {
    let work = TemporaryDirectory("tidings-follow")

    func feed(_ titles: [String]) -> String {
        "<rss><channel><title>t</title>" + titles.enumerated().map { "<item><guid>\($0.offset)</guid><title>\($0.element)</title></item>" }
            .joined() + "</channel></rss>"
    }

    @Test("a committed change shows within a second; filters apply; Ctrl-C ends it with exit 0")
    func followShowsNewChanges() throws {
        try work.write("feed.xml", feed(["first"]))
        let config = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [("news", "file:feed.xml")]))
        #expect(try ProcessRunner.tidingsd(["--config", config, "--once"]).status == 0)
        let db = work.path("tidings.db")
        let last = try #require(try TidingsJSON.lines(db: db, ["changes", "--json"]).last?["seq"] as? Int)

        let follower = try BackgroundProcess(TestPaths.tidings, ["--db", db, "changes", "--follow", "--json",
                                                                  "--since", String(last), "--event", "article.added"])
        // The run also commits changes the filter must leave out: a new source, and its failure.
        try work.write("feed.xml", feed(["first", "second"]))
        try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [
            ("news", "file:feed.xml"), ("missing", "file:missing.xml"),
        ]))
        #expect(try ProcessRunner.tidingsd(["--config", config, "--once", "--all"]).status == 0)
        // The commit happened before tidingsd exited: a second from now is a generous bound.
        let shown = eventually(timeout: 1) { follower.stdout.contains("\"title\":\"second\"") }
        #expect(shown, "follow output: \(follower.stdout) \(follower.stderr)")
        let events = try TidingsJSON.lines(db: db, ["changes", "--json", "--since", String(last)]).compactMap { $0["event"] as? String }
        #expect(Set(events) == ["source.added", "source.failed", "article.added", "story.created"], "\(events)")
        let lines = follower.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count == 1, "only the new article.added: \(follower.stdout)")
        #expect(lines.first?["event"] as? String == "article.added")
        #expect((lines.first?["seq"] as? Int ?? 0) > last)
        #expect(follower.stop(signal: SIGINT, timeout: 5) == 0)
    }
}

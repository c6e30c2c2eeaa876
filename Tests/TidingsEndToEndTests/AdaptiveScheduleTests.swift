import Foundation
import Testing
import TidingsTestSupport

/// Sources without an interval learn one from their items' dates.
@Suite("Adaptive schedule", .serialized)
struct AdaptiveScheduleTests {
    let work = TemporaryDirectory("tidings-adaptive")

    /// An RSS feed whose items were published `minutesAgo` before now.
    func feed(_ minutesAgo: [Int]) -> String {
        let rfc822 = DateFormatter()
        rfc822.locale = Locale(identifier: "en_US_POSIX")
        rfc822.timeZone = TimeZone(identifier: "UTC")
        rfc822.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let now = Date()  // one clock reading, so the gaps are exact
        let items = minutesAgo.enumerated().map { index, minutes in
            let date = now.addingTimeInterval(-Double(minutes) * 60)
            return "<item><guid>\(index)</guid><title>item \(index)</title><pubDate>\(rfc822.string(from: date))</pubDate></item>"
        }
        return "<rss version=\"2.0\"><channel><title>t</title>\(items.joined())</channel></rss>"
    }

    @Test("a feed publishing every 40 minutes is due in about 40 minutes, and says why; one with its own interval keeps it")
    func learnsFromItemDates() throws {
        try work.write("busy.xml", feed((0..<12).map { $0 * 40 }))
        try work.write("fixed.xml", feed((0..<12).map { $0 * 40 }))
        let file = try work.write("tidings.toml", tidingsConfig(database: "tidings.db", sources: [
            ("busy", "file:busy.xml"), ("fixed", "file:fixed.xml"),
        ]) + "interval = \"3h\"\n")
        let before = Date()
        #expect(try ProcessRunner.tidingsd(["--config", file, "--once"]).status == 0)
        let sources = try TidingsJSON.sources(db: work.path("tidings.db"))
        let busy = try #require(sources["busy"])
        #expect(busy["due_reason"] as? String == "adaptive")
        #expect(busy["learnt_interval"] as? Double == 2400)
        let due = try #require((busy["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(due.timeIntervalSince(before) > 2400 * 0.89 && due.timeIntervalSince(before) < 2400 * 1.11 + 60, "\(due)")
        let fixed = try #require(sources["fixed"])
        #expect(fixed["due_reason"] as? String == "interval")
        let fixedDue = try #require((fixed["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(fixedDue.timeIntervalSince(before) > 10800 * 0.89, "\(fixedDue)")
        let table = try ProcessRunner.tidings(["--db", work.path("tidings.db"), "sources"]).stdout
        #expect(table.contains("(adaptive: every 40m)"), "\(table)")
    }
}

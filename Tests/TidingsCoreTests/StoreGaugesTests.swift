import Foundation
import Prometheus
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Store gauges")
struct StoreGaugesTests {
    let directory = TemporaryDirectory()

    @Test("totals are the sums of the per-source figures; a source that leaves the config leaves no stale gauges")
    func removedSourceLeaves() async throws {
        let path = directory.path("t.db")
        let store = try Store.open(path: path)
        let herald = SourceSettings(id: "herald", url: URL(string: "https://herald.example/feed")!)
        let gazette = SourceSettings(id: "gazette", url: URL(string: "https://gazette.example/feed")!)
        try store.syncSources([herald, gazette])
        let now = Date()
        for (source, count) in [("herald", 3), ("gazette", 2)] {
            let entries = (0..<count).map { FeedEntry(id: "\(source)\($0)", title: "\(source) \($0)", content: DistinctText.html($0 + 10 * count)) }
            try await store.record(RefreshOutcome(
                sourceID: source, status: 200,
                result: .success(feedTitle: nil, feedLink: nil, articles: zip(EntryIdentity.assign(entries), entries)
                    .map { IncomingArticle(identity: $0, entry: $1) }, warning: nil),
                finishedAt: now, nextDueAt: now.addingTimeInterval(3600)))
        }
        let registry = PrometheusCollectorRegistry()
        let gauges = StoreGauges(registry: registry)
        let reader = try StoreReader.open(path: path)
        let first = try gauges.update(from: reader)
        #expect(first == ["herald", "gazette"])
        var text = registry.emitToString()
        #expect(text.contains("tidings_articles 5.0"), "\(text)")
        #expect(text.contains("tidings_source_articles{source=\"gazette\"} 2.0"), "\(text)")

        try store.syncSources([herald])
        let second = try gauges.update(from: reader, dropping: first)
        #expect(second == ["herald"])
        text = registry.emitToString()
        #expect(!text.contains("source=\"gazette\""), "\(text)")
        #expect(text.contains("tidings_source_articles{source=\"herald\"} 3.0"), "\(text)")
        #expect(text.contains("tidings_sources{state=\"removed\"} 1.0"), "\(text)")
        #expect(text.contains("tidings_articles 5.0"), "the removed source's articles stay in the store: \(text)")
        try store.close()
    }
}

import Foundation
import GRDB
import Prometheus

/// The store's figures as Prometheus gauges: what `tidings stats --prometheus`
/// prints, and what the daemon's metrics file holds beside its counters.
public struct StoreGauges: Sendable {
    let registry: PrometheusCollectorRegistry

    /// The store's figures alone, in the Prometheus text format.
    public static func text(of reader: StoreReader) throws -> String {
        let registry = PrometheusCollectorRegistry()
        try StoreGauges(registry: registry).update(from: reader)
        return registry.emitToString()
    }

    /// Sets every gauge from `reader` as it is now: the per-source figures of `tidings sources`
    /// (whose sums are the totals) and a few counts of its own — not the whole of `tidings stats`,
    /// which counts every change and every day and would cost the daemon that every 15 s.
    /// Returns the sources it set gauges for; those of `previous` no longer among them are removed.
    @discardableResult
    func update(from reader: StoreReader, dropping previous: Set<String> = [], now: Date = Date()) throws -> Set<String> {
        let sources = try reader.sources()
        let figures = try reader.gaugeFigures(now: now)
        set("tidings_articles", "Articles stored.", sources.reduce(0) { $0 + $1.articles })
        set("tidings_duplicates", "Stored articles that are near-duplicates of an earlier one.", sources.reduce(0) { $0 + $1.duplicates })
        set("tidings_stories", "Stories: articles about one event, grouped.", figures.stories)
        set("tidings_stories_across_sources", "Stories told by more than one outlet.", figures.storiesAcrossSources)
        set("tidings_changes_last_seq", "Sequence number of the newest change.", figures.lastSeq)
        set("tidings_store_bytes", "Size of the database with its WAL and shared-memory files.", FileSize.of(database: reader.path))
        set("tidings_wal_bytes", "Size of the write-ahead log.", FileSize.of(reader.path + "-wal"))
        set("tidings_due_sources", "Sources due for a refresh now and not refreshed yet (the backlog).", figures.dueSources)
        set("tidings_tombstones", "Pruned or filtered items kept out of the store while their feeds list them.", figures.tombstones)
        for state in ["ok", "backing-off", "new", "gone", "disabled", "removed"] {
            set("tidings_sources", "Sources by state.", sources.count { $0.state == state }, [("state", state)])
        }
        let listed = Set(sources.lazy.filter { $0.state != "removed" }.map(\.id))
        for source in sources where listed.contains(source.id) {
            for metric in Self.perSource {
                guard let value = metric.value(source) else { continue }
                gauge(metric.name, metric.help, [("source", source.id)]).set(value)
            }
        }
        // A source gone from the config (or the store) leaves no stale figures behind.
        for id in previous.subtracting(listed) {
            for metric in Self.perSource { registry.unregisterGauge(gauge(metric.name, metric.help, [("source", id)])) }
        }
        return listed
    }

    /// The gauges each source has, and how each is read from `tidings sources`.
    private static let perSource: [(name: String, help: String, value: @Sendable (SourceStatus) -> Double?)] = [
        ("tidings_source_articles", "Articles stored per source.", { Double($0.articles) }),
        ("tidings_source_duplicates", "Near-duplicates stored per source.", { Double($0.duplicates) }),
        ("tidings_source_filtered", "Items the keep/drop rules left out, per source.", { Double($0.filtered) }),
        ("tidings_source_pruned", "Articles retention pruned, per source.", { Double($0.pruned) }),
        ("tidings_source_consecutive_errors", "Failed fetches in a row per source.", { Double($0.consecutiveErrors) }),
        ("tidings_source_last_success_timestamp_seconds", "When each source was last fetched successfully.",
         { $0.lastSuccess?.timeIntervalSince1970.rounded() }),
    ]

    private func set(_ name: String, _ help: String, _ value: Int, _ labels: [(String, String)] = []) {
        gauge(name, help, labels).set(Double(value))
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

/// The counts the gauges need besides the per-source ones.
struct GaugeFigures: Sendable, Equatable {
    var dueSources: Int
    var tombstones: Int
    var stories: Int
    var storiesAcrossSources: Int
    var lastSeq: Int
}

extension StoreReader {
    /// The refresh backlog, tombstones, stories and the newest change, in one read.
    func gaugeFigures(now: Date = Date()) throws -> GaugeFigures {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM sources WHERE enabled = 1 AND removed_at IS NULL AND gone_at IS NULL
                            AND (next_due_at IS NULL OR next_due_at <= ?)) AS due,
                       (SELECT count(*) FROM tombstones) AS tombstones,
                       (SELECT count(*) FROM stories) AS stories,
                       (SELECT count(*) FROM stories WHERE sources > 1) AS across,
                       (SELECT coalesce(max(seq), 0) FROM changes) AS last_seq
                """, arguments: [now])!
            return GaugeFigures(dueSources: row["due"], tombstones: row["tombstones"], stories: row["stories"],
                                storiesAcrossSources: row["across"], lastSeq: row["last_seq"])
        }
    }
}

import Foundation
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

    /// Sets every gauge from `reader` as it is now.
    func update(from reader: StoreReader, now: Date = Date()) throws {
        let stats = try reader.statistics(days: 1)
        let figures = try reader.operatingFigures(now: now)
        let sources = try reader.sources()
        set("tidings_articles", "Articles stored.", stats.articles)
        set("tidings_duplicates", "Stored articles that are near-duplicates of an earlier one.", stats.duplicates)
        set("tidings_stories", "Stories: articles about one event, grouped.", stats.stories)
        set("tidings_stories_across_sources", "Stories told by more than one outlet.", stats.storiesAcrossSources)
        set("tidings_changes_last_seq", "Sequence number of the newest change.", Int(stats.lastSeq ?? 0))
        set("tidings_store_bytes", "Size of the database with its WAL and shared-memory files.", stats.databaseBytes)
        set("tidings_wal_bytes", "Size of the write-ahead log.", figures.walBytes)
        set("tidings_due_sources", "Sources due for a refresh now and not refreshed yet (the backlog).", figures.dueSources)
        set("tidings_tombstones", "Pruned or filtered items kept out of the store while their feeds list them.", figures.tombstones)
        for state in ["ok", "backing-off", "new", "gone", "disabled", "removed"] {
            set("tidings_sources", "Sources by state.", sources.count { $0.state == state }, [("state", state)])
        }
        for source in sources where source.state != "removed" {
            let labels = [("source", source.id)]
            set("tidings_source_articles", "Articles stored per source.", source.articles, labels)
            set("tidings_source_duplicates", "Near-duplicates stored per source.", source.duplicates, labels)
            set("tidings_source_filtered", "Items the keep/drop rules left out, per source.", source.filtered, labels)
            set("tidings_source_pruned", "Articles retention pruned, per source.", source.pruned, labels)
            set("tidings_source_consecutive_errors", "Failed fetches in a row per source.", source.consecutiveErrors, labels)
            if let success = source.lastSuccess {
                gauge("tidings_source_last_success_timestamp_seconds", "When each source was last fetched successfully.",
                      labels).set(success.timeIntervalSince1970.rounded())
            }
        }
    }

    private func set(_ name: String, _ help: String, _ value: Int, _ labels: [(String, String)] = []) {
        gauge(name, help, labels).set(Double(value))
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

/// Figures only operating needs.
public struct OperatingFigures: Sendable, Equatable {
    public var dueSources: Int
    public var tombstones: Int
    public var walBytes: Int
}

extension StoreReader {
    /// The refresh backlog, the tombstones and the WAL's size.
    public func operatingFigures(now: Date = Date()) throws -> OperatingFigures {
        let (due, tombstones) = try read { db in
            (try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sources WHERE enabled = 1 AND removed_at IS NULL AND gone_at IS NULL
                    AND (next_due_at IS NULL OR next_due_at <= ?)
                """, arguments: [now]) ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM tombstones") ?? 0)
        }
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return OperatingFigures(dueSources: due, tombstones: tombstones, walBytes: wal)
    }
}

import Foundation
import Metrics

/// What the daemon counts as it works, through swift-metrics. `tidingsd`
/// bootstraps the Prometheus factory (`MetricsFile`); without it (tests, the
/// CLI) every call is a no-op.
enum DaemonMetrics {
    /// One fetch of a feed or page: its HTTP status ("none" when no response came),
    /// the body's size once decoded, and how long the transfer took.
    static func fetched(status: Int?, bytes: Int, duration: Duration) {
        Counter(label: "tidings_fetches_total", dimensions: [("status", status.map(String.init) ?? "none")]).increment()
        if bytes > 0 { Counter(label: Name.bodyBytes).increment(by: bytes) }
        Timer(label: "tidings_fetch_duration_seconds").record(duration: duration)
    }

    /// What storing one refresh did.
    static func stored(_ summary: IngestSummary) {
        count(Name.added, summary.added.count)
        count(Name.duplicates, summary.duplicates)
        count(Name.revisions, summary.revised)
        count(Name.filtered, summary.filtered)
    }

    static func pruned(_ summary: PruneSummary) {
        count(Name.pruned, summary.articles)
    }

    /// A failure, by kind: a fetch error kind (`dns`, `timeout`, …), `http`, `parse`, `store`, `maintenance`.
    static func failed(_ kind: String) {
        Counter(label: "tidings_errors_total", dimensions: [("kind", kind)]).increment()
    }

    /// Makes the counters without labels exist (at 0) before anything happens, so that a scrape shows them.
    static func declare() {
        for name in [Name.added, Name.duplicates, Name.revisions, Name.filtered, Name.pruned, Name.bodyBytes] { Counter(label: name).increment(by: 0) }
    }

    /// The counters' names, each written once.
    private enum Name {
        static let added = "tidings_articles_added_total", duplicates = "tidings_duplicates_total"
        static let revisions = "tidings_revisions_total", filtered = "tidings_articles_filtered_total"
        static let pruned = "tidings_articles_pruned_total", bodyBytes = "tidings_fetch_body_bytes_total"
    }

    private static func count(_ label: String, _ value: Int) {
        if value > 0 { Counter(label: label).increment(by: value) }
    }
}

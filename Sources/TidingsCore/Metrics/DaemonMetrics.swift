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
        if bytes > 0 { Counter(label: "tidings_fetch_body_bytes_total").increment(by: bytes) }
        Timer(label: "tidings_fetch_duration_seconds").record(duration: duration)
    }

    /// What storing one refresh did.
    static func stored(_ summary: IngestSummary) {
        count("tidings_articles_added_total", summary.added.count)
        count("tidings_duplicates_total", summary.duplicates)
        count("tidings_revisions_total", summary.revised)
        count("tidings_articles_filtered_total", summary.filtered)
    }

    static func pruned(_ summary: PruneSummary) {
        count("tidings_articles_pruned_total", summary.articles)
    }

    /// A failure, by kind: a fetch error kind (`dns`, `timeout`, …), `http`, `parse`, `store`, `maintenance`.
    static func failed(_ kind: String) {
        Counter(label: "tidings_errors_total", dimensions: [("kind", kind)]).increment()
    }

    /// Makes a counter exist (at 0) before anything happens, so that a scrape shows it.
    static func declare() {
        for name in ["tidings_articles_added_total", "tidings_duplicates_total", "tidings_revisions_total",
                     "tidings_articles_filtered_total", "tidings_articles_pruned_total", "tidings_fetch_body_bytes_total"] {
            Counter(label: name).increment(by: 0)
        }
    }

    private static func count(_ label: String, _ value: Int) {
        if value > 0 { Counter(label: label).increment(by: value) }
    }
}

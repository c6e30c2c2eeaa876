import Foundation
import Logging

/// The store's upkeep: retention (articles, old change rows, expired tombstones),
/// dedup data past its window, recent LSH band rows merged into the big table,
/// a pending rebuild of the search index, the index's lengths packed for ranking,
/// free pages back to the file system, and the query planner's statistics; then
/// freed memory back to the kernel. Every step works in short write transactions.
struct StoreMaintenance: Sendable {
    let store: Store
    let logger: Logger
    /// Seconds a round spends at most on a pending rebuild of the search index (and again on
    /// packing its lengths, a second or so for a million articles), in batches that
    /// ingest interleaves with (a million articles took about two minutes in all here).
    static let searchIndexBudget: TimeInterval = 10

    /// One round. `full` adds the hourly work: dedup pruning and `PRAGMA optimize`.
    func run(_ configuration: TidingsConfiguration, full: Bool, now: Date = Date()) async {
        do {
            let pruned = try await store.prune(sources: configuration.sources, defaults: configuration.daemon.retention, now: now)
            DaemonMetrics.pruned(pruned)
            if pruned != PruneSummary() {
                logger.info("retention.pruned", metadata: [
                    "articles": "\(pruned.articles)", "changes": "\(pruned.changes)",
                    "tombstones.expired": "\(pruned.tombstones)", "batches": "\(pruned.batches)",
                ])
            }
            if full {
                let bands = try await store.pruneDedup(now: now)
                if bands > 0 { logger.info("dedup.pruned", metadata: ["band_rows": "\(bands)"]) }
            }
            let lines = try await store.sweepRareLines(now: now)
            if lines > 0 { logger.info("dedup.lines_swept", metadata: ["lines": "\(lines)"]) }
            let started = Date()
            let merged = try await store.mergeRecentBands(now: now)
            if merged > 0 {
                logger.info("dedup.bands_merged", metadata: ["band_rows": "\(merged)",
                                                             "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))"])
            }
            if let progress = try await store.rebuildSearchIndex(budget: Self.searchIndexBudget) {
                logger.info(progress.finished ? "search.reindexed" : "search.reindexing", metadata: [
                    "articles.copied": "\(progress.copied)", "articles.remaining": "\(progress.remaining)",
                ])
            }
            let lengths = try await store.packSearchLengths(budget: Self.searchIndexBudget)
            if lengths.packed > 0 {
                logger.info("search.lengths_packed", metadata: ["blocks": "\(lengths.packed)", "blocks.remaining": "\(lengths.remaining)"])
            }
            let pages = try await store.vacuumIncrementally()
            if pages > 0 { logger.info("store.vacuumed", metadata: ["pages": "\(pages)"]) }
            if full { try await store.optimize() }
        } catch {
            DaemonMetrics.failed("maintenance")
            logger.error("maintenance.failed", metadata: ["error": "\(StoreErrorText.describe(error))",
                                                          "retry": "next maintenance round"])
        }
        // Pruning just freed what the pruned rows took in memory: give the freed pages back.
        MallocArenas.trim()
    }
}

import Foundation
import GRDBSQLite
import Prometheus

/// The daemon process's own figures, as the Prometheus client libraries name
/// them (`process_…`), and what SQLite holds of its memory: resident memory
/// that keeps rising while SQLite's share stays put is a leak of ours; SQLite's
/// share is bounded by its page caches. malloc's own figures tell a leak (in use
/// rising) from fragmentation (free rising).
struct ProcessGauges: Sendable {
    let registry: PrometheusCollectorRegistry
    /// When the process started (seconds since the epoch): taken at the metrics file's first
    /// write, which the daemon makes as it starts.
    static let startTime = Date().timeIntervalSince1970.rounded()

    func update() {
        set("process_resident_memory_bytes", "Resident memory size in bytes.", Self.residentBytes())
        set("process_open_fds", "Number of open file descriptors.", Self.openDescriptors())
        set("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", Self.startTime)
        let pool = Double(SQLitePagePool.bytesInUse())
        set("tidings_sqlite_memory_bytes", "Memory SQLite holds (page caches, statements, schema) across all connections.",
            Double(sqlite3_memory_used()) + pool)
        set("tidings_sqlite_page_pool_bytes", "Of that, the page-cache slots in use in the daemon's pool, outside malloc.", pool)
        let heap = MallocArenas.heap()
        set("tidings_malloc_in_use_bytes", "Bytes malloc has handed out and not had back, SQLite's included.", Double(heap.inUse))
        set("tidings_malloc_free_bytes", "Bytes freed but kept inside malloc's heaps (fragmentation when it rises).",
            Double(heap.free))
    }

    private func set(_ name: String, _ help: String, _ value: Double?) {
        guard let value else { return }
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help)).set(value)
    }

    /// Resident pages × page size, from `/proc/self/statm` (its second field).
    static func residentBytes() -> Double? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func openDescriptors() -> Double? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { Double($0.count) }
    }
}

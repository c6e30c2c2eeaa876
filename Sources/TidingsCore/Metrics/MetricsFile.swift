import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The daemon's metrics in the Prometheus text format, for node_exporter's
/// textfile collector: the counters and histograms `DaemonMetrics` records
/// (since the daemon started), the store's gauges and the process's own
/// (`ProcessGauges`: memory, descriptors, SQLite's share), rewritten every
/// `interval` by writing a temporary file and renaming it over the old one, so
/// that a scrape never reads half a file.
public final class MetricsFile: Service, Sendable {
    public let path: String
    private let registry: PrometheusCollectorRegistry
    private let storePath: String
    private let logger: Logger
    /// The reader kept between writes, and the sources the last write had gauges for.
    private let state = Locked<(reader: StoreReader?, sources: Set<String>)>((nil, []))
    static let interval: Duration = .seconds(15)

    /// Bootstraps swift-metrics with a Prometheus registry (once per process) and
    /// writes to `path` the figures of the store at `storePath`.
    public init(path: String, storePath: String, logger: Logger) {
        self.path = path
        self.storePath = storePath
        self.logger = logger
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Fetch latency, from a local file to a slow server at the timeout.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        DaemonMetrics.declare()
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            write()
            // Woken by a stop at once: services stop one after another, and the scheduler (stopped
            // last) would go on fetching for as long as this slept.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
        }
    }

    /// Writes the file now (also on the way out, so the last figures are kept).
    public func write() {
        do {
            try state.withLock { state in
                let reader = try state.reader ?? StoreReader.open(path: storePath)
                state.reader = reader
                state.sources = try StoreGauges(registry: registry).update(from: reader, dropping: state.sources)
            }
            ProcessGauges(registry: registry).update()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            try AtomicFile.write(bytes, to: path)
        } catch {
            logger.warning("metrics.write_failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

/// Replaces a file whole: the bytes go to a temporary file beside it, which is renamed over it.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
            try file.write(bytes)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw PosixFileError(path: path, operation: "rename", code: code)
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle

/// The daemon's main loop as a `Service`: refresh what is due, sleep until the
/// next source falls due, repeat until a graceful shutdown. A shutdown stops
/// scheduling at once; refreshes already running finish and commit. A new
/// configuration (`apply`, on SIGHUP) takes effect from the next cycle, and
/// wakes the loop so that new sources are fetched at once.
public final class RefreshService: Service {
    private struct Current {
        var configuration: TidingsConfiguration
        var cycle: RefreshCycle
        /// A configuration arrived since the loop last read it.
        var reloaded = false
        /// The loop's sleep until the next source is due, which a reload ends.
        var sleeper: Task<Void, any Error>?
    }

    private let current: Locked<Current>
    private let store: Store
    private let logger: Logger

    public init(configuration: TidingsConfiguration, store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
        current = Locked(Current(configuration: configuration,
                                cycle: RefreshCycle(settings: configuration.daemon, store: store, logger: logger)))
    }

    /// Runs the next cycles with `configuration` (the store's sources must already match it).
    /// Refreshes in flight finish with the settings they started with.
    public func apply(_ configuration: TidingsConfiguration) {
        current.withLock { current in
            if configuration.daemon != current.configuration.daemon {
                current.cycle = RefreshCycle(settings: configuration.daemon, store: store, logger: logger)
            }
            current.configuration = configuration
            current.reloaded = true
            current.sleeper?.cancel()
        }
    }

    public func run() async throws {
        logger.info("scheduler.started", metadata: ["sources": "\(current.withLock { $0.configuration.sources.count })"])
        var lastMaintained = Date.distantPast, lastFullMaintenance = Date.distantPast
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let (configuration, cycle) = current.withLock { current in
                current.reloaded = false
                return (current.configuration, current.cycle)
            }
            let sourcesByID = Dictionary(uniqueKeysWithValues: configuration.sources.map { ($0.id, $0) })
            let due: [SourceSettings]
            do {
                due = try store.dueSources(at: Date()).compactMap { sourcesByID[$0] }
            } catch {
                // A store that cannot be read now (busy, disk trouble) may be fine later: keep running.
                logger.error("store.read_failed", metadata: ["error": "\(StoreErrorText.describe(error))",
                                                             "retry.seconds": "\(Int(Self.storeRetryDelay))"])
                guard await sleepUnlessShutdown(seconds: Self.storeRetryDelay) else { break }
                continue
            }
            // While writes fail (disk full), one source at a time probes whether they work again:
            // fetching every source would only throw its articles away and burden its server.
            let writesFailing = store.health.failure(of: .store) != nil
            let batch = writesFailing ? Array(due.prefix(1)) : due
            if !batch.isEmpty {
                let reports = await cycle.run(batch)
                logger.info("cycle.done", metadata: SourceRefreshReport.summary(of: reports))
            }
            let maintenanceInterval = Double(configuration.daemon.maintenanceInterval.seconds)
            if Date().timeIntervalSince(lastMaintained) >= maintenanceInterval, !writesFailing {
                let full = Date().timeIntervalSince(lastFullMaintenance) >= Self.fullMaintenanceInterval
                await StoreMaintenance(store: store, logger: logger).run(configuration, full: full)
                lastMaintained = Date()
                if full { lastFullMaintenance = lastMaintained }
            }
            guard !Task.isShuttingDownGracefully else { break }
            let untilMaintenance = max(lastMaintained.addingTimeInterval(maintenanceInterval).timeIntervalSinceNow, 1)
            let wait = store.health.failure(of: .store) != nil ? Self.writeRetryDelay
                : min(secondsUntilNextDue(), untilMaintenance)
            logger.debug("scheduler.sleeping", metadata: ["seconds": "\(Int(wait))"])
            guard await sleepUnlessShutdown(seconds: wait) else { break }
        }
        logger.info("scheduler.stopped")
    }

    private static let storeRetryDelay = 30.0
    /// While store writes fail, the next probe comes this much later.
    private static let writeRetryDelay = 10.0
    /// How often maintenance also prunes dedup data past its window and runs `PRAGMA optimize`.
    private static let fullMaintenanceInterval = 3600.0

    /// False when a graceful shutdown (or cancellation) cut the sleep short;
    /// a new configuration ends it early (true).
    private func sleepUnlessShutdown(seconds: Double) async -> Bool {
        let sleeper = Task { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        current.withLock { current in
            current.sleeper = sleeper
            if current.reloaded { sleeper.cancel() }  // the reload came while the cycle ran
        }
        defer { current.withLock { $0.sleeper = nil } }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler { _ = await sleeper.result } onCancel: { sleeper.cancel() }
        } onGracefulShutdown: {
            sleeper.cancel()
        }
        return !Task.isShuttingDownGracefully && !Task.isCancelled
    }

    /// At least a second (so a clock jump cannot spin), at most an hour (so a
    /// long sleep notices a changed clock); 30 s when the store cannot say.
    private func secondsUntilNextDue() -> Double {
        do {
            guard let next = try store.nextDueDate() else { return 3600 }
            return min(max(next.timeIntervalSinceNow, 1), 3600)
        } catch {
            logger.error("store.read_failed", metadata: ["error": "\(StoreErrorText.describe(error))"])
            return Self.storeRetryDelay
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's main loop as a `Service`: refresh what is due, sleep until the
/// next source falls due, repeat until a graceful shutdown. A shutdown stops
/// scheduling at once; refreshes already running finish and commit. A new
/// configuration (`apply`, on SIGHUP) takes effect from the next cycle, and
/// wakes the loop so that new sources are fetched at once.
public final class RefreshService: Service {
    private struct Current {
        var configuration: TidingsConfiguration
        var cycle: RefreshCycle
    }

    private let current: Mutex<Current>
    private let wake = Atomic<Bool>(false)
    private let store: Store
    private let logger: Logger

    public init(configuration: TidingsConfiguration, store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
        current = Mutex(Current(configuration: configuration,
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
        }
        wake.store(true, ordering: .relaxed)
    }

    public func run() async throws {
        logger.info("scheduler.started", metadata: ["sources": "\(current.withLock { $0.configuration.sources.count })"])
        var lastPruned = Date.distantPast
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            wake.store(false, ordering: .relaxed)
            let (configuration, cycle) = current.withLock { ($0.configuration, $0.cycle) }
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
            if !due.isEmpty {
                let reports = await cycle.run(due)
                logger.info("cycle.done", metadata: SourceRefreshReport.summary(of: reports))
            }
            if Date().timeIntervalSince(lastPruned) >= Self.pruneInterval {
                lastPruned = Date()
                pruneDedup()
            }
            guard !Task.isShuttingDownGracefully else { break }
            let wait = secondsUntilNextDue()
            logger.debug("scheduler.sleeping", metadata: ["seconds": "\(Int(wait))"])
            guard await sleepUnlessShutdown(seconds: wait) else { break }
        }
        logger.info("scheduler.stopped")
    }

    private static let storeRetryDelay = 30.0
    /// How often dedup data older than the window is pruned.
    private static let pruneInterval = 3600.0

    private func pruneDedup() {
        do {
            let removed = try store.pruneDedup()
            if removed > 0 { logger.info("dedup.pruned", metadata: ["band_rows": "\(removed)"]) }
        } catch {
            logger.error("dedup.prune_failed", metadata: ["error": "\(StoreErrorText.describe(error))"])
        }
    }

    /// False when a graceful shutdown (or cancellation) cut the sleep short;
    /// a new configuration ends it early (true).
    private func sleepUnlessShutdown(seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        do {
            try await cancelWhenGracefulShutdown {
                while ContinuousClock.now < deadline, !self.wake.load(ordering: .relaxed) {
                    try await Task.sleep(for: min(.milliseconds(250), deadline - ContinuousClock.now))
                }
            }
            return !Task.isShuttingDownGracefully
        } catch {
            return false
        }
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

import Foundation
import Logging
import ServiceLifecycle

/// Keeps systemd informed while the daemon runs: a `STATUS=` line and, when
/// the unit has `WatchdogSec`, `WATCHDOG=1` at half its period — but only
/// after the store answered a read, so a daemon whose store hangs or fails is
/// restarted by systemd. Sends `READY=1` first — from inside the service
/// group, whose SIGTERM handling is in place by then, so a stop request right
/// after READY is a graceful stop — and `STOPPING=1` when shutdown begins.
struct SystemdStatusService: Service {
    let store: Store
    let notifier: SystemdNotifier
    let logger: Logger

    /// Without a watchdog, the store is read for the status line this often.
    static let statusInterval = Duration.seconds(30)
    /// Failing writes (`StorageHealth`) are looked at this often, so `STATUS=` shows them at once.
    static let healthInterval = Duration.seconds(1)

    func run() async throws {
        let interval = notifier.watchdogInterval ?? Self.statusInterval
        notifier.ready()
        await withGracefulShutdownHandler {
            let clock = ContinuousClock()
            var counts: Result<ServiceStatus, StoreReadFailure> = .failure(StoreReadFailure(reason: "not read yet"))
            var lastRead: ContinuousClock.Instant?
            var sent = ""
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let readNow = lastRead.map { clock.now - $0 >= interval } ?? true
                if readNow {
                    lastRead = clock.now
                    counts = readCounts()
                    sent = ""  // sent again after every read, as a sign of life
                }
                let line = line(counts)
                if line != sent {
                    notifier.status(line)
                    sent = line
                }
                // The watchdog is fed only after the store answered.
                if readNow, case .success = counts, notifier.watchdogInterval != nil { notifier.watchdog() }
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.healthInterval) }
                } catch {
                    break
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }

    /// The store's counts, or why it did not answer.
    private func readCounts() -> Result<ServiceStatus, StoreReadFailure> {
        do {
            return .success(try store.serviceStatus())
        } catch {
            let reason = StoreErrorText.describe(error)
            logger.error("health.failed", metadata: ["error": "\(reason)"])
            return .failure(StoreReadFailure(reason: reason))
        }
    }

    /// The counts with the write problems of this moment.
    private func line(_ counts: Result<ServiceStatus, StoreReadFailure>) -> String {
        switch counts {
        case .success(var status):
            status.problems = store.health.problems
            return status.line
        case .failure(let failure):
            return (["store not answering: \(failure.reason)"] + store.health.problems).joined(separator: "; ")
        }
    }
}

struct StoreReadFailure: Error {
    let reason: String
}

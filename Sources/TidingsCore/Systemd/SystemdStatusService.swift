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

    /// Without a watchdog, the status line is refreshed this often.
    static let statusInterval = Duration.seconds(30)

    func run() async throws {
        let interval = notifier.watchdogInterval ?? Self.statusInterval
        notifier.ready()
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                report()
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                } catch {
                    break
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }

    private func report() {
        do {
            let status = try store.serviceStatus()
            notifier.status(status.line)
            if notifier.watchdogInterval != nil { notifier.watchdog() }
        } catch {
            let reason = StoreErrorText.describe(error)
            logger.error("health.failed", metadata: ["error": "\(reason)"])
            notifier.status("store not answering: \(reason)")
        }
    }
}

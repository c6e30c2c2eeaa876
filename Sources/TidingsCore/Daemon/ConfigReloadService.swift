import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP and applies the difference while running:
/// new sources are fetched at once, removed ones stop (their articles stay),
/// changed ones take effect from their next refresh, and each difference is
/// a change (`source.added`, `source.removed`, `source.changed`). A file that
/// does not load is reported in the log and the status line, and the running
/// config stays in force.
struct ConfigReloadService: Service {
    let path: String
    let running: TidingsConfiguration
    let store: Store
    let scheduler: RefreshService
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        var running = self.running
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            notifier.reloading()
            if let loaded = reload(over: running) { running = loaded }
        }
    }

    /// The new configuration once applied, or nil when the running one stays.
    private func reload(over running: TidingsConfiguration) -> TidingsConfiguration? {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: path)
        } catch {
            let message = (error as? ConfigurationError)?.description ?? "\(error)"
            logger.error("config.reload_failed", metadata: ["path": "\(path)", "error": "\(message)",
                                                            "kept": "the running config"])
            notifier.ready(status: "reload failed, running config kept: \(message.split(separator: "\n").first ?? "")")
            return nil
        }
        for warning in loaded.warnings {
            logger.warning("config.warning", metadata: ["detail": "\(warning.description)"])
        }
        var configuration = loaded.configuration
        keepRestartOnly(&configuration.daemon, running: running.daemon)
        if configuration.dedup != running.dedup {
            logger.warning("config.restart_needed", metadata: ["key": "dedup", "reason": "dedup settings are read at start"])
            configuration.dedup = running.dedup
        }
        do {
            let sync = try store.syncSources(configuration.sources)
            scheduler.apply(configuration)
            logger.notice("config.reloaded", metadata: [
                "path": "\(path)", "sources": "\(configuration.sources.count)", "sources.added": "\(sync.added.count)",
                "sources.changed": "\(sync.changed.count)", "sources.removed": "\(sync.removed.count)",
            ])
            notifier.ready(status: (try? store.serviceStatus().line) ?? "config reloaded")
            return configuration
        } catch {
            logger.error("config.reload_failed", metadata: ["path": "\(path)", "error": "\(StoreErrorText.describe(error))",
                                                            "kept": "the running config"])
            notifier.ready(status: "reload failed, running config kept: \(StoreErrorText.describe(error))")
            return nil
        }
    }

    /// Settings read once at start — the store, the change log, the log level, the metrics file —
    /// keep their running values; a different value in the file is logged.
    private func keepRestartOnly(_ new: inout DaemonSettings, running: DaemonSettings) {
        func keep<Value: Equatable>(_ key: String, _ setting: WritableKeyPath<DaemonSettings, Value>,
                                    _ text: (Value) -> String) {
            guard new[keyPath: setting] != running[keyPath: setting] else { return }
            logger.warning("config.restart_needed", metadata: [
                "key": "daemon.\(key)", "running": "\(text(running[keyPath: setting]))", "file": "\(text(new[keyPath: setting]))",
            ])
            new[keyPath: setting] = running[keyPath: setting]
        }
        keep("database", \.databasePath) { $0 }
        keep("change_log", \.changeLogDirectory) { $0 ?? "" }
        keep("change_log_retention", \.changeLogRetention) { $0.map { "\($0)" } ?? "0" }
        keep("log_level", \.logLevel) { $0 }
        keep("metrics_file", \.metricsFile) { $0 ?? "" }
        keep("tombstone_expiry", \.tombstoneExpiry) { "\($0)" }
    }
}

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
        for (key, old, new) in Self.restartOnly(running.daemon, configuration.daemon) where old != new {
            logger.warning("config.restart_needed", metadata: ["key": "daemon.\(key)", "running": "\(old)", "file": "\(new)"])
        }
        if configuration.dedup != running.dedup {
            logger.warning("config.restart_needed", metadata: ["key": "dedup", "reason": "dedup settings are read at start"])
        }
        // What only a restart can change stays as it runs.
        configuration.daemon.databasePath = running.daemon.databasePath
        configuration.daemon.changeLogDirectory = running.daemon.changeLogDirectory
        configuration.daemon.changeLogRetention = running.daemon.changeLogRetention
        configuration.daemon.logLevel = running.daemon.logLevel
        configuration.dedup = running.dedup
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

    /// Settings read once at start: the store, the change log, the log level.
    private static func restartOnly(_ old: DaemonSettings, _ new: DaemonSettings) -> [(String, String, String)] {
        [("database", old.databasePath, new.databasePath),
         ("change_log", old.changeLogDirectory ?? "", new.changeLogDirectory ?? ""),
         ("change_log_retention", "\(old.changeLogRetention.map { "\($0)" } ?? "0")", "\(new.changeLogRetention.map { "\($0)" } ?? "0")"),
         ("log_level", old.logLevel, new.logLevel)]
    }
}

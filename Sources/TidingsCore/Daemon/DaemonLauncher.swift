import Foundation
import Logging
import ServiceLifecycle

/// How `tidingsd` was asked to run.
public struct DaemonOptions: Sendable {
    public var configPath: String
    /// One refresh of the due sources, then exit.
    public var once: Bool
    /// With `once`: every enabled source, due or not.
    public var all: Bool
    /// Overrides `daemon.log_level`.
    public var logLevel: String?

    public init(configPath: String, once: Bool, all: Bool, logLevel: String?) {
        self.configPath = configPath
        self.once = once
        self.all = all
        self.logLevel = logLevel
    }
}

/// Everything `tidingsd` does between parsing flags and exiting: load the
/// config, open and migrate the store, sync the sources, then run one cycle
/// (`--once`, then one round of maintenance) or the scheduler until SIGTERM/SIGINT.
public enum DaemonLauncher {
    /// Runs the daemon; returns the process exit status (0, or 1 for fatal errors).
    public static func run(_ options: DaemonOptions) async -> Int32 {
        MallocArenas.limitUnlessConfigured()
        MallocArenas.fixMapThresholdUnlessConfigured()
        SQLitePagePool.install()
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: options.configPath)
        } catch let error as ConfigurationError {
            Output.error("tidingsd: cannot start: invalid config\n" + error.description)
            return 1
        } catch {
            Output.error("tidingsd: cannot start: \(error)")
            return 1
        }
        let configuration = loaded.configuration
        let levelName = options.logLevel ?? configuration.daemon.logLevel
        LineLogHandler.bootstrap(level: Logger.Level(rawValue: levelName) ?? .info)
        let logger = Logger(label: "tidingsd")
        for warning in loaded.warnings {
            logger.warning("config.warning", metadata: ["detail": "\(warning.description)"])
        }
        // A change log that cannot be written at all is a mistake in the config: stop before touching
        // anything. (Trouble later on, such as a full disk, is retried while the daemon runs.)
        if let directory = configuration.daemon.changeLogDirectory {
            do {
                try ChangeLogDirectory(path: directory).prepare()
            } catch {
                logger.critical("changelog.unusable", metadata: ["error": "\(error)", "key": "daemon.change_log"])
                return 1
            }
        }
        // Without libcurl nothing could be fetched: say so at once rather than at every refresh.
        do {
            try CurlGlobal.load()
        } catch {
            logger.critical("libcurl.unusable", metadata: ["error": "\(error)"])
            return 1
        }
        let store: Store
        do {
            store = try Store.open(path: configuration.daemon.databasePath, dedup: configuration.dedup,
                                   stories: configuration.stories, tombstoneExpiry: configuration.daemon.tombstoneExpiry)
            if case .rebuilt(let previous) = try store.adoptBandLayout() {
                let layout = store.dedup.parameters.bands
                logger.notice("dedup.layout_changed", metadata: [
                    "from": "\(previous.bands)x\(previous.rows)", "to": "\(layout.bands)x\(layout.rows)",
                    "effect": "band index rebuilt from the signatures of the articles in the window",
                ])
            }
            let sync = try store.syncSources(configuration.sources)
            logger.info("store.opened", metadata: [
                "path": "\(store.path)", "sources": "\(configuration.sources.count)", "libcurl": "\(CurlGlobal.version)",
                "sqlite.page_pool": "\(SQLitePagePool.installed ? "\(SQLitePagePool.slots) slots of \(SQLitePagePool.slotSize) bytes" : "none")",
                "sources.added": "\(sync.added.count)", "sources.changed": "\(sync.changed.count)",
                "sources.removed": "\(sync.removed.count)",
            ])
        } catch {
            logger.critical("store.open_failed", metadata: ["error": "\(error)"])
            return 1
        }
        let changeLog = configuration.daemon.changeLogDirectory.map {
            ChangeLogWriter(directory: $0, retention: configuration.daemon.changeLogRetention, store: store, logger: logger)
        }
        let metrics = configuration.daemon.metricsFile.map {
            MetricsFile(path: $0, storePath: configuration.daemon.databasePath, logger: logger)
        }
        // A reload signal before the reload service listens must not kill the daemon.
        signal(SIGHUP, SIG_IGN)
        let notifier = SystemdNotifier()
        if options.once { notifier.ready(status: "refreshing once") }
        let status = options.once ? await runOnce(configuration, store: store, all: options.all, logger: logger)
            : await runScheduler(configuration, path: options.configPath, store: store, notifier: notifier,
                                 metrics: metrics, logger: logger)
        notifier.stopping()
        metrics?.write()  // the last figures outlive the process
        changeLog?.stop()
        do {
            try store.close()
        } catch {
            logger.error("store.close_failed", metadata: ["error": "\(StoreErrorText.describe(error))"])
        }
        return status
    }

    private static func runOnce(_ configuration: TidingsConfiguration, store: Store, all: Bool,
                                logger: Logger) async -> Int32 {
        let sourcesByID = Dictionary(uniqueKeysWithValues: configuration.sources.map { ($0.id, $0) })
        let due: [SourceSettings]
        do {
            due = try store.dueSources(at: Date(), includeNotDue: all).compactMap { sourcesByID[$0] }
        } catch {
            logger.critical("store.read_failed", metadata: ["error": "\(error)"])
            return 1
        }
        let reports = await RefreshCycle(settings: configuration.daemon, store: store, logger: logger).run(due)
        logger.notice("once.done", metadata: SourceRefreshReport.summary(of: reports))
        await StoreMaintenance(store: store, logger: logger).run(configuration, full: true)
        return 0
    }

    private static func runScheduler(_ configuration: TidingsConfiguration, path: String, store: Store,
                                     notifier: SystemdNotifier, metrics: MetricsFile?, logger: Logger) async -> Int32 {
        let scheduler = RefreshService(configuration: configuration, store: store, logger: logger)
        let reloader = ConfigReloadService(path: path, running: configuration, store: store, scheduler: scheduler,
                                           notifier: notifier, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: reloader, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let metrics {
            services.append(.init(service: metrics, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if notifier.isEnabled {
            services.append(.init(service: SystemdStatusService(store: store, notifier: notifier, logger: logger),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                           logger: logger)
        // Refreshes in flight get this long to finish; then they are cancelled (each source commits alone).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.daemon.timeout.seconds + 5)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            logger.critical("daemon.failed", metadata: ["error": "\(error)"])
            return 1
        }
        logger.notice("daemon.stopped")
        return 0
    }
}

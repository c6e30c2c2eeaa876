import Foundation
import Logging
import ServiceLifecycle

/// Refreshes a set of sources at most `concurrency` at a time; every request
/// is polite per host (`PoliteFetcher`). One cycle object serves the daemon's
/// lifetime, so spacing holds across cycles too.
public struct RefreshCycle: Sendable {
    public let refresher: SourceRefresher
    public let concurrency: Int

    public init(refresher: SourceRefresher, concurrency: Int) {
        self.refresher = refresher
        self.concurrency = max(1, concurrency)
    }

    /// The daemon's cycle: fetcher, schedule and politeness all from `[daemon]`.
    public init(settings: DaemonSettings, store: Store, logger: Logger) {
        let fetcher = PoliteFetcher(policy: FetchPolicy(settings), perHostConcurrency: settings.perHostConcurrency,
                                    hostSpacing: settings.hostSpacing)
        let refresher = SourceRefresher(fetcher: fetcher, store: store, logger: logger, schedulePolicy: SchedulePolicy(settings))
        self.init(refresher: refresher, concurrency: settings.concurrency)
    }

    /// Refreshes every source in `sources`; returns one report per source, in order.
    public func run(_ sources: [SourceSettings]) async -> [SourceRefreshReport] {
        let order = RefreshCycle.interleavedByHost(sources.indices.map { ($0, sources[$0]) })
        return await withTaskGroup(of: (Int, SourceRefreshReport).self) { group in
            var reports = [SourceRefreshReport?](repeating: nil, count: sources.count)
            var next = 0
            func startNext() {
                guard next < order.count else { return }
                let (index, source) = order[next]
                next += 1
                group.addTask { (index, await refresher.refresh(source)) }
            }
            for _ in 0..<min(concurrency, sources.count) { startNext() }
            while let (index, report) = await group.next() {
                reports[index] = report
                // A shutdown (SIGTERM) starts nothing new; refreshes in flight finish and commit.
                if !Task.isCancelled, !Task.isShuttingDownGracefully { startNext() }
            }
            return reports.compactMap { $0 }
        }
    }

    /// Round-robin over hosts, so that one busy host does not hold every slot
    /// while sources of other hosts wait.
    static func interleavedByHost(_ sources: [(Int, SourceSettings)]) -> [(Int, SourceSettings)] {
        var byHost: [String: [(Int, SourceSettings)]] = [:]
        var hostOrder: [String] = []
        for item in sources {
            let host = PoliteFetcher.authority(of: item.1.url) ?? ""
            if byHost[host] == nil { hostOrder.append(host) }
            byHost[host, default: []].append(item)
        }
        var result: [(Int, SourceSettings)] = []
        var round = 0
        while result.count < sources.count {
            for host in hostOrder where round < byHost[host]!.count { result.append(byHost[host]![round]) }
            round += 1
        }
        return result
    }
}

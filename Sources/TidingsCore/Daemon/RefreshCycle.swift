import Foundation
import Logging
import ServiceLifecycle

/// Refreshes a set of sources at most `concurrency` at a time, and politely
/// per host (see `HostGate`). One cycle object serves the daemon's lifetime,
/// so spacing holds across cycles too.
public struct RefreshCycle: Sendable {
    public let refresher: SourceRefresher
    public let concurrency: Int
    private let hosts: HostGate

    public init(refresher: SourceRefresher, concurrency: Int, perHostConcurrency: Int = 1,
                hostSpacing: TimeSpan = TimeSpan(seconds: 1)) {
        self.refresher = refresher
        self.concurrency = max(1, concurrency)
        self.hosts = HostGate(limit: perHostConcurrency, spacing: hostSpacing)
    }

    /// The daemon's cycle: fetcher, schedule and politeness all from `[daemon]`.
    public init(settings: DaemonSettings, store: Store, logger: Logger) {
        let refresher = SourceRefresher(fetcher: HTTPFetcher(policy: FetchPolicy(settings)), store: store, logger: logger,
                                        schedulePolicy: SchedulePolicy(settings))
        self.init(refresher: refresher, concurrency: settings.concurrency,
                  perHostConcurrency: settings.perHostConcurrency, hostSpacing: settings.hostSpacing)
    }

    /// Refreshes every source in `sources`; returns one report per source, in order.
    public func run(_ sources: [SourceSettings]) async -> [SourceRefreshReport] {
        let order = RefreshCycle.interleavedByHost(sources.indices.map { ($0, sources[$0]) })
        let hosts = self.hosts
        return await withTaskGroup(of: (Int, SourceRefreshReport).self) { group in
            var reports = [SourceRefreshReport?](repeating: nil, count: sources.count)
            var next = 0
            func startNext() {
                guard next < order.count else { return }
                let (index, source) = order[next]
                next += 1
                group.addTask {
                    // Local files have no host to be polite to.
                    guard let host = RefreshCycle.authority(of: source.url) else {
                        return (index, await refresher.refresh(source))
                    }
                    await hosts.acquire(host)
                    let report = await refresher.refresh(source)
                    await hosts.release(host)
                    return (index, report)
                }
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

    /// `host:port`: what politeness is counted per (nil for local files).
    static func authority(of url: URL) -> String? {
        guard !url.isFileURL, let host = url.host?.lowercased() else { return nil }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    /// Round-robin over hosts, so that one busy host does not hold every slot
    /// while sources of other hosts wait.
    static func interleavedByHost(_ sources: [(Int, SourceSettings)]) -> [(Int, SourceSettings)] {
        var byHost: [String: [(Int, SourceSettings)]] = [:]
        var hostOrder: [String] = []
        for item in sources {
            let host = authority(of: item.1.url) ?? ""
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

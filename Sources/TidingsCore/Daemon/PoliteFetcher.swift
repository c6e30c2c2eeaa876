import Foundation

/// The daemon's one way to make a request: every fetch — feeds, article
/// pages, full-text pages — passes the per-host gate (`HostGate`: at most
/// `per_host_concurrency` at once, `host_spacing` between starts). Local files
/// have no host and pass straight through.
public struct PoliteFetcher: Sendable {
    let fetcher: HTTPFetcher
    let hosts: HostGate

    init(fetcher: HTTPFetcher, hosts: HostGate) {
        self.fetcher = fetcher
        self.hosts = hosts
    }

    public init(policy: FetchPolicy, perHostConcurrency: Int = 1, hostSpacing: TimeSpan = TimeSpan(seconds: 1)) {
        self.init(fetcher: HTTPFetcher(policy: policy), hosts: HostGate(limit: perHostConcurrency, spacing: hostSpacing))
    }

    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
        guard let host = Self.authority(of: request.url) else { return await fetcher.fetch(request) }
        await hosts.acquire(host)
        let result = await fetcher.fetch(request)
        await hosts.release(host)
        return result
    }

    /// `host:port`: what politeness is counted per (nil for local files).
    static func authority(of url: URL) -> String? {
        guard !url.isFileURL, let host = url.host?.lowercased() else { return nil }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}

import Foundation

/// The daemon's one way to make a request: every fetch — feeds, article
/// pages, full-text pages — passes the per-host gate (`HostGate`: at most
/// `per_host_concurrency` at once, `host_spacing` between starts). Local files
/// have no host and pass straight through. A source's refresh holds its host
/// (`hold`) from before its fetch until its outcome is stored, so that what
/// the outcome says about the origin (a Retry-After) is known to the next
/// source there before that one asks.
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

    /// Takes a slot of `url`'s host until `HostHold.release()`; fetch with `fetchHeld` meanwhile.
    func hold(_ url: URL) async -> HostHold {
        let host = Self.authority(of: url)
        if let host { await hosts.acquire(host) }
        return HostHold(gate: hosts, host: host)
    }

    /// Fetches while the caller holds the host (`hold`).
    func fetchHeld(_ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
        await fetcher.fetch(request)
    }

    /// `host:port`: what politeness is counted per (nil for local files).
    static func authority(of url: URL) -> String? {
        guard !url.isFileURL, let host = url.host?.lowercased() else { return nil }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}

/// A slot of one host's gate, held by a refresh; released once.
actor HostHold {
    private let gate: HostGate
    private let host: String?
    private var held = true

    init(gate: HostGate, host: String?) {
        self.gate = gate
        self.host = host
    }

    func release() async {
        guard held, let host else { return }
        held = false
        await gate.release(host)
    }
}

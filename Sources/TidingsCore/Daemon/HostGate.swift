import Foundation

/// Politeness per host: at most `limit` requests to one host at a time, and
/// at least `spacing` seconds between the starts of two requests to it.
/// Different hosts never wait for each other.
actor HostGate {
    private let limit: Int
    private let spacing: Double
    private var active: [String: Int] = [:]
    private var lastStart: [String: Date] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int, spacing: TimeSpan) {
        self.limit = max(1, limit)
        self.spacing = spacing.timeInterval
    }

    /// Waits until a request to `host` may start, and returns the moment it may.
    /// Pair with `release(_:)`.
    @discardableResult
    func acquire(_ host: String) async -> Date {
        while active[host, default: 0] >= limit {
            await withCheckedContinuation { waiting[host, default: []].append($0) }
        }
        active[host, default: 0] += 1
        // Sleep until the spacing has passed, then check again: while this task slept,
        // another request to the host may have started (with a limit above one).
        while let last = lastStart[host], case let wait = last.addingTimeInterval(spacing).timeIntervalSinceNow, wait > 0 {
            try? await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up)) + 1))
        }
        let start = Date()
        lastStart[host] = start
        return start
    }

    func release(_ host: String) {
        active[host, default: 1] -= 1
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue.isEmpty ? nil : queue
            next.resume()
        }
    }
}

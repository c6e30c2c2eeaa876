import Foundation

/// The daemon-wide limits of every schedule (`[daemon]` min_interval, max_backoff).
public struct SchedulePolicy: Sendable {
    public var minInterval: TimeSpan
    public var maxBackoff: TimeSpan

    public init(minInterval: TimeSpan = .minutes(15), maxBackoff: TimeSpan = .hours(24)) {
        self.minInterval = minInterval
        self.maxBackoff = maxBackoff
    }

    public init(_ settings: DaemonSettings) {
        self.init(minInterval: settings.minInterval, maxBackoff: settings.maxBackoff)
    }
}

/// When a source is due again. Every delay gets ±10% jitter so that sources
/// configured alike do not all fall due together.
struct RefreshSchedule {
    let interval: TimeSpan
    let policy: SchedulePolicy
    /// http(s) sources respect `min_interval`; local files do not.
    let isHTTP: Bool
    var random: @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }

    /// The configured interval, but never shorter than `min_interval` for http(s).
    var effectiveInterval: Double {
        isHTTP ? max(interval.timeInterval, policy.minInterval.timeInterval) : interval.timeInterval
    }

    /// The interval, or longer when the server asked for it: `floor` (RSS ttl,
    /// Cache-Control max-age, Expires) counts up to `max_backoff`.
    func nextAfterSuccess(now: Date, floor: Double? = nil) -> Date {
        let cappedFloor = min(floor ?? 0, max(effectiveInterval, policy.maxBackoff.timeInterval))
        return now.addingTimeInterval(jittered(max(effectiveInterval, cappedFloor)))
    }

    /// 1 min, 2, 4 … doubling up to `max_backoff` — never given up — or the
    /// server's Retry-After when that is later (itself at most `max_backoff`).
    func nextAfterFailure(now: Date, consecutiveErrors: Int, retryAfter: Date? = nil) -> Date {
        let exponent = Double(min(max(consecutiveErrors - 1, 0), 40))
        let backoff = min(60 * pow(2, exponent), policy.maxBackoff.timeInterval)
        var next = now.addingTimeInterval(jittered(backoff))
        if let retryAfter, retryAfter > next {
            next = min(retryAfter, now.addingTimeInterval(policy.maxBackoff.timeInterval))
        }
        return next
    }

    func jittered(_ seconds: Double) -> Double { seconds * random(0.9...1.1) }
}

/// What a response says about how soon to come back.
enum ServerHints {
    /// The longest of RSS `<ttl>` (minutes), `Cache-Control: max-age` and `Expires`, in seconds.
    static func floor(ttlMinutes: Int?, cacheControl: String?, expires: String?, now: Date) -> Double? {
        var floors: [Double] = []
        if let ttlMinutes, ttlMinutes > 0 { floors.append(Double(ttlMinutes) * 60) }
        if let cacheControl {
            for directive in cacheControl.lowercased().split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmedWhitespace }
                if parts.count == 2, parts[0] == "max-age", let seconds = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))),
                   seconds > 0 {
                    floors.append(seconds)
                }
            }
        }
        if let expires, let date = FeedDate.parse(expires), date > now { floors.append(date.timeIntervalSince(now)) }
        return floors.max()
    }

    /// `Retry-After` as seconds ("120") or an HTTP date.
    static func retryAfter(_ value: String?, now: Date) -> Date? {
        guard let value = value?.trimmedWhitespace, !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? now.addingTimeInterval(Double(seconds)) : nil }
        return FeedDate.parse(value)
    }
}

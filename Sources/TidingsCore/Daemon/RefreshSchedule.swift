import Foundation

/// The daemon-wide limits of every schedule (`[daemon]` min_interval, max_interval, max_backoff).
public struct SchedulePolicy: Sendable {
    public var minInterval: TimeSpan
    public var maxInterval: TimeSpan
    public var maxBackoff: TimeSpan

    public init(minInterval: TimeSpan = .minutes(15), maxInterval: TimeSpan = .hours(6), maxBackoff: TimeSpan = .hours(24)) {
        self.minInterval = minInterval
        self.maxInterval = maxInterval
        self.maxBackoff = maxBackoff
    }

    public init(_ settings: DaemonSettings) {
        self.init(minInterval: settings.minInterval, maxInterval: settings.maxInterval, maxBackoff: settings.maxBackoff)
    }
}

/// Why a source falls due when it does, as `tidings sources` shows it.
public enum DueReason: String, Sendable, Codable {
    /// Never fetched yet, or its settings changed (due at once, or by its new interval if sooner).
    case new
    /// Its configured interval (or `default_interval`).
    case interval
    /// The interval learnt from how often it publishes.
    case adaptive
    /// A floor the feed or the server set: RSS `<ttl>`, `Cache-Control: max-age`, `Expires`.
    case ttl
    case maxAge = "max-age"
    case expires
    /// The server's `Retry-After`, for this source or another on the same origin.
    case retryAfter = "retry-after"
    /// Exponential backoff after failures.
    case backoff
}

/// When a source is due next, and why.
struct NextRefresh: Equatable {
    var date: Date
    var reason: DueReason
}

/// When a source is due again. Every delay gets ±10% jitter so that sources
/// configured alike do not all fall due together.
struct RefreshSchedule {
    let interval: TimeSpan
    let policy: SchedulePolicy
    /// http(s) sources respect `min_interval`; local files do not.
    let isHTTP: Bool
    /// Whether a learnt interval replaces the configured one.
    var adaptive = false
    var random: @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }

    /// The configured interval, but never shorter than `min_interval` for http(s).
    var effectiveInterval: Double {
        isHTTP ? max(interval.timeInterval, policy.minInterval.timeInterval) : interval.timeInterval
    }

    /// The interval (the learnt one when adaptive and known), or longer when the
    /// server asked for it: a `hint` (RSS ttl, Cache-Control max-age, Expires)
    /// counts up to `max_backoff`.
    func nextAfterSuccess(now: Date, learnt: Double? = nil, hint: ServerHint? = nil) -> NextRefresh {
        var delay = effectiveInterval
        var reason = DueReason.interval
        if adaptive, let learnt {
            delay = learnt
            reason = .adaptive
        }
        if let hint {
            let capped = min(hint.seconds, max(delay, policy.maxBackoff.timeInterval))
            if capped > delay {
                delay = capped
                reason = hint.reason
            }
        }
        return NextRefresh(date: now.addingTimeInterval(jittered(delay)), reason: reason)
    }

    /// 1 min, 2, 4 … doubling up to `max_backoff` — never given up — or the
    /// server's Retry-After when that is later (itself at most `max_backoff`).
    func nextAfterFailure(now: Date, consecutiveErrors: Int, retryAfter: Date? = nil) -> NextRefresh {
        let exponent = Double(min(max(consecutiveErrors - 1, 0), 40))
        let backoff = min(60 * pow(2, exponent), policy.maxBackoff.timeInterval)
        let next = now.addingTimeInterval(jittered(backoff))
        if let retryAfter, retryAfter > next {
            return NextRefresh(date: min(retryAfter, now.addingTimeInterval(policy.maxBackoff.timeInterval)),
                               reason: .retryAfter)
        }
        return NextRefresh(date: next, reason: .backoff)
    }

    func jittered(_ seconds: Double) -> Double { seconds * random(0.9...1.1) }
}

/// How often a source publishes, learnt from the dates of the items in its feed.
enum PublishingRate {
    /// Items older than this say nothing about the current rate.
    static let recentWindow = 30 * 86_400.0

    /// The mean gap between the feed's recent items, clamped to
    /// `min_interval`…`max_interval`, and short enough that the feed cannot
    /// roll over between two refreshes (half the time its items span). A feed
    /// with fewer than two recent items gets `max_interval`; a feed without
    /// dates gives nothing to learn from (nil).
    static func interval(itemDates: [Date], now: Date, policy: SchedulePolicy) -> Double? {
        let dated = itemDates.filter { $0 <= now.addingTimeInterval(3600) }.sorted()  // an hour of clock skew
        guard let oldest = dated.first, let newest = dated.last else { return nil }
        let floor = policy.minInterval.timeInterval
        let ceiling = max(policy.maxInterval.timeInterval, floor)
        let recent = dated.filter { now.timeIntervalSince($0) <= recentWindow }
        guard recent.count >= 2, let oldestRecent = recent.first else { return ceiling }
        let meanGap = newest.timeIntervalSince(oldestRecent) / Double(recent.count - 1)
        let rollover = max(now.timeIntervalSince(oldest), 0) / 2
        return min(max(min(meanGap, rollover), floor), ceiling)
    }
}

/// A floor on the next refresh that the feed or the server set.
struct ServerHint: Equatable {
    var seconds: Double
    var reason: DueReason
}

/// What a response says about how soon to come back.
enum ServerHints {
    /// The longest of RSS `<ttl>` (minutes), `Cache-Control: max-age` and `Expires`.
    static func floor(ttlMinutes: Int?, cacheControl: String?, expires: String?, now: Date) -> ServerHint? {
        var floors: [ServerHint] = []
        if let ttlMinutes, ttlMinutes > 0 { floors.append(ServerHint(seconds: Double(ttlMinutes) * 60, reason: .ttl)) }
        if let cacheControl {
            for directive in cacheControl.lowercased().split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmedWhitespace }
                if parts.count == 2, parts[0] == "max-age",
                   let seconds = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))), seconds > 0 {
                    floors.append(ServerHint(seconds: seconds, reason: .maxAge))
                }
            }
        }
        if let expires, let date = FeedDate.parse(expires), date > now {
            floors.append(ServerHint(seconds: date.timeIntervalSince(now), reason: .expires))
        }
        return floors.max { $0.seconds < $1.seconds }
    }

    /// `Retry-After` as seconds ("120") or an HTTP date.
    static func retryAfter(_ value: String?, now: Date) -> Date? {
        guard let value = value?.trimmedWhitespace, !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? now.addingTimeInterval(Double(seconds)) : nil }
        return FeedDate.parse(value)
    }
}

/// What Retry-After holds apply to: scheme, host and port ("https://example.org:443").
enum FetchOrigin {
    static func of(_ url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host?.lowercased() else { return nil }
        return "\(scheme)://\(host):\(url.port ?? (scheme == "https" ? 443 : 80))"
    }
}

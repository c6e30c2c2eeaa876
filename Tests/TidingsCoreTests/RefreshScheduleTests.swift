import Foundation
import Testing
@testable import TidingsCore

@Suite("Refresh schedule")
struct RefreshScheduleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = SchedulePolicy(minInterval: .minutes(15), maxBackoff: .hours(24))

    func schedule(_ interval: TimeSpan = .hours(1), http: Bool = true, adaptive: Bool = false,
                  random: Double = 1.0) -> RefreshSchedule {
        RefreshSchedule(interval: interval, policy: policy, isHTTP: http, adaptive: adaptive, random: { _ in random })
    }

    func delay(_ next: NextRefresh) -> Double { next.date.timeIntervalSince(now) }
    func delay(_ date: Date) -> Double { date.timeIntervalSince(now) }

    @Test("http sources are never refreshed more often than min_interval; files may be")
    func minimumInterval() {
        #expect(delay(schedule(.minutes(5)).nextAfterSuccess(now: now)) == 900)
        #expect(delay(schedule(.minutes(5), http: false).nextAfterSuccess(now: now)) == 300)
        #expect(delay(schedule(.hours(2)).nextAfterSuccess(now: now)) == 7200)
    }

    @Test("every delay is within ±10% of its base, and really varies")
    func jitterBounds() {
        #expect(delay(schedule(random: 0.9).nextAfterSuccess(now: now)) == 3240)
        #expect(delay(schedule(random: 1.1).nextAfterSuccess(now: now)) == 3960)
        let real = RefreshSchedule(interval: .hours(1), policy: policy, isHTTP: true)
        let delays = (0..<1000).map { _ in delay(real.nextAfterSuccess(now: now)) }
        #expect(delays.allSatisfy { (3240...3960).contains($0) })
        #expect(Set(delays.map { Int($0) }).count > 100, "not all the same")
    }

    @Test("backoff doubles from a minute and stops at max_backoff")
    func backoffGrowthAndCap() {
        let s = schedule()
        let delays = (1...13).map { delay(s.nextAfterFailure(now: now, consecutiveErrors: $0)) }
        #expect(delays.prefix(5) == [60, 120, 240, 480, 960])
        #expect(delays.last == 86400)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("no give-up: after 100 and 10,000 failures a source is still scheduled, a day away")
    func neverGivesUp() {
        for failures in [100, 10_000] {
            #expect(delay(schedule().nextAfterFailure(now: now, consecutiveErrors: failures)) == 86400)
        }
    }

    @Test("ttl, max-age and Expires are floors, capped at max_backoff, and named as the reason")
    func floors() {
        #expect(ServerHints.floor(ttlMinutes: 120, cacheControl: nil, expires: nil, now: now) == ServerHint(seconds: 7200, reason: .ttl))
        #expect(ServerHints.floor(ttlMinutes: nil, cacheControl: "public, max-age=10800", expires: nil, now: now)
                == ServerHint(seconds: 10800, reason: .maxAge))
        let expires = "Fri, 15 Jan 2027 10:00:00 GMT"
        let expected = FeedDate.parse(expires)!.timeIntervalSince(now)
        #expect(ServerHints.floor(ttlMinutes: 1, cacheControl: "max-age=60", expires: expires, now: now)
                == ServerHint(seconds: expected, reason: .expires))
        #expect(ServerHints.floor(ttlMinutes: nil, cacheControl: "no-cache", expires: "0", now: now) == nil)
        let long = schedule().nextAfterSuccess(now: now, hint: ServerHint(seconds: 7200, reason: .maxAge))
        #expect(delay(long) == 7200)
        #expect(long.reason == .maxAge)
        let short = schedule().nextAfterSuccess(now: now, hint: ServerHint(seconds: 60, reason: .ttl))
        #expect(delay(short) == 3600, "a floor below the interval changes nothing")
        #expect(short.reason == .interval)
        #expect(delay(schedule().nextAfterSuccess(now: now, hint: ServerHint(seconds: 10 * 86400, reason: .ttl))) == 86400,
                "capped at max_backoff")
    }

    @Test("failures are scheduled by backoff, or by the server's Retry-After when later, and say which")
    func failureReasons() {
        #expect(schedule().nextAfterFailure(now: now, consecutiveErrors: 3).reason == .backoff)
        #expect(schedule().nextAfterFailure(now: now, consecutiveErrors: 1, retryAfter: now.addingTimeInterval(600)).reason
                == .retryAfter)
        #expect(schedule().nextAfterFailure(now: now, consecutiveErrors: 1, retryAfter: now.addingTimeInterval(5)).reason
                == .backoff)
    }

    @Test("adaptive: the mean gap between recent items, between min_interval and max_interval")
    func publishingRate() {
        let policy = SchedulePolicy(minInterval: .minutes(15), maxInterval: .hours(6))
        func rate(_ minutesAgo: [Double]) -> Double? {
            PublishingRate.interval(itemDates: minutesAgo.map { now.addingTimeInterval(-$0 * 60) }, now: now, policy: policy)
        }
        #expect(rate((0..<10).map { Double($0) * 40 }) == 2400.0, "an item every 40 minutes")
        #expect(rate((0..<50).map { Double($0) * 2 }) == 900.0, "never more often than min_interval")
        #expect(rate((0..<10).map { Double($0) * 7 * 1440 }) == 21600.0, "weekly items: max_interval")
        #expect(rate([60 * 24 * 400, 60 * 24 * 500]) == 21600.0, "nothing recent: max_interval")
        #expect(rate([]) == nil, "no dates: nothing learnt")
        #expect(rate([0, 120, 240, 360]) == 7200, "recent items two hours apart")
        // Two items an hour apart, the older just an hour old: the feed could roll over
        // in an hour, so come back within half of it.
        #expect(rate([0, 60]) == 1800)
        #expect(rate([-600, 30, 90]) != nil, "a date slightly in the future is clock skew, not an error")
    }

    @Test("a learnt interval is used only by adaptive sources; a server floor still wins over it")
    func adaptiveSchedules() {
        let adaptive = schedule(.hours(1), adaptive: true).nextAfterSuccess(now: now, learnt: 1800)
        #expect(delay(adaptive) == 1800)
        #expect(adaptive.reason == .adaptive)
        let fixed = schedule(.hours(1)).nextAfterSuccess(now: now, learnt: 1800)
        #expect(delay(fixed) == 3600)
        #expect(fixed.reason == .interval)
        let unknown = schedule(.hours(1), adaptive: true).nextAfterSuccess(now: now, learnt: nil)
        #expect(delay(unknown) == 3600, "nothing learnt yet: the default interval")
        let floored = schedule(.hours(1), adaptive: true).nextAfterSuccess(
            now: now, learnt: 1800, hint: ServerHint(seconds: 5400, reason: .ttl))
        #expect(delay(floored) == 5400)
        #expect(floored.reason == .ttl)
    }

    @Test("Retry-After holds the whole origin: scheme, host and port")
    func origins() {
        #expect(FetchOrigin.of(URL(string: "https://Example.org/feed")!) == "https://example.org:443")
        #expect(FetchOrigin.of(URL(string: "http://example.org:8080/a")!) == "http://example.org:8080")
        #expect(FetchOrigin.of(URL(string: "http://example.org/b")!) == "http://example.org:80")
        #expect(FetchOrigin.of(URL(fileURLWithPath: "/tmp/feed.xml")) == nil)
    }

    @Test("Retry-After in seconds or as an HTTP date wins over a shorter backoff, up to max_backoff")
    func retryAfter() {
        #expect(ServerHints.retryAfter("120", now: now) == now.addingTimeInterval(120))
        #expect(ServerHints.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT", now: now) == FeedDate.parse("2026-10-21T07:28:00Z"))
        #expect(ServerHints.retryAfter("soon", now: now) == nil)
        let s = schedule()
        #expect(delay(s.nextAfterFailure(now: now, consecutiveErrors: 1, retryAfter: now.addingTimeInterval(600))) == 600)
        #expect(delay(s.nextAfterFailure(now: now, consecutiveErrors: 5, retryAfter: now.addingTimeInterval(10))) == 960)
        #expect(delay(s.nextAfterFailure(now: now, consecutiveErrors: 1, retryAfter: now.addingTimeInterval(9e6))) == 86400)
    }

    @Test("RSS ttl is read from the channel")
    func ttlIsParsed() throws {
        let feed = try FeedParser.parse(Data("<rss><channel><title>t</title><ttl>90</ttl></channel></rss>".utf8), baseURL: nil)
        #expect(feed.ttlMinutes == 90)
    }
}

import Foundation
import Testing
@testable import TidingsCore

@Suite("Refresh schedule")
struct RefreshScheduleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = SchedulePolicy(minInterval: .minutes(15), maxBackoff: .hours(24))

    func schedule(_ interval: TimeSpan = .hours(1), http: Bool = true, random: Double = 1.0) -> RefreshSchedule {
        RefreshSchedule(interval: interval, policy: policy, isHTTP: http, random: { _ in random })
    }

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

    @Test("ttl, max-age and Expires are floors, capped at max_backoff")
    func floors() {
        #expect(ServerHints.floor(ttlMinutes: 120, cacheControl: nil, expires: nil, now: now) == 7200)
        #expect(ServerHints.floor(ttlMinutes: nil, cacheControl: "public, max-age=10800", expires: nil, now: now) == 10800)
        let expires = "Fri, 15 Jan 2027 10:00:00 GMT"
        let expected = FeedDate.parse(expires)!.timeIntervalSince(now)
        #expect(ServerHints.floor(ttlMinutes: 1, cacheControl: "max-age=60", expires: expires, now: now) == expected)
        #expect(ServerHints.floor(ttlMinutes: nil, cacheControl: "no-cache", expires: "0", now: now) == nil)
        #expect(delay(schedule().nextAfterSuccess(now: now, floor: 7200)) == 7200)
        #expect(delay(schedule().nextAfterSuccess(now: now, floor: 60)) == 3600, "a floor below the interval changes nothing")
        #expect(delay(schedule().nextAfterSuccess(now: now, floor: 10 * 86400)) == 86400, "capped at max_backoff")
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

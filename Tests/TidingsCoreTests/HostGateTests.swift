import Foundation
import Testing
@testable import TidingsCore

@Suite("Per-host politeness")
struct HostGateTests {
    /// Records when each request started.
    actor Starts {
        var times: [String: [Date]] = [:]
        func note(_ key: String, _ time: Date) { times[key, default: []].append(time) }
    }

    @Test("requests to one host start at least the spacing apart; another host does not wait behind them")
    func spacingPerHost() async {
        let gate = HostGate(limit: 1, spacing: TimeSpan(seconds: 1))
        let starts = Starts()
        async let slowHost: Void = {
            for _ in 0..<3 {
                await starts.note("a", await gate.acquire("a.example"))
                await gate.release("a.example")
            }
        }()
        async let otherHost: Void = {
            try? await Task.sleep(for: .milliseconds(100))
            await starts.note("b", await gate.acquire("b.example"))
            await gate.release("b.example")
        }()
        _ = await (slowHost, otherHost)
        let a = await starts.times["a"] ?? []
        let b = await starts.times["b"] ?? []
        #expect(a.count == 3)
        #expect(zip(a, a.dropFirst()).allSatisfy { $1.timeIntervalSince($0) >= 1.0 }, "\(a)")
        #expect(b.count == 1 && b[0] < a[2], "b.example is not held up by a.example's spacing")
    }

    @Test("with a limit of one, a second request to the host waits for the first to finish")
    func concurrencyLimit() async {
        let gate = HostGate(limit: 1, spacing: TimeSpan(seconds: 0))
        await gate.acquire("h")
        let second = Task { await gate.acquire("h") }
        try? await Task.sleep(for: .milliseconds(200))
        let released = Date()
        await gate.release("h")
        let started = await second.value
        #expect(started >= released)
        await gate.release("h")
    }

    @Test("sources are interleaved by host, so one host cannot hold every slot")
    func interleaving() {
        func source(_ id: String, _ url: String) -> (Int, SourceSettings) {
            (0, SourceSettings(id: id, url: URL(string: url)!))
        }
        let order = RefreshCycle.interleavedByHost([
            source("a1", "https://a.example/1"), source("a2", "https://a.example/2"), source("b1", "https://b.example/1"),
            source("a3", "https://a.example/3"), source("c1", "http://c.example:8080/1"),
        ]).map(\.1.id)
        #expect(order == ["a1", "b1", "c1", "a2", "a3"])
        #expect(PoliteFetcher.authority(of: URL(string: "http://C.example:8080/x")!) == "c.example:8080")
        #expect(PoliteFetcher.authority(of: URL(fileURLWithPath: "/tmp/x.xml")) == nil)
    }
}

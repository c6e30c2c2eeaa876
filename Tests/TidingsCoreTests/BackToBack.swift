import Foundation
import TidingsCore

/// Two fetches one after the other, as a test of connection reuse needs them: libcurl closes a
/// connection idle for two minutes, and under a loaded full test run the second fetch has been seen
/// to start that late (the tests took 170 s). A pair that took longer than `within` is fetched again,
/// up to `attempts` times; the last pair is returned either way, for the test to judge.
func fetchedBackToBack(within: TimeInterval = 60, attempts: Int = 3,
                       _ fetch: () async throws -> FetchResponse) async throws -> (first: FetchResponse, second: FetchResponse) {
    var pair: (first: FetchResponse, second: FetchResponse)?
    for _ in 0..<attempts {
        let started = Date()
        pair = (try await fetch(), try await fetch())
        if Date().timeIntervalSince(started) < within { break }
    }
    return pair!
}

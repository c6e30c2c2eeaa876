import Foundation
import Synchronization
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// The store wakes the change-log writer after every commit. Kept as a bare
/// closure inside `Locked`, each wake-up wrapped it in one more thunk: a leak
/// of about 94 bytes a commit in a daemon meant to run for months.
@Suite("Change listener")
struct ChangesListenerTests {
    let directory = TemporaryDirectory()

    @Test("a million commits: the listener is called each time, and memory does not grow with them")
    func noGrowthPerCommit() throws {
        let store = try Store.open(path: directory.path("tidings.db"))
        let calls = Atomic<Int>(0)
        store.onChangesCommitted { calls.add(1, ordering: .relaxed) }
        store.changesCommitted()
        // malloc's figures are the process's, and tests running beside this one allocate meanwhile
        // (one grew them by 71 MiB during a round). A leak grows the heap in every round of a million
        // commits, other tests' work only in some: the least growth of up to three rounds is judged.
        var rounds = 0
        var least = Int.max
        while rounds < 3, least >= 40 << 20 {
            let before = MallocArenas.heap().inUse
            for _ in 0..<1_000_000 { store.changesCommitted() }
            least = min(least, MallocArenas.heap().inUse - before)
            rounds += 1
        }
        let commits = 1 + rounds * 1_000_000
        #expect(calls.load(ordering: .relaxed) == commits)
        // With the closure held bare, this loop crashed the test process (the thunk chain overflowed the
        // stack); before that, the heap grew ~94 bytes a commit: 90 MiB a round.
        #expect(least < 40 << 20, "malloc in use grew \(least >> 20) MiB over a million commits, in each of \(rounds) rounds")
        store.onChangesCommitted(nil)
        store.changesCommitted()
        #expect(calls.load(ordering: .relaxed) == commits, "no listener, no call")
    }
}

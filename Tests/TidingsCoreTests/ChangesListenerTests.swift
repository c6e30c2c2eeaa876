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
        let before = MallocArenas.heap().inUse
        for _ in 0..<1_000_000 { store.changesCommitted() }
        let grown = MallocArenas.heap().inUse - before
        #expect(calls.load(ordering: .relaxed) == 1_000_001)
        // With the closure held bare, this loop crashed the test process (the thunk chain overflowed the
        // stack); before that, the heap grew ~94 bytes a commit: 90 MiB here. The bound leaves room for
        // what tests running beside this one allocate meanwhile (malloc's figures are the process's).
        #expect(grown < 40 << 20, "malloc in use grew \(grown >> 20) MiB over a million commits")
        store.onChangesCommitted(nil)
        store.changesCommitted()
        #expect(calls.load(ordering: .relaxed) == 1_000_001, "no listener, no call")
    }
}

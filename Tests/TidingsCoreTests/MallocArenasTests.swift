import Foundation
import Testing
@testable import TidingsCore

@Suite("Malloc arenas")
struct MallocArenasTests {
    @Test("glibc takes the arena cap (mallopt found and the parameter valid), unless MALLOC_ARENA_MAX says otherwise")
    func capAccepted() {
        let configured = ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] != nil
        #expect(MallocArenas.limitUnlessConfigured() == !configured)
    }
}

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

    @Test("trimming finds malloc_trim and gives back the pages of freed blocks")
    func trimReleases() {
        // 64 MiB in small blocks, then all but every hundredth freed: the survivors pin the heap's
        // top, so only a trim can hand the freed pages in between back.
        var blocks = (0..<262_144).map { _ in malloc(256)! }
        for block in blocks { memset(block, 1, 256) }
        for index in blocks.indices where index % 100 != 0 { free(blocks[index]) }
        blocks = blocks.enumerated().filter { $0.offset % 100 == 0 }.map(\.element)
        #expect(MallocArenas.trim())
        for block in blocks { free(block) }
    }
}

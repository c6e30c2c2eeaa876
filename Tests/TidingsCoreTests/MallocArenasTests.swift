import Foundation
import Testing
@testable import TidingsCore

@Suite("Malloc arenas", .serialized)
struct MallocArenasTests {
    @Test("glibc takes the arena cap, unless MALLOC_ARENA_MAX says otherwise")
    func capAccepted() {
        let configured = ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] != nil
        #expect(MallocArenas.limitUnlessConfigured() == !configured)
    }

    @Test("glibc takes the fixed map threshold, unless MALLOC_MMAP_THRESHOLD_ says otherwise")
    func mapThresholdAccepted() {
        // Whether a block is then mapped depends on what free space the heaps hold at that moment
        // (glibc maps only when a heap would have to grow): the soak measures the effect.
        let configured = ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] != nil
        #expect(MallocArenas.fixMapThresholdUnlessConfigured() == !configured)
    }

    @Test("the heap figures see blocks handed out as in use, and freed ones kept inside the heap as free")
    func heapFigures() {
        // Half the 64 MiB as the bar: tests running beside this one allocate and free too.
        let before = MallocArenas.heap()
        let blocks = Self.smallBlocks()
        let allocated = MallocArenas.heap()
        #expect(allocated.inUse - before.inUse >= 32 << 20)
        let survivors = Self.freeAllButEveryHundredth(blocks)
        let fragmented = MallocArenas.heap()
        #expect(allocated.inUse - fragmented.inUse >= 32 << 20)
        #expect(fragmented.free - allocated.free >= 32 << 20)
        for block in survivors { free(block) }
    }

    @Test("trimming gives back the pages of freed blocks")
    func trimReleases() {
        // The survivors pin the heap's top, so only a trim can hand the freed pages in between back.
        let survivors = Self.freeAllButEveryHundredth(Self.smallBlocks())
        #expect(MallocArenas.trim())
        for block in survivors { free(block) }
    }

    /// 64 MiB in 256-byte blocks, written to.
    private static func smallBlocks() -> [UnsafeMutableRawPointer] {
        let blocks = (0..<262_144).map { _ in malloc(256)! }
        for block in blocks { memset(block, 1, 256) }
        return blocks
    }

    /// Frees all but every hundredth block; returns those.
    private static func freeAllButEveryHundredth(_ blocks: [UnsafeMutableRawPointer]) -> [UnsafeMutableRawPointer] {
        for index in blocks.indices where index % 100 != 0 { free(blocks[index]) }
        return blocks.enumerated().filter { $0.offset % 100 == 0 }.map(\.element)
    }
}

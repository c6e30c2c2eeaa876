import Testing
@testable import TidingsCore

/// `appendMoving` hands elements over without copies: each object must end up in
/// exactly one array, in order, and be freed exactly once.
@Suite("Moving elements between arrays")
struct ArrayMovingTests {
    final class Tracked {
        let number: Int
        let freed: Counter
        init(_ number: Int, freed: Counter) {
            self.number = number
            self.freed = freed
        }
        deinit { freed.count += 1 }
    }

    final class Counter { var count = 0 }

    @Test("moved elements keep their order, the rest stay, placeholders fill the gap, nothing is freed twice")
    func moves() {
        let freed = Counter()
        do {
            let placeholder = Tracked(-1, freed: freed)
            var target = (0..<3).map { Tracked($0, freed: freed) }
            var source = (3..<8).map { Tracked($0, freed: freed) }
            let identities = source.map(ObjectIdentifier.init)  // the source's storage stays its own
            target.appendMoving(3, from: &source, leaving: placeholder)
            #expect(target.map(\.number) == [0, 1, 2, 3, 4, 5])
            #expect(target[3...].map(ObjectIdentifier.init) == Array(identities.prefix(3)), "the same objects, not copies")
            #expect(source.map(\.number) == [-1, -1, -1, 6, 7])
            target.appendMoving(0, from: &source, leaving: placeholder)
            #expect(target.count == 6)
        }
        #expect(freed.count == 9, "8 elements and the placeholder, each freed once")
    }
}

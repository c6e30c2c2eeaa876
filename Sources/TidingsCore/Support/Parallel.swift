import Foundation

/// Runs a body over every element of an array on all cores, in blocks handed out as
/// threads come free (a core busy with other work then simply takes fewer blocks).
/// `block` elements go to a thread at a time: 1 when each element is a large piece of work.
enum Parallel {
    static func forEach<Element>(_ elements: inout [Element], block: Int = 32, _ body: (Int, inout Element) -> Void) {
        var none: [Never] = []
        forEach(&elements, &none, block: block, body) { _, _ in }
    }

    /// `forEach` over two arrays in one parallel region: `first`'s elements by `firstBody`, then
    /// `second`'s by `secondBody`. Two stages' work waits once for the slowest core, not twice.
    static func forEach<First, Second>(_ first: inout [First], _ second: inout [Second], block: Int = 32,
                                       _ firstBody: (Int, inout First) -> Void, _ secondBody: (Int, inout Second) -> Void) {
        let firstBlocks = (first.count + block - 1) / block
        let secondBlocks = (second.count + block - 1) / block
        first.withUnsafeMutableBufferPointer { firstBuffer in
            second.withUnsafeMutableBufferPointer { secondBuffer in
                nonisolated(unsafe) let firstShared = firstBuffer
                nonisolated(unsafe) let secondShared = secondBuffer
                withoutActuallyEscaping(firstBody) { firstBody in
                    withoutActuallyEscaping(secondBody) { secondBody in
                        nonisolated(unsafe) let firstBody = firstBody
                        nonisolated(unsafe) let secondBody = secondBody
                        DispatchQueue.concurrentPerform(iterations: firstBlocks + secondBlocks) { blockIndex in
                            if blockIndex < firstBlocks {
                                work(on: firstShared, block: blockIndex, of: block, firstBody)
                            } else {
                                work(on: secondShared, block: blockIndex - firstBlocks, of: block, secondBody)
                            }
                        }
                    }
                }
            }
        }
    }

    private static func work<Element>(on buffer: UnsafeMutableBufferPointer<Element>, block blockIndex: Int, of block: Int,
                                      _ body: (Int, inout Element) -> Void) {
        for position in (blockIndex * block)..<min(buffer.count, (blockIndex + 1) * block) {
            // Worked on in a local, moved out and back: neighbours in the array share
            // cache lines, and two cores writing one line take turns at it (a parser
            // piece's state is written at every token).
            let slot = buffer.baseAddress! + position
            var element = slot.move()
            body(position, &element)
            slot.initialize(to: consume element)
        }
    }
}

extension Parallel {
    /// Bytes made of parts of the given `lengths`, one after another, each written by
    /// `fill(part, destination)` on some core: joining a 40 MB document on one core
    /// took as long as repairing it on two.
    static func joined(lengths: [Int], _ fill: (Int, UnsafeMutableBufferPointer<UInt8>) -> Void) -> [UInt8] {
        let offsets = lengths.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1) }
        let total = offsets[offsets.count - 1]
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            nonisolated(unsafe) let shared = buffer
            withoutActuallyEscaping(fill) { fill in
                nonisolated(unsafe) let fill = fill
                DispatchQueue.concurrentPerform(iterations: lengths.count) { part in
                    fill(part, UnsafeMutableBufferPointer(rebasing: shared[offsets[part]..<offsets[part + 1]]))
                }
            }
            initialized = total
        }
    }

    /// The cores work is spread over (at most 8).
    static let cores = min(8, ProcessInfo.processInfo.activeProcessorCount)

    /// How a large buffer is cut up to be worked on by several cores: at most
    /// `pieces` pieces, none smaller than `minimumPieceBytes`.
    struct Split: Sendable {
        var pieces: Int
        var minimumPieceBytes: Int

        /// One piece per core, for buffers of 2 MiB and more.
        static let automatic = Split(pieces: cores, minimumPieceBytes: 1 << 20)
        static let none = Split(pieces: 1, minimumPieceBytes: .max)

        /// How many pieces a buffer of `count` bytes is cut into.
        func pieces(for count: Int) -> Int { min(pieces, count / max(1, minimumPieceBytes)) }

        /// Where to cut `count` bytes after `start` into even pieces: each cut is
        /// `boundary(at:)` of an even share (the first place at or after it where a
        /// piece may start, or nil when there is none). Increasing; empty for a small buffer.
        func cuts(_ count: Int, after start: Int, boundary: (_ at: Int) -> Int?) -> [Int] {
            let pieces = pieces(for: count)
            guard pieces > 1 else { return [] }
            var cuts: [Int] = []
            for number in 1..<pieces {
                let share = max(start + (count - start) / pieces * number, (cuts.last ?? start) + 1)
                guard share < count, let cut = boundary(share), cut >= share, cut < count else { break }
                cuts.append(cut)
            }
            return cuts
        }
    }
}

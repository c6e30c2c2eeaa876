import Foundation

/// Runs a body over every element of an array on all cores, in blocks handed out as
/// threads come free (a core busy with other work then simply takes fewer blocks).
/// `block` elements go to a thread at a time: 1 when each element is a large piece of work.
enum Parallel {
    static func forEach<Element>(_ elements: inout [Element], block: Int = 32, _ body: (Int, inout Element) -> Void) {
        let count = elements.count
        let blocks = (count + block - 1) / block
        elements.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let shared = buffer
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: blocks) { blockIndex in
                    for position in (blockIndex * block)..<min(count, (blockIndex + 1) * block) {
                        // Worked on in a local, moved out and back: neighbours in the array share
                        // cache lines, and two cores writing one line take turns at it (a parser
                        // piece's state is written at every token).
                        let slot = shared.baseAddress! + position
                        var element = slot.move()
                        body(position, &element)
                        slot.initialize(to: element)
                    }
                }
            }
        }
    }
}

extension Array {
    /// Appends the first `count` elements of `other` by moving them: no element is
    /// copied (each copy of a struct of strings retains every one of them, and
    /// freeing `other` would release them all again). `placeholder` takes their
    /// place in `other`.
    mutating func appendMoving(_ count: Int, from other: inout [Element], leaving placeholder: Element) {
        precondition(count <= other.count, "cannot move \(count) of \(other.count) elements")
        guard count > 0 else { return }
        reserveCapacity(self.count + count)
        other.withUnsafeMutableBufferPointer { source in
            let base = source.baseAddress!
            append(contentsOf: MovedElements(cursor: base, end: base + count))
            base.initialize(repeating: placeholder, count: count)
        }
    }
}

/// Elements taken out of memory one by one, leaving it uninitialized.
private struct MovedElements<Element>: Sequence, IteratorProtocol {
    var cursor: UnsafeMutablePointer<Element>
    let end: UnsafeMutablePointer<Element>

    var underestimatedCount: Int { cursor.distance(to: end) }

    mutating func next() -> Element? {
        guard cursor < end else { return nil }
        defer { cursor += 1 }
        return cursor.move()
    }
}

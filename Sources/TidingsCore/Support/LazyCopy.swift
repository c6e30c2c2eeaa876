/// A copy of some bytes that is only made when the first change is: until
/// then there is none. Changes must come in increasing order.
struct LazyCopy {
    let input: UnsafeBufferPointer<UInt8>
    /// The part of `input` this is a copy of.
    let range: Range<Int>
    private var output: [UInt8]?
    /// `input[range.lowerBound..<kept]` is accounted for in the result.
    private var kept = 0

    /// A copy of `input[range]` (all of it by default).
    init(input: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil) {
        self.input = input
        self.range = range ?? 0..<input.count
        kept = self.range.lowerBound
    }

    /// Replaces `input[start..<end]` with `replacement`.
    mutating func replace(_ start: Int, upTo end: Int, with replacement: some Collection<UInt8>) {
        if output == nil {
            output = [UInt8]()
            output!.reserveCapacity(range.count + range.count / 32 + 64)
        }
        output!.append(contentsOf: input[kept..<start])
        output!.append(contentsOf: replacement)
        kept = end
    }

    /// The changed bytes; nil if nothing was replaced.
    mutating func finish() -> [UInt8]? {
        guard var result = output else { return nil }
        result.append(contentsOf: input[kept..<range.upperBound])
        output = nil
        return result
    }
}

/// A copy of some bytes that is only made when the first change is: until
/// then there is none. Changes must come in increasing order.
struct LazyCopy {
    let input: UnsafeBufferPointer<UInt8>
    private var output: [UInt8]?
    /// `input[..<kept]` is accounted for in the result.
    private var kept = 0

    /// A copy of `input[start...]` (or up to the end given to `finish`).
    init(input: UnsafeBufferPointer<UInt8>, from start: Int = 0) {
        self.input = input
        kept = start
    }

    /// Replaces `input[start..<end]` with `replacement`.
    mutating func replace(_ start: Int, upTo end: Int, with replacement: some Collection<UInt8>) {
        if output == nil {
            output = [UInt8]()
            output!.reserveCapacity(input.count - kept + (input.count - kept) / 32 + 64)
        }
        output!.append(contentsOf: input[kept..<start])
        output!.append(contentsOf: replacement)
        kept = end
    }

    /// The changed bytes up to `end` (the input's end by default); nil if nothing was replaced.
    mutating func finish(upTo end: Int? = nil) -> [UInt8]? {
        guard var result = output else { return nil }
        result.append(contentsOf: input[kept..<(end ?? input.count)])
        output = nil
        return result
    }
}

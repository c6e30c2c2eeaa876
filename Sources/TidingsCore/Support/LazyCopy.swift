/// A copy of some bytes that is only made when the first change is: until
/// then there is none. Changes must come in increasing order.
struct LazyCopy {
    let input: UnsafeBufferPointer<UInt8>
    private var output: [UInt8]?
    /// `input[..<kept]` is accounted for in the result.
    private var kept = 0

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    /// Replaces `input[start..<end]` with `replacement`.
    mutating func replace(_ start: Int, upTo end: Int, with replacement: some Collection<UInt8>) {
        if output == nil {
            output = [UInt8]()
            output!.reserveCapacity(input.count + input.count / 32 + 64)
            output!.append(contentsOf: input[..<start])
        } else {
            output!.append(contentsOf: input[kept..<start])
        }
        output!.append(contentsOf: replacement)
        kept = end
    }

    /// The changed bytes; nil if nothing was replaced.
    mutating func finish() -> [UInt8]? {
        guard var result = output else { return nil }
        result.append(contentsOf: input[kept...])
        output = nil
        return result
    }
}

import Foundation

/// Lines read together: ranges of one buffer.
struct LineBatch {
    let bytes: [UInt8]
    let lines: [Range<Int>]
    var count: Int { lines.count }
}

/// Reads a file descriptor in large chunks and hands out whole lines.
struct LineBatchReader {
    let descriptor: Int32
    private var pending: [UInt8] = []
    private var finished = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Up to `maxLines` lines (without their newline), or `nil` at the end of input. The lines
    /// are ranges of one buffer: one allocation a batch, not one a line.
    mutating func nextBatch(maxLines: Int) throws -> LineBatch? {
        var lines: [Range<Int>] = []
        var start = 0
        while lines.count < maxLines {
            let newline = pending.withUnsafeBufferPointer { buffer -> Int? in
                guard start < buffer.count,
                      let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) else { return nil }
                return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
            }
            if let newline {
                lines.append(start..<newline)
                start = newline + 1
                continue
            }
            if finished {
                if start < pending.count { lines.append(start..<pending.count) }
                start = pending.count
                break
            }
            try fill()
        }
        guard !lines.isEmpty else { return nil }
        // The batch keeps the buffer; what follows its last line starts the next one.
        let bytes = pending
        pending = Array(bytes[start...])
        return LineBatch(bytes: bytes, lines: lines)
    }

    private mutating func fill() throws {
        let chunk = 1 << 20
        let oldCount = pending.count
        pending.append(contentsOf: repeatElement(0, count: chunk))
        let count = pending.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + oldCount, chunk) }
        if count < 0 {
            pending.removeLast(chunk)
            if errno == EINTR { return }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        pending.removeLast(chunk - count)
        if count == 0 { finished = true }
    }
}

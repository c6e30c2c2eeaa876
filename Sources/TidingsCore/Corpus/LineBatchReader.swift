import Foundation

/// Reads a file descriptor in large chunks and hands out whole lines.
struct LineBatchReader {
    let descriptor: Int32
    private var pending: [UInt8] = []
    private var finished = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Up to `maxLines` lines (without their newline), or `nil` at the end of input.
    mutating func nextBatch(maxLines: Int) throws -> [[UInt8]]? {
        var lines: [[UInt8]] = []
        var start = 0
        while lines.count < maxLines {
            let newline = pending.withUnsafeBufferPointer { buffer -> Int? in
                guard start < buffer.count,
                      let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start) else { return nil }
                return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress!
            }
            if let newline {
                lines.append(Array(pending[start..<newline]))
                start = newline + 1
                continue
            }
            if finished {
                if start < pending.count { lines.append(Array(pending[start...])) }
                start = pending.count
                break
            }
            pending.removeFirst(start)
            start = 0
            try fill()
        }
        pending.removeFirst(start)
        return lines.isEmpty && finished && pending.isEmpty ? nil : lines
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

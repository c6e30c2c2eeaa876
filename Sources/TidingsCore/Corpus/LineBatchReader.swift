import Foundation

/// Lines read together: ranges of the reader's buffer, valid until its next batch.
struct LineBatch {
    let bytes: UnsafeBufferPointer<UInt8>
    let lines: [Range<Int>]
    var count: Int { lines.count }
}

/// Reads a file descriptor into one buffer, reused batch after batch, and hands out the whole
/// lines in it. The buffer grows only for a line longer than it: a batch costs no allocation
/// for its bytes, and no fresh pages (a new multi-MiB buffer per batch was a page fault per
/// 4 KiB and a tenth of `tidings dedup`'s time in the kernel).
final class LineBatchReader {
    let descriptor: Int32
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    /// Bytes read into the buffer; those from `consumed` on are not in a batch yet.
    private var filled = 0
    private var consumed = 0
    private var finished = false

    /// `capacity`: the buffer's starting size, which is about the bytes of one batch.
    init(descriptor: Int32, capacity: Int = 4 << 20) {
        self.descriptor = descriptor
        buffer = .allocate(capacity: max(capacity, 1))
    }

    deinit { buffer.deallocate() }

    /// Up to `maxLines` whole lines (without their newline), as many as one buffer holds, or
    /// `nil` at the end of input. The batch's bytes are valid until the next call.
    func nextBatch(maxLines: Int) throws -> LineBatch? {
        // What the last batch left (a partial line) moves to the front, and the rest is filled.
        if consumed > 0 {
            let left = filled - consumed
            if left > 0 { buffer.baseAddress!.update(from: buffer.baseAddress! + consumed, count: left) }
            filled = left
            consumed = 0
        }
        while !finished, filled < buffer.count {
            try fill()
        }
        var lines: [Range<Int>] = []
        var start = 0
        while lines.count < maxLines, start < filled {
            guard let found = memchr(buffer.baseAddress! + start, 0x0A, filled - start) else { break }
            let newline = found.assumingMemoryBound(to: UInt8.self) - buffer.baseAddress!
            lines.append(start..<newline)
            start = newline + 1
        }
        if lines.isEmpty, start < filled {
            if finished {
                // The last line has no newline.
                lines.append(start..<filled)
                start = filled
            } else {
                // One line longer than the buffer: make room and read on.
                grow()
                return try nextBatch(maxLines: maxLines)
            }
        }
        consumed = start
        guard !lines.isEmpty else { return nil }
        return LineBatch(bytes: UnsafeBufferPointer(rebasing: buffer[..<filled]), lines: lines)
    }

    private func grow() {
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
        larger.baseAddress!.initialize(from: buffer.baseAddress!, count: filled)
        buffer.deallocate()
        buffer = larger
    }

    private func fill() throws {
        let count = Foundation.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
        if count < 0 {
            if errno == EINTR { return }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        if count == 0 { finished = true }
        filled += count
    }
}

import Foundation
import Testing
@testable import TidingsCore

@Suite("Line batches read from a file descriptor")
struct LineBatchReaderTests {
    /// Every line `LineBatchReader` hands out for `text`, written into a pipe in pieces of
    /// `writeSize` bytes (so reads come back short), with a buffer of `capacity` bytes.
    func lines(of text: String, capacity: Int, maxLines: Int, writeSize: Int) throws -> (lines: [String], batches: [Int]) {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let bytes = Array(text.utf8)
        let writeEnd = descriptors[1]
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let count = min(writeSize, bytes.count - offset)
                let written = bytes[offset..<(offset + count)].withUnsafeBytes { write(writeEnd, $0.baseAddress, count) }
                guard written > 0 else { break }
                offset += written
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(descriptors[0]) }
        let reader = LineBatchReader(descriptor: descriptors[0], capacity: capacity)
        var lines: [String] = []
        var batches: [Int] = []
        while let batch = try reader.nextBatch(maxLines: maxLines) {
            batches.append(batch.count)
            for line in batch.lines { lines.append(String(decoding: UnsafeBufferPointer(rebasing: batch.bytes[line]), as: UTF8.self)) }
        }
        #expect(try reader.nextBatch(maxLines: maxLines) == nil)
        return (lines, batches)
    }

    @Test("every line comes out once, in order, whatever the buffer, the batch limit and the reads",
          arguments: [(8, 2, 1), (8, 100, 3), (64, 3, 7), (4096, 2, 4096), (5, 1, 2)])
    func allLines(capacity: Int, maxLines: Int, writeSize: Int) throws {
        let expected = ["{\"id\": 1}", "", "a line longer than the buffer it is read into, several times over", "é ü 😀", "", "last"]
        let text = expected.joined(separator: "\n")  // no newline after the last line
        let (lines, batches) = try lines(of: text, capacity: capacity, maxLines: maxLines, writeSize: writeSize)
        #expect(lines == expected)
        #expect(batches.allSatisfy { $0 >= 1 && $0 <= maxLines })
        let (withNewline, _) = try self.lines(of: text + "\n", capacity: capacity, maxLines: maxLines, writeSize: writeSize)
        #expect(withNewline == expected)
    }

    @Test("a batch holds as many whole lines as the buffer does")
    func batchesFillTheBuffer() throws {
        let text = (0..<100).map { String(format: "line %03d", $0) }.joined(separator: "\n") + "\n"  // 9 bytes a line
        let (lines, batches) = try lines(of: text, capacity: 90, maxLines: 1000, writeSize: 4096)
        #expect(lines.count == 100)
        #expect(batches == Array(repeating: 10, count: 10))
    }

    @Test("empty input gives no batch")
    func empty() throws {
        #expect(try lines(of: "", capacity: 16, maxLines: 4, writeSize: 1).lines.isEmpty)
    }
}

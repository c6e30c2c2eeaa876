import Foundation

/// The normalized feed JSON of `tidings parse` (schema: shared/conformance/SCHEMA.md),
/// written straight from the model: compact, keys sorted, absent fields left out.
public enum FeedJSON {
    /// Hands the document, and a newline, to `sink` in pieces (a feed of 40 MB of
    /// JSON is never held whole). Entries are written on every core, `batch` at a
    /// time each, into one buffer per core that is handed on and reused.
    public static func write(_ feed: ParsedFeed, to sink: ([UInt8]) throws -> Void) rethrows {
        var writer = JSONObjectWriter()
        writer.open()
        writer.bool("bozo", feed.bozo)
        writer.string("bozo_exception", feed.bozoReason)
        writer.string("encoding", feed.encoding)
        writer.key("entries")
        writer.raw("[")
        try writer.drain(into: sink)
        let lanes = max(1, min(Parallel.cores, (feed.entries.count + batch - 1) / batch))
        var writers = [JSONObjectWriter](repeating: JSONObjectWriter(), count: lanes)
        try feed.entries.withUnsafeBufferPointer { entries in
            var start = 0
            while start < entries.count {
                let round = start
                Parallel.forEach(&writers, block: 1) { lane, writer in
                    let first = round + lane * batch
                    guard first < entries.count else { return }  // the last round may need fewer lanes
                    for index in first..<min(first + batch, entries.count) {
                        if index > 0 { writer.raw(",") }
                        write(entries[index], to: &writer)
                    }
                }
                for lane in writers.indices { try writers[lane].drain(into: sink) }
                start += lanes * batch
            }
        }
        writer.raw("]")
        writer.key("feed")
        writer.open()
        writer.string("author", feed.author)
        writer.string("id", feed.id)
        writer.string("language", feed.language)
        writer.string("link", feed.link)
        writer.date("published", feed.published)
        writer.string("subtitle", feed.subtitle?.value)
        writer.tags(feed.tags)
        writer.string("title", feed.title?.value)
        writer.date("updated", feed.updated)
        writer.close()
        writer.string("version", feed.format.rawValue)
        writer.close()
        writer.raw("\n")
        try writer.drain(into: sink)
    }

    /// Entries a core writes before its buffer is handed on.
    static let batch = 256

    private static func write(_ entry: FeedEntry, to writer: inout JSONObjectWriter) {
        writer.open()
        writer.string("author", entry.author)
        writer.string("content", entry.content?.value)
        writer.key("enclosures")
        writer.raw("[")
        for (index, enclosure) in entry.enclosures.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.open()
            writer.string("href", enclosure.href)
            writer.nullableString("length", enclosure.length)
            writer.nullableString("type", enclosure.type)
            writer.close()
        }
        writer.raw("]")
        writer.string("id", entry.id)
        writer.string("link", entry.link)
        writer.date("published", entry.published)
        writer.string("summary", entry.summary?.value)
        writer.tags(entry.tags)
        writer.string("title", entry.title?.value)
        writer.date("updated", entry.updated)
        writer.close()
    }
}

/// Writes JSON objects field by field; callers give keys in sorted order.
struct JSONObjectWriter {
    private(set) var output: [UInt8] = []
    private var needsComma = false

    mutating func reserve(_ capacity: Int) { output.reserveCapacity(capacity) }

    /// Hands what is written so far to `sink` and starts again in the same buffer.
    mutating func drain(into sink: ([UInt8]) throws -> Void) rethrows {
        try sink(output)
        output.removeAll(keepingCapacity: true)
    }

    mutating func open() {
        output.append(0x7B)
        needsComma = false
    }

    mutating func close() {
        output.append(0x7D)
        needsComma = true
    }

    mutating func raw(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        needsComma = text.utf8Start.pointee != 0x5B  // after "[" no comma is due
    }

    /// Keys are literals that need no escaping: written as they are, with the comma
    /// before and the colon after, in one append (each append checks the buffer).
    mutating func key(_ name: StaticString) {
        let count = name.utf8CodeUnitCount
        let comma = needsComma
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { buffer in
            var length = 0
            if comma {
                buffer[0] = 0x2C
                length = 1
            }
            buffer[length] = 0x22
            (buffer.baseAddress! + length + 1).initialize(from: name.utf8Start, count: count)
            length += count + 1
            buffer[length] = 0x22
            buffer[length + 1] = 0x3A
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<(length + 2)]))
        }
        needsComma = false
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.writeString(value, to: &output)
        needsComma = true
    }

    mutating func nullableString(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONValue.writeString(value, to: &output) } else { output.append(contentsOf: "null".utf8) }
        needsComma = true
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        output.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    mutating func date(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        output.append(0x22)
        ISO8601.append(value, to: &output)
        output.append(0x22)
        needsComma = true
    }

    mutating func tags(_ tags: [FeedTag]) {
        key("tags")
        output.append(0x5B)
        for (index, tag) in tags.enumerated() {
            if index > 0 { output.append(0x2C) }
            open()
            nullableString("label", tag.label)
            nullableString("scheme", tag.scheme)
            string("term", tag.term)
            close()
        }
        output.append(0x5D)
        needsComma = true
    }
}

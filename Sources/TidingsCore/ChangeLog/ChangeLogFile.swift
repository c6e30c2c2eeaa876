import Foundation

/// The change-log directory: one `changes-YYYY-MM-DD.jsonl` file per UTC day,
/// named by the time of the changes in it.
struct ChangeLogDirectory: Sendable {
    let path: String

    static let prefix = "changes-", suffix = ".jsonl"

    /// Creates the directory (and its parents) if missing and checks that it can be written.
    func prepare() throws {
        try Directories.create(path)
        guard access(path, W_OK) == 0 else { throw PosixFileError(path: path, operation: "write to directory", code: errno) }
    }

    /// The day a change at `time` is filed under: `2026-11-24`.
    static func day(of time: Date) -> String {
        String(ISO8601.string(time).prefix(10))
    }

    func file(for day: String) -> String {
        (path as NSString).appendingPathComponent(Self.prefix + day + Self.suffix)
    }

    /// The days that have a file, oldest first.
    func days() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).compactMap { name -> String? in
            guard name.hasPrefix(Self.prefix), name.hasSuffix(Self.suffix) else { return nil }
            let day = String(name.dropFirst(Self.prefix.count).dropLast(Self.suffix.count))
            return Self.isDay(day) ? day : nil
        }.sorted()
    }

    private static func isDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return false }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) }
    }

    /// Deletes the files whose every change is older than `retention` at
    /// `now`; never the newest file, which tells where the log goes on.
    /// Returns the days deleted.
    func deleteExpired(retention: TimeSpan, now: Date) throws -> [String] {
        let days = try days()
        let cutoff = Self.day(of: now.addingTimeInterval(-retention.timeInterval))
        var deleted: [String] = []
        for day in days.dropLast() where day < cutoff {
            try FileManager.default.removeItem(atPath: file(for: day))
            deleted.append(day)
        }
        return deleted
    }
}

/// What start-up found at the end of the change log.
struct ChangeLogTail: Equatable {
    /// The seq of the last complete line; 0 when the log is empty.
    var lastSeq: Int64
    /// The day of the newest file, if there is one.
    var day: String?
    /// Bytes cut from the end: a line torn by a crash, or one that is not a change.
    var repairedBytes: Int

    /// Finds the last complete change in the newest file that has one, cutting
    /// off a torn or unreadable last line first (a crash in the middle of an
    /// append leaves at most that).
    static func recover(_ directory: ChangeLogDirectory) throws -> ChangeLogTail {
        var tail = ChangeLogTail(lastSeq: 0, day: nil, repairedBytes: 0)
        for day in try directory.days().reversed() {
            if tail.day == nil { tail.day = day }
            let file = try PosixFile(path: directory.file(for: day), flags: O_RDWR)
            while true {
                let size = try file.size()
                guard size > 0 else { break }
                let line = try file.lastLine(size: size)
                if line.complete, let seq = Self.seq(of: line.bytes) {
                    tail.lastSeq = seq
                    return tail
                }
                try file.truncate(to: line.start)
                tail.repairedBytes += size - line.start
            }
        }
        return tail
    }

    private static func seq(of line: [UInt8]) -> Int64? {
        guard case .object(let fields)? = JSONValue.parse(String(decoding: line, as: UTF8.self)),
              case .int(let seq)? = fields["seq"], seq > 0 else { return nil }
        return Int64(seq)
    }
}

import Foundation
import Logging

/// Writes one event per line to stderr:
/// `2026-01-06T09:30:00Z info refresh.done source.id=bbc added=3`.
///
/// Under systemd (`JOURNAL_STREAM` set) each line starts with a `<N>` syslog
/// priority instead of a timestamp, which journald turns into the entry's priority.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let journalPrefixes: Bool
    private let output: Int32

    public init(logLevel: Logger.Level, journalPrefixes: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil,
                fileDescriptor: Int32 = STDERR_FILENO) {
        self.logLevel = logLevel
        self.journalPrefixes = journalPrefixes
        self.output = fileDescriptor
    }

    /// Makes every `Logger` in the process use this handler at `level`.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { _ in LineLogHandler(logLevel: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = journalPrefixes ? "<\(Self.priority(event.level))>" : ISO8601.string(Date()) + " "
        line += "\(event.level) \(Self.singleLine(event.message.description))"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoted(merged[key].map { "\($0)" } ?? ""))"
        }
        line += "\n"
        line.utf8CString.withUnsafeBufferPointer { buffer in
            // One write per line keeps lines whole when several threads log.
            var offset = 0
            let length = buffer.count - 1
            while offset < length {
                let written = write(output, buffer.baseAddress! + offset, length - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    /// syslog priorities as journald reads them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func singleLine(_ text: String) -> String {
        text.contains(where: \.isNewline) ? text.replacingByte(UInt8(ascii: "\n"), with: "\\n") : text
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        return "\"" + singleLine(value.replacingByte(UInt8(ascii: "\""), with: "\\\"")) + "\""
    }
}

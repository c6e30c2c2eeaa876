import Foundation

/// One line of progress on standard error, redrawn in place at most ten times a second,
/// and only when `enabled` (standard error is a terminal).
struct ProgressLine {
    let enabled: Bool
    private var lastDrawn = Date.distantPast

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Replaces the line with `text`, unless it was drawn less than 0.1 s ago.
    mutating func draw(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text())".utf8))
    }

    /// Erases the line, before a summary or an error takes its place.
    func clear() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

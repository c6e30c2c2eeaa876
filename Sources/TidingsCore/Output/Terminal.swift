import Foundation

/// What the standard output is connected to.
public enum Terminal {
    /// True when stdout is a terminal (not a pipe or file).
    public static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Colour is wanted: stdout is a terminal that is not `dumb`, and `NO_COLOR` is unset or empty (no-color.org).
    public static var prefersColour: Bool {
        isInteractive && (variable("NO_COLOR") ?? "").isEmpty && variable("TERM") != "dumb"
    }

    /// A progress display is wanted: stderr is a terminal (and stdout is not, or the two would mix).
    public static var showsProgress: Bool { isatty(STDERR_FILENO) == 1 && !isInteractive }

    /// Columns a table may use: `COLUMNS` if set, else the terminal's width;
    /// unlimited when stdout is a pipe or file, so nothing is cut there.
    public static var width: Int {
        if let columns = variable("COLUMNS").flatMap(Int.init), columns > 20 { return columns }
        guard isInteractive else { return Int.max / 2 }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }

    /// One environment variable, read alone: `ProcessInfo`'s environment copies every variable into a dictionary.
    static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// Writes text to stdout or stderr without buffering surprises.
public enum Output {
    public static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `bytes` to stdout as they are, without copying them. A write that fails
    /// (a full disk, an I/O error) throws, so that output cut short is never taken for
    /// whole; a closed pipe ends the process by SIGPIPE, as for any filter.
    public static func write(bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }

    /// Standard output could not be written.
    public struct OutputError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot write to standard output: \(reason)" }
    }

    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

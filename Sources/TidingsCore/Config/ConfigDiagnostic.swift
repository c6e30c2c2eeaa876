/// One problem found in a config file, located as precisely as possible.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public let severity: Severity
    public let file: String
    public let line: Int?
    public let column: Int?
    /// Dotted path of the key, e.g. `daemon.concurrency` or `source[2].url`.
    public let keyPath: String?
    public let message: String

    /// `FILE:LINE:COLUMN: error: KEY: message`, leaving out what is unknown.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var text = "\(location): \(severity.rawValue): "
        if let keyPath { text += "\(keyPath): " }
        return text + message
    }
}

/// A config file that cannot be used; carries every error found, and the warnings.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [ConfigDiagnostic]

    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The result of checking a config file, for `tidings check-config`.
public struct ConfigCheckReport: Sendable, Encodable {
    public struct Problem: Sendable, Encodable {
        public var severity: String
        public var line: Int?
        public var column: Int?
        public var key: String?
        public var message: String
    }

    public var file: String
    public var valid: Bool
    public var problems: [Problem]
    public var sources: Int?
    public var database: String?

    /// Diagnostics as loaded, for printing.
    public let diagnostics: [ConfigDiagnostic]

    public init(file: String, valid: Bool, diagnostics: [ConfigDiagnostic], configuration: TidingsConfiguration?) {
        self.file = file
        self.valid = valid
        self.diagnostics = diagnostics
        self.problems = diagnostics.map {
            Problem(severity: $0.severity.rawValue, line: $0.line, column: $0.column, key: $0.keyPath, message: $0.message)
        }
        self.sources = configuration?.sources.count
        self.database = configuration?.daemon.databasePath
    }

    /// One line for a usable file: `3 sources (2 enabled), database /var/lib/...`.
    public var summary: String? {
        guard valid, let sources, let database else { return nil }
        return "\(sources) source\(sources == 1 ? "" : "s"), database \(database)"
    }

    enum CodingKeys: String, CodingKey {
        case file, valid, problems, sources, database
    }
}

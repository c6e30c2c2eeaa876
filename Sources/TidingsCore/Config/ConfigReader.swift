import Foundation
import TOMLKit

/// Where in the file a key lives: `[daemon]`, `[dedup]` or the n-th `[[source]]`.
struct ConfigScope {
    let table: ConfigTable
    /// 0-based index for `[[source]]` tables.
    let index: Int?

    func keyPath(_ key: String) -> String {
        if let index { return "\(table.rawValue)[\(index + 1)].\(key)" }
        return "\(table.rawValue).\(key)"
    }
}

/// A value that passed its type check.
enum ConfigValue {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case timeSpan(TimeSpan)
    case byteCount(ByteCount)
    case strings([String])
    case stringTable([HTTPHeaderField])
}

/// Walks the parsed TOML tree, checking types itself (TOMLKit's decoder would
/// call a wrong type a missing key) and collecting every diagnostic.
final class ConfigReader {
    let fileName: String
    let directory: URL
    private let locator: ConfigKeyLocator
    private var reported: [ConfigDiagnostic] = []

    /// Everything found, in file order (problems without a line last).
    var diagnostics: [ConfigDiagnostic] {
        reported.enumerated().sorted { a, b in
            let (lineA, lineB) = (a.element.line ?? Int.max, b.element.line ?? Int.max)
            return lineA != lineB ? lineA < lineB : a.offset < b.offset
        }.map(\.element)
    }

    init(fileName: String, text: String, directory: URL) {
        self.fileName = fileName
        self.directory = directory
        self.locator = ConfigKeyLocator(text: text)
    }

    func read(_ root: TOMLTable) -> TidingsConfiguration {
        var configuration = TidingsConfiguration()
        for key in root.keys.sorted() where !["daemon", "dedup", "stories", "source"].contains(key) {
            report(.warning, "unknown top-level key; expected [daemon], [dedup], [stories] or [[source]]"
                   + suggestion(for: key, among: ["daemon", "dedup", "stories", "source"]), keyPath: key, line: nil)
        }
        if let daemon = subtable(root, "daemon") {
            configuration.daemon = DaemonSettingsReader(reader: self, directory: directory)
                .read(values(of: daemon, scope: ConfigScope(table: .daemon, index: nil)))
        }
        if let dedup = subtable(root, "dedup") {
            configuration.dedup = DedupSettingsReader(reader: self)
                .read(values(of: dedup, scope: ConfigScope(table: .dedup, index: nil)))
        }
        if let stories = subtable(root, "stories") {
            configuration.stories = StorySettingsReader(reader: self)
                .read(values(of: stories, scope: ConfigScope(table: .stories, index: nil)))
        }
        configuration.sources = readSources(root, daemon: configuration.daemon)
        return configuration
    }

    private func readSources(_ root: TOMLTable, daemon: DaemonSettings) -> [SourceSettings] {
        guard let value = root["source"] else { return [] }
        guard let array = value.array else {
            report(.error, "expected array of tables ([[source]]), found \(describe(value))", keyPath: "source",
                   at: locator.position(table: "source", arrayIndex: 0))
            return []
        }
        var sources: [SourceSettings] = []
        var firstLineOfID: [String: Int] = [:]
        let sourceReader = SourceSettingsReader(reader: self, directory: directory, daemon: daemon)
        for (index, element) in array.enumerated() {
            let scope = ConfigScope(table: .source, index: index)
            guard let table = element.table else {
                report(.error, "expected table, found \(describe(element))", keyPath: "source[\(index + 1)]",
                       at: locator.position(table: "source", arrayIndex: index))
                continue
            }
            let checked = values(of: table, scope: scope)
            // Duplicates are checked on the raw id, so they are found even when the source has other errors.
            if case .string(let id)? = checked["id"] {
                let position = locator.position(table: "source", arrayIndex: index, key: "id")
                if let first = firstLineOfID[id] {
                    report(.error, "duplicate source id \"\(id)\"; expected every id to be unique (first defined"
                           + (first > 0 ? " at line \(first))" : " earlier)"), keyPath: scope.keyPath("id"), at: position)
                    continue
                }
                firstLineOfID[id] = position?.line ?? 0
            }
            guard let source = sourceReader.read(checked, scope: scope) else { continue }
            sources.append(source)
        }
        return sources
    }

    private func subtable(_ root: TOMLTable, _ key: String) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        if let table = value.table { return table }
        report(.error, "expected table, found \(describe(value))", keyPath: key, at: locator.position(table: key))
        return nil
    }

    /// Type-checks every key of `table` against the options of `scope`;
    /// unknown keys become warnings.
    func values(of table: TOMLTable, scope: ConfigScope) -> [String: ConfigValue] {
        let options = ConfigOption.options(in: scope.table)
        var result: [String: ConfigValue] = [:]
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let position = locator.position(table: scope.table.rawValue, arrayIndex: scope.index, key: key)
            guard let option = options.first(where: { $0.key == key }) else {
                report(.warning, "unknown key, ignored" + suggestion(for: key, among: options.map(\.key)),
                       keyPath: scope.keyPath(key), at: position)
                continue
            }
            if let typed = typed(value, kind: option.kind) {
                result[key] = typed
            } else {
                report(.error, "expected \(option.kind.expectation), found \(describe(value))",
                       keyPath: scope.keyPath(key), at: position)
            }
        }
        return result
    }

    private func typed(_ value: any TOMLValueConvertible, kind: ConfigValueKind) -> ConfigValue? {
        switch kind {
        case .string:
            return value.type == .string ? value.string.map(ConfigValue.string) : nil
        case .choice(let allowed):
            guard value.type == .string, let text = value.string, allowed.contains(text) else { return nil }
            return .string(text)
        case .integer:
            return value.type == .int ? value.int.map(ConfigValue.integer) : nil
        case .float:
            if value.type == .double { return value.double.map(ConfigValue.float) }
            if value.type == .int { return value.int.map { .float(Double($0)) } }
            return nil
        case .boolean:
            return value.type == .bool ? value.bool.map(ConfigValue.boolean) : nil
        case .timeSpan:
            if value.type == .int, let seconds = value.int { return .timeSpan(TimeSpan(seconds: seconds)) }
            if value.type == .string, let text = value.string, let span = TimeSpan(parsing: text) { return .timeSpan(span) }
            return nil
        case .byteCount:
            if value.type == .int, let bytes = value.int { return .byteCount(ByteCount(bytes: bytes)) }
            if value.type == .string, let text = value.string, let size = ByteCount(parsing: text) { return .byteCount(size) }
            return nil
        case .stringArray:
            guard value.type == .array, let array = value.array else { return nil }
            var strings: [String] = []
            for element in array {
                guard element.type == .string, let text = element.string else { return nil }
                strings.append(text)
            }
            return .strings(strings)
        case .stringTable:
            guard value.type == .table, let table = value.table else { return nil }
            var fields: [HTTPHeaderField] = []
            for key in table.keys.sorted() {
                guard let element = table[key], element.type == .string, let text = element.string else { return nil }
                fields.append(HTTPHeaderField(name: key, value: text))
            }
            return .stringTable(fields)
        }
    }

    /// `string "16"`, `integer 16`, `array`, ... for messages.
    private func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "string \"\(value.string ?? "")\""
        case .int: "integer \(value.int.map(String.init) ?? "")"
        case .double: "floating-point number \(value.double.map { String($0) } ?? "")"
        case .bool: "boolean \(value.bool.map(String.init) ?? "")"
        case .table: "table"
        case .array: "array"
        case .date: "date"
        case .time: "time"
        case .dateTime: "date-time"
        }
    }

    // MARK: Reporting

    func report(_ severity: ConfigDiagnostic.Severity, _ message: String, scope: ConfigScope, key: String) {
        report(severity, message, keyPath: scope.keyPath(key),
               at: locator.position(table: scope.table.rawValue, arrayIndex: scope.index, key: key))
    }

    func report(_ severity: ConfigDiagnostic.Severity, _ message: String, keyPath: String?,
                at position: (line: Int, column: Int)?) {
        reported.append(ConfigDiagnostic(severity: severity, file: fileName, line: position?.line,
                                            column: position?.column, keyPath: keyPath, message: message))
    }

    private func report(_ severity: ConfigDiagnostic.Severity, _ message: String, keyPath: String, line: Int?) {
        let position = locator.position(table: keyPath)
        report(severity, message, keyPath: keyPath, at: line.map { ($0, 1) } ?? position)
    }

    func suggestion(for key: String, among candidates: [String]) -> String {
        guard let closest = ClosestMatch.find(key, in: candidates) else { return "" }
        return "; did you mean \"\(closest)\"?"
    }
}

import Foundation
import TOMLKit

/// A configuration that loaded, with the warnings (unknown keys) found on the way.
public struct LoadedConfiguration: Sendable {
    public let configuration: TidingsConfiguration
    public let warnings: [ConfigDiagnostic]
}

/// Reads, checks and completes a TOML config file.
///
/// Every problem is reported, not only the first: syntax errors with line and
/// column, wrong types as "expected integer, found string", bad values, duplicate
/// source ids and unknown keys (a warning, with the closest known key).
public enum ConfigurationLoader {
    /// Loads the file at `path`. Throws `ConfigurationError`.
    public static func load(path: String) throws -> LoadedConfiguration {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        func unreadable(_ reason: String) -> ConfigurationError {
            ConfigurationError(diagnostics: [
                ConfigDiagnostic(severity: .error, file: path, line: nil, column: nil, keyPath: nil,
                                 message: "cannot read config file: \(reason)"),
            ])
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw unreadable(String(cString: strerror(EISDIR)))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw unreadable(Self.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(diagnostics: [
                ConfigDiagnostic(severity: .error, file: path, line: nil, column: nil, keyPath: nil,
                                 message: "expected UTF-8 text; the file is not valid UTF-8"),
            ])
        }
        var loaded = try load(text: text, fileName: path, directory: url.deletingLastPathComponent())
        var configuration = loaded.configuration
        configuration.fileURL = url
        loaded = LoadedConfiguration(configuration: configuration, warnings: loaded.warnings)
        return loaded
    }

    /// Loads config `text`; `fileName` names it in messages and `directory`
    /// anchors relative paths and relative `file:` URLs. Throws `ConfigurationError`.
    public static func load(text: String, fileName: String, directory: URL) throws -> LoadedConfiguration {
        if let problem = TOMLPrecheck.firstProblem(in: text) {
            throw ConfigurationError(diagnostics: [
                ConfigDiagnostic(severity: .error, file: fileName, line: problem.line, column: problem.column, keyPath: nil,
                                 message: "invalid TOML: \(problem.message)"),
            ])
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(diagnostics: [
                ConfigDiagnostic(severity: .error, file: fileName, line: error.source.begin.line,
                                 column: error.source.begin.column, keyPath: nil,
                                 message: "invalid TOML: \(error.description)"),
            ])
        } catch {
            throw ConfigurationError(diagnostics: [
                ConfigDiagnostic(severity: .error, file: fileName, line: nil, column: nil, keyPath: nil,
                                 message: "invalid TOML: \(error)"),
            ])
        }
        let reader = ConfigReader(fileName: fileName, text: text, directory: directory)
        let configuration = reader.read(root)
        if !reader.diagnostics.filter({ $0.severity == .error }).isEmpty {
            throw ConfigurationError(diagnostics: reader.diagnostics)
        }
        return LoadedConfiguration(configuration: configuration, warnings: reader.diagnostics)
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "No such file or directory"
            case .fileReadNoPermission: return "Permission denied"
            default: break
            }
        }
        return error.localizedDescription
    }
}

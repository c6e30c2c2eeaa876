import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// `config/tidings.toml` is the annotated reference: it must list every option
/// with its default and load to exactly the defaults.
@Suite("Reference config")
struct ReferenceConfigTests {
    let path = TestPaths.repositoryRoot.appendingPathComponent("config/tidings.toml").path

    @Test("it loads without errors or warnings and equals an empty config")
    func loadsAsDefaults() throws {
        let loaded = try ConfigurationLoader.load(path: path)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        #expect(loaded.configuration.daemon == DaemonSettings())
        #expect(loaded.configuration.dedup == DedupSettings())
        #expect(loaded.configuration.stories == StorySettings())
        #expect(loaded.configuration.sources.isEmpty)
    }

    @Test("every option appears with its default and its one-line summary")
    func listsEveryOption() throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let allLines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for option in ConfigOption.all {
            // The option's own table: from its header ("[stories]", or "# [[source]]") to the next.
            let header = option.table == .source ? "[[source]]" : "[\(option.table.rawValue)]"
            let start = allLines.firstIndex { $0 == header || $0 == "# " + header } ?? 0
            let end = allLines[(start + 1)...].firstIndex { $0.hasPrefix("[") || $0.hasPrefix("# [[") } ?? allLines.endIndex
            let lines = allLines[start..<end]
            let assignment = lines.first { line in
                let body = line.hasPrefix("# ") ? String(line.dropFirst(2)) : line
                return body.hasPrefix("\(option.key) = ")
            }
            #expect(assignment != nil, "\(option.table).\(option.key) is missing")
            if let assignment, let value = option.defaultValue, !value.contains(".") || value.hasPrefix("\"") || value.first?.isNumber == true {
                #expect(assignment.hasSuffix("= \(value)"), "\(option.table).\(option.key) should show default \(value)")
            }
            #expect(text.contains(option.summary), "\(option.table).\(option.key) lacks its summary line")
        }
    }

    @Test("the demo config loads cleanly")
    func demoLoads() throws {
        let loaded = try ConfigurationLoader.load(path: TestPaths.repositoryRoot.appendingPathComponent("config/demo.toml").path)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration.sources.count == 3)
        for source in loaded.configuration.sources {
            #expect(FileManager.default.fileExists(atPath: source.url.path), "\(source.url)")
        }
    }
}

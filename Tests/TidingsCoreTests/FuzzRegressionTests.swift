import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// Replays, for every fuzz target, the inputs kept in
/// `Tests/TidingsCoreTests/Fixtures/fuzz/TARGET/`: crashes `make fuzz` found
/// (named `crash-…`, `leak-…`, `timeout-…` by libFuzzer) and inputs from its
/// corpus that reached unusual corners. Each must simply return.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = TestPaths.repositoryRoot.appendingPathComponent("Tests/TidingsCoreTests/Fixtures/fuzz")

    static func inputs(_ target: FuzzTarget) -> [URL] {
        let directory = folder.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("every kept input returns from its parser", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let inputs = Self.inputs(target)
        #expect(!inputs.isEmpty, "no regression inputs for \(target.rawValue)")
        for input in inputs {
            let bytes = try [UInt8](Data(contentsOf: input))
            bytes.withUnsafeBufferPointer { target.run($0) }
        }
    }
}

import Foundation
import TidingsCore

/// libFuzzer entry point for Tidings' parsers of untrusted input. One binary
/// serves every `FuzzTarget`; `TIDINGS_FUZZ_TARGET` picks which: `feed`, `html`,
/// `config` or `date`. Built only by `make fuzz`, which compiles it
/// with `-sanitize=fuzzer,address -parse-as-library`; `main` hands over to libFuzzer's driver.
///
/// A target must never crash, trap or leak on any input: every finding is a bug,
/// and its input becomes a regression fixture in `Tests/TidingsCoreTests/Fixtures/fuzz/TARGET/`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    FuzzTarget.selected.run(bytes)
    return 0
}

/// SwiftPM links an executable's `main` to `<product>_main`; this one runs libFuzzer's
/// driver, which parses libFuzzer's flags and calls `fuzzOneInput`.
@_cdecl("tidings_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

extension FuzzTarget {
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["TIDINGS_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("TIDINGS_FUZZ_TARGET must be one of: \(known) (got '\(name)')\n".utf8))
            exit(2)
        }
        return target
    }()
}

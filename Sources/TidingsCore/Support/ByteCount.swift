/// A number of bytes written the way people write it in a config file:
/// `1048576`, `"512KiB"`, `"16MiB"`, `"1GiB"` (also `KB`/`MB`/`GB`, as powers of 1000).
public struct ByteCount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public static func mebibytes(_ n: Int) -> ByteCount { ByteCount(bytes: n << 20) }

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }

    /// Parses `"16MiB"`-style text; `nil` when the text is not a size.
    public init?(parsing text: String) {
        let trimmed = text.filter { $0 != " " && $0 != "_" }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let value = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        guard let multiplier = ByteCount.multipliers[unit] else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        self.bytes = product
    }

    private static let multipliers: [String: Int] = [
        "": 1, "b": 1,
        "k": 1 << 10, "kib": 1 << 10, "kb": 1000,
        "m": 1 << 20, "mib": 1 << 20, "mb": 1_000_000,
        "g": 1 << 30, "gib": 1 << 30, "gb": 1_000_000_000,
    ]

    /// A compact human spelling: `"16MiB"` when exact, otherwise e.g. `"1.5 MiB"`.
    public var description: String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size {
            if bytes % size == 0 { return "\(bytes / size)\(unit)" }
            let value = Double(bytes) / Double(size)
            return String(format: "%.1f %@", value, unit)
        }
        return "\(bytes) B"
    }
}

import Foundation

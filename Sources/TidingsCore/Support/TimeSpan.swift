/// A length of time written the way people write it in a config file:
/// `90` (seconds), `"45s"`, `"15m"`, `"1h"`, `"1h30m"`, `"2d"`, `"1w"`.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds.
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public static func minutes(_ n: Int) -> TimeSpan { TimeSpan(seconds: n * 60) }
    public static func hours(_ n: Int) -> TimeSpan { TimeSpan(seconds: n * 3600) }
    public static func days(_ n: Int) -> TimeSpan { TimeSpan(seconds: n * 86400) }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    public var timeInterval: Double { Double(seconds) }

    /// Parses `"1h30m"`-style text; `nil` when the text is not such a span.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return nil }
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if character == " " { continue }
            guard let value = Int(digits), let unit = TimeSpan.unitSeconds[character] else { return nil }
            let (product, overflow1) = value.multipliedReportingOverflow(by: unit)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
            digits = ""
            sawUnit = true
        }
        if !digits.isEmpty {
            // A bare number is seconds, but only on its own ("90"), not after units ("1h30").
            guard !sawUnit, let value = Int(digits) else { return nil }
            total = value
        }
        self.seconds = total
    }

    private static let unitSeconds: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    /// The shortest exact spelling, e.g. `"1h30m"`, `"45s"`, `"0s"`.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}

import Foundation

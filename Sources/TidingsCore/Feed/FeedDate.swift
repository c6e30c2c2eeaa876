import Foundation

/// Parses the dates feeds carry: RFC 822 (RSS) and its common variants, and
/// RFC 3339 / W3C-DTF (Atom, Dublin Core). Results are absolute instants.
public enum FeedDate {
    public static func parse(_ text: String) -> Date? {
        if let common = text.utf8.withContiguousStorageIfAvailable(parseCommon), let date = common { return date }
        return parseAnyForm(text)
    }

    /// Every form `parse` reads, through Strings: what `parseCommon` leaves to it.
    static func parseAnyForm(_ text: String) -> Date? {
        var trimmed = text.trimmedWhitespace
        // A trailing comment such as "(BST)" or "(Pacific Standard Time)".
        if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
            trimmed = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        }
        guard let first = trimmed.unicodeScalars.first else { return nil }
        if ("0"..."9").contains(first) {
            if let date = parseISO8601(trimmed) ?? parseISO8601Basic(trimmed) { return date }
        }
        return parseRFC822(trimmed) ?? parseAsctime(trimmed)
    }

    /// The compact ISO 8601 form: 20031213T183002Z, 20031213.
    static func parseISO8601Basic(_ text: String) -> Date? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 8, let year = Int(digits.prefix(4)), let month = Int(digits.dropFirst(4).prefix(2)),
              let day = Int(digits.suffix(2)) else { return nil }
        var rest = text.dropFirst(8)
        var hour = 0, minute = 0, second = 0
        if rest.first == "T" || rest.first == "t" {
            rest = rest.dropFirst()
            let time = rest.prefix { $0.isASCII && $0.isNumber }
            guard time.count == 4 || time.count == 6 else { return nil }
            hour = Int(time.prefix(2)) ?? 0
            minute = Int(time.dropFirst(2).prefix(2)) ?? 0
            if time.count == 6 { second = Int(time.suffix(2)) ?? 0 }
            rest = rest.dropFirst(time.count)
        }
        let zone = rest.trimmingCharacters(in: .whitespaces)
        let offset = zone.isEmpty ? 0 : zoneOffset(zone)
        guard let offset else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute,
                              second: Double(second), offsetSeconds: offset)
    }

    /// C's asctime: "Sun Jan  4 16:29:06 2004" (UTC).
    static func parseAsctime(_ text: String) -> Date? {
        let tokens = text.split(separator: " ").map(String.init)
        guard tokens.count == 5, weekdays.contains(tokens[0].prefix(3).lowercased()), let month = monthNumber(tokens[1]),
              let day = Int(tokens[2]), let year = Int(tokens[4]) else { return nil }
        let time = tokens[3].split(separator: ":").compactMap { Int($0) }
        guard time.count >= 2 else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: time[0], minute: time[1],
                              second: Double(time.count > 2 ? time[2] : 0), offsetSeconds: 0)
    }

    // MARK: RFC 3339 / W3C-DTF: 2003-12-13T18:30:02.25+01:00, 2003-12-13, 2003-12

    static func parseISO8601(_ text: String) -> Date? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(digits: 4) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0.0, offset = 0
        if scanner.skip("-") {
            guard let m = scanner.number(digits: 2) else { return nil }
            month = m
            if scanner.skip("-") {
                guard let d = scanner.number(digits: 2) else { return nil }
                day = d
            }
        }
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let mi = scanner.number(digits: 2) else { return nil }
            hour = h
            minute = mi
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = Double(s)
                if scanner.skip(".") || scanner.skip(",") { second += scanner.fraction() }
            }
            scanner.skipSpaces()
            if scanner.skip("Z") || scanner.skip("z") {
                offset = 0
            } else if let sign = scanner.sign() {
                guard let oh = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                let om = scanner.number(digits: 2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            } else if let named = scanner.remainder(), !named.isEmpty {
                // "2004-01-04 16:29:06 GMT", "... EST"
                guard let zone = zoneOffset(named) else { return nil }
                offset = zone
            }
        }
        scanner.skipSpaces()
        guard scanner.isAtEnd else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute,
                              second: second, offsetSeconds: offset)
    }

    // MARK: RFC 822: [Sat, ]07 Sep 2002 00:00[:01] GMT|+0100|EST|Z

    static func parseRFC822(_ text: String) -> Date? {
        var tokens = text.split { $0 == " " || $0 == "," || $0 == "\t" }.map(String.init)
        if let first = tokens.first, first.count >= 3, weekdays.contains(String(first.prefix(3)).lowercased()),
           Int(first) == nil {
            tokens.removeFirst()
        }
        guard tokens.count >= 3 else { return nil }
        var day: Int?, month: Int?
        // "07 Sep 2002" and the swapped "Sep 07 2002".
        if let d = Int(tokens[0]), let m = monthNumber(tokens[1]) {
            day = d
            month = m
        } else if let m = monthNumber(tokens[0]), let d = Int(tokens[1]) {
            day = d
            month = m
        }
        guard let day, let month, var year = Int(tokens[2]) else { return nil }
        if tokens[2].count <= 2 { year += year < 50 ? 2000 : 1900 }
        var hour = 0, minute = 0, second = 0
        var zoneIndex = 3
        if tokens.count > 3, tokens[3].utf8.contains(0x3A) {
            let parts = tokens[3].split(separator: ":").map { Int($0) }
            guard parts.count >= 2, let h = parts[0], let m = parts[1] else { return nil }
            hour = h
            minute = m
            if parts.count > 2 { second = parts[2] ?? 0 }
            zoneIndex = 4
        }
        let offset = tokens.count > zoneIndex ? zoneOffset(tokens[zoneIndex]) ?? 0 : 0
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute,
                              second: Double(second), offsetSeconds: offset)
    }

    private static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func monthNumber(_ token: String) -> Int? {
        guard token.count >= 3 else { return nil }
        return months.firstIndex(of: String(token.prefix(3)).lowercased()).map { $0 + 1 }
    }

    private static let namedZones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0,
        "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
        "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3, "jst": 9, "ist": 5,
    ]

    /// `+0100`, `-05:00`, `GMT`, `EST`: seconds east of UTC.
    static func zoneOffset(_ token: String) -> Int? {
        if let hours = namedZones[token.lowercased()] { return hours * 3600 }
        var scanner = DigitScanner(token)
        guard let sign = scanner.sign(), let hours = scanner.number(digits: 2) else { return nil }
        _ = scanner.skip(":")
        let minutes = scanner.number(digits: 2) ?? 0
        return sign * (hours * 3600 + minutes * 60)
    }
}

/// A tiny cursor over ASCII digits and punctuation.
struct DigitScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    mutating func number(digits: Int) -> Int? {
        var value = 0
        for offset in 0..<digits {
            guard index + offset < scalars.count, ("0"..."9").contains(scalars[index + offset]) else { return nil }
            value = value * 10 + Int(scalars[index + offset].value - 48)
        }
        index += digits
        return value
    }

    mutating func fraction() -> Double {
        var text = "0."
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            text.unicodeScalars.append(scalars[index])
            index += 1
        }
        return Double(text) ?? 0
    }

    mutating func skip(_ literal: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == literal else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " { index += 1 }
    }

    var isAtEnd: Bool { index >= scalars.count }

    /// What is left, trimmed.
    mutating func remainder() -> String? {
        guard index < scalars.count else { return nil }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[index...])
        index = scalars.count
        return String(text).trimmingCharacters(in: .whitespaces)
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}

import Foundation

/// UTC timestamps as `2026-01-06T09:30:00Z`, the one format Tidings prints.
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `date` as `string(_:)` writes it (ASCII only: nothing in it needs escaping in JSON).
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        CivilTime.appendDate(days: days, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        CivilTime.appendTime(seconds: seconds - days * 86400, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }
}

/// UTC calendar days, by arithmetic (UTC has no daylight saving).
enum UTCDay {
    /// Midnight UTC at the start of the day `date` falls on.
    static func start(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}

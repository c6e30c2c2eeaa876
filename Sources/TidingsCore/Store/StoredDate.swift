import Foundation
import GRDB

extension Date {
    /// The date as the store keeps it: the text GRDB writes for a `Date`
    /// ("yyyy-MM-dd HH:mm:ss.SSS", UTC), made with arithmetic instead of GRDB's
    /// ICU `DateFormatter`, which took a tenth of the writer's time (an article
    /// writes half a dozen dates). The same bytes as GRDB's, so that the two mix
    /// in comparisons (tested over a million dates); outside the years 1601–9999,
    /// where ICU's calendar turns Julian or its years grow a fifth digit, GRDB's own.
    var storedValue: DatabaseValue {
        // Milliseconds since 1970 as Foundation computes them, rounded as it does: half up.
        let millis = ((timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5).rounded(.down)
        guard millis >= Self.firstFastMillis, millis < Self.endFastMillis else { return databaseValue }
        let total = Int64(millis)
        let (days, millisOfDay) = Self.floorDivide(total, 86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        let seconds = millisOfDay / 1000
        var text = [UInt8](repeating: 0, count: 23)
        Self.put(year, digits: 4, at: 0, in: &text)
        text[4] = UInt8(ascii: "-")
        Self.put(month, digits: 2, at: 5, in: &text)
        text[7] = UInt8(ascii: "-")
        Self.put(day, digits: 2, at: 8, in: &text)
        text[10] = UInt8(ascii: " ")
        Self.put(seconds / 3600, digits: 2, at: 11, in: &text)
        text[13] = UInt8(ascii: ":")
        Self.put(seconds / 60 % 60, digits: 2, at: 14, in: &text)
        text[16] = UInt8(ascii: ":")
        Self.put(seconds % 60, digits: 2, at: 17, in: &text)
        text[19] = UInt8(ascii: ".")
        Self.put(millisOfDay % 1000, digits: 3, at: 20, in: &text)
        return String(decoding: text, as: UTF8.self).databaseValue
    }

    /// 1601-01-01 and 10000-01-01 UTC, in milliseconds since 1970.
    private static let firstFastMillis = -11_644_473_600_000.0
    private static let endFastMillis = 253_402_300_800_000.0

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func put(_ value: Int64, digits: Int, at offset: Int, in text: inout [UInt8]) {
        var value = value
        for index in stride(from: offset + digits - 1, through: offset, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }
}

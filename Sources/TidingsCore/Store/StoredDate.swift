import Foundation
import GRDB

extension Date {
    /// The date as the store keeps it: the text GRDB writes for a `Date`
    /// ("yyyy-MM-dd HH:mm:ss.SSS", UTC), made with arithmetic instead of GRDB's
    /// ICU `DateFormatter`, which took a tenth of the writer's time (an article
    /// writes half a dozen dates). The same bytes as GRDB's, so that the two mix
    /// in comparisons (`StoredDateTests`: edge cases and 100,000 seeded instants); outside the years 1601–9999,
    /// where ICU's calendar turns Julian or its years grow a fifth digit, GRDB's own.
    var storedValue: DatabaseValue {
        // Milliseconds since 1970 as Foundation computes them, rounded as it does: half up.
        let millis = ((timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5).rounded(.down)
        guard millis >= Self.firstFastMillis, millis < Self.endFastMillis else { return databaseValue }
        let total = Int(millis)
        let millisOfDay = (total % 86_400_000 + 86_400_000) % 86_400_000
        var text = [UInt8]()
        text.reserveCapacity(23)
        CivilTime.appendDate(days: (total - millisOfDay) / 86_400_000, to: &text)
        text.append(UInt8(ascii: " "))
        CivilTime.appendTime(seconds: millisOfDay / 1000, to: &text)
        text.append(UInt8(ascii: "."))
        CivilTime.appendDigits(millisOfDay % 1000, 3, to: &text)
        return String(decoding: text, as: UTF8.self).databaseValue
    }

    /// The date a stored value holds, as GRDB reads it (`Date.fromDatabaseValue`), to the bit. Text exactly
    /// as `storedValue` writes it is read with arithmetic: GRDB reads through Foundation's `Calendar`,
    /// whose first use cost a listing about a millisecond of its 20. Anything else is left to GRDB.
    static func fromStored(_ value: DatabaseValue) -> Date? {
        guard case .string(let text) = value.storage, let date = fromStoredText(text) else { return Date.fromDatabaseValue(value) }
        return date
    }

    /// The instant `text` names when `storedValue` would write it so, else nil.
    static func fromStoredText(_ text: String) -> Date? {
        var text = text
        let date = text.withUTF8 { bytes -> Date? in
            guard bytes.count == 23 else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                    value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
                  let minute = number(14..<16), let second = number(17..<19), let millis = number(20..<23),
                  let whole = CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute,
                                             second: Double(second), offsetSeconds: 0)
            else { return nil }
            // The fraction added to whole seconds since 2001, as Foundation adds GRDB's nanoseconds.
            return Date(timeIntervalSinceReferenceDate: whole.timeIntervalSinceReferenceDate + Double(millis) / 1000)
        }
        // Only the text written back the same is the store's own (this also rejects "02-30", "24:00" and the like).
        guard let date, date.storedValue == text.databaseValue else { return nil }
        return date
    }

    /// 1601-01-01 and 10000-01-01 UTC, in milliseconds since 1970.
    private static let firstFastMillis = -11_644_473_600_000.0
    private static let endFastMillis = 253_402_300_800_000.0
}

extension Row {
    /// The date in `column` as GRDB reads it, nil for NULL (see `Date.fromStored`): what the reader's listings use.
    func storedDate(_ column: String) -> Date? {
        Date.fromStored(self[column])
    }

    /// The same for a column that is never NULL; a NULL or unreadable value fails as GRDB's own subscript does.
    func storedDate(_ column: String) -> Date {
        Date.fromStored(self[column]) ?? self[column]
    }
}

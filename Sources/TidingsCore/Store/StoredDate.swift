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

    /// 1601-01-01 and 10000-01-01 UTC, in milliseconds since 1970.
    private static let firstFastMillis = -11_644_473_600_000.0
    private static let endFastMillis = 253_402_300_800_000.0
}

import Foundation
import GRDB
import Testing
@testable import TidingsCore

/// The store's own date text must be GRDB's, byte for byte: both are written, and compared as text.
@Suite("Stored dates")
struct StoredDateTests {
    private func expectSame(_ date: Date, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(date.storedValue == date.databaseValue,
                "\(date.timeIntervalSince1970): \(date.storedValue) vs GRDB \(date.databaseValue)", sourceLocation: sourceLocation)
    }

    @Test("the text GRDB writes, at the edges: leap days, century years, the last millisecond of a day, before 1970, the range's ends")
    func edges() {
        let instants: [Double] = [
            0, -0.0005, -0.001, -1, 0.0009999, 0.999_999_9, 59.9995, 86_399.999_5, 86_400,
            951_782_400, 951_868_799.999, 4_107_542_400, -2_203_891_200, -2_208_988_800.0001,  // 2000-02-29, 2100-03-01, 1900-02-28/1900-01-01
            1_700_000_000.123_456, 1_700_000_000.999_95, 1_764_000_000.0004, 1_777_777_777.777_777_7,
            -11_644_473_600, -11_644_473_600.001, -11_644_473_599.999,  // 1601-01-01, the first fast instant and just before
            253_402_300_799.999, 253_402_300_800, 253_402_300_800.5,    // the last fast millisecond, and year 10000
            -62_135_596_800, -12_219_292_800, -12_219_292_800.001,      // year 1, the Gregorian switch in 1582
        ]
        for instant in instants { expectSame(Date(timeIntervalSince1970: instant)) }
        // Half a millisecond (exact in binary) rounds up, before 1970 too.
        for instant in [1_700_000_000.0625, 1_700_000_000.1875, -1_700_000_000.0625, -1_700_000_000.1875] {
            expectSame(Date(timeIntervalSince1970: instant))
        }
        #expect(Date(timeIntervalSince1970: 1_700_000_000.0625).storedValue == "2023-11-14 22:13:20.063".databaseValue)
        #expect(Date(timeIntervalSince1970: -1_700_000_000.0625).storedValue == "1916-02-18 01:46:39.938".databaseValue)
    }

    @Test("the text GRDB writes, for 100,000 random instants from 1601 to 9999 (seeded)")
    func random() {
        var generator = DedupHash.SplitMix64(state: 20261125)
        var mismatches = 0
        for round in 0..<100_000 {
            // Whole milliseconds, arbitrary fractions and times near now, a third each.
            let seconds: Double
            switch round % 3 {
            case 0: seconds = Double(Int64.random(in: -11_644_473_600_000 ..< 253_402_300_800_000, using: &generator)) / 1000
            case 1: seconds = Double.random(in: -11_644_473_600 ..< 253_402_300_800, using: &generator)
            default: seconds = Double.random(in: 1_600_000_000 ..< 1_900_000_000, using: &generator)
            }
            let date = Date(timeIntervalSince1970: seconds)
            if date.storedValue != date.databaseValue {
                mismatches += 1
                if mismatches <= 5 { expectSame(date) }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("the store's text reads back as GRDB reads it, to the bit, for 100,000 random instants; other text is GRDB's to read")
    func readBack() {
        var generator = DedupHash.SplitMix64(state: 20261203)
        var mismatches = 0
        for round in 0..<100_000 {
            let seconds = round.isMultiple(of: 2)
                ? Double.random(in: -11_644_473_600 ..< 253_402_300_800, using: &generator)
                : Double.random(in: 1_600_000_000 ..< 1_900_000_000, using: &generator)
            let stored = Date(timeIntervalSince1970: seconds).storedValue
            let ours = Date.fromStored(stored), grdb = Date.fromDatabaseValue(stored)
            if ours != grdb || Date.fromStoredText(String.fromDatabaseValue(stored) ?? "") == nil {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(stored): \(String(describing: ours)) vs GRDB \(String(describing: grdb))") }
            }
        }
        #expect(mismatches == 0)
        for other in ["2026-12-03", "2026-12-03 18:45:39", "2026-12-03T18:45:39.123", "2026-02-30 18:45:39.123",
                      "2026-12-03 24:00:00.000", "2026-12-03 18:45:39.12a", "0900-01-01 00:00:00.000"] {
            #expect(Date.fromStoredText(other) == nil, "\(other)")
            #expect(Date.fromStored(other.databaseValue) == Date.fromDatabaseValue(other.databaseValue), "\(other)")
        }
        #expect(Date.fromStored(DatabaseValue.null) == nil)
        #expect(Date.fromStored(2_460_648.5.databaseValue) == Date.fromDatabaseValue(2_460_648.5.databaseValue), "a Julian day number")
    }
}

import Foundation
import Testing
@testable import TidingsCore

/// A large buffer is checked in pieces on every core; the answer must be the one-piece answer
/// wherever a bad byte falls, at a cut above all.
@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    /// 3 MiB of text mixing one- to four-byte characters.
    static let text: [UInt8] = {
        let unit = Array("Жол — road, 道, 🚲; ".utf8)
        return Array((0..<(3 << 20) / unit.count + 1).lazy.flatMap { _ in unit }.prefix(3 << 20))
    }()

    static func answer(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
    }

    @Test("valid text is valid, and a bad byte anywhere is found", arguments: [
        0, 1, (3 << 20) / 2 - 1, (3 << 20) / 2, (3 << 20) / 2 + 1, (3 << 20) / 3, 2 * (3 << 20) / 3, (3 << 20) - 1,
    ])
    func badByte(at position: Int) {
        var text = UTF8ValidationTests.text
        // The 3 MiB may end in the middle of a character.
        while String(validating: text, as: UTF8.self) == nil { text.removeLast() }
        let valid = UTF8ValidationTests.answer(text)
        #expect(valid)
        for bad: [UInt8] in [[0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x9A], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF]] {
            var damaged = text
            let at = min(position, damaged.count)
            damaged.insert(contentsOf: bad, at: at)
            let answer = UTF8ValidationTests.answer(damaged)
            let truth = String(validating: damaged, as: UTF8.self) != nil
            #expect(answer == truth, "\(bad) at \(at)")
        }
    }

    @Test("valid text is valid wherever the cuts fall in its characters")
    func cutsInsideCharacters() {
        var text = UTF8ValidationTests.text
        while String(validating: text, as: UTF8.self) == nil { text.removeLast() }
        for shift in 0..<12 {
            let valid = UTF8ValidationTests.answer(Array(repeating: 0x61, count: shift) + text)
            #expect(valid, "shifted by \(shift)")
        }
    }

    @Test("a document that ends inside a character is not valid")
    func truncatedEnd() {
        var text = UTF8ValidationTests.text
        while let last = text.last, last & 0xC0 == 0x80 || last < 0x80 { text.removeLast() }
        let valid = UTF8ValidationTests.answer(text)
        #expect(!valid)  // ends on a lead byte
    }
}

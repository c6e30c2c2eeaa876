import Foundation
import Testing
@testable import TidingsCore

@Suite("Search query and marks")
struct SearchQueryTests {
    @Test("queries become FTS5 expressions in which every word is a quoted string", arguments: [
        ("kazakhstan troops", #""kazakhstan" AND "troops""#),
        (#""state of emergency" almaty"#, #""state of emergency" AND "almaty""#),
        ("каз* OR қаз*", #""каз" * OR "қаз" *"#),
        ("troops -russia", #""troops" NOT "russia""#),
        ("troops NOT russia", #""troops" NOT "russia""#),
        ("title:budget text:\"close vote\"", #"title : "budget" AND text : "close vote""#),
        ("(wheat OR barley) harvest", #"( "wheat" OR "barley" ) AND "harvest""#),
        ("U.S. C++ don't", #""U.S." AND "C++" AND "don't""#),
        ("or and not", #""or" AND "and" AND "not""#),
        ("budget & —", #""budget""#),
        (#""close vote"budget"#, #""close vote" AND "budget""#),
    ])
    func translation(query: String, expected: String) throws {
        #expect(try SearchQuery(parsing: query).expression == expected)
    }

    @Test("queries that cannot be searched say why", arguments: [
        ("", "nothing to search for"), ("-russia", "NOT needs a term before it"), ("troops OR", "OR needs a term after it"),
        ("OR troops", "OR needs a term before it"), ("\"open", "unterminated phrase"), ("(troops", "without a matching \")\""),
        ("troops)", "without a matching \"(\""), ("()", "empty or unfinished group"), ("& —", "nothing to search for"),
    ])
    func problems(query: String, message: String) {
        #expect(throws: SearchQuery.Problem.self) { try SearchQuery(parsing: query) }
        do {
            _ = try SearchQuery(parsing: query)
        } catch {
            #expect(error.description.contains(message), "\(query): \(error.description)")
        }
    }

    @Test("marked text: marks become code-point ranges, white space runs one space; rendering wraps the matches")
    func markedText() {
        let marked = MarkedText(marked: "…the \u{02}Қазақстан\u{03} news\n\nand \u{02}café\u{03}")
        #expect(marked.text == "…the Қазақстан news and café")
        #expect(marked.matches == [[5, 14], [24, 28]])
        #expect(marked.rendered(before: "[", after: "]") == "…the [Қазақстан] news and [café]")
        // Every scalar's white space as Unicode defines it, ASCII or not.
        for value in UInt32(0)...0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(MarkedText.isWhitespace(scalar) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
        #expect(MarkedText(marked: "a\t\u{0B}\u{0C}\r\u{A0}\u{2003}b\u{1C}c").text == "a b\u{1C}c")
        // Matches at both ends, side by side, and around scalars of two to four bytes.
        let edges = MarkedText(marked: "\u{02}Ақ\u{03}\u{02}жол\u{03} 🌾 \u{02}👩‍🌾\u{03}")
        #expect(edges.text == "Ақжол 🌾 👩‍🌾" && edges.matches == [[0, 2], [2, 5], [8, 11]])
        #expect(edges.rendered(before: "\u{1B}[1m", after: "\u{1B}[0m") == "\u{1B}[1mАқ\u{1B}[0m\u{1B}[1mжол\u{1B}[0m 🌾 \u{1B}[1m👩‍🌾\u{1B}[0m")
        #expect(MarkedText(marked: "no marks").rendered(before: "[", after: "]") == "no marks")
    }

    @Test("an ASCII byte replaced as Foundation's replacingOccurrences does, beside characters of every width")
    func byteReplacement() {
        let texts = ["", "plain", "\"", "a\"b\"\"c", "\"Қазақ\" \"🌾\"", "line\r\nnext\n", "T", "2026-01-06T09:30", "é\u{301}\"x"]
        for text in texts {
            for (byte, replacement) in [(UInt8(ascii: "\""), "\"\""), (UInt8(ascii: "\n"), " "), (UInt8(ascii: "T"), " ")] {
                let expected = text.replacingOccurrences(of: String(UnicodeScalar(byte)), with: replacement)
                #expect(text.replacingByte(byte, with: replacement) == expected, "\(text.debugDescription)")
            }
        }
    }
}

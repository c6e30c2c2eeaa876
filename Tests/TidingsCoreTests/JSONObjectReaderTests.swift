import Testing
@testable import TidingsCore

@Suite("JSON Lines record reader")
struct JSONObjectReaderTests {
    func members(_ text: String) throws -> [String: JSONObjectReader.Value] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try JSONObjectReader.members(of: $0) }
    }

    @Test("strings with every escape, surrogate pairs, literals and nested values kept as text")
    func reads() throws {
        let record = try members(#" { "id": 12, "t": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "x": null, "n": {"k": [1, "}"]}, "f": -1.5e3 } "#)
        #expect(record["id"] == .literal("12"))
        #expect(record["t"]?.string == "a\"b\\c/d\n\té😀")
        #expect(record["x"] == .literal("null"))
        #expect(record["n"] == .literal(#"{"k": [1, "}"]}"#))
        #expect(record["f"] == .literal("-1.5e3"))
        #expect(record["t"]?.jsonText == #""a\"b\\c/d\n\té😀""#)
        #expect(try members("{}").isEmpty)
    }

    @Test("members not asked for are skipped undecoded, malformed or not")
    func named() throws {
        let bytes = Array(#"{"id": 1, "url": "x\"y\\", "n": [1, {"a": "]"}], "text": "t"}"#.utf8)
        let record = try bytes.withUnsafeBufferPointer { try JSONObjectReader.members(of: $0, named: ["id", "text"], asBytes: ["text"]) }
        #expect(record == ["id": .literal("1"), "text": .utf8(Array("t".utf8))])
        let broken = Array(#"{"id": 1, "url": "x"#.utf8)
        #expect(throws: JSONObjectReader.Failure(offset: 19, expected: "a closing '\"'")) {
            try broken.withUnsafeBufferPointer { try JSONObjectReader.members(of: $0, named: ["id"]) }
        }
    }

    @Test("members selected by position: absent ones nil, escaped names matched, a repeated name's last value kept")
    func selecting() throws {
        let selection = JSONObjectReader.Selection([("id", false), ("text", true), ("title", false), ("n", false)])
        let bytes = Array(#"{"url": "x\"y", "t\u0065xt": "a\"b", "id": 7, "skip": [1, {"id": 2}], "id": "last", "n": null}"#.utf8)
        let values = try bytes.withUnsafeBufferPointer { try JSONObjectReader.members(of: $0, selecting: selection) }
        #expect(values == [.string("last"), .utf8(Array("a\"b".utf8)), nil, .literal("null")])
        let broken = Array(#"{"id": 1, "url": "x"#.utf8)
        #expect(throws: JSONObjectReader.Failure(offset: 19, expected: "a closing '\"'")) {
            try broken.withUnsafeBufferPointer { try JSONObjectReader.members(of: $0, selecting: selection) }
        }
    }

    @Test("malformed records say what was expected and where")
    func failures() {
        #expect(throws: JSONObjectReader.Failure(offset: 0, expected: "'{'")) { try members("[1]") }
        #expect(throws: JSONObjectReader.Failure(offset: 5, expected: "':'")) { try members(#"{"a" 1}"#) }
        #expect(throws: JSONObjectReader.Failure(offset: 9, expected: "a closing '\"'")) { try members(#"{"a": "bc"#) }
        #expect(throws: JSONObjectReader.Failure(offset: 8, expected: "',' or '}'")) { try members(#"{"a": 1 2}"#) }
        #expect(throws: JSONObjectReader.Failure(offset: 11, expected: "four hex digits after '\\u'")) { try members(#"{"a": "\u12"}"#) }
    }
}

import Foundation
import Testing
@testable import TidingsCore

/// JSONOutput writes what JSONEncoder wrote before it (snake_case keys, sorted, custom dates,
/// no escaped slashes), byte for byte: the reference here is JSONEncoder set up that way.
@Suite("JSON output")
struct JSONOutputTests {
    private static func reference<T: Encodable>(_ value: T, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Numbers: Encodable {
        var doubles: [Double] = [1, 0.5, 1e-6, 1e20, 123_456_789.125, 1e300, .leastNonzeroMagnitude, 0.1 + 0.2, 100, 1e16,
                                 12_345_678_901_234_567_168, 9_007_199_254_740_992, -3, 2.5e-8]
        var float: Float = 0.1
        var floats: [Float] = [1, 3.4e38, 1e-7]
        var small: [Int8] = [-128, 127]
        var unsigned: [UInt64] = [0, UInt64(Int64.max)]
        var widths: [Int32] = [Int32.min]
        var short: UInt16 = 65535
        var int: Int = Int.min
        var long: Int64 = Int64.max
        var single: Double = 42
    }

    struct Keys: Encodable {
        var myURLProperty = 1
        var a1B = 2
        var isHTTPS = true
        var p95Ms = 3
        var URL = 4
        var x = 5
        var lastErrorAt = 6
        var already_snake = 7
        var _leading = 8
        var trailingX = 9
        var aBCDef = 10
        var évènementÉtéFin = 11
        var ǅungla = 12
    }

    struct Shapes: Encodable {
        var text = "a\u{8}b\u{c}c\u{1}d\u{1f}\"\\/\u{7f}\u{2028}é😀\t\n\r e\u{301}"
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var dictionary: [String: Int] = ["someKey": 1, "b": 2, "URLKey": 3]
        var numberKeys: [Int: String] = [2: "two", 10: "ten"]
        var nested: [[Int?]] = [[], [1, nil], [nil]]
        var absent: Int?
        var present: String? = "here"
        var null: String?? = .some(nil)
        var date = Date(timeIntervalSince1970: 1_767_691_800)
        var dates: [Date?] = [Date(timeIntervalSince1970: 0), nil]
        var url = URL(string: "https://example.com/a b?q=1")
        var relative = URL(string: "x/y", relativeTo: URL(string: "https://example.com/base/"))
        var value = JSONValue.object(["camelKey": .array([.int(1), .double(1.5), .null]), "b": .bool(false)])
        var inner = Inner()
        var inners = [Inner(), Inner()]
    }

    struct Inner: Encodable {
        var innerValue = 1
        var deeperList: [Keys] = []
    }

    /// A hand-written encode that writes into one object from two containers, nests containers
    /// and asks for a super encoder, as SearchHit and friends do.
    struct Handwritten: Encodable {
        enum First: String, CodingKey { case firstKey, shared }
        enum Second: String, CodingKey { case secondKey = "second_key", nestedThing, listOfThings }
        enum Deep: CodingKey { case deepValue }

        func encode(to encoder: any Encoder) throws {
            var first = encoder.container(keyedBy: First.self)
            try first.encode("one", forKey: .firstKey)
            try first.encodeNil(forKey: .shared)
            var second = encoder.container(keyedBy: Second.self)
            try second.encode(2.0, forKey: .secondKey)
            var nested = second.nestedContainer(keyedBy: Deep.self, forKey: .nestedThing)
            try nested.encode([1.5, 2], forKey: .deepValue)
            var list = second.nestedUnkeyedContainer(forKey: .listOfThings)
            try list.encode(true)
            var deeper = list.nestedContainer(keyedBy: Deep.self)
            try deeper.encode(Int16(-7), forKey: .deepValue)
            var innerList = list.nestedUnkeyedContainer()
            try innerList.encode(UInt8(255))
            try Inner().encode(to: first.superEncoder())
            try Inner().encode(to: first.superEncoder(forKey: .shared))
        }
    }

    @Test("writes what JSONEncoder wrote, compact and pretty", arguments: [false, true])
    func sameAsJSONEncoder(pretty: Bool) throws {
        #expect(JSONOutput.encode(Numbers(), pretty: pretty) == (try Self.reference(Numbers(), pretty: pretty)))
        #expect(JSONOutput.encode(Keys(), pretty: pretty) == (try Self.reference(Keys(), pretty: pretty)))
        #expect(JSONOutput.encode(Shapes(), pretty: pretty) == (try Self.reference(Shapes(), pretty: pretty)))
        #expect(JSONOutput.encode(Handwritten(), pretty: pretty) == (try Self.reference(Handwritten(), pretty: pretty)))
        #expect(JSONOutput.encode([Shapes](), pretty: pretty) == (try Self.reference([Shapes](), pretty: pretty)))
        #expect(JSONOutput.encode([Inner(deeperList: [Keys()])], pretty: pretty)
                == (try Self.reference([Inner(deeperList: [Keys()])], pretty: pretty)))
        #expect(JSONOutput.encode("top level", pretty: pretty) == (try Self.reference("top level", pretty: pretty)))
    }

    @Test("a search hit, as `tidings search --json` prints it")
    func searchHit() throws {
        let article = ArticleSummary(id: 7, source: "almaty-news", title: "Budget vote", url: "https://example.com/a/7",
                                     published: nil, firstSeen: Date(timeIntervalSince1970: 1_767_691_800), duplicateOf: 3)
        let hit = SearchHit(article: article, score: 2.75, titleMarks: MarkedText(marked: "\u{02}Budget\u{03} vote"),
                            snippet: MarkedText(marked: "The \u{02}budget\u{03} passed"))
        for pretty in [false, true] {
            #expect(JSONOutput.encode([hit, hit], pretty: pretty) == (try Self.reference([hit, hit], pretty: pretty)))
        }
    }

    @Test("numbers JSONEncoder cannot write: the widest integers, negative zero")
    func beyondJSONEncoder() {
        struct Wide: Encodable { var values: [Int128] = [0, Int128(Int64.min), Int128(Int64.max) + 1]; var zero = -0.0 }
        #expect(JSONOutput.encode(Wide()) == #"{"values":[0,-9223372036854775808,9.223372036854776e+18],"zero":-0.0}"#)
    }

    @Test("a number JSON cannot hold is an error, as it was")
    func nonFinite() {
        struct Bad: Encodable { var value = Double.nan }
        #expect(JSONOutput.encode(Bad()).hasPrefix("{\"error\": \"cannot encode output:"))
    }

    /// One property of any name, to ask JSONEncoder how it spells that name.
    struct OneKey: Encodable {
        struct Name: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let name: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Name.self)
            try container.encode(1, forKey: Name(stringValue: name))
        }
    }

    @Test("snake_case keys split as JSONEncoder splits them", arguments: [
        ("myURLProperty", "my_url_property"), ("URL", "u_rl"), ("a1B", "a1_b"), ("x", "x"), ("", ""),
        ("isHTTPS", "is_https"), ("aBCDef", "a_bc_def"), ("already_snake", "already_snake"), ("ABC", "a_bc"),
        ("évènementÉtéFin", "évènement_été_fin"), ("lastErrorAt", "last_error_at"), ("p95Ms", "p95_ms"),
    ])
    func snakeCase(key: String, expected: String) throws {
        #expect(SnakeCase.convert(key) == expected)
        let spelled = try Self.reference(OneKey(name: key), pretty: false)
        #expect(spelled == "{\"\(expected)\":1}", "JSONEncoder spells \(key.debugDescription) as in \(spelled)")
    }

    @Test("one encoding spells a name as a property and keeps it as a dictionary key, in either order")
    func namesRememberedApart() throws {
        struct Both: Encodable {
            var someKey = 1
            var map = ["someKey": 2]
            var again = [Inner2()]
        }
        struct Inner2: Encodable { var someKey = 3 }
        struct DictionaryFirst: Encodable {
            var map = ["someKey": 2]
            var someKey = 1
        }
        #expect(JSONOutput.encode(Both()) == #"{"again":[{"some_key":3}],"map":{"someKey":2},"some_key":1}"#)
        #expect(JSONOutput.encode(Both()) == (try Self.reference(Both(), pretty: false)))
        #expect(JSONOutput.encode(DictionaryFirst()) == (try Self.reference(DictionaryFirst(), pretty: false)))
    }
}

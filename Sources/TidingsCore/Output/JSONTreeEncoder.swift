import Foundation

/// Turns an `Encodable` value into a `JSONValue` the way every `--json` output spells it:
/// snake_case keys (a dictionary's own keys as they are), dates as `2026-01-06T09:30:00Z`, URLs
/// as their text, a whole number held in a `Double` without its `.0` — JSONEncoder's output,
/// byte for byte once written with sorted keys.
///
/// JSONEncoder asks of every type it meets whether it is a dictionary, a date, a URL or data: the
/// first such cast of a type scans the binary's 7,000 protocol conformances, 1.3 ms of a
/// `tidings search --json`. This encoder compares metatypes instead, which costs nothing.
enum JSONTreeEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = JSONNode()
        try root.encode(value, codingPath: [])
        return root.value
    }
}

/// One value being encoded: a leaf, or an object or array that containers fill.
final class JSONNode {
    private var leaf: JSONValue = .null
    fileprivate var fields: [String: JSONNode]?
    fileprivate var items: [JSONNode]?

    var value: JSONValue {
        if let fields { return .object(fields.mapValues(\.value)) }
        if let items { return .array(items.map(\.value)) }
        return leaf
    }

    func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if T.self == Date.self {
            leaf = .string(ISO8601.string(value as! Date))
        } else if T.self == URL.self {
            leaf = .string((value as! URL).absoluteString)
        } else if T.self == JSONValue.self {
            leaf = value as! JSONValue
        } else {
            try value.encode(to: JSONNodeEncoder(node: self, codingPath: codingPath))
        }
    }

    func set(_ value: JSONValue) { leaf = value }

    /// An integer of any width. The keyed and unkeyed containers hand every width but Int's to the
    /// value's own `encode(to:)`, which comes here. JSONValue holds an Int: one beyond it is written
    /// as the nearest double.
    func set<Integer: BinaryInteger>(integer: Integer) { leaf = Int(exactly: integer).map(JSONValue.int) ?? .double(Double(integer)) }

    /// A double as JSONEncoder writes it: its shortest spelling, less a trailing `.0`.
    func set(_ number: Double, codingPath: [any CodingKey]) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not valid JSON"))
        }
        let whole = number.description.hasSuffix(".0") && !(number == 0 && number.sign == .minus)
        leaf = whole ? Int(exactly: number).map(JSONValue.int) ?? .double(number) : .double(number)
    }

    fileprivate func makeObject() { if fields == nil { fields = [:] } }
    fileprivate func makeArray() { if items == nil { items = [] } }
}

private struct JSONNodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return JSONUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(node: node, codingPath: codingPath)
    }
}

private struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]
    /// A dictionary's keys are its own: only property names become snake_case. (The runtime's name
    /// of the type: `String(describing:)` would cast it to three protocols and reflect it first.)
    private let keepsKeys = _typeName(Key.self, qualified: false) == "_DictionaryCodingKey"

    init(node: JSONNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    private func child(for key: Key) -> JSONNode {
        let child = JSONNode()
        node.fields![keepsKeys ? key.stringValue : SnakeCase.convert(key.stringValue)] = child
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { child(for: key).set(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(for: key).set(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(for: key).set(.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try child(for: key).set(value, codingPath: codingPath + [key]) }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try child(for: key).set(Double(value.description) ?? Double(value), codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(for: key).set(.int(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try child(for: key).encode(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        JSONNodeEncoder(node: child(for: key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(node: child(for: key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = SuperKey()
        let child = JSONNode()
        node.fields![key.stringValue] = child
        return JSONNodeEncoder(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(node: child(for: key), codingPath: codingPath + [key])
    }
}

private struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var count: Int { node.items!.count }

    private func next() -> JSONNode {
        let child = JSONNode()
        node.items!.append(child)
        return child
    }

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(intValue: count)] }

    mutating func encodeNil() throws { next().set(.null) }
    mutating func encode(_ value: Bool) throws { next().set(.bool(value)) }
    mutating func encode(_ value: String) throws { next().set(.string(value)) }
    mutating func encode(_ value: Double) throws { try next().set(value, codingPath: nextPath) }
    mutating func encode(_ value: Float) throws { try next().set(Double(value.description) ?? Double(value), codingPath: nextPath) }
    mutating func encode(_ value: Int) throws { next().set(.int(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        try next().encode(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        return JSONNodeEncoder(node: next(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        return JSONNodeEncoder(node: next(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        return JSONNodeEncoder(node: next(), codingPath: path)
    }
}

private struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws { try node.set(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try node.set(Double(value.description) ?? Double(value), codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { node.set(.int(value)) }
    mutating func encode(_ value: Int8) throws { node.set(integer: value) }
    mutating func encode(_ value: Int16) throws { node.set(integer: value) }
    mutating func encode(_ value: Int32) throws { node.set(integer: value) }
    mutating func encode(_ value: Int64) throws { node.set(integer: value) }
    mutating func encode(_ value: Int128) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt8) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt16) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt32) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt64) throws { node.set(integer: value) }
    mutating func encode(_ value: UInt128) throws { node.set(integer: value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.encode(value, codingPath: codingPath) }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// JSONEncoder's `.convertToSnakeCase`: a word ends before a capital that follows a small letter, and
/// a run of capitals is a word of its own up to the capital before the next small letter
/// (`myURLProperty` → `my_url_property`); the words are lowercased and joined with `_`.
enum SnakeCase {
    static func convert(_ key: String) -> String {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else {
            let scalars = Array(key.unicodeScalars)
            return words(in: scalars, isCapital: isCapital, isSmall: isSmall)
                .map { String(String.UnicodeScalarView(scalars[$0])).lowercased() }.joined(separator: "_")
        }
        let bytes = Array(key.utf8)
        guard bytes.contains(where: isASCIICapital) else { return key }
        var result: [UInt8] = []
        for (index, range) in words(in: bytes, isCapital: isASCIICapital, isSmall: { (0x61...0x7A).contains($0) }).enumerated() {
            if index > 0 { result.append(0x5F) }
            result.append(contentsOf: bytes[range].lazy.map { isASCIICapital($0) ? $0 + 0x20 : $0 })
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The words' ranges in `units`, as JSONEncoder splits them.
    private static func words<Unit>(in units: [Unit], isCapital: (Unit) -> Bool, isSmall: (Unit) -> Bool) -> [Range<Int>] {
        guard !units.isEmpty else { return [] }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let capital = units[min(searchStart, units.count)...].firstIndex(where: isCapital) {
            words.append(wordStart..<capital)
            guard let small = units[capital...].firstIndex(where: isSmall) else {
                wordStart = capital
                break
            }
            if small == capital + 1 {
                wordStart = capital
            } else {
                words.append(capital..<(small - 1))
                wordStart = small - 1
            }
            searchStart = small + 1
        }
        words.append(wordStart..<units.count)
        return words
    }

    private static func isASCIICapital(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }

    private static func isCapital(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .uppercaseLetter || category == .titlecaseLetter
    }

    private static func isSmall(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .lowercaseLetter
    }
}

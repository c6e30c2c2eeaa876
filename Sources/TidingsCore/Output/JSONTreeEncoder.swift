import Foundation

/// Turns an `Encodable` value into a `JSONValue` the way every `--json` output spells it:
/// snake_case keys (a dictionary's own keys as they are), dates as `2026-01-06T09:30:00Z`, URLs
/// as their text, a whole number held in a `Double` without its `.0` — JSONEncoder's output,
/// byte for byte once written with sorted keys.
///
/// JSONEncoder asks of every type it meets whether it is a dictionary, a date, a URL or data, and
/// the first such cast of a type scans the binary's 7,000 protocol conformances. This encoder
/// compares metatypes instead: a page of 50 search hits took 10.1 million instructions through
/// JSONEncoder and takes 5.3 million here (callgrind), the rest being the Encodable machinery's
/// own generic types, which any encoder meets.
enum JSONTreeEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = JSONNode(names: JSONKeyNames())
        try root.encode(value, codingPath: [])
        return root.value
    }
}

/// Property names in snake_case, each worked out once per encoding: 2,000 search hits meet the
/// same dozen names 20,000 times.
final class JSONKeyNames {
    private var spelled: [String: String] = [:]

    func snakeCase(_ name: String) -> String {
        if let spelling = spelled[name] { return spelling }
        let spelling = SnakeCase.convert(name)
        spelled[name] = spelling
        return spelling
    }
}

/// One value being encoded: a leaf, or an object or array that containers fill. A member whose
/// encoding has finished is kept as its `JSONValue`: only containers still open are nodes (a page
/// of 10,000 search hits held a node for every field, 15 MB).
final class JSONNode {
    let names: JSONKeyNames
    private var leaf: JSONValue = .null
    fileprivate var fields: [String: Member]?
    fileprivate var items: [Member]?

    fileprivate enum Member {
        case done(JSONValue)
        case open(JSONNode)  // a nested container or super encoder handed out, filled later

        var value: JSONValue {
            switch self {
            case .done(let value): value
            case .open(let node): node.value
            }
        }
    }

    var value: JSONValue {
        if let fields { return .object(fields.mapValues(\.value)) }
        if let items { return .array(items.map(\.value)) }
        return leaf
    }

    init(names: JSONKeyNames) { self.names = names }

    /// A node for a member of this one.
    fileprivate func child() -> JSONNode { JSONNode(names: names) }

    /// `value` encoded on its own, as a member of this node: finished when this returns.
    fileprivate func member<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Member {
        let node = child()
        try node.encode(value, codingPath: codingPath)
        return .done(node.value)
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
    static func integer<Integer: BinaryInteger>(_ integer: Integer) -> JSONValue {
        Int(exactly: integer).map(JSONValue.int) ?? .double(Double(integer))
    }

    /// A double as JSONEncoder writes it: its shortest spelling, less a trailing `.0`.
    static func number(_ number: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not valid JSON"))
        }
        let whole = number.description.hasSuffix(".0") && !(number == 0 && number.sign == .minus)
        return whole ? Int(exactly: number).map(JSONValue.int) ?? .double(number) : .double(number)
    }

    /// A float as JSONEncoder writes it: through its own shortest spelling.
    static func number(_ number: Float, codingPath: [any CodingKey]) throws -> JSONValue {
        try Self.number(Double(number.description) ?? Double(number), codingPath: codingPath)
    }

    fileprivate func makeObject() { if fields == nil { fields = [:] } }
    fileprivate func makeArray() { if items == nil { items = [] } }
}

fileprivate struct JSONNodeEncoder: Encoder {
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

    private func put(_ member: JSONNode.Member, for key: Key) {
        node.fields![keepsKeys ? key.stringValue : node.names.snakeCase(key.stringValue)] = member
    }

    /// A node for a container handed out under `key`, filled after this returns.
    private func open(for key: Key) -> JSONNodeEncoder {
        let child = node.child()
        put(.open(child), for: key)
        return JSONNodeEncoder(node: child, codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { put(.done(.null), for: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.done(.bool(value)), for: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.done(.string(value)), for: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(.done(try JSONNode.number(value, codingPath: codingPath + [key])), for: key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(.done(try JSONNode.number(value, codingPath: codingPath + [key])), for: key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.done(.int(value)), for: key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try node.member(value, codingPath: codingPath + [key]), for: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        open(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        open(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = SuperKey()
        let child = node.child()
        node.fields![key.stringValue] = .open(child)
        return JSONNodeEncoder(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { open(for: key) }
}

private struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var count: Int { node.items!.count }

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(intValue: count)] }

    private func append(_ member: JSONNode.Member) { node.items!.append(member) }

    /// A node for a container handed out next, filled after this returns.
    private func open() -> JSONNodeEncoder {
        let path = nextPath
        let child = node.child()
        append(.open(child))
        return JSONNodeEncoder(node: child, codingPath: path)
    }

    mutating func encodeNil() throws { append(.done(.null)) }
    mutating func encode(_ value: Bool) throws { append(.done(.bool(value))) }
    mutating func encode(_ value: String) throws { append(.done(.string(value))) }
    mutating func encode(_ value: Double) throws { append(.done(try JSONNode.number(value, codingPath: nextPath))) }
    mutating func encode(_ value: Float) throws { append(.done(try JSONNode.number(value, codingPath: nextPath))) }
    mutating func encode(_ value: Int) throws { append(.done(.int(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try node.member(value, codingPath: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        open().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { open().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { open() }
}

private struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws { node.set(try JSONNode.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { node.set(try JSONNode.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { node.set(.int(value)) }
    mutating func encode(_ value: Int8) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: Int16) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: Int32) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: Int64) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: Int128) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt8) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt16) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt32) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt64) throws { node.set(JSONNode.integer(value)) }
    mutating func encode(_ value: UInt128) throws { node.set(JSONNode.integer(value)) }
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

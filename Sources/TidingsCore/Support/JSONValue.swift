import Foundation

/// A JSON value, for event details and machine-readable output.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text with sorted keys (written directly: JSONEncoder is slow for large feeds).
    public var jsonText: String { text(pretty: false) }

    /// JSON text with sorted keys; `pretty` lays it out as JSONEncoder's `.prettyPrinted` does
    /// (two-space indents, `"key" : value`, an empty array or object over two lines).
    public func text(pretty: Bool) -> String {
        var output = [UInt8]()
        write(to: &output, indent: pretty ? 0 : nil)
        return String(decoding: output, as: UTF8.self)
    }

    /// A JSON object with its fields in the given order (instead of sorted).
    public static func objectText(_ fields: [(String, JSONValue)]) -> String {
        var output: [UInt8] = []
        writeMembers(fields, open: 0x7B, close: 0x7D, indent: nil, to: &output) { field, output in
            writeString(field.0, to: &output)
            output.append(0x3A)
            field.1.write(to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Writes the value; `indent` is the depth of a pretty layout, nil for compact text.
    private func write(to output: inout [UInt8], indent: Int? = nil) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value):
            output.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let values):
            JSONValue.writeMembers(values, open: 0x5B, close: 0x5D, indent: indent, to: &output) { value, output in
                value.write(to: &output, indent: indent.map { $0 + 1 })
            }
        case .object(let fields):
            JSONValue.writeMembers(fields.sorted { $0.key < $1.key }, open: 0x7B, close: 0x7D, indent: indent,
                                   to: &output) { field, output in
                JSONValue.writeString(field.key, to: &output)
                output.append(contentsOf: indent == nil ? [0x3A] : [0x20, 0x3A, 0x20])
                field.value.write(to: &output, indent: indent.map { $0 + 1 })
            }
        }
    }

    /// An array's or object's brackets around its members, separated by commas and, in a pretty
    /// layout, each on its own line.
    private static func writeMembers<Member>(_ members: [Member], open: UInt8, close: UInt8, indent: Int?,
                                             to output: inout [UInt8],
                                             _ writeMember: (Member, inout [UInt8]) -> Void) {
        output.append(open)
        for (index, member) in members.enumerated() {
            if index > 0 { output.append(0x2C) }
            if let indent { newLine(depth: indent + 1, to: &output) }
            writeMember(member, &output)
        }
        if let indent {
            if members.isEmpty { output.append(0x0A) }
            newLine(depth: indent, to: &output)
        }
        output.append(close)
    }

    private static func newLine(depth: Int, to output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            // Copy runs that need no escaping in one go.
            var runStart = 0
            var index = ByteScan.firstNeedingJSONEscape(in: bytes, from: 0, to: bytes.count)
            while index < bytes.count {
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                escape(bytes[index], to: &output)
                runStart = index + 1
                index = ByteScan.firstNeedingJSONEscape(in: bytes, from: runStart, to: bytes.count)
            }
            if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        output.append(0x22)
    }

    private static func escape(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case 0x22, 0x5C: output.append(0x5C); output.append(byte)
        case 0x0A: output.append(0x5C); output.append(0x6E)
        case 0x0D: output.append(0x5C); output.append(0x72)
        case 0x09: output.append(0x5C); output.append(0x74)
        case 0x08: output.append(0x5C); output.append(0x62)
        case 0x0C: output.append(0x5C); output.append(0x66)
        case 0x00..<0x20:
            // \u00XX
            for code: UInt8 in [0x5C, 0x75, 0x30, 0x30] { output.append(code) }
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0x0F))
        default: output.append(byte)
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    public static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}

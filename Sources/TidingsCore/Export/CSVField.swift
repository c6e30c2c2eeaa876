/// RFC 4180 fields: quoted when they hold a comma, a quote or a line break, quotes doubled.
public enum CSVField {
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return quoted(text)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .array, .object: return quoted(value.jsonText)
        }
    }

    public static func line(_ values: [JSONValue]) -> String {
        values.map(text).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingByte(UInt8(ascii: "\""), with: "\"\"") + "\""
    }
}

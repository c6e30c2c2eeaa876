/// Reads one flat JSON object (a JSON Lines record) quickly: string members
/// decoded, other members kept as their JSON text. Nested objects and arrays
/// are kept as text too. Used where Foundation's JSON parser is the bottleneck.
struct JSONObjectReader {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var expected: String
        var description: String { "expected \(expected) at byte \(offset + 1)" }
    }

    /// A member's value: a string (decoded) or any other JSON value (as written).
    enum Value: Equatable {
        case string(String)
        case literal(String)
        /// A string member asked for as bytes: its decoded UTF-8, not validated.
        case utf8([UInt8])

        var string: String? {
            switch self {
            case .string(let text): text
            case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
            case .literal: nil
            }
        }
        /// The value as JSON text (a string quoted again).
        var jsonText: String {
            switch self {
            case .string(let text): JSONValue.string(text).jsonText
            case .literal(let text): text
            case .utf8(let bytes): JSONValue.string(String(decoding: bytes, as: UTF8.self)).jsonText
            }
        }
    }

    /// The members of the object on `line` (only those in `named`, when given: the others are
    /// checked but not decoded); string members named in `asBytes` come as `.utf8`.
    static func members(of line: UnsafeBufferPointer<UInt8>, named: Set<String>? = nil,
                        asBytes: Set<String> = []) throws(Failure) -> [String: Value] {
        var reader = Cursor(bytes: line)
        var members: [String: Value] = [:]
        try reader.object { nameBytes, value throws(Failure) in
            let name = String(decoding: nameBytes, as: UTF8.self)
            if let named, !named.contains(name) { return false }
            members[name] = try value.value(asBytes: asBytes.contains(name))
            return true
        }
        return members
    }

    /// Member names asked for by position: a member's name is compared with their bytes (no
    /// String made for it, nothing hashed).
    struct Selection {
        let names: [[UInt8]]
        /// Whether each name's string value comes as `.utf8` rather than `.string`.
        let asBytes: [Bool]

        init(_ names: [(name: String, asBytes: Bool)]) {
            self.names = names.map { Array($0.name.utf8) }
            asBytes = names.map(\.asBytes)
        }
    }

    /// The members of the object on `line` named in `selection`, in its order (nil where there is
    /// none); the others are checked but not decoded. A repeated name keeps its last value.
    static func members(of line: UnsafeBufferPointer<UInt8>, selecting selection: Selection) throws(Failure) -> [Value?] {
        var reader = Cursor(bytes: line)
        var values = [Value?](repeating: nil, count: selection.names.count)
        try reader.object { name, value throws(Failure) in
            guard let slot = selection.names.firstIndex(where: { $0.elementsEqual(name) }) else { return false }
            values[slot] = try value.value(asBytes: selection.asBytes[slot])
            return true
        }
        return values
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// Reads an object, handing `member` each member's name (escapes decoded) and the cursor on
        /// its value; `member` reads the value and returns true, or returns false to have it skipped.
        mutating func object(_ member: (UnsafeBufferPointer<UInt8>, inout Cursor) throws(Failure) -> Bool) throws(Failure) {
            skipSpace()
            try expect(0x7B, "'{'")
            skipSpace()
            if peek == 0x7D { index += 1; return }
            while true {
                skipSpace()
                guard peek == 0x22 else { throw Failure(offset: index, expected: "a member name in double quotes") }
                let first = Self.quoteOrBackslash(in: bytes, from: index + 1)
                let escapedName: [UInt8]?
                let nameRange: Range<Int>
                if first < bytes.count, bytes[first] == 0x22 {
                    // No escape: the name is read where it is.
                    nameRange = (index + 1)..<first
                    escapedName = nil
                    index = first + 1
                } else {
                    escapedName = try escapedStringBytes(from: first)
                    nameRange = 0..<0
                }
                skipSpace()
                try expect(0x3A, "':'")
                skipSpace()
                let read: Bool
                if let escapedName {
                    read = try escapedName.withUnsafeBufferPointer { name throws(Failure) in try member(name, &self) }
                } else {
                    read = try member(UnsafeBufferPointer(rebasing: bytes[nameRange]), &self)
                }
                if !read {
                    if peek == 0x22 { try skipString() } else { try skipValue() }
                }
                skipSpace()
                if peek == 0x2C { index += 1; continue }
                try expect(0x7D, "',' or '}'")
                return
            }
        }

        /// The value at `index`: a string (as bytes when `asBytes`) or any other value as written.
        mutating func value(asBytes: Bool) throws(Failure) -> Value {
            if peek == 0x22 { return asBytes ? .utf8(try stringBytes()) : .string(try string()) }
            let start = index
            try skipValue()
            return .literal(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
            guard peek == byte else { throw Failure(offset: index, expected: what) }
            index += 1
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        /// A string at `index` (on its opening quote), escapes decoded.
        mutating func string() throws(Failure) -> String {
            let first = Self.quoteOrBackslash(in: bytes, from: index + 1)
            if first < bytes.count, bytes[first] == 0x22 {
                // No escape: straight from the line (a member name then needs no allocation at all).
                defer { index = first + 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<first]), as: UTF8.self)
            }
            return String(decoding: try escapedStringBytes(from: first), as: UTF8.self)
        }

        /// The UTF-8 of a string at `index` (on its opening quote), escapes decoded.
        mutating func stringBytes() throws(Failure) -> [UInt8] {
            let first = Self.quoteOrBackslash(in: bytes, from: index + 1)
            if first < bytes.count, bytes[first] == 0x22 {
                // No escape at all: the run is the string.
                defer { index = first + 1 }
                return Array(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<first]))
            }
            return try escapedStringBytes(from: first)
        }

        /// `stringBytes()` of a string whose first backslash (or, never closed, whose end) is at
        /// `first`: the run before it is not searched again.
        private mutating func escapedStringBytes(from first: Int) throws(Failure) -> [UInt8] {
            index += 1
            var decoded = [UInt8]()
            // Room for the rest of the line at once (the string is at most that, escapes only shorten
            // it): one allocation, not a reallocation per escaped quote of an HTML text, and no pass
            // to find the string's end first (that pass was a third of reading a line).
            decoded.reserveCapacity(bytes.count - index)
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<first]))
            index = first
            while true {
                let run = index
                index = Self.quoteOrBackslash(in: bytes, from: index)
                if index > run { decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index])) }
                guard let byte = peek else { throw Failure(offset: index, expected: "a closing '\"'") }
                index += 1
                if byte == 0x22 { return decoded }
                guard let escape = peek else { throw Failure(offset: index, expected: "an escape") }
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: decoded.append(escape)
                case 0x62: decoded.append(0x08)
                case 0x66: decoded.append(0x0C)
                case 0x6E: decoded.append(0x0A)
                case 0x72: decoded.append(0x0D)
                case 0x74: decoded.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), peek == 0x5C, index + 1 < bytes.count, bytes[index + 1] == 0x75 {
                        index += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    decoded.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}")!)
                default: throw Failure(offset: index - 1, expected: "a valid escape after '\\'")
                }
            }
        }

        /// The index of the first '"' or '\\' at or after `start` (the end when there is none).
        static func quoteOrBackslash(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            ByteScan.first(0x22, or: 0x5C, in: bytes, from: start, to: bytes.count)
        }

        /// Steps over a string at `index` (on its opening quote) without decoding it.
        mutating func skipString() throws(Failure) {
            index += 1
            while true {
                index = Self.quoteOrBackslash(in: bytes, from: index)
                guard let byte = peek else { throw Failure(offset: index, expected: "a closing '\"'") }
                index += 1
                if byte == 0x22 { return }
                guard peek != nil else { throw Failure(offset: index, expected: "an escape") }
                index += 1  // what follows a backslash is never the closing quote
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek, let digit = Self.hexValue(byte) else {
                    throw Failure(offset: index, expected: "four hex digits after '\\u'")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case 0x30...0x39: UInt32(byte - 0x30)
            case 0x41...0x46: UInt32(byte - 0x41 + 10)
            case 0x61...0x66: UInt32(byte - 0x61 + 10)
            default: nil
            }
        }

        /// Skips a non-string value: a literal, a number, or a nested object/array.
        mutating func skipValue() throws(Failure) {
            guard let first = peek else { throw Failure(offset: index, expected: "a value") }
            if first == 0x7B || first == 0x5B {
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case 0x22: _ = try string(); continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D: depth -= 1
                    default: break
                    }
                    index += 1
                    if depth == 0 { return }
                }
                throw Failure(offset: index, expected: "the end of a nested value")
            }
            let start = index
            while let byte = peek, byte != 0x2C, byte != 0x7D, byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                index += 1
            }
            guard index > start else { throw Failure(offset: index, expected: "a value") }
        }
    }
}

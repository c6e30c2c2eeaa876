import Foundation

/// Finds what toml++ (inside TOMLKit) must never see: it aborts the whole
/// process, instead of reporting an error, on a control character in a table
/// header (`[\u{1}`), on a table header that does not start with a key
/// (`[[[`, `[` at the end of a line) and on a separator where a value must
/// come (`t=["",}`). TOML allows none of them; this says so with the position,
/// so a bad config is an error message, not a crash of `tidingsd` (or of a
/// running one on SIGHUP). Found by `make fuzz`.
enum TOMLPrecheck {
    struct Problem: Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    static func firstProblem(in text: String) -> Problem? {
        var scanner = Scanner(Array(text.unicodeScalars))
        return scanner.run()
    }

    /// A small TOML lexer: strings, comments and bracket depth, enough to tell a
    /// table header (a `[` first on a line, outside any value) from an array.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0, line = 1, column = 1
        /// Open `[` and `{` of values (and of the header being read), innermost last.
        var open: [Unicode.Scalar] = []
        var depth: Int { open.count }
        var atLineStart = true

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        func starts(with literal: String) -> Bool {
            var position = index
            for scalar in literal.unicodeScalars {
                guard position < scalars.count, scalars[position] == scalar else { return false }
                position += 1
            }
            return true
        }

        mutating func advance() {
            if scalars[index] == "\n" {
                line += 1
                column = 1
                atLineStart = true
            } else {
                column += 1
            }
            index += 1
        }

        func problem(_ message: String) -> Problem { Problem(line: line, column: column, message: message) }

        mutating func run() -> Problem? {
            while let scalar = current {
                if let control = controlProblem(scalar) { return control }
                if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                    advance()
                    continue
                }
                let lineStart = atLineStart
                atLineStart = false
                switch scalar {
                case "#":
                    while let next = current, next != "\n" {
                        if let control = controlProblem(next) { return control }
                        advance()
                    }
                case "\"", "'":
                    if let problem = skipString() { return problem }
                case "[":
                    let isHeader = lineStart && depth == 0
                    if isHeader, let problem = checkHeader() { return problem }
                    open.append(isHeader ? "h" : "[")
                    advance()
                    if !isHeader, let problem = expectValue(afterSeparatorIn: "[") { return problem }
                case "{":
                    open.append("{")
                    advance()
                    if let problem = expectValue(afterSeparatorIn: "{") { return problem }
                case ",":
                    advance()
                    if let container = open.last, container != "h", let problem = expectValue(afterSeparatorIn: container) {
                        return problem
                    }
                case "=" where open.last != "h":
                    advance()
                    if let problem = expectValue(afterSeparatorIn: "=") { return problem }
                case "]", "}":
                    _ = open.popLast()
                    advance()
                default:
                    advance()
                }
            }
            return nil
        }

        func controlProblem(_ scalar: Unicode.Scalar) -> Problem? {
            switch scalar.value {
            case 0x00...0x08, 0x0B...0x0C, 0x0E...0x1F, 0x7F:
                return problem("control character \(String(format: "U+%04X", scalar.value)) is not allowed (only tab, line feed and carriage return are)")
            default:
                return nil
            }
        }

        /// After `=`, or after `[`, `{` or `,` of a value: what comes next (past spaces, and in
        /// an array past line ends and comments too) must not be a separator or a closer that
        /// toml++ does not expect there — it asserts instead of reporting ("t = [1,}", "{a=1,}").
        func expectValue(afterSeparatorIn container: Unicode.Scalar) -> Problem? {
            var position = index, line = self.line, column = self.column
            while position < scalars.count {
                let scalar = scalars[position]
                if scalar == " " || scalar == "\t" || scalar == "\r" {
                    position += 1
                    column += 1
                } else if container == "[", scalar == "\n" {
                    position += 1
                    line += 1
                    column = 1
                } else if container == "[", scalar == "#" {
                    while position < scalars.count, scalars[position] != "\n" { position += 1 }
                } else {
                    break
                }
            }
            let next: Unicode.Scalar? = position < scalars.count ? scalars[position] : nil
            let refused: Bool
            switch container {
            case "[": refused = next == "," || next == "}"
            case "{": refused = next == "," || next == "]" || next == "#" || next == "\n" || next == nil
            default: refused = next == nil || [",", "}", "]", "#", "\n"].contains(next!)
            }
            guard refused else { return nil }
            let found = next.map { $0 == "\n" ? "the end of the line" : "\"\(Character($0))\"" } ?? "the end of the file"
            return Problem(line: line, column: column, message: "expected a value, found \(found)")
        }

        /// At the `[` of a table header: what follows `[` or `[[` (and spaces) must start a key.
        func checkHeader() -> Problem? {
            var position = index + 1
            func skipSpaces() { while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 } }
            skipSpaces()
            if position < scalars.count, scalars[position] == "[" {
                position += 1
                skipSpaces()
            }
            guard position < scalars.count, scalars[position] != "\n", scalars[position] != "\r" else {
                return Problem(line: line, column: column + (position - index),
                               message: "a table header must start with a key, found the end of the line")
            }
            let first = scalars[position]
            let startsKey = first == "]" || first == "\"" || first == "'" || first == "-" || first == "_"
                || ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first)
            // A control character there is reported as such by the main loop, which reaches it next.
            if startsKey || controlProblem(first) != nil { return nil }
            return Problem(line: line, column: column + (position - index),
                           message: "a table header must start with a key, found \"\(Character(first))\"")
        }

        /// Past a string of any of the four kinds; control characters in it are refused too.
        mutating func skipString() -> Problem? {
            let quote = scalars[index]
            let multiline = starts(with: String(repeating: Character(quote), count: 3))
            let delimiter = multiline ? String(repeating: Character(quote), count: 3) : String(Character(quote))
            for _ in 0..<delimiter.unicodeScalars.count { advance() }
            while let scalar = current {
                if !multiline, scalar == "\n" { return nil }  // unterminated: toml++ reports it
                if scalar != "\n", scalar != "\t", scalar != "\r", let control = controlProblem(scalar) { return control }
                if quote == "\"", scalar == "\\" {
                    advance()
                    if current != nil { advance() }
                    continue
                }
                if starts(with: delimiter) {
                    for _ in 0..<delimiter.unicodeScalars.count { advance() }
                    // A multi-line string may end with up to two more quotes of its own.
                    while multiline, current == quote { advance() }
                    return nil
                }
                advance()
            }
            return nil
        }
    }
}

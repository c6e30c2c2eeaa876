/// Finds what toml++ (inside TOMLKit) must never see: it aborts the whole
/// process, instead of reporting an error, on a control character in a table
/// header (`[\u{1}`) and on a table header that does not start with a key
/// (`[[[`). TOML allows neither; this says so with the position, so a bad
/// config is an error message, not a crash of `tidingsd` (or of a running one
/// on SIGHUP). Found by `make fuzz`.
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
        /// Open `[` and `{` of values (and of the header being read).
        var depth = 0
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
                    if lineStart, depth == 0, let problem = checkHeader() { return problem }
                    depth += 1
                    advance()
                case "{":
                    depth += 1
                    advance()
                case "]", "}":
                    depth = max(0, depth - 1)
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
                let code = String(scalar.value, radix: 16, uppercase: true)
                return problem("control character U+\(String(repeating: "0", count: 4 - code.count))\(code) is not allowed (only tab, line feed and carriage return are)")
            default:
                return nil
            }
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

/// A search as people type it, turned into an FTS5 query that cannot be a syntax error
/// for SQLite: words (all must match), `"exact phrases"`, `prefix*`, `OR`, `-excluded`,
/// `title:word` or `text:word` for one field, and `( )` for grouping.
///
/// Every word is handed to FTS5 as a quoted string, so punctuation in it ("U.S.",
/// "C++", "don't") is split by the same tokenizer that indexed the text instead of
/// being read as query syntax.
public struct SearchQuery: Sendable, Equatable {
    /// The query in FTS5's syntax.
    public let expression: String
    /// It is one phrase (a word, a prefix or a quoted phrase, in one column or all): a search can rank it
    /// in one pass over its matches (`SearchRanking.top`).
    let isOnePhrase: Bool

    /// Why a query cannot be searched for, in the user's terms.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws(Problem) {
        var lexer = SearchLexer(text)
        var parts: [String] = []
        var depth = 0
        /// Whether the last part can be the left operand of an operator (a term or a closed group).
        var afterOperand = false
        var positiveTerms = 0
        func needsLeftOperand(_ what: String) throws(Problem) {
            guard afterOperand else {
                throw Problem(description: "\(what) needs a term before it; for example \"kazakhstan \(what == "NOT" ? "-" : "\(what) ")russia\"")
            }
        }
        while let token = try lexer.next() {
            switch token {
            case .open:
                if afterOperand { parts.append("AND") }
                parts.append("(")
                depth += 1
                afterOperand = false
            case .close:
                guard depth > 0 else { throw Problem(description: "\")\" without a matching \"(\"") }
                guard afterOperand else { throw Problem(description: "empty or unfinished group before \")\"") }
                parts.append(")")
                depth -= 1
            case .or, .and:
                try needsLeftOperand(token == .or ? "OR" : "AND")
                parts.append(token == .or ? "OR" : "AND")
                afterOperand = false
            case .term(let term):
                guard let phrase = term.fts5Phrase else { continue }  // punctuation only: nothing to match
                if term.excluded {
                    try needsLeftOperand("NOT")
                    parts.append("NOT")
                } else {
                    if afterOperand { parts.append("AND") }
                    positiveTerms += 1
                }
                parts.append(phrase)
                afterOperand = true
            }
        }
        if depth > 0 { throw Problem(description: "\"(\" without a matching \")\"") }
        if let last = parts.last, ["OR", "AND", "NOT"].contains(last) {
            throw Problem(description: "\(last) needs a term after it")
        }
        guard positiveTerms > 0 else {
            throw Problem(description: "nothing to search for; expected at least one word or \"phrase\" (excluded terms alone match nothing)")
        }
        expression = parts.joined(separator: " ")
        isOnePhrase = parts.count == 1
    }
}

/// One word or phrase of a query, with its modifiers.
struct SearchTerm: Equatable {
    var text: String
    var column: String?
    var prefix = false
    var excluded = false

    /// `"text"`, `"text" *`, `title : "text"`; nil when the text holds nothing the tokenizer keeps.
    var fts5Phrase: String? {
        guard text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else {
            return nil
        }
        var phrase = "\"" + text.replacingByte(UInt8(ascii: "\""), with: "\"\"") + "\""
        if prefix { phrase += " *" }
        if let column { phrase = "\(column) : \(phrase)" }
        return phrase
    }
}

/// Splits a query into terms, operators and parentheses.
struct SearchLexer {
    enum Token: Equatable {
        case term(SearchTerm), or, and, open, close
    }

    static let columns = ["title", "text"]

    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    mutating func next() throws(SearchQuery.Problem) -> Token? {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        guard index < scalars.count else { return nil }
        switch scalars[index] {
        case "(":
            index += 1
            return .open
        case ")":
            index += 1
            return .close
        default:
            break
        }
        var term = SearchTerm(text: "")
        if scalars[index] == "-" || scalars[index] == "+" {
            term.excluded = scalars[index] == "-"
            index += 1
        }
        let start = index
        var word = ""
        while index < scalars.count, !scalars[index].properties.isWhitespace, !"()\"".unicodeScalars.contains(scalars[index]) {
            word.unicodeScalars.append(scalars[index])
            index += 1
        }
        if word.hasSuffix(":"), Self.columns.contains(String(word.dropLast())), index < scalars.count, !scalars[index].properties.isWhitespace {
            term.column = String(word.dropLast())
            word = ""
        } else if let colon = word.firstIndex(of: ":"), Self.columns.contains(String(word[..<colon])) {
            term.column = String(word[..<colon])
            word = String(word[word.index(after: colon)...])
        }
        if word.isEmpty, index < scalars.count, scalars[index] == "\"" {
            index += 1
            while index < scalars.count, scalars[index] != "\"" {
                word.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else {
                throw SearchQuery.Problem(description: "unterminated phrase: a \" opened at character \(start + 1) is never closed")
            }
            index += 1
            if index < scalars.count, scalars[index] == "*" {
                term.prefix = true
                index += 1
            }
        } else {
            if !term.excluded, term.column == nil, ["OR", "AND"].contains(word) { return word == "OR" ? .or : .and }
            if word == "NOT", !term.excluded, term.column == nil {
                // "a NOT b" reads as "a -b".
                guard case .term(var excluded)? = try next() else {
                    throw SearchQuery.Problem(description: "NOT needs a term after it")
                }
                excluded.excluded = true
                return .term(excluded)
            }
            if word.hasSuffix("*") {
                while word.hasSuffix("*") { word.removeLast() }
                term.prefix = !word.isEmpty
            }
        }
        term.text = word
        return .term(term)
    }
}

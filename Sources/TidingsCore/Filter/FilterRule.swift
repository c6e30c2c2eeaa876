import Foundation

/// One keep/drop rule of the config: `[field:]pattern`, where the field is
/// `title`, `text`, `author`, `tags` or `link` (none: title or text) and the
/// pattern is plain words (matched as whole words, in order, ignoring case) or
/// a regular expression between slashes (`/^Live:/`, also ignoring case).
public struct FilterRule: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The part of an item a rule looks at.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case any, title, text, author, tags, link
    }

    public let field: Field
    /// The rule as written in the config, which is also how it is stored and shown.
    public let source: String
    private let expression: MatchExpression

    public var description: String { source }

    /// Parses `text`; throws a message saying what was expected.
    public init(parsing text: String) throws(FilterRuleError) {
        source = text
        var field = Field.any
        var pattern = Substring(text)
        if let colon = text.firstIndex(of: ":"), !text.hasPrefix("/") {
            let name = text[..<colon].lowercased()
            if let named = Field(rawValue: name), named != .any {
                field = named
                pattern = text[text.index(after: colon)...]
            } else if name.allSatisfy({ $0.isLetter }) {
                throw FilterRuleError("expected a field of title, text, author, tags or link before ':', found \"\(name)\" "
                                      + "(write /\(name):.../ to match the colon itself)")
            }
        }
        self.field = field
        let trimmed = pattern.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
            let body = String(trimmed.dropFirst().dropLast())
            do {
                expression = try MatchExpression(pattern: body)
            } catch {
                throw FilterRuleError("expected a valid regular expression between the slashes, found /\(body)/")
            }
        } else {
            let words = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !words.isEmpty else { throw FilterRuleError("expected words or a /regular expression/, found nothing") }
            let phrase = words.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "\\s+")
            // Whole words: no letter or digit may touch the phrase on either side.
            expression = try! MatchExpression(pattern: "(?<![\\p{L}\\p{N}])" + phrase + "(?![\\p{L}\\p{N}])")
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }

    public static func == (lhs: FilterRule, rhs: FilterRule) -> Bool { lhs.source == rhs.source }

    /// Whether the rule matches `item`.
    func matches(_ item: FilterSubject) -> Bool {
        switch field {
        case .any: expression.matches(item.title) || expression.matches(item.text)
        case .title: expression.matches(item.title)
        case .text: expression.matches(item.text)
        case .author: expression.matches(item.author)
        case .link: expression.matches(item.link)
        case .tags: item.tags.contains { expression.matches($0) }
        }
    }
}

/// Why a rule could not be read.
public struct FilterRuleError: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// A compiled, case-insensitive regular expression. NSRegularExpression is
/// immutable once made and safe to share between threads.
private struct MatchExpression: @unchecked Sendable {
    let regex: NSRegularExpression

    init(pattern: String) throws {
        regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    func matches(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// What rules look at, taken from a feed entry and its extracted text.
struct FilterSubject {
    var title: String
    var text: String
    var author: String
    var tags: [String]
    var link: String
}

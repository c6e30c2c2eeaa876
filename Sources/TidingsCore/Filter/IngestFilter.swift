import Foundation

/// The keep/drop rules that apply to one source: the global ones of `[daemon]`
/// and the source's own. An item is stored only when it matches no drop rule
/// and, at every level (global, source) that has keep rules, at least one of them.
public struct IngestFilter: Sendable, Equatable, Codable {
    /// `[daemon] keep` and `drop`.
    public var globalKeep: [FilterRule] = []
    public var globalDrop: [FilterRule] = []
    /// The source's own `keep` and `drop`.
    public var keep: [FilterRule] = []
    public var drop: [FilterRule] = []

    public init(globalKeep: [FilterRule] = [], globalDrop: [FilterRule] = [], keep: [FilterRule] = [], drop: [FilterRule] = []) {
        self.globalKeep = globalKeep
        self.globalDrop = globalDrop
        self.keep = keep
        self.drop = drop
    }

    /// No rules at all: every item is stored.
    public var isEmpty: Bool { globalKeep.isEmpty && globalDrop.isEmpty && keep.isEmpty && drop.isEmpty }

    /// Names the rule set, so that an item dropped under other rules is judged again.
    var fingerprint: String {
        StableHash.hex([globalKeep, globalDrop, keep, drop].map { $0.map(\.source).joined(separator: "\u{1F}") }
            .joined(separator: "\u{1E}"))
    }

    /// Whether `entry`, whose title and text are `text`, is kept or dropped, and why.
    func verdict(for entry: FeedEntry, text: ArticleText) -> FilterVerdict {
        guard !isEmpty else { return .kept }
        let subject = FilterSubject(title: text.title, text: text.text, author: entry.author ?? "",
                                    tags: entry.tags.flatMap { [$0.term, $0.label].compactMap { $0 } },
                                    link: entry.link ?? "")
        if let rule = (globalDrop + drop).first(where: { $0.matches(subject) }) {
            return .dropped(reason: "drop rule \"\(rule)\"")
        }
        for (level, rules) in [("global", globalKeep), ("source", keep)] where !rules.isEmpty {
            if !rules.contains(where: { $0.matches(subject) }) { return .dropped(reason: "no \(level) keep rule matched") }
        }
        return .kept
    }
}

/// What keep/drop rules say of one item.
enum FilterVerdict: Equatable, Sendable {
    case kept
    case dropped(reason: String)
}

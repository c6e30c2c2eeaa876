import Foundation

/// Document frequencies of story terms over every article grouped so far:
/// what makes a shared term telling (a rare name) or not (a common word).
/// Kept incrementally; `pending` holds the counts not yet written to the store.
struct TermStatistics: Sendable {
    private(set) var documents = 0
    private var frequencies = TermCountTable()
    /// Counts added since `takePending` (only when `keepsPending`).
    private var pending = TermCountTable(capacity: 1024)
    private let keepsPending: Bool

    init(keepsPending: Bool) {
        self.keepsPending = keepsPending
    }

    /// Documents that make the first articles' shared terms count: with two articles in the
    /// store, a term both share would otherwise say nothing (log 2/2).
    static let priorDocuments: Float = 50

    /// Counts one more article with these terms.
    mutating func add(_ features: StoryFeatures) {
        documents += 1
        for term in features.terms {
            frequencies.add(1, to: term.key)
            if keepsPending { pending.add(1, to: term.key) }
        }
    }

    /// Loads stored counts (`documents` articles in all).
    mutating func load(documents: Int, frequencies stored: [(UInt64, UInt32)]) {
        self.documents = documents
        frequencies = TermCountTable(capacity: stored.count)
        for (key, count) in stored { frequencies.add(count, to: key) }
        pending = TermCountTable(capacity: 1024)
    }

    /// How telling a term is: log((N + prior) / (df + 1)).
    func inverseFrequency(of key: UInt64) -> Float {
        let frequency = Float(frequencies[key])
        return log((Float(documents) + Self.priorDocuments) / (frequency + 1))
    }

    var pendingCount: Int { pending.count }

    /// The counts added since the last call, to be written to the store.
    mutating func takePending() -> TermCountTable {
        defer { pending = TermCountTable(capacity: 1024) }
        return pending
    }
}

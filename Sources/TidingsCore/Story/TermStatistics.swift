import Foundation

/// Document frequencies of story terms over every article grouped so far:
/// what makes a shared term telling (a rare name) or not (a common word).
/// Kept incrementally, with the counts not yet written to the store (when it keeps them).
struct TermStatistics: Sendable {
    private(set) var documents = 0
    private var frequencies = TermCountTable()
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
        for term in features.terms { frequencies.add(1, to: term.key, unsaved: keepsPending) }
    }

    /// Loads stored counts (`documents` articles in all).
    mutating func load(documents: Int, frequencies stored: [(UInt64, UInt32)]) {
        self.documents = documents
        frequencies = TermCountTable(capacity: stored.count)
        for (key, count) in stored { frequencies.add(count, to: key) }
    }

    /// How telling a term is: log((N + prior) / (df + 1)).
    func inverseFrequency(of key: UInt64) -> Float {
        let frequency = Float(frequencies[key])
        return log((Float(documents) + Self.priorDocuments) / (frequency + 1))
    }

    /// Distinct terms counted since the counts were last taken.
    var pendingCount: Int { frequencies.unsavedCount }

    /// The counts added since the last call, to be written to the store.
    mutating func takePending() -> [(key: UInt64, count: UInt32)] { frequencies.takeUnsaved() }
}

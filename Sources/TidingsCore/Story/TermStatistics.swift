import Foundation

/// Document frequencies of story terms over every article grouped so far:
/// what makes a shared term telling (a rare name) or not (a common word).
/// Kept incrementally, with the counts not yet written to the store (when it keeps them).
///
/// Every `horizon` articles the counts are halved and the terms left at 0 forgotten: the
/// figures lean on the recent past, and memory stays bounded however long the daemon runs
/// (each article brings terms no other has: its quotations, its rare names; without the
/// halving they would pile up for good).
struct TermStatistics: Sendable {
    private(set) var documents = 0
    private var frequencies = TermCountTable()
    /// Whether what is added is also kept for the store to write (the daemon's clusterer: term counts here,
    /// changed centroids in `StoryClusterer`); `tidings dedup` writes nothing.
    let keepsPending: Bool
    /// How many articles are counted before the counts are halved.
    let horizon: Int

    init(keepsPending: Bool, horizon: Int = Self.defaultHorizon) {
        self.keepsPending = keepsPending
        self.horizon = horizon
    }

    /// Documents that make the first articles' shared terms count: with two articles in the
    /// store, a term both share would otherwise say nothing (log 2/2).
    static let priorDocuments: Float = 50

    /// The `horizon` unless tests shorten it: the figures rest on 25,000 to 50,000 articles.
    static let defaultHorizon = 50_000

    /// Whether the statistics count `horizon` articles and are to be halved.
    var isDueForHalving: Bool { documents >= horizon }

    /// Halves the article total and every term's count, forgetting the terms left at 0, as many
    /// times as it takes to bring the total under the horizon (once, unless the statistics were
    /// loaded from a store that counted more); returns how many. What is pending must have been
    /// taken first.
    mutating func halve() -> Int {
        var times = 0
        while documents >= horizon {
            documents /= 2
            times += 1
        }
        frequencies.halve(times: times)
        return times
    }

    /// Distinct terms counted.
    var termCount: Int { frequencies.count }

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

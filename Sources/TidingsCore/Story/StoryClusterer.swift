import Foundation

/// What story grouping is tuned by; built from the `[stories]` settings.
public struct StoryParameters: Sendable, Equatable {
    /// How far apart in time an article and a story may be (seconds).
    var window: Double
    /// The score at which an article joins a story.
    var threshold: Double
    /// How many articles the term statistics count before they are halved.
    var statisticsHorizon: Int

    public init(settings: StorySettings) {
        window = Double(settings.window.seconds)
        threshold = settings.threshold
        statisticsHorizon = settings.statisticsHorizon
    }

    /// The `[stories] threshold` default, tuned on the bench corpus and the realistic set.
    public static let defaultThreshold = 0.12

    /// An article's vector keeps its heaviest terms; a story's centroid a few more.
    static let articleTerms = 48
    static let centroidTerms = 96
    /// Candidate stories are looked up by the article's heaviest terms.
    static let lookupTerms = 12
    /// How many stories (newest first) one term's posting list yields.
    static let postingDepth = 150
    /// A candidate must share this many of the lookup terms (or as many as the best one shares).
    static let sharedTerms = 3
}

/// A story the clusterer can still join: its centroid and its time span.
struct ActiveStory: Sendable {
    var id: Int64
    var centroid: StoryVector
    var first: Double
    var last: Double
    /// The clusterer's clock when the story last changed (keeps fresh backfills in memory).
    var touched = 0
}

/// An article's best story and how alike they are.
struct StoryMatch: Sendable, Equatable {
    var storyID: Int64
    var score: Double
}

/// Incremental story clustering: each article joins the best story within the
/// time window whose score passes the threshold, or starts a new one. The
/// score is the cosine of the article's TF-IDF vector and the story's
/// centroid, lowered with the time between them and when their names
/// disagree (two earthquakes in one region a week apart share the region and
/// nothing else). Pure state; the store or the corpus run persist the choices.
struct StoryClusterer: Sendable {
    let parameters: StoryParameters
    private(set) var statistics: TermStatistics
    /// Active stories in dense slots (a forgotten story leaves a hole until the next compaction).
    private var slots: [ActiveStory?] = []
    private var slotOf: [Int64: Int32] = [:]
    /// Term → slots of stories whose centroid had it, oldest first (stale entries are harmless:
    /// candidates are scored on their centroids).
    private var postings: [UInt64: [Int32]] = [:]
    private var postingCount = 0
    /// Per slot, how many lookup terms it shared with the article being placed (scratch).
    private var hits: [UInt16] = []
    /// The newest story time seen, and a clock counting changes.
    private var newest = -Double.infinity
    private var clock = 0
    /// When the store last wrote the term statistics (its business; kept with what it writes).
    var statisticsSavedAt = Date()
    /// The centroids changed since the store last wrote them, by story.
    private var unsavedCentroids: [Int64: StoryVector] = [:]

    init(parameters: StoryParameters, keepsPendingStatistics: Bool = false) {
        self.parameters = parameters
        statistics = TermStatistics(keepsPending: keepsPendingStatistics, horizon: parameters.statisticsHorizon)
    }

    /// Counts the article's terms and returns its vector.
    mutating func vector(of features: StoryFeatures) -> StoryVector {
        statistics.add(features)
        return StoryVector(features: features, statistics: statistics, limit: StoryParameters.articleTerms)
    }

    /// The story the article at `time` belongs to, if one scores at least the threshold.
    ///
    /// Candidates are the stories whose centroids share the article's heaviest terms; only those
    /// sharing the most of them are scored in full (a story sharing one common word is no match).
    mutating func bestStory(for vector: StoryVector, at time: Double) -> StoryMatch? {
        var touched: [Int32] = []
        var most: UInt16 = 0
        for key in vector.heaviestKeys(StoryParameters.lookupTerms) {
            guard let list = postings[key] else { continue }
            for slot in list.suffix(StoryParameters.postingDepth) {
                let index = Int(slot)
                if hits[index] == 0 { touched.append(slot) }
                hits[index] &+= 1
                most = max(most, hits[index])
            }
        }
        let needed = max(1, min(most, UInt16(StoryParameters.sharedTerms)))
        var best: StoryMatch?
        for slot in touched {
            let index = Int(slot)
            defer { hits[index] = 0 }
            guard hits[index] >= needed, let story = slots[index] else { continue }
            let score = self.score(vector, story, at: time)
            if score >= parameters.threshold,
               score > best?.score ?? 0 || (score == best?.score && story.id < best!.storyID) {
                best = StoryMatch(storyID: story.id, score: score)
            }
        }
        return best
    }

    /// How well an article fits a story, 0 to 1; 0 outside the window. The cosine of the article's
    /// vector and the story's centroid, times how much their heaviest names agree (two hurricanes on
    /// one day share "National Hurricane Center", not "Idalia" or "Franklin"), times a decay over the
    /// time between them.
    func score(_ vector: StoryVector, _ story: ActiveStory, at time: Double) -> Double {
        let distance = max(0, story.first - time, time - story.last)
        guard distance <= parameters.window else { return 0 }
        let similarity = Double(vector.similarity(to: story.centroid))
        return similarity * Self.agreementFactor(vector, story.centroid) * (1 - Self.timePenalty * distance / parameters.window)
    }

    /// A story a full window away scores this much less.
    static let timePenalty = 0.3
    /// From 0.2 (none of either side's main names in the other) to 1 (all of them); a neutral 0.6
    /// when a side names nothing (text in a script without capitals, say).
    static func agreementFactor(_ article: StoryVector, _ centroid: StoryVector) -> Double {
        guard article.nameNorm > 0, centroid.nameNorm > 0 else { return 0.6 }
        return (0.25 + Double(article.nameAgreement(with: centroid))) / 1.25
    }

    /// Starts story `id` with the article, or adds the article to it.
    mutating func add(_ vector: StoryVector, to id: Int64, at time: Double) {
        clock += 1
        let slot = slotOf[id] ?? newSlot(for: ActiveStory(id: id, centroid: StoryVector(), first: time, last: time))
        var story = slots[Int(slot)]!
        let (centroid, added) = story.centroid.adding(vector, limit: StoryParameters.centroidTerms)
        story.centroid = centroid
        story.first = min(story.first, time)
        story.last = max(story.last, time)
        story.touched = clock
        slots[Int(slot)] = story
        if statistics.keepsPending { unsavedCentroids[id] = centroid }
        for key in added { postings[key, default: []].append(slot) }
        postingCount += added.count
        newest = max(newest, time)
        if clock % Self.evictionPeriod == 0 { evict() }
    }

    /// Stretches a story's span over a member that adds nothing to its centroid (a duplicate).
    mutating func extend(_ id: Int64, to time: Double) {
        guard let slot = slotOf[id], var story = slots[Int(slot)] else { return }
        story.first = min(story.first, time)
        story.last = max(story.last, time)
        slots[Int(slot)] = story
    }

    /// A story loaded from the store.
    mutating func restore(_ story: ActiveStory) {
        guard slotOf[story.id] == nil else { return }
        let slot = newSlot(for: story)
        for entry in story.centroid.entries { postings[entry.key, default: []].append(slot) }
        postingCount += story.centroid.entries.count
        newest = max(newest, story.last)
    }

    func story(_ id: Int64) -> ActiveStory? { slotOf[id].flatMap { slots[Int($0)] } }

    mutating func loadStatistics(documents: Int, frequencies: [(UInt64, UInt32)]) {
        statistics.load(documents: documents, frequencies: frequencies)
    }

    mutating func takePendingStatistics() -> [(key: UInt64, count: UInt32)] { statistics.takePending() }

    /// The centroids changed since they were last taken, by story (and forgets them).
    mutating func takeUnsavedCentroids() -> [Int64: StoryVector] {
        defer { unsavedCentroids = [:] }
        return unsavedCentroids
    }

    /// Halves the term statistics until they are under their horizon (once `statistics.isDueForHalving`;
    /// what is pending must have been taken first). Returns how many times.
    mutating func halveStatistics() -> Int { statistics.halve() }

    /// Distinct terms counted since the statistics were last taken.
    var pendingStatistics: Int { statistics.pendingCount }

    /// Whether anything waits to be written: term counts or centroids.
    var hasUnsavedChanges: Bool { statistics.pendingCount > 0 || !unsavedCentroids.isEmpty }

    private mutating func newSlot(for story: ActiveStory) -> Int32 {
        let slot = Int32(slots.count)
        slots.append(story)
        hits.append(0)
        slotOf[story.id] = slot
        return slot
    }

    static let evictionPeriod = 1024
    /// Stories changed within this many articles stay, however old (backfilled feeds).
    static let recentChanges = 20_000

    /// Forgets stories too old to be joined; when holes and stale postings pile up, compacts.
    private mutating func evict() {
        let cutoff = newest - 2 * parameters.window
        var live = 0
        for index in slots.indices {
            guard let story = slots[index] else { continue }
            if story.last < cutoff, story.touched <= clock - Self.recentChanges {
                slots[index] = nil
                slotOf[story.id] = nil
            } else {
                live += story.centroid.entries.count
            }
        }
        guard postingCount > 2 * live + 10_000 || slots.count > 2 * slotOf.count + 1024 else { return }
        let kept = slots.compactMap { $0 }
        slots = []
        hits = []
        slotOf = [:]
        postings = [:]
        postingCount = 0
        for story in kept { restore(story) }
    }
}

import Foundation

/// `tidings dedup`: the detector over a JSON Lines corpus, offline. Each input
/// line is `{"id", "url", "source", "title", "published", "text" | "html"}`;
/// each output line is `{"id": …, "duplicate_of": ID|null, "story": ID}` (plus
/// `similarity` and `kind` for a duplicate, `story_score` for an article that
/// joined a story by similarity), in input order. A story is named by the id of
/// the article that started it; a duplicate is in its original's story.
///
/// Articles are judged in input order, in batches: normalizing and MinHash run
/// on all cores, boilerplate counting and LSH judging run in order (each batch's
/// lines are counted while the batch before it is judged), so the result is the
/// same as judging one article at a time.
public final class CorpusDedup: @unchecked Sendable {
    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var articles = 0
        public var exact = 0
        public var near = 0
        public var contained = 0
        public var duplicates: Int { exact + near + contained }
    }

    public struct InputError: Error, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    let engine: DedupEngine
    // The state below is touched by one thread at a time, as each comment says, so the run-time
    // exclusivity checks (a thread-local lookup per access, tens of them an article) are left out.
    /// Groups originals into stories, in order on the judging queue (nil: no stories).
    @exclusivity(unchecked) private var stories: StoryClusterer?
    /// The story of every judged article, by position (on the judging queue).
    @exclusivity(unchecked) private var storyOf: [Int64] = []
    /// Line counts: touched only by `run`'s thread, in order.
    @exclusivity(unchecked) private var lines = MemoryLineIndex()
    /// The judged articles: touched only on the judging queue, in order.
    @exclusivity(unchecked) private var candidates = MemoryCandidateIndex()
    /// The date of the last article with one (on `run`'s thread).
    @exclusivity(unchecked) private var previousTime = 0.0
    /// Every judged article's id as JSON text, by position (duplicates name their original; on the judging queue).
    @exclusivity(unchecked) private var ids: [String] = []
    /// Read elsewhere only through `judging.sync`.
    @exclusivity(unchecked) private var judged = Summary()
    private let judging = DispatchQueue(label: "tidings.dedup.judging")
    /// Set on the judging queue when a batch cannot be judged or written.
    private var judgingFailure: (any Error)?

    /// What the run has judged so far.
    public var summary: Summary { judging.sync { judged } }

    /// Judges with `parameters`; groups stories with `stories` unless it is nil.
    public init(parameters: DedupParameters, stories: StoryParameters? = StoryParameters(settings: StorySettings())) {
        engine = DedupEngine(parameters: parameters)
        self.stories = stories.map { StoryClusterer(parameters: $0) }
    }

    /// Judges every line of `input` (a file descriptor) and writes the verdicts to `output`.
    /// `progress` is called after each batch with the running summary.
    ///
    /// A pipeline: batch k is read and normalized on all cores while batch k − 1, its boilerplate
    /// dropped, is fingerprinted beside it (one parallel region for both, so one wait for the
    /// slowest core). Then batch k − 1 goes to be judged (in order, on its own queue) while
    /// batch k's boilerplate lines are counted (in order, on this thread).
    public func run(input: Int32, inputName: String, output: Int32, progress: (Summary) -> Void = { _ in }) throws {
        // However it ends, nothing is left judging or writing once it has.
        defer { judging.sync {} }
        let reader = LineBatchReader(descriptor: input)
        var lineNumber = 0
        /// The batch whose boilerplate is dropped, to be fingerprinted and judged.
        var waiting: [Prepared] = []
        while true {
            let batch = try reader.nextBatch(maxLines: 4096)
            var prepared = prepareAndFingerprint(batch, &waiting)
            if !waiting.isEmpty {
                let batchToJudge = waiting
                waiting = []
                judging.sync {}  // the batch before it is judged and written
                if let judgingFailure { throw judgingFailure }
                progress(judged)
                judging.async {
                    do {
                        try Self.write(try self.judge(batchToJudge), to: output)
                    } catch {
                        self.judgingFailure = error
                    }
                }
            }
            guard let batch else { break }
            let firstLine = lineNumber + 1
            lineNumber += batch.count
            do {
                try dropBoilerplate(&prepared, firstLine: firstLine, inputName: inputName)
            } catch let error as InputError {
                // The lines before the bad one are judged and written too, as the error says.
                var before = Array(prepared[..<(error.line - firstLine)])
                _ = prepareAndFingerprint(nil, &before)
                try judging.sync {
                    if let judgingFailure { throw judgingFailure }
                    try Self.write(try judge(before), to: output)
                }
                throw error
            }
            waiting = prepared
        }
        judging.sync {}
        if let judgingFailure { throw judgingFailure }
        progress(judged)
    }

    /// Stages 1 and 3 in one parallel region: each line of `batch` parsed and normalized (returned),
    /// and each article of `waiting` fingerprinted.
    private func prepareAndFingerprint(_ batch: LineBatch?, _ waiting: inout [Prepared]) -> [Prepared] {
        let engine = self.engine
        let groupsStories = stories != nil
        var prepared = [Prepared](repeating: Prepared(), count: batch?.count ?? 0)
        nonisolated(unsafe) let bytes = batch?.bytes  // read by every thread, written by none
        let lines = batch?.lines ?? []
        Parallel.forEach(&waiting, &prepared) { _, slot in
            guard !slot.blank else { return }
            let kept = engine.keptText(slot.text.text, excluding: slot.excluded)
            slot.fingerprint = engine.fingerprint(of: kept.words)
            // The in-memory index compares the shingles' top bits: the full set goes now, on the
            // thread that made it (freeing it on the judging thread would contend for its heap).
            slot.fingerprint?.shingles = []
            if groupsStories {
                slot.features = StoryFeatures(text: slot.text.text, excludingLines: kept.droppedLines, title: slot.text.title)
            }
            slot.excluded = []
            slot.text = PreparedText(text: NormalizedText(), headlineKeys: [])
        } _: { position, slot in
            slot = Self.prepare(UnsafeBufferPointer(rebasing: bytes![lines[position]]), engine: engine)
        }
        return prepared
    }

    private struct Prepared {
        var id = ""
        var source = ""
        var time: Double?
        var text = PreparedText(text: NormalizedText(), headlineKeys: [])
        /// The lines found to be boilerplate (stage 2), which stage 3 leaves out.
        var excluded: Set<UInt64> = []
        var fingerprint: DedupFingerprint?
        var features = StoryFeatures()
        var error: String?
        var blank = false
    }

    /// Stage 2, in order: report bad lines, date each article, drop each source's boilerplate.
    private func dropBoilerplate(_ prepared: inout [Prepared], firstLine: Int, inputName: String) throws {
        // Through a pointer: an element passed from the array it is stored back into was copied whole.
        try prepared.withUnsafeMutableBufferPointer { prepared in
            for position in prepared.indices where !prepared[position].blank {
                if let error = prepared[position].error {
                    throw InputError(path: inputName, line: firstLine + position, message: error)
                }
                // Without a date an article is taken to be as old as the one before it.
                let time = prepared[position].time ?? previousTime
                prepared[position].time = time
                previousTime = time
                prepared[position].excluded = try engine.boilerplateLines(prepared[position].text, source: prepared[position].source,
                                                                          time: time, index: &lines)
            }
        }
    }

    /// Stage 4, in order on the judging queue: the verdicts of a batch as JSON Lines.
    private func judge(_ prepared: [Prepared]) throws -> [UInt8] {
        var verdicts = [UInt8]()
        for index in prepared.indices where !prepared[index].blank {
            // Read in place: a copy of the whole article was 13 retains and 13 releases.
            guard let time = prepared[index].time, prepared[index].fingerprint != nil else { continue }
            let fingerprint = prepared[index].fingerprint!
            let position = Int64(judged.articles)
            let match = try engine.judge(id: position, fingerprint: fingerprint, time: time, index: &candidates)
            judged.articles += 1
            ids.append(prepared[index].id)
            // Appended piece by piece: an interpolated String a verdict was an allocation each.
            verdicts.append(contentsOf: #"{"id":"#.utf8)
            verdicts.append(contentsOf: prepared[index].id.utf8)
            verdicts.append(contentsOf: #","duplicate_of":"#.utf8)
            if let match {
                switch match.kind {
                case .exact: judged.exact += 1
                case .near: judged.near += 1
                case .contained: judged.contained += 1
                }
                verdicts.append(contentsOf: ids[Int(match.canonicalID)].utf8)
                verdicts.append(contentsOf: #","similarity":"#.utf8)
                Self.appendRounded(match.similarity, to: &verdicts)
                verdicts.append(contentsOf: #","kind":""#.utf8)
                verdicts.append(contentsOf: match.kind.rawValue.utf8)
                verdicts.append(0x22)
            } else {
                verdicts.append(contentsOf: "null".utf8)
            }
            if stories != nil {
                let story = assignStory(position: position, features: prepared[index].features, time: time, duplicateOf: match?.canonicalID)
                verdicts.append(contentsOf: #","story":"#.utf8)
                verdicts.append(contentsOf: ids[Int(story.id)].utf8)
                if let score = story.score {
                    verdicts.append(contentsOf: #","story_score":"#.utf8)
                    Self.appendRounded(score, to: &verdicts)
                }
            }
            verdicts.append(contentsOf: "}\n".utf8)
        }
        return verdicts
    }

    /// The story of the article at `position`: its original's, the best-scoring one, or a new one.
    private func assignStory(position: Int64, features: StoryFeatures, time: Double,
                             duplicateOf original: Int64?) -> (id: Int64, score: Double?) {
        if let original {
            let story = storyOf[Int(original)]
            stories?.extend(story, to: time)
            storyOf.append(story)
            return (story, nil)
        }
        guard let vector = stories?.vector(of: features) else { return (position, nil) }
        if stories!.statistics.isDueForHalving { _ = stories!.halveStatistics() }
        let match = stories?.bestStory(for: vector, at: time)
        let story = match?.storyID ?? position
        stories?.add(vector, to: story, at: time)
        storyOf.append(story)
        return (story, match?.score)
    }

    private static func prepare(_ line: UnsafeBufferPointer<UInt8>, engine: DedupEngine) -> Prepared {
        var prepared = Prepared()
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
            prepared.blank = true
            return prepared
        }
        let members: [JSONObjectReader.Value?]
        do {
            members = try JSONObjectReader.members(of: line, selecting: Self.readMembers)
        } catch {
            prepared.error = "not a JSON object: \(error)"
            return prepared
        }
        guard let id = members[Member.id], id.string != nil || Double(id.jsonText) != nil else {
            prepared.error = "expected an \"id\" member (a string or a number)"
            return prepared
        }
        prepared.id = id.jsonText
        prepared.source = members[Member.source]?.string ?? ""
        if let published = members[Member.published]?.string, !published.isEmpty {
            guard let date = FeedDate.parse(published) else {
                prepared.error = "expected \"published\" to be a date such as 2024-03-01T12:00:00Z, found \"\(published)\""
                return prepared
            }
            prepared.time = date.timeIntervalSince1970
        }
        guard case .utf8(let text)? = members[Member.text] ?? members[Member.html] else {
            prepared.error = "expected a \"text\" or \"html\" string member"
            return prepared
        }
        prepared.text = text.withUnsafeBufferPointer { engine.prepare(utf8: $0, title: members[Member.title]?.string ?? "") }
        return prepared
    }

    /// The members read (`url`, and any other, is skipped undecoded), by position; the text is
    /// read as bytes (never made into a String).
    private static let readMembers = JSONObjectReader.Selection([
        ("id", false), ("source", false), ("published", false), ("title", false), ("text", true), ("html", true),
    ])

    /// Where each member is in `readMembers`.
    private enum Member {
        static let id = 0, source = 1, published = 2, title = 3, text = 4, html = 5
    }

    /// `value` with four decimals.
    static func appendRounded(_ value: Double, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(format: "%.4f", value).utf8)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += written
        }
    }
}

import Foundation

/// An article's text after step 1: normalized, with its headline's keys.
struct PreparedText: Sendable {
    var text: NormalizedText
    var headlineKeys: [UInt64]
    /// The headline itself, normalized (story grouping reads it).
    var title = NormalizedText()
}

/// What step 2 leaves of an article: the words dedup judges it by, and the lines it dropped.
struct KeptText: Sendable {
    var words: [UInt64]
    var droppedLines: Set<UInt64>
}

/// What dedup keeps of one article's text: its MinHash signature, how many
/// distinct shingles it had, and a hash of its exact normalized words.
struct DedupFingerprint: Sendable, Equatable {
    var signature: MinHashSignature
    var shingleCount: Int
    /// The distinct shingles, sorted: verification measures overlap exactly with them.
    var shingles: [UInt32]
    /// Their top 16 bits, for comparing with an index that keeps only those.
    var shingleTops: [UInt16]
    var exactHash: UInt64
    /// Words left after boilerplate lines were dropped.
    var wordCount: Int
}

/// Why an article is a duplicate, and of what.
public struct DuplicateMatch: Sendable, Equatable {
    public enum Kind: String, Sendable { case exact, near, contained }
    /// The canonical (earliest) article of the cluster.
    public var canonicalID: Int64
    /// The article the match was measured against (may be another copy).
    public var matchedID: Int64
    public var kind: Kind
    /// Estimated Jaccard similarity of the two shingle sets (1 for an exact copy).
    public var similarity: Double
    /// Estimated share of the shorter article's shingles found in the longer.
    public var containment: Double
}

/// The near-duplicate detector: normalize → drop the source's boilerplate
/// lines → word shingles → MinHash → LSH candidates → verify by estimated
/// Jaccard and containment. Pure computation; what it remembers lives in a `DedupIndex`
/// (line counts and candidates, which may be kept apart).
struct DedupEngine: Sendable {
    let parameters: DedupParameters
    let hasher: MinHasher

    init(parameters: DedupParameters) {
        self.parameters = parameters
        hasher = MinHasher(permutations: parameters.permutations)
    }

    /// Step 1 (no state, any thread): the text's normalized words and lines, and the line keys
    /// a teaser for this article elsewhere would have.
    func prepare(_ text: String, title: String) -> PreparedText {
        var text = text
        return text.withUTF8 { prepare(utf8: $0, title: title) }
    }

    /// The same for text as UTF-8 bytes.
    func prepare(utf8 text: UnsafeBufferPointer<UInt8>, title: String) -> PreparedText {
        let normalizedTitle = TextNormalizer.normalize(title)
        return PreparedText(text: TextNormalizer.normalize(utf8: text),
                            headlineKeys: Self.headlineKeys(of: normalizedTitle, raw: title), title: normalizedTitle)
    }

    /// Step 2 (per source, in order): drops the lines the source repeats and the lines that are
    /// another article's headline (teasers for other stories), then counts this article's lines and title.
    func dropBoilerplate(_ prepared: PreparedText, source: String, time: Double,
                         index: inout some BoilerplateIndex) throws -> KeptText {
        keptText(prepared.text, excluding: try boilerplateLines(prepared, source: source, time: time, index: &index))
    }

    /// The in-order half of step 2: which of the article's lines are boilerplate, its lines and
    /// title counted.
    func boilerplateLines(_ prepared: PreparedText, source: String, time: Double,
                          index: inout some BoilerplateIndex) throws -> Set<UInt64> {
        // Distinct line keys in order (an article has tens of lines: sorting beats hashing).
        let keys = Self.distinct(prepared.text.lines.map(\.key))
        var excluded = try index.boilerplate(source: source, lines: keys, repeats: parameters.boilerplateRepeats)
        excluded.formUnion(try index.boilerplate(source: Self.headlines, lines: keys, repeats: 1))
        try index.remember(source: source, lines: keys, at: time)
        try index.remember(source: Self.headlines, lines: prepared.headlineKeys, at: time)
        return excluded
    }

    /// The other half (no state, any thread): the words of the lines not `excluded`.
    func keptText(_ text: NormalizedText, excluding excluded: Set<UInt64>) -> KeptText {
        let kept = text.words(excludingLines: excluded)
        // Never judge an article by nothing: when the source's chrome is all there is, keep it all.
        return kept.count >= parameters.shingleSize ? KeptText(words: kept, droppedLines: excluded)
            : KeptText(words: text.words, droppedLines: [])
    }

    /// `keys` without repeats, first occurrences in order.
    static func distinct(_ keys: [UInt64]) -> [UInt64] {
        if keys.count <= 64 {
            // Tens of keys: comparing each with those before it costs less than hashing them.
            var repeated = false
            keys.withUnsafeBufferPointer { keys in
                for index in keys.indices.dropFirst() where keys[..<index].contains(keys[index]) { repeated = true; break }
            }
            guard repeated else { return keys }
        }
        var seen = Set<UInt64>(minimumCapacity: keys.count)
        return keys.filter { seen.insert($0).inserted }
    }

    /// The pseudo-source under which every article's headline is remembered.
    static let headlines = "\u{0}headlines"

    /// Line keys a teaser for the article titled `title` would have: the title, and the title
    /// without a trailing site name ("Headline - Site", "Headline | Site").
    static func headlineKeys(of title: NormalizedText, raw: String) -> [UInt64] {
        var keys: [UInt64] = []
        keys.reserveCapacity(2)
        if title.words.count >= 3 { keys.append(title.singleLineKey) }
        if let shorter = titleWithoutSiteName(raw) {
            let line = TextNormalizer.singleLineKey(of: shorter)
            if line.wordCount >= 3 { keys.append(line.key) }
        }
        return keys
    }

    static func titleWithoutSiteName(_ title: String) -> String? {
        var title = title
        return title.withUTF8 { bytes -> String? in
            for separator in siteNameSeparators {
                guard bytes.count > separator.count else { continue }
                // The last occurrence, not at the very start.
                var start = bytes.count - separator.count
                while start > 0, !bytes[start..<(start + separator.count)].elementsEqual(separator) { start -= 1 }
                guard start > 0 else { continue }
                if Self.spaceSeparatedWords(in: UnsafeBufferPointer(rebasing: bytes[(start + separator.count)...])) <= 5 {
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<start]), as: UTF8.self)
                }
            }
            return nil
        }
    }

    /// How many runs of bytes other than a space there are.
    private static func spaceSeparatedWords(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var words = 0
        var previous: UInt8 = 0x20
        for byte in bytes {
            if byte != 0x20, previous == 0x20 { words += 1 }
            previous = byte
        }
        return words
    }

    private static let siteNameSeparators = [" | ", " - ", " \u{2013} ", " \u{2014} ", " :: "].map { Array($0.utf8) }

    /// Step 3 (no state): the fingerprint of the kept words.
    func fingerprint(of words: [UInt64]) -> DedupFingerprint {
        let shingles = Shingles.of(words, size: parameters.shingleSize)
        return DedupFingerprint(signature: hasher.signature(of: shingles), shingleCount: shingles.count,
                                shingles: shingles, shingleTops: Shingles.tops(of: shingles), exactHash: Shingles.exactHash(of: words), wordCount: words.count)
    }

    func bandKeys(of signature: MinHashSignature) -> [UInt64] {
        (0..<parameters.bands.bands).map { parameters.bands.key(of: signature, band: $0) }
    }

    /// Step 4 (in order): judges an article against what `index` holds, then records it there.
    func judge(id: Int64, fingerprint: DedupFingerprint, time: Double,
               index: inout some CandidateIndex) throws -> DuplicateMatch? {
        let notBefore = time - parameters.window
        let keys = fingerprint.wordCount == 0 ? [] : bandKeys(of: fingerprint.signature)
        let candidates = keys.isEmpty ? [] : try index.candidates(bandKeys: keys, notBefore: notBefore)
        var match: DuplicateMatch?
        if let original = Self.earliestExactCopy(of: fingerprint, among: candidates) {
            match = DuplicateMatch(canonicalID: original.canonicalID, matchedID: original.id, kind: .exact,
                                   similarity: 1, containment: 1)
        } else if fingerprint.shingleCount >= parameters.minimumShingles {
            match = bestMatch(fingerprint, among: candidates, tally: index.topsTally)
        }
        try index.insert(JudgedArticle(id: id, time: time, fingerprint: fingerprint, bandKeys: keys,
                                       canonicalID: match?.canonicalID ?? id))
        return match
    }

    /// The earliest candidate with the article's exact normalized words. Identical words make an
    /// identical signature, so such an article shares every band key and is among the candidates
    /// (however short the text: a text shorter than a shingle is one shingle).
    static func earliestExactCopy(of fingerprint: DedupFingerprint, among candidates: [DedupCandidate]) -> DedupCandidate? {
        var earliest: DedupCandidate?
        for candidate in candidates where candidate.exactHash == fingerprint.exactHash && candidate.id < earliest?.id ?? .max {
            earliest = candidate
        }
        return earliest
    }

    /// The candidate most like the article, when it passes verification. With a `tally`, the
    /// article's tops are counted in it once for all the candidates that keep only tops.
    func bestMatch(_ fingerprint: DedupFingerprint, among candidates: [DedupCandidate], tally: TopsTally? = nil) -> DuplicateMatch? {
        var best: DuplicateMatch?
        var bestScore = 0.0
        var loaded: TopsTally?
        defer { loaded?.unload(fingerprint.shingleTops[...]) }
        for candidate in candidates where candidate.shingleCount >= parameters.minimumShingles {
            if loaded == nil, let tally, candidate.shingles.isEmpty, !candidate.shingleTops.isEmpty {
                tally.load(fingerprint.shingleTops[...])
                loaded = tally
            }
            let (similarity, containment) = overlap(fingerprint, candidate, tally: loaded)
            let kind: DuplicateMatch.Kind
            if similarity >= parameters.threshold { kind = .near } else if containment >= parameters.containment {
                kind = .contained
            } else { continue }
            let score = max(similarity, containment)
            if score > bestScore {
                bestScore = score
                best = DuplicateMatch(canonicalID: candidate.canonicalID, matchedID: candidate.id, kind: kind,
                                      similarity: similarity, containment: containment)
            }
        }
        return best
    }

    /// Jaccard similarity and containment of an article and a candidate: estimated from the
    /// signatures, then measured exactly on the shingle sets when both are at hand and the
    /// estimate is within sampling error of a verdict (most candidates are far from one).
    /// `tally`: the article's tops, loaded (for candidates that keep only tops).
    func overlap(_ fingerprint: DedupFingerprint, _ candidate: DedupCandidate,
                 tally: TopsTally? = nil) -> (similarity: Double, containment: Double) {
        let similarity = candidate.signature.isEmpty ? fingerprint.signature.similarity(toLows: candidate.signatureLows)
            : fingerprint.signature.similarity(to: candidate.signature)
        let containment = Self.containment(similarity: similarity, fingerprint.shingleCount, candidate.shingleCount)
        let plausible = similarity >= parameters.threshold - Self.estimateMargin
            || containment >= parameters.containment - 2 * Self.estimateMargin
        guard plausible, fingerprint.shingleCount > 0 else { return (similarity, containment) }
        let shared: Int
        let candidateCount: Int
        if !candidate.shingles.isEmpty, !fingerprint.shingles.isEmpty {
            shared = Self.sharedCount(fingerprint.shingles[...], candidate.shingles)
            candidateCount = candidate.shingles.count
        } else if !candidate.shingleTops.isEmpty, !fingerprint.shingleTops.isEmpty {
            shared = tally?.shared(with: candidate.shingleTops) ?? Self.sharedCount(fingerprint.shingleTops[...], candidate.shingleTops)
            candidateCount = candidate.shingleTops.count
        } else {
            return (similarity, containment)
        }
        return (Double(shared) / Double(fingerprint.shingleCount + candidateCount - shared),
                Double(shared) / Double(min(fingerprint.shingleCount, candidateCount)))
    }

    /// A band bucket is read at most this deep (newest first): a band key that thousands of
    /// articles share says nothing, and reading it all would make judging quadratic.
    static let bucketLimit = 256

    /// Four standard deviations of a 128-permutation estimate at similarity 0.5: an estimate
    /// further than this below a threshold is not measured exactly.
    static let estimateMargin = 0.18

    /// How many values two sorted, distinct arrays have in common.
    static func sharedCount<Value: FixedWidthInteger>(_ left: ArraySlice<Value>, _ right: ArraySlice<Value>) -> Int {
        var shared = 0
        var i = 0
        var j = 0
        left.withUnsafeBufferPointer { left in
            right.withUnsafeBufferPointer { right in
                while i < left.count, j < right.count {
                    if left[i] == right[j] { shared += 1; i += 1; j += 1 } else if left[i] < right[j] { i += 1 } else { j += 1 }
                }
            }
        }
        return shared
    }

    /// |A ∩ B| / min(|A|, |B|), with |A ∩ B| = J (|A| + |B|) / (1 + J) from the Jaccard estimate J.
    static func containment(similarity: Double, _ left: Int, _ right: Int) -> Double {
        let smaller = min(left, right)
        guard smaller > 0 else { return 0 }
        let intersection = similarity * Double(left + right) / (1 + similarity)
        return min(1, intersection / Double(smaller))
    }
}

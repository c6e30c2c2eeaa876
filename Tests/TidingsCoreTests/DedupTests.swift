import CMinHash
import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

@Suite("Dedup: normalization, signatures, verdicts")
struct DedupTests {
    let engine = DedupEngine(parameters: DedupParameters(settings: DedupSettings()))

    func words(_ text: String) -> [UInt64] { TextNormalizer.normalize(text).words }

    /// Judges `texts` in order, from one source each unless given, in fresh in-memory indexes.
    func judge(_ articles: [(source: String, title: String, text: String)]) throws -> [DuplicateMatch?] {
        var lines = MemoryLineIndex()
        var candidates = MemoryCandidateIndex()
        return try articles.enumerated().map { position, article in
            let kept = try engine.dropBoilerplate(engine.prepare(article.text, title: article.title),
                                                  source: article.source, time: Double(position), index: &lines)
            return try engine.judge(id: Int64(position), fingerprint: engine.fingerprint(of: kept.words),
                                    time: Double(position), index: &candidates)
        }
    }

    func seed(_ name: String) throws -> String {
        try String(contentsOf: TestPaths.shared.appendingPathComponent("fixtures/seeds/\(name)"), encoding: .utf8)
    }

    @Test("normalizing: case, typographic quotes and dashes, punctuation, NFKC, accents in either form")
    func normalization() {
        let reference = words("dont stop the quick cafe fine 12 abc")
        #expect(words("Don’t STOP—the “quick” cafe…  ﬁne, 12! ＡＢＣ") == reference)
        #expect(words("Don't stop -- the \"quick\" cafe; fine (12) abc") == reference)
        #expect(words("caf\u{E9}") == words("cafe\u{301}"))
        #expect(words("caf\u{E9}") == words("CAF\u{C9}"))
        #expect(words("Stra\u{DF}e") == words("STRASSE"))
        #expect(words("Привет, МИР") == words("привет мир"))
        #expect(words("caf\u{E9}") != words("cafe"))
    }

    @Test("a word folded whole when part of it needs Unicode, whatever ASCII runs come before or after",
          arguments: ["ABCﬁDEF", "ﬁABC", "ABCﬁ", "AB'CﬁD", "Ab<i>c</i>ﬁd<b>E</b>f", "x&amp;ﬁY", "ǄABC", "abcǅdef'gh", "ＡＢＣdef"])
    func unicodeWordsKeepEveryByte(word: String) {
        // The word as one folded string, hashed as the normalizer hashes a word that needs Unicode.
        let plain = word.replacingOccurrences(of: "<i>", with: "").replacingOccurrences(of: "</i>", with: "")
            .replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "").replacingOccurrences(of: "'", with: "")
        let expected = plain.split(separator: "&amp;").map { part in
            TextNormalizer.wordHash(String(part).precomposedStringWithCompatibilityMapping.lowercased().utf8)
        }
        #expect(words(word + " tail") == expected + words("tail"))
    }

    @Test("HTML: tags stripped, entities decoded, script and style dropped, blocks become lines")
    func htmlNormalization() {
        let html = "<div><p>Don&#8217;t stop &mdash; the &ldquo;quick&rdquo; caf&eacute;</p><script>var x = 1;</script>"
            + "<!-- ad --><p>Second <b>para</b>graph</p><style>p { color: red }</style></div>"
        let normalized = TextNormalizer.normalize(html)
        #expect(normalized.words == words("dont stop the quick caf\u{E9} second paragraph"))
        #expect(normalized.lines.count == 2)
        #expect(normalized.lines[1].words == 5..<7)
        #expect(TextNormalizer.normalize("a < b and c > d").words == words("a b and c d"))
    }

    @Test("lines have the same key however they are formatted")
    func lineKeys() {
        let plain = TextNormalizer.normalize("Must Read\n\nSome body text here.")
        let html = TextNormalizer.normalize("<h2>MUST   read</h2><p>Other text</p>")
        #expect(plain.lines.count == 2)
        #expect(plain.lines[0].key == html.lines[0].key)
        #expect(plain.lines[1].key != html.lines[1].key)
    }

    @Test("golden: word hashes, shingles, signature values and band keys never change")
    func golden() {
        let text = "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat."
        let normalized = words(text)
        #expect(normalized.count == 17)
        #expect(normalized[0] == 0xD43F_DDE1_61BB_B564)
        let shingles = Shingles.of(normalized, size: 5)
        #expect(shingles.count == 13)
        #expect(Array(shingles.prefix(3)) == [0x044C_B1E8, 0x2336_4E00, 0x3130_0D50])
        let fingerprint = engine.fingerprint(of: normalized)
        #expect(Array(fingerprint.signature.values.prefix(4)) == [0x0707_EBD9, 0x0785_21F8, 0x0B10_450D, 0x0E97_641A])
        #expect(fingerprint.exactHash == 0xDD34_1ADE_9857_74A6)
        #expect(LSHBands(bands: 32, rows: 4).key(of: fingerprint.signature, band: 1) == 0x8B2C_2CC0_C67C_B769)
    }

    @Test("shingles are sorted and distinct whatever their number and however often values repeat",
          arguments: [0, 1, 2, 63, 64, 65, 436, 5_000, 300_000])
    func shinglesSortedAndDistinct(count: Int) {
        var random = DedupHash.SplitMix64(state: UInt64(count))
        // A small vocabulary repeats words (and so shingles); the top byte is crowded on purpose.
        let words = (0..<(count + 5)).map { _ in UInt64(random.below(max(1, count / 3))) }
        let shingles = Shingles.of(words, size: 5)
        var expected = Set<UInt32>()
        for start in 0...(words.count - 5) {
            var hash = DedupHash.seed
            for offset in 0..<5 { hash = DedupHash.combine(hash, words[start + offset]) }
            expected.insert(UInt32(truncatingIfNeeded: DedupHash.finalize(hash) >> 32))
        }
        #expect(shingles == expected.sorted())
        var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) & (random.next() & 1 == 0 ? 0xFF00_00FF : ~0) }
        let sorted = values.sorted()
        let scratch = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: RadixSort.scratchCapacity(for: count))
        defer { scratch.deallocate() }
        values.withUnsafeMutableBufferPointer { RadixSort.sort($0, scratch: scratch) }
        #expect(values == sorted)
    }

    @Test("every shingle kernel (AVX-512, AVX2, plain C) hashes each window as DedupHash does", arguments: [1, 2, 5, 7])
    func shingleKernelsAgree(width: Int) {
        var random = DedupHash.SplitMix64(state: UInt64(width))
        for count in [1, 3, 4, 7, 8, 9, 15, 16, 17, 437] {
            let words = (0..<(count + width - 1)).map { _ in random.next() }
            let expected = (0..<count).map { start in
                var hash = DedupHash.seed
                for word in words[start..<(start + width)] { hash = DedupHash.combine(hash, word) }
                return UInt32(truncatingIfNeeded: DedupHash.finalize(hash) >> 32)
            }
            for kernel in 0...2 {
                var out = [UInt32](repeating: 0, count: count)
                tidings_shingles_with(Int32(kernel), words, count, width, DedupHash.seed, &out)
                #expect(out == expected, "kernel \(kernel) of \(tidings_shingles_kernel()), \(count) shingles")
            }
        }
    }

    @Test("every MinHash kernel (AVX-512, AVX2, plain C) computes the same minima", arguments: [1, 16, 100, 128, 200])
    func minHashKernelsAgree(permutations: Int) {
        var random = DedupHash.SplitMix64(state: UInt64(permutations))
        let shingles = (0..<437).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        let a = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: random.next()) | 1 }
        let b = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        let minima = (0...2).map { kernel in
            var minima = [UInt32](repeating: .max, count: permutations)
            tidings_minhash_with(Int32(kernel), shingles, shingles.count, a, b, &minima, permutations)
            return minima
        }
        let expected = (0..<permutations).map { i in shingles.map { a[i] &* $0 &+ b[i] }.min()! }
        #expect(minima.allSatisfy { $0 == expected }, "this CPU's best kernel: \(tidings_minhash_kernel())")
    }

    @Test("a signature round-trips through its blob")
    func blob() {
        let signature = engine.fingerprint(of: words("one two three four five six seven")).signature
        #expect(signature.blob.count == 512)
        #expect(MinHashSignature(blob: signature.blob) == signature)
        #expect(MinHashSignature(blob: [1, 2, 3]) == nil)
    }

    @Test("the signature estimates Jaccard similarity within sampling error")
    func estimateAccuracy() {
        // Two sets of 600 shingles sharing 400: Jaccard 400 / 800 = 0.5.
        var random = DedupHash.SplitMix64(state: 42)
        let shared = (0..<400).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        let left = (shared + (0..<200).map { _ in UInt32(truncatingIfNeeded: random.next()) }).sorted()
        let right = (shared + (0..<200).map { _ in UInt32(truncatingIfNeeded: random.next()) }).sorted()
        let hasher = MinHasher(permutations: 128)
        let estimate = hasher.signature(of: left).similarity(to: hasher.signature(of: right))
        #expect(abs(estimate - 0.5) < 0.15)  // 3.4 standard deviations at 128 permutations
        #expect(DedupEngine.sharedCount(left[...], right[...]) == 400)
    }

    @Test("shared values of two sorted lists with repeats: as a step-by-step merge counts them, by merge and by tally")
    func sharedCountMatchesMerge() {
        func merged<Value: FixedWidthInteger>(_ left: [Value], _ right: [Value]) -> Int {
            var (i, j, shared) = (0, 0, 0)
            while i < left.count, j < right.count {
                if left[i] == right[j] { shared += 1; i += 1; j += 1 } else if left[i] < right[j] { i += 1 } else { j += 1 }
            }
            return shared
        }
        var random = DedupHash.SplitMix64(state: 9)
        let tally = TopsTally()
        for trial in 0..<300 {
            // Values from a small range (repeats), a shared run, and different tails and gaps.
            let common = (0..<random.below(200)).map { _ in UInt16(random.below(3_000)) }
            let left = (common + (0..<random.below(60)).map { _ in UInt16(random.below(3_000)) }).sorted()
            let right = (common.filter { _ in trial % 3 != 0 || random.below(10) > 0 } + (0..<random.below(60)).map { _ in UInt16(random.below(3_000)) }).sorted()
            #expect(DedupEngine.sharedCount(left[...], right[...]) == merged(left, right))
            let wide = (left.map(UInt32.init), right.map(UInt32.init))
            #expect(DedupEngine.sharedCount(wide.0[...], wide.1[...]) == merged(wide.0, wide.1))
            #expect(DedupEngine.sharedCount(left.dropFirst(trial % 5), right[...]) == merged(Array(left.dropFirst(trial % 5)), right))
            // The tally counts the same, candidate after candidate, and is empty again once unloaded.
            tally.load(left[...])
            #expect(tally.shared(with: right[...]) == merged(left, right))
            #expect(tally.shared(with: left[...]) == left.count)
            #expect(tally.shared(with: right.shuffled()[...]) == merged(left, right))
            tally.unload(left[...])
            #expect(tally.shared(with: right[...]) == 0)
        }
    }

    @Test("LSH banding minimizes false positives plus false negatives around the threshold")
    func banding() {
        let low = LSHBands.optimal(threshold: 0.2, permutations: 128)
        let high = LSHBands.optimal(threshold: 0.8, permutations: 128)
        #expect(low == LSHBands(bands: 28, rows: 2), "the README's figure for the default threshold")
        #expect(low.bands * low.rows <= 128)
        #expect(high.bands * high.rows <= 128)
        #expect(low.rows < high.rows)
        #expect(low.candidateProbability(at: 0.5) > 0.99)
        #expect(high.candidateProbability(at: 0.5) < 0.2)
        #expect(high.candidateProbability(at: 0.95) > 0.99)
    }

    @Test("the two seed articles (one event, two write-ups) are not duplicates")
    func seedsAreNotDuplicates() throws {
        let verdicts = try judge([
            ("web", "Russia-led troops arrive in Kazakhstan", try seed("kazakhstan-web-page.txt")),
            ("rewrite", "CSTO troops in Kazakhstan", try seed("kazakhstan-translated-rewrite.txt")),
        ])
        #expect(verdicts[1] == nil)
    }

    @Test("the web-page seed with other site chrome and another headline is a duplicate of it")
    func seedWithOtherChromeIsDuplicate() throws {
        let original = try seed("kazakhstan-web-page.txt")
        var lines = original.components(separatedBy: "\n")
        let chrome = ["Wednesday, July 3, 2024", "Russia-led troops arrive in Kazakhstan as unrest continues", "Must Read",
                      "Latest", "More Articles Like This"]
        lines.removeAll { line in chrome.contains(line.trimmingCharacters(in: .whitespaces)) || line.contains("KF-21") }
        let copy = (["Skip to main content", "Home | World | Business | Sport", "Moscow's troops land in Almaty amid fuel riots",
                     "Trending Now", "By Staff Reporter"] + lines
                    + ["Sign up for our daily newsletter.", "© 2022 Other Site. All rights reserved."]).joined(separator: "\n\n")
        let verdicts = try judge([
            ("web", "Russia-led troops arrive in Kazakhstan as unrest continues", original),
            ("other", "Moscow's troops land in Almaty amid fuel riots", copy),
        ])
        let match = try #require(verdicts[1])
        #expect(match.canonicalID == 0)
        #expect(match.similarity > 0.6)
    }

    @Test("exact copies short-circuit; a truncated copy is contained in its original")
    func exactAndContained() throws {
        let paragraphs = (0..<30).map { "Paragraph \($0) says that item \($0 * 7) of the council report was agreed by \($0 + 3) votes." }
        let full = paragraphs.joined(separator: "\n\n")
        let truncated = paragraphs.prefix(5).joined(separator: "\n\n") + "\n\nRead the full story on our site."
        let unrelated = (0..<30).map { "Line \($0): the weather in town \($0 * 3) stays mild for \($0 + 9) days." }
            .joined(separator: "\n\n")
        let verdicts = try judge([("a", "Report", full), ("b", "Report", full), ("c", "Short", truncated),
                                  ("d", "Weather", unrelated)])
        #expect(verdicts[0] == nil)
        #expect(verdicts[1]?.kind == .exact)
        #expect(verdicts[2]?.canonicalID == 0)
        #expect(verdicts[2]?.kind == .contained)
        #expect((verdicts[2]?.containment ?? 0) > 0.85)
        #expect(verdicts[3] == nil)
    }

    @Test("an exact copy is found among the band candidates, the earliest of several, even when too short to compare")
    func exactCopiesOfShortTexts() throws {
        // Seven words: three shingles, under minimum_shingles, so no near-duplicate verdict is possible.
        let brief = "Markets closed early on the public holiday."
        let verdicts = try judge([("a", "Brief", brief), ("b", "Brief", brief), ("c", "Brief", brief),
                                  ("d", "Other", "Markets opened late after the public holiday.")])
        #expect(verdicts[0] == nil)
        #expect(verdicts[1]?.kind == .exact)
        #expect(verdicts[2]?.kind == .exact)
        #expect(verdicts[2]?.matchedID == 0, "the earliest exact copy")
        #expect(verdicts[3] == nil)
    }

    @Test("lines a source repeats in every article are boilerplate and do not make its articles alike")
    func boilerplate() throws {
        let chrome = (0..<12).map { "Site chrome line number \($0) with subscribe share and follow us links" }
        func article(_ topic: Int) -> String {
            let body = (0..<3).map { "Story \(topic) sentence \($0) about subject \(topic * 31 + $0) and nothing else at all." }
            return (chrome.prefix(6) + body + chrome.suffix(6)).joined(separator: "\n")
        }
        let verdicts = try judge((0..<8).map { ("site", "Story \($0)", article($0)) })
        // The first articles share the unlearned chrome and may match; once it is learned, none does.
        #expect(verdicts.suffix(4).allSatisfy { $0 == nil })
        var index = MemoryLineIndex()
        for position in 0..<4 {
            _ = try engine.dropBoilerplate(engine.prepare(article(position), title: ""), source: "site",
                                           time: Double(position), index: &index)
        }
        let kept = try engine.dropBoilerplate(engine.prepare(article(9), title: ""), source: "site", time: 9, index: &index)
        #expect(kept.words == TextNormalizer.normalize((0..<3).map { "Story 9 sentence \($0) about subject \(9 * 31 + $0) and nothing else at all." }
            .joined(separator: "\n")).words)
    }

    @Test("a headline loses a trailing site name after its last separator, when that is five words at most",
          arguments: [
              ("Headline here - Site Name", "Headline here"),
              ("A | B | Site", "A | B"),
              ("Headline \u{2014} Site", "Headline"),
              ("Headline \u{2013}  Two  Spaced  Words", "Headline"),
              ("Mixed | first - Site Name Here Ok Five", "Mixed | first"),
              ("Title - with - dashes and a tail of more than five words", nil),
              (" - Site", nil),
              ("Short", nil),
              ("Tail :: one two three four five six", nil),
          ] as [(String, String?)])
    func titleWithoutSiteName(title: String, expected: String?) {
        #expect(DedupEngine.titleWithoutSiteName(title) == expected)
    }

    @Test("the normalizer's per-thread buffers: texts that outgrow them, on several threads at once, keep every word")
    func scannerBuffers() {
        // Single letters: more words than the buffers are sized for from the text's length, so they grow.
        var counts = [10, 5_000, 3, 80_000, 7, 70_000, 1]
        Parallel.forEach(&counts, block: 1) { _, count in
            for _ in 0..<3 {
                let letters = (0..<count).map { UInt8(0x61 + $0 % 26) }
                let text = String(decoding: letters.flatMap { [$0, 0x20] }, as: UTF8.self)
                let words = TextNormalizer.normalize(text).words
                if words != letters.map({ TextNormalizer.wordHash([$0]) }) { count = -1 }
            }
        }
        #expect(counts == [10, 5_000, 3, 80_000, 7, 70_000, 1])
    }

    @Test("a headline's single-line key without the rest of the result is the full result's",
          arguments: ["Nymaistville court kubraxed corzyngbriom", "Don’t STOP—the “quick” ﬁne", "<b>Tag</b> &amp; text", "", "one"])
    func singleLineKey(title: String) {
        let full = TextNormalizer.normalize(title)
        let line = TextNormalizer.singleLineKey(of: title)
        #expect(line.key == full.singleLineKey)
        #expect(line.wordCount == full.words.count)
    }

    @Test("a line that is another article's headline (a teaser) is left out")
    func teaserHeadlines() throws {
        var index = MemoryLineIndex()
        _ = try engine.dropBoilerplate(engine.prepare("Body of the first story.", title: "Council approves the new tram line - City Post"),
                                       source: "a", time: 0, index: &index)
        let kept = try engine.dropBoilerplate(engine.prepare("Body of the second story.\nCouncil approves the new tram line",
                                                             title: "Other"), source: "b", time: 1, index: &index)
        #expect(kept.words == words("Body of the second story."))
    }

    @Test("articles older than the window are not candidates")
    func window() throws {
        var settings = DedupSettings()
        settings.window = .hours(1)
        let engine = DedupEngine(parameters: DedupParameters(settings: settings))
        var index = MemoryCandidateIndex()
        let text = (0..<20).map { "Sentence \($0) of a story that is copied word for word." }.joined(separator: " ")
        for (position, time) in [0.0, 7200, 7300].enumerated() {
            let fingerprint = engine.fingerprint(of: TextNormalizer.normalize(text).words)
            let match = try engine.judge(id: Int64(position), fingerprint: fingerprint, time: time, index: &index)
            #expect((match == nil) == (position < 2))
        }
    }
}

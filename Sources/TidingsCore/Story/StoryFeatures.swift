/// One distinct term of an article and how often it occurs: a word, a name
/// ("Almaty", "Kassym-Jomart Tokayev"), a number, or four words of a quotation.
struct StoryTerm: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case word, name, number, quotation
    }

    var key: UInt64
    var count: Float
    var kind: Kind
}

/// What story grouping reads from an article: its terms with their counts,
/// taken from the title and the text that dedup kept (boilerplate lines and
/// teasers for other stories left out). Names are capitalized words that are
/// not capitalized merely for opening a sentence, and runs of them ("Collective
/// Security Treaty"); quotations are shingles of quoted words, which different
/// write-ups of one event often repeat verbatim.
struct StoryFeatures: Sendable, Equatable {
    /// Sorted by key, one per key.
    var terms: [StoryTerm] = []

    /// A title word counts this many times: headlines say what the story is.
    static let titleWeight: Float = 2
    /// Quotations are compared four words at a time.
    static let quotationLength = 4

    init() {}

    init(text: NormalizedText, excludingLines excluded: Set<UInt64> = [], title: NormalizedText) {
        var collector = Collector(names: Self.names(in: text))
        collector.occurrences.reserveCapacity(text.words.count + title.words.count)
        for line in text.lines where !excluded.contains(line.key) {
            collector.read(text.words[line.words], flags: text.flags[line.words])
        }
        // Headlines are often in title case: their capitals say nothing, the text's do.
        for (word, flags) in zip(title.words, title.flags) where !StopWords.contains(word) {
            let kind: StoryTerm.Kind = flags.contains(.number) ? .number : collector.isName(word) ? .name : .word
            collector.occurrences.append(StoryTerm(key: word, count: Self.titleWeight, kind: kind))
        }
        terms = collector.terms()
    }

    /// The words capitalized inside a sentence somewhere: names everywhere in the article.
    private static func names(in text: NormalizedText) -> [UInt64] {
        var names: [UInt64] = []
        for (word, flags) in zip(text.words, text.flags)
        where flags.contains(.capitalized) && !flags.contains(.sentenceStart) && !flags.contains(.number) {
            names.append(word)
        }
        names.sort()
        return names
    }

    /// Term occurrences, gathered line by line, then summed per key.
    private struct Collector {
        /// Sorted, possibly repeated.
        let names: [UInt64]
        var occurrences: [StoryTerm] = []
        private var nameRun: [UInt64] = []
        private var quotation: [UInt64] = []

        init(names: [UInt64]) { self.names = names }

        func isName(_ word: UInt64) -> Bool {
            var low = 0
            var high = names.count
            while low < high {
                let middle = (low + high) / 2
                if names[middle] < word { low = middle + 1 } else { high = middle }
            }
            return low < names.count && names[low] == word
        }

        mutating func read(_ words: ArraySlice<UInt64>, flags: ArraySlice<WordFlags>) {
            for (word, flags) in zip(words, flags) {
                if flags.contains(.quoted), !flags.contains(.number) {
                    quotation.append(word)
                    if quotation.count >= StoryFeatures.quotationLength {
                        let key = StoryFeatures.combined(quotation.suffix(StoryFeatures.quotationLength), salt: 0x7175_6f74)
                        occurrences.append(StoryTerm(key: key, count: 1, kind: .quotation))
                    }
                } else {
                    quotation.removeAll(keepingCapacity: true)
                }
                if StopWords.contains(word) {
                    endNameRun()
                } else if flags.contains(.number) {
                    endNameRun()
                    occurrences.append(StoryTerm(key: word, count: 1, kind: .number))
                } else if flags.contains(.capitalized) {
                    nameRun.append(word)
                    occurrences.append(StoryTerm(key: word, count: 1, kind: isName(word) ? .name : .word))
                } else {
                    endNameRun()
                    occurrences.append(StoryTerm(key: word, count: 1, kind: .word))
                }
            }
            endNameRun()
            quotation.removeAll(keepingCapacity: true)
        }

        /// A run of two or more capitalized words is also one name ("Collective Security Treaty Organization").
        private mutating func endNameRun() {
            if nameRun.count >= 2 {
                occurrences.append(StoryTerm(key: StoryFeatures.combined(nameRun, salt: 0x6e61_6d65), count: 1, kind: .name))
            }
            nameRun.removeAll(keepingCapacity: true)
        }

        /// One term per key: counts summed; read once as a name, a word is a name (the higher kind wins).
        func terms() -> [StoryTerm] {
            let sorted = occurrences.sorted { $0.key < $1.key }
            var terms: [StoryTerm] = []
            terms.reserveCapacity(sorted.count / 2)
            for term in sorted {
                if let last = terms.last, last.key == term.key {
                    terms[terms.count - 1].count += term.count
                    if term.kind.rawValue > last.kind.rawValue { terms[terms.count - 1].kind = term.kind }
                } else {
                    terms.append(term)
                }
            }
            return terms
        }
    }

    /// One key for a sequence of word hashes, apart from every single word's key.
    static func combined<Words: Sequence>(_ words: Words, salt: UInt64) -> UInt64 where Words.Element == UInt64 {
        var key = DedupHash.seed ^ salt
        for word in words { key = DedupHash.combine(key, word) }
        return DedupHash.finalize(key)
    }
}

import Foundation
import GRDB
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// Story features, vectors and the clusterer's decisions, on short realistic texts.
@Suite("Stories: features and clustering")
struct StoryTests {
    static func features(_ title: String, _ text: String) -> StoryFeatures {
        StoryFeatures(text: TextNormalizer.normalize(text), title: TextNormalizer.normalize(title))
    }

    static func key(_ word: String) -> UInt64 { TextNormalizer.normalize(word).words[0] }

    @Test("names are capitals inside sentences (everywhere in the article); numbers and quotations are read; stop words are not")
    func features() {
        let read = Self.features("Police say calm returns", """
            Police in Almaty said the CSTO force had landed. Almaty was quiet on Friday.
            “We do not support the presence of foreign militaries,” Sabyr told Reuters. About 2,500 troops came.
            """)
        let kinds = Dictionary(uniqueKeysWithValues: read.terms.map { ($0.key, $0.kind) })
        #expect(kinds[Self.key("almaty")] == .name)  // capitalized mid-sentence once, so also at a sentence start
        #expect(kinds[Self.key("csto")] == .name)
        #expect(kinds[Self.key("police")] == .word)  // only ever capitalized for opening a sentence (and in the title)
        #expect(kinds[Self.key("2")] == .number)
        #expect(kinds[Self.key("the")] == nil)
        #expect(kinds[Self.key("friday")] == nil)
        #expect(read.terms.contains { $0.kind == .quotation })
        let almaty = read.terms.first { $0.key == Self.key("almaty") }
        #expect(almaty?.count == 2)
        let police = read.terms.first { $0.key == Self.key("police") }
        #expect(police?.count == 1 + StoryFeatures.titleWeight)
    }

    @Test("TF-IDF vectors: cosine of a vector with itself is 1; a stored centroid reads back the same; bad bytes are refused")
    func vectors() throws {
        var statistics = TermStatistics(keepsPending: false)
        let features = Self.features("Bridge collapses", "The Key Bridge in Baltimore collapsed after the Dali hit a pier.")
        statistics.add(features)
        let vector = StoryVector(features: features, statistics: statistics, limit: 80)
        #expect(abs(vector.similarity(to: vector) - 1) < 1e-5)
        let sum = vector.adding(vector, limit: 128).sum
        #expect(StoryVector(blob: sum.blob) == sum)
        #expect(StoryVector(blob: [1, 2, 3]) == nil)
        #expect(StoryVector(blob: Array(sum.blob.suffix(12)) + Array(sum.blob.prefix(12))) == nil || sum.entries.count < 2)
    }

    @Test("term statistics halve at their horizon: the total and every count halved, terms seen once forgotten")
    func statisticsHalve() {
        var statistics = TermStatistics(keepsPending: false, horizon: 4)
        let common = Self.features("Port strike", "Dockers in Rotterdam strike.")
        for index in 0..<3 { statistics.add(common); #expect(!statistics.isDueForHalving, "after \(index + 1)") }
        let once = Self.features("Tram line", "Lyon approves a tram line.")
        statistics.add(once)
        #expect(statistics.isDueForHalving)
        let before = statistics.termCount
        #expect(statistics.halve() == 1)
        #expect(statistics.documents == 2)
        #expect(!statistics.isDueForHalving)
        #expect(statistics.termCount < before)
        let rotterdam = Self.key("rotterdam"), lyon = Self.key("lyon")
        // Rotterdam counted 3 times: 1 after halving; Lyon once: forgotten, as if never seen.
        #expect(statistics.inverseFrequency(of: rotterdam) == log((2 + TermStatistics.priorDocuments) / 2))
        #expect(statistics.inverseFrequency(of: lyon) == log(2 + TermStatistics.priorDocuments))
    }

    static let hatay = """
        A magnitude 6.1 earthquake struck Hatay province in southern Turkey on Monday, killing 12 people in Antakya, the \
        disaster agency AFAD said. Governor Mustafa Masatli said rescuers were searching two collapsed buildings in the \
        Defne district. “We heard a roar and the walls came down,” said Ayse Demir, a shopkeeper in Antakya.
        """
    static let hatayFollowUp = """
        Rescuers in Antakya pulled two survivors from a collapsed building on Tuesday, a day after the magnitude 6.1 \
        quake in Hatay killed 12 people. AFAD said 140 aftershocks had been recorded. Governor Mustafa Masatli said \
        tents had been set up in Defne for families who could not go home.
        """
    static let iskenderun = """
        A magnitude 4.8 earthquake shook the port city of Iskenderun in Turkey's Hatay province on Tuesday, the \
        Kandilli Observatory said. No one was hurt, mayor Fatih Tosyali said, but cracks appeared in the Savas \
        mosque and ferries to Mersin were held for an hour while engineers checked the docks.
        """
    static let background = [
        ("Council approves tram line", "The city council in Lyon approved a second tram line on Monday after a long debate."),
        ("Wheat estimates revised", "Farmers in Kansas expect a larger winter wheat harvest after a mild December, analysts said."),
        ("Port extends night shifts", "The port of Rotterdam extended night shifts to clear a backlog of containers, officials said."),
        ("Central bank holds rates", "The Bank of England held interest rates at 5.25 percent on Thursday, Andrew Bailey said."),
    ]

    func clusterer() -> (StoryClusterer, Double) {
        var clusterer = StoryClusterer(parameters: StoryParameters(settings: StorySettings()))
        let start = 1_700_000_000.0
        for (offset, (title, text)) in Self.background.enumerated() {
            let vector = clusterer.vector(of: Self.features(title, text))
            clusterer.add(vector, to: Int64(100 + offset), at: start - 3600 * Double(offset + 1))
        }
        return (clusterer, start)
    }

    @Test("a follow-up of the same quake joins its story; another quake in the same province the next day does not")
    func sameRegionDifferentEvent() {
        var (clusterer, start) = clusterer()
        let first = clusterer.vector(of: Self.features("Quake kills 12 in Turkey's Hatay", Self.hatay))
        #expect(clusterer.bestStory(for: first, at: start) == nil)
        clusterer.add(first, to: 1, at: start)
        let other = clusterer.vector(of: Self.features("Earthquake shakes Iskenderun, no injuries", Self.iskenderun))
        #expect(clusterer.bestStory(for: other, at: start + 86400) == nil)
        let followUp = clusterer.vector(of: Self.features("Survivors pulled from rubble in Antakya", Self.hatayFollowUp))
        let match = clusterer.bestStory(for: followUp, at: start + 86400)
        #expect(match?.storyID == 1)
        #expect((match?.score ?? 0) >= StoryParameters.defaultThreshold)
    }

    @Test("the same quake's follow-up a week later is past the window: a new story")
    func pastTheWindow() {
        var (clusterer, start) = clusterer()
        clusterer.add(clusterer.vector(of: Self.features("Quake kills 12 in Turkey's Hatay", Self.hatay)), to: 1, at: start)
        let followUp = clusterer.vector(of: Self.features("Survivors pulled from rubble in Antakya", Self.hatayFollowUp))
        #expect(clusterer.bestStory(for: followUp, at: start + 7 * 86400) == nil)
        #expect(clusterer.bestStory(for: followUp, at: start + 2 * 86400)?.storyID == 1)
    }
}

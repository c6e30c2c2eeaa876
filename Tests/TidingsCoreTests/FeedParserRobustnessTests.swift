import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// The parser must never trap, whatever the bytes: a crash would take the daemon down.
@Suite("Parser robustness")
struct FeedParserRobustnessTests {
    /// A small deterministic generator (dedup's SplitMix64), so failures reproduce.
    typealias Seeded = DedupHash.SplitMix64

    static let snippets: [[UInt8]] = ["<", ">", "&", "&#", "&#x", ";", "\"", "'", "]]>", "<![CDATA[", "<!--", "-->", "</",
                                      "/>", "<?", "?>", "<!DOCTYPE x [", "<a:b xmlns:a=\"u\">", "\u{0}", "\r", "\u{FEFF}",
                                      "\u{E9}", "&amp;", "&nbsp;", "xml:base=\"", "<div>", "</div>"].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ random: inout Seeded) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + random.below(4)) {
            guard !bytes.isEmpty else { break }
            let position = random.below(bytes.count)
            switch random.below(5) {
            case 0: bytes = Array(bytes[..<position])  // truncate
            case 1: bytes[position] = UInt8(truncatingIfNeeded: random.next())  // flip a byte
            case 2: bytes.insert(contentsOf: snippets[random.below(snippets.count)], at: position)
            case 3: bytes.removeSubrange(position..<min(bytes.count, position + random.below(40)))
            default: bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + random.below(60))], at: random.below(bytes.count))
            }
        }
        return bytes
    }

    /// Rounds to run: 3,000 by default, `TIDINGS_FUZZ_ROUNDS` for a longer hunt.
    static let rounds = ProcessInfo.processInfo.environment["TIDINGS_FUZZ_ROUNDS"].flatMap(Int.init) ?? 3000

    /// The fixtures, the demo feeds and the conformance files whose names end in one of `suffixes`.
    static func sampleDocuments(_ suffixes: [String]) throws -> [[UInt8]] {
        var documents: [[UInt8]] = []
        for folder in ["Tests/TidingsCoreTests/Fixtures", "config/demo", "../shared/conformance/feedparser-public"] {
            let url = TestPaths.repositoryRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: url.path) else { continue }
            for case let name as String in walker where suffixes.contains(where: name.hasSuffix) {
                documents.append([UInt8](try Data(contentsOf: url.appendingPathComponent(name))))
            }
        }
        return documents
    }

    @Test("seeded mutations of the fixtures, demo feeds and conformance files parse or fail cleanly")
    func mutationsNeverTrap() throws {
        let inputs = try FeedParserRobustnessTests.sampleDocuments([".xml", ".json"])
        let rounds = FeedParserRobustnessTests.rounds
        var random = Seeded(state: UInt64(ProcessInfo.processInfo.environment["TIDINGS_FUZZ_SEED"].flatMap(Int.init) ?? 20_261_124))
        var parsed = 0
        var rejected = 0
        for round in 0..<rounds {
            let input = FeedParserRobustnessTests.mutate(inputs[round % inputs.count], &random)
            do {
                let feed = try FeedParser.parse(Data(input), baseURL: URL(string: "https://fuzz.example/feed"))
                var json: [UInt8] = []
                FeedJSON.write(feed) { json += $0 }
                #expect((try? JSONSerialization.jsonObject(with: Data(json))) != nil, "round \(round): the JSON does not parse")
                parsed += 1
            } catch is FeedParseError {
                rejected += 1
            }
        }
        #expect(parsed + rejected == rounds)
        #expect(parsed > rounds / 3, "most damaged feeds are still read: \(parsed) parsed, \(rejected) rejected")
    }
}

import Foundation
import Testing
import TidingsTestSupport

/// `tidings dedup` over generated corpora, scored by the shared scorer; and its input errors.
@Suite("Dedup end to end", .serialized)
struct DedupEndToEndTests {
    let work = TemporaryDirectory("tidings-dedup")

    func python(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/python3"), arguments, timeout: 300)
    }

    @Test("a 3,000-article generated corpus: precision ≥ 0.995 and F1 ≥ 0.97 by the shared scorer")
    func corpusQuality() throws {
        let bench = TestPaths.shared.appendingPathComponent("bench")
        let prefix = try generatedCorpus("corpus", seed: 7)
        let run = try ProcessRunner.tidings(["dedup", "--input", prefix + ".jsonl", "--output", work.path("pred.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("dedup: 3000 articles, "))
        let verdicts = try String(contentsOfFile: work.path("pred.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(verdicts.count == 3000)
        let scored = try python([bench.appendingPathComponent("score_dedup.py").path, prefix + ".labels.jsonl",
                                 work.path("pred.jsonl"), "--json"])
        let score = try #require(try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let precision = score["precision"] as? Double ?? 0
        let f1 = score["f1"] as? Double ?? 0
        print("dedup quality on 3,000 generated articles: precision \(precision), recall \(score["recall"] ?? 0), F1 \(f1)")
        #expect(precision >= 0.995)
        #expect(f1 >= 0.97)
        #expect(score["unknown_ids_in_pred"] as? Int == 0)
    }

    @Test("stories on a 3,000-article generated corpus: pairwise F1 ≥ 0.95 against the event labels")
    func storyQuality() throws {
        let prefix = try generatedCorpus("stories", seed: 11)
        let run = try ProcessRunner.tidings(["dedup", "--input", prefix + ".jsonl", "--output", work.path("story-verdicts.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        let score = try storyScore(labels: prefix + ".labels.jsonl", predictions: work.path("story-verdicts.jsonl"))
        print("story quality on 3,000 generated articles: \(score)")
        #expect(score["f1"] as? Double ?? 0 >= 0.95)
    }

    @Test("stories on realistic write-ups (the seeds and ten real events, with same-day look-alikes): every event right")
    func realisticStories() throws {
        let fixtures = TestPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/stories")
        let run = try ProcessRunner.tidings(["dedup", "--input", fixtures.appendingPathComponent("realistic.jsonl").path,
                                             "--output", work.path("realistic.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        let score = try storyScore(labels: fixtures.appendingPathComponent("realistic.labels.jsonl").path,
                                   predictions: work.path("realistic.jsonl"))
        #expect(score["precision"] as? Double == 1)
        #expect(score["recall"] as? Double == 1)
        let verdicts = try String(contentsOfFile: work.path("realistic.jsonl"), encoding: .utf8)
        #expect(!verdicts.contains("\"duplicate_of\":\""), "write-ups of one event are not duplicates")
        let noStories = try ProcessRunner.tidings(["dedup", "--no-stories", "--input", fixtures.appendingPathComponent("realistic.jsonl").path])
        #expect(!noStories.stdout.contains("\"story\""))
    }

    /// A 3,000-article corpus from the shared generator; returns its prefix (PREFIX.jsonl, PREFIX.labels.jsonl).
    func generatedCorpus(_ name: String, seed: Int) throws -> String {
        let prefix = work.path(name)
        let generated = try python([TestPaths.shared.appendingPathComponent("bench/gen_corpus.py").path, "--docs", "3000",
                                    "--seed", String(seed), "--out", prefix])
        #expect(generated.status == 0, "\(generated.stderr)")
        return prefix
    }

    func storyScore(labels: String, predictions: String) throws -> [String: Any] {
        let scored = try python([TestPaths.repositoryRoot.appendingPathComponent("bench/score_stories.py").path, labels,
                                 predictions, "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
    }

    @Test("verdicts: in input order, duplicate_of names the earliest copy, numeric ids echoed as numbers")
    func verdictShape() throws {
        let body = (0..<40).map { "Sentence \($0) of the wire story about harbour cranes and \($0 * 11) containers." }
            .joined(separator: " ")
        let lines = [
            #"{"id": 10, "source": "a", "published": "2024-03-01T10:00:00Z", "text": "\#(body)"}"#,
            "",
            #"{"id": "x", "source": "b", "published": "2024-03-01T11:00:00Z", "html": "<p>\#(body)</p><p>Advertisement</p>"}"#,
            #"{"id": "y", "source": "c", "published": "2024-03-01T12:00:00Z", "text": "Something else entirely, about the weather in the hills."}"#,
        ]
        let input = try work.write("in.jsonl", lines.joined(separator: "\n") + "\n")
        let run = try ProcessRunner.tidings(["dedup", "--input", input])
        #expect(run.status == 0, "\(run.stderr)")
        let verdicts = try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(verdicts.count == 3)
        #expect(verdicts[0]["id"] as? Int == 10)
        #expect(verdicts[0]["duplicate_of"] is NSNull)
        #expect(verdicts[1]["id"] as? String == "x")
        #expect(verdicts[1]["duplicate_of"] as? Int == 10)
        #expect((verdicts[1]["similarity"] as? Double ?? 0) > 0.9)
        #expect(verdicts[2]["duplicate_of"] is NSNull)
    }

    @Test("bad input names the file and line and what was expected; verdicts before it are kept")
    func badInput() throws {
        let good = #"{"id": "a", "text": "one two three four five six"}"#
        for (line, expected) in [
            (#"{"id": "b", "text": "unterminated"#, "in.jsonl:2: not a JSON object: expected a closing '\"'"),
            (#"{"id": "b", "title": "no text"}"#, "in.jsonl:2: expected a \"text\" or \"html\" string member"),
            (#"{"text": "no id"}"#, "in.jsonl:2: expected an \"id\" member"),
            (#"{"id": "b", "published": "yesterday-ish", "text": "x"}"#, "in.jsonl:2: expected \"published\" to be a date"),
            ("[1, 2]", "in.jsonl:2: not a JSON object: expected '{' at byte 1"),
        ] {
            let input = try work.write("in.jsonl", good + "\n" + line + "\n")
            let output = work.path("out.jsonl")
            let run = try ProcessRunner.tidings(["dedup", "--input", input, "--output", output])
            #expect(run.status == 1)
            #expect(run.stderr.contains(expected), "\(run.stderr)")
            #expect(run.stderr.contains("verdicts before that line were written"))
            #expect(try String(contentsOfFile: output, encoding: .utf8) == #"{"id":"a","duplicate_of":null,"story":"a"}"# + "\n")
        }
        let missing = try ProcessRunner.tidings(["dedup", "--input", work.path("nope.jsonl")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read \(work.path("nope.jsonl")): No such file or directory"))
    }
}

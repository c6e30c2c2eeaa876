import Testing
@testable import TidingsCore

@Suite("Text diffs")
struct TextDiffTests {
    @Test("one changed sentence: a hunk with two sentences of context, in unified format")
    func oneSentence() {
        let old = "One. Two. Three. Four. Five.\n\nSix. Seven."
        let new = "One. Two. Three. Four, revised. Five.\n\nSix. Seven."
        #expect(TextDiff.unified(from: old, to: new, oldLabel: "a", newLabel: "b") == """
            --- a
            +++ b
            @@ -2,5 +2,5 @@
             Two.
             Three.
            -Four.
            +Four, revised.
             Five.
             

            """)
    }

    @Test("whitespace and line breaks inside a paragraph are not differences")
    func whitespace() {
        #expect(TextDiff.hunks(from: "A  sentence\nwrapped.", to: "A sentence wrapped.").isEmpty)
        #expect(TextDiff.unified(from: "Same.", to: "Same.", oldLabel: "a", newLabel: "b") == "")
    }

    @Test("additions at the end and removals at the start get correct ranges")
    func ranges() {
        let hunks = TextDiff.hunks(from: "A. B. C.", to: "B. C. D.", context: 0)
        #expect(hunks.map(\.header) == ["@@ -1 +0,0 @@", "@@ -3,0 +3 @@"])
    }

    @Test("the edit script is a shortest one and turns old into new (random sequences)")
    func shortestScript() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let old = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Int.random(in: 0...3, using: &generator) }
            let new = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Int.random(in: 0...3, using: &generator) }
            let script = SequenceDiff.script(old, new)
            var rebuilt: [Int] = [], oldIndex = 0, newIndex = 0
            for edit in script {
                switch edit {
                case .keep: #expect(old[oldIndex] == new[newIndex]); rebuilt.append(old[oldIndex]); oldIndex += 1; newIndex += 1
                case .delete: oldIndex += 1
                case .insert: rebuilt.append(new[newIndex]); newIndex += 1
                }
            }
            #expect(rebuilt == new && oldIndex == old.count)
            let kept = script.filter { $0 == .keep }.count
            #expect(kept == longestCommonSubsequence(old, new), "old \(old) new \(new)")
        }
    }

    @Test("unrelated long texts fall back to replacing everything, quickly")
    func unrelated() {
        let old = (0..<3000).map { "Old sentence \($0)." }.joined(separator: " ")
        let new = (0..<3000).map { "New sentence \($0)." }.joined(separator: " ")
        let hunks = TextDiff.hunks(from: old, to: new)
        #expect(hunks.count == 1)
        #expect(hunks[0].oldCount == 3000 && hunks[0].newCount == 3000)
    }

    private func longestCommonSubsequence(_ a: [Int], _ b: [Int]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0..<a.count {
            for j in 0..<b.count {
                table[i + 1][j + 1] = a[i] == b[j] ? table[i][j] + 1 : max(table[i][j + 1], table[i + 1][j])
            }
        }
        return table[a.count][b.count]
    }
}

/// A readable unified diff of two article texts, one sentence per line.
///
/// Articles are prose: a line diff would show a whole paragraph replaced for
/// one changed word, a character diff is noise. Sentences are the unit people
/// re-read; paragraph breaks stay as empty lines.
public enum TextDiff {
    /// One line of a diff: kept (context), removed from the old text, added in the new one.
    public enum LineKind: Sendable, Equatable {
        case context, removed, added
    }

    public struct Line: Sendable, Equatable {
        public var kind: LineKind
        public var text: String
    }

    /// A run of changes with up to `context` unchanged sentences around it.
    public struct Hunk: Sendable, Equatable {
        /// 1-based first line and line count in the old and the new text (as in `diff -u`).
        public var oldStart: Int, oldCount: Int, newStart: Int, newCount: Int
        public var lines: [Line]

        public var header: String {
            "@@ -\(Self.range(oldStart, oldCount)) +\(Self.range(newStart, newCount)) @@"
        }

        private static func range(_ start: Int, _ count: Int) -> String {
            count == 1 ? "\(start)" : "\(count == 0 ? start - 1 : start),\(count)"
        }
    }

    /// The hunks that turn `old` into `new`; empty when their sentences are equal.
    public static func hunks(from old: String, to new: String, context: Int = 2) -> [Hunk] {
        let before = sentences(of: old), after = sentences(of: new)
        return group(SequenceDiff.script(before, after), old: before, new: after, context: context)
    }

    /// The diff in unified format under `---`/`+++` headers; empty when nothing changed.
    public static func unified(from old: String, to new: String, oldLabel: String, newLabel: String,
                               context: Int = 2) -> String {
        let hunks = hunks(from: old, to: new, context: context)
        guard !hunks.isEmpty else { return "" }
        var lines = ["--- \(oldLabel)", "+++ \(newLabel)"]
        for hunk in hunks {
            lines.append(hunk.header)
            for line in hunk.lines {
                let mark = switch line.kind { case .context: " "; case .removed: "-"; case .added: "+" }
                lines.append(mark + line.text)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text as sentences, one per element; an empty element between paragraphs.
    /// A sentence ends at `.`, `!`, `?` or `…` (with closing quotes or brackets)
    /// followed by a space; abbreviations may split early, which costs nothing
    /// but an extra line.
    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        for paragraph in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let words = paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard !words.isEmpty else { continue }
            if !result.isEmpty { result.append("") }
            var sentence: [Substring] = []
            for word in words {
                sentence.append(word)
                if endsSentence(word) {
                    result.append(sentence.joined(separator: " "))
                    sentence.removeAll()
                }
            }
            if !sentence.isEmpty { result.append(sentence.joined(separator: " ")) }
        }
        return result
    }

    private static func endsSentence(_ word: Substring) -> Bool {
        let trimmed = word.reversed().drop(while: { "\"'”’»)]".contains($0) })
        guard let last = trimmed.first else { return false }
        return last == "." || last == "!" || last == "?" || last == "…"
    }

    /// Groups an edit script into hunks: changes closer than `2 × context` kept
    /// lines share a hunk, and each hunk shows `context` kept lines around them.
    private static func group(_ script: [SequenceDiff.Edit], old: [String], new: [String], context: Int) -> [Hunk] {
        let changes = script.indices.filter { script[$0] != .keep }
        var hunks: [Hunk] = []
        var cursor = 0, oldLine = 0, newLine = 0
        var next = 0
        while next < changes.count {
            var end = changes[next]
            var following = next + 1
            while following < changes.count, changes[following] - end - 1 <= 2 * context {
                end = changes[following]
                following += 1
            }
            let first = max(changes[next] - context, 0), last = min(end + context, script.count - 1)
            for edit in script[cursor..<first] {
                if edit != .insert { oldLine += 1 }
                if edit != .delete { newLine += 1 }
            }
            var hunk = Hunk(oldStart: oldLine + 1, oldCount: 0, newStart: newLine + 1, newCount: 0, lines: [])
            for edit in script[first...last] {
                if edit != .insert {
                    hunk.lines.append(Line(kind: edit == .keep ? .context : .removed, text: old[oldLine]))
                    oldLine += 1
                    hunk.oldCount += 1
                }
                if edit == .keep {
                    newLine += 1
                    hunk.newCount += 1
                } else if edit == .insert {
                    hunk.lines.append(Line(kind: .added, text: new[newLine]))
                    newLine += 1
                    hunk.newCount += 1
                }
            }
            hunks.append(hunk)
            cursor = last + 1
            next = following
        }
        return hunks
    }
}

/// The shortest edit script between two sequences (Myers' O(ND) algorithm).
enum SequenceDiff {
    enum Edit: Equatable { case keep, delete, insert }

    /// Beyond this many differences the texts are unrelated; everything old is
    /// deleted and everything new inserted (a valid, if blunt, script) so that a
    /// rewritten 4 MiB text cannot take quadratic time.
    static let maxDifferences = 1_000

    static func script<T: Equatable>(_ old: [T], _ new: [T]) -> [Edit] {
        // Common prefix and suffix cost nothing and are most of a revised article.
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
              old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let a = Array(old[prefix..<(old.count - suffix)]), b = Array(new[prefix..<(new.count - suffix)])
        let middle = myers(a, b) ?? (Array(repeating: .delete, count: a.count) + Array(repeating: .insert, count: b.count))
        return Array(repeating: .keep, count: prefix) + middle + Array(repeating: .keep, count: suffix)
    }

    /// Myers' greedy forward search, keeping each round's frontier (only the
    /// diagonals it can reach) for the backtrack; nil past `maxDifferences`.
    private static func myers<T: Equatable>(_ a: [T], _ b: [T]) -> [Edit]? {
        let n = a.count, m = b.count
        if n == 0 { return Array(repeating: .insert, count: m) }
        if m == 0 { return Array(repeating: .delete, count: n) }
        let limit = min(n + m, maxDifferences)
        let offset = limit + 1
        var frontier = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        for d in 0...limit {
            // Round d reads diagonals -d-1 ... d+1 of the previous round.
            trace.append(Array(frontier[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]))
                    ? frontier[offset + k + 1] : frontier[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                frontier[offset + k] = x
                if x >= n, y >= m { return backtrack(trace, d: d, n: n, m: m) }
            }
        }
        return nil
    }

    private static func backtrack(_ trace: [[Int]], d: Int, n: Int, m: Int) -> [Edit] {
        var edits: [Edit] = []
        var x = n, y = m
        for round in stride(from: d, through: 1, by: -1) {
            let before = trace[round]
            func reached(_ k: Int) -> Int { before[k + round + 1] }
            let k = x - y
            let down = k == -round || (k != round && reached(k - 1) < reached(k + 1))
            let previousK = down ? k + 1 : k - 1
            let previousX = reached(previousK)
            let previousY = previousX - previousK
            while x > previousX + (down ? 0 : 1), y > previousY + (down ? 1 : 0) {
                edits.append(.keep); x -= 1; y -= 1
            }
            edits.append(down ? .insert : .delete)
            x = previousX; y = previousY
        }
        while x > 0, y > 0 { edits.append(.keep); x -= 1; y -= 1 }
        return edits.reversed()
    }
}

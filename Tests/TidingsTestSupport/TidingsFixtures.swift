import Foundation

/// Config text for tests: a `[daemon]` table (database, change log beside it
/// unless `extra` sets one, plus any extra lines) and one `[[source]]` per (id, url).
public func tidingsConfig(database: String, sources: [(id: String, url: String)], daemon extra: String = "") -> String {
    var text = "[daemon]\ndatabase = \"\(database)\"\n"
    if !extra.contains("change_log =") {
        text += "change_log = \"\((database as NSString).deletingLastPathComponent.isEmpty ? "" : (database as NSString).deletingLastPathComponent + "/")changes\"\n"
    }
    text += extra + "\n"
    for source in sources {
        text += "\n[[source]]\nid = \"\(source.id)\"\nurl = \"\(source.url)\"\n"
    }
    return text
}

/// `tidings --db DB ARGS` read as JSON, the way scripts use it.
public enum TidingsJSON {
    /// One JSON document (`sources --json`, `articles --json`, ...).
    public static func document(db: String, _ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(ProcessRunner.tidings(["--db", db] + arguments).stdout.utf8))
    }

    /// JSON Lines (`changes --json`).
    public static func lines(db: String, _ arguments: [String]) throws -> [[String: Any]] {
        try ProcessRunner.tidings(["--db", db] + arguments).stdout.split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The sources, by id.
    public static func sources(db: String) throws -> [String: [String: Any]] {
        let list = try document(db: db, ["sources", "--json"]) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.compactMap { row in (row["id"] as? String).map { ($0, row) } })
    }
}

/// The change-log files of a directory as the tests check them.
public enum ChangeLogFiles {
    /// The `changes-*.jsonl` file names, oldest day first.
    public static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("changes-") && $0.hasSuffix(".jsonl") }.sorted()
    }

    /// Every line of every file in order, and whether each file ends with a line feed (no torn line).
    public static func lines(in directory: String) -> (lines: [String], allTerminated: Bool) {
        var lines: [String] = []
        var terminated = true
        for name in names(in: directory) {
            let text = (try? String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)) ?? ""
            if !text.isEmpty, !text.hasSuffix("\n") { terminated = false }
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        return (lines, terminated)
    }

    /// `tidings changes --json` for the store: the lines the files must hold.
    public static func tableLines(db: String) throws -> [String] {
        try ProcessRunner.tidings(["--db", db, "changes", "--json"]).stdout.split(separator: "\n").map(String.init)
    }

    /// The seq of each line (nil for a line that is not a change).
    public static func seqs(_ lines: [String]) -> [Int?] {
        lines.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"] as? Int
        }
    }
}

/// One article edited between two refreshes, and the diff its revision must carry.
public enum RevisionFixture {
    public static let title = "Budget passes", editedTitle = "Budget passes narrowly"
    public static let html = "<p>The council met on Monday. It approved the budget. The vote was close.</p><p>Reactions followed.</p>"
    public static let editedHTML = html.replacingOccurrences(of: "The vote was close.", with: "The vote was 5 to 4.")
    public static let diff = """
        --- article 1 revision 1
        +++ article 1 revision 2
        @@ -1,5 +1,5 @@
         The council met on Monday.
         It approved the budget.
        -The vote was close.
        +The vote was 5 to 4.
         
         Reactions followed.

        """
}

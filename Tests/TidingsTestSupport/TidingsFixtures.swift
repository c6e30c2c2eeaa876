import Foundation

/// Config text for tests: a `[daemon]` table (database plus any extra lines)
/// and one `[[source]]` per (id, url).
public func tidingsConfig(database: String, sources: [(id: String, url: String)], daemon extra: String = "") -> String {
    var text = "[daemon]\ndatabase = \"\(database)\"\n\(extra)\n"
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

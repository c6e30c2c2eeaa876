import Foundation
import GRDB

/// An entry's title and text as stored, and the hash that tells a significant edit from noise.
struct ArticleText: Sendable, Equatable {
    let title: String
    let text: String
    /// Hash of the title and text with all whitespace collapsed: re-wrapped
    /// lines, extra spaces and differently spelled entities (decoded before
    /// this) hash the same; links are not part of the text, so neither are
    /// their tracking parameters.
    let contentHash: String

    init(_ entry: FeedEntry) {
        self.init(title: entry.plainTitle ?? "", text: (entry.content ?? entry.summary)?.plainText ?? "")
    }

    init(title: String, text: String) {
        self.title = title
        self.text = text
        contentHash = Self.significantHash(title: title, text: text)
    }

    /// The hash of the title's and the text's words, each run of whitespace
    /// (paragraph breaks and no-break spaces included) counting as one space.
    static func significantHash(title: String, text: String) -> String {
        var hash = StableHash.Stream()
        addWords(of: title, to: &hash)
        hash.add(0x1F)
        addWords(of: text, to: &hash)
        return hash.hex
    }

    private static func addWords(of text: String, to hash: inout StableHash.Stream) {
        var text = text
        text.withUTF8 { bytes in
            var spaced = false, started = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                    spaced = true
                } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                    spaced = true
                    index += 1
                } else {
                    if spaced, started { hash.add(0x20) }
                    spaced = false
                    started = true
                    hash.add(byte)
                }
                index += 1
            }
        }
    }
}

/// One version of an article without its text: what `tidings show` lists and
/// `tidings diff` labels its sides with (`StoreReader.revisionText` reads a text).
public struct RevisionHeader: Sendable, Codable, Equatable {
    public var revision: Int
    /// When this version was first seen.
    public var seenAt: Date
    public var title: String
    public var contentHash: String
}

extension Store {
    /// The longest diff kept in an `article.updated` row; `tidings diff` shows any diff whole.
    static let maxStoredDiff = 64 * 1024

    /// Keeps the stored version of article `id` as a revision and stores the
    /// entry as its newest, with an `article.updated` change carrying the diff;
    /// dedup compares later articles with the newest text (`refingerprint`).
    /// Does nothing (but bring a hash from an older Tidings up to date) when
    /// the difference is not significant. Returns whether a revision was made.
    func revise(articleID id: Int64, with entry: FeedEntry, text new: ArticleText, sourceID: String,
                at now: Date, in db: Database) throws -> Bool {
        guard let stored = try Row.fetchOne(db, sql: """
            SELECT title, text, content, summary, revision, revised_at, first_seen_at FROM articles WHERE id = ?
            """, arguments: [id]) else { return false }
        let old = ArticleText(title: stored["title"], text: stored["text"])
        guard old.contentHash != new.contentHash else {
            // Stored under an earlier definition of the hash: same words, nothing to keep.
            try db.execute(sql: "UPDATE articles SET content_hash = ? WHERE id = ?", arguments: [new.contentHash, id])
            return false
        }
        let revision: Int = stored["revision"]
        try db.execute(sql: """
            INSERT INTO article_revisions (article_id, revision, seen_at, title, text, content, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, revision, (stored["revised_at"] as Date?) ?? stored["first_seen_at"], old.title, old.text,
                             (stored["content"] as String?) ?? stored["summary"], old.contentHash])
        try db.execute(sql: """
            UPDATE articles SET title = ?, text = ?, content = ?, summary = ?, content_hash = ?,
                url = coalesce(?, url), author = coalesce(?, author), updated_at = coalesce(?, updated_at),
                revision = ?, revised_at = ?
            WHERE id = ?
            """, arguments: [new.title, new.text, entry.content?.html, entry.summary?.html, new.contentHash,
                             entry.link, entry.author, entry.updated, revision + 1, now, id])
        var details: [String: JSONValue] = ["revision": .int(revision + 1)]
        var diff = TextDiff.unified(from: old.text, to: new.text, oldLabel: "article \(id) revision \(revision)",
                                    newLabel: "article \(id) revision \(revision + 1)")
        if diff.utf8.count > Self.maxStoredDiff {
            let cut = diff.utf8.prefix(Self.maxStoredDiff)
            let end = cut.lastIndex(of: 0x0A).map { cut.index(after: $0) } ?? cut.endIndex
            diff = String(decoding: cut[..<end], as: UTF8.self)
            details["diff_truncated"] = .bool(true)
        }
        details["diff"] = .string(diff)
        if ArticleText.significantHash(title: old.title, text: "") != ArticleText.significantHash(title: new.title, text: "") {
            details["previous_title"] = .string(old.title)
        }
        try ChangeRecorder.record(.articleUpdated, in: db, at: now, sourceID: sourceID, articleID: id,
                                  url: entry.link, title: new.title, details: details)
        try refingerprint(articleID: id, prepared: PreparedArticle(entry, content: new, engine: dedup, groupsStories: false),
                          sourceID: sourceID, in: db)
        return true
    }
}

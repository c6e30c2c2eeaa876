import Foundation
import GRDB

/// What keeps an item out of the store: retention pruned its article, or the
/// source's rules (`rules`, their fingerprint) dropped it.
struct Tombstone: Equatable {
    var reason: String
    var rules: String?

    /// Whether it keeps its item out under the rules with fingerprint `rules`: a pruned
    /// item always, a dropped one while the rules that dropped it stand.
    func keepsOut(underRules rules: String) -> Bool { reason == "pruned" || self.rules == rules }
}

/// What the store knows of a feed item before storing it.
enum KnownItem: Equatable {
    case stored
    case buried(Tombstone)
}

extension Store {
    /// In one read: which of `identities` of `sourceID` are stored, and the tombstones of the others.
    func knownItems(of sourceID: String, among identities: [String]) throws -> [String: KnownItem] {
        try pool.read { db in
            let stored = try db.cachedStatement(sql: "SELECT 1 FROM articles WHERE source_id = ? AND identity = ?")
            var known: [String: KnownItem] = [:]
            for identity in identities {
                if try Bool.fetchOne(stored, arguments: [sourceID, identity]) == true {
                    known[identity] = .stored
                } else if let stone = try tombstone(of: sourceID, identity: identity, in: db) {
                    known[identity] = .buried(stone)
                }
            }
            return known
        }
    }

    /// Which of `identities` need nothing more: stored, or kept out under `filter`.
    func settledIdentities(of sourceID: String, among identities: [String], filter: IngestFilter) throws -> Set<String> {
        let rules = filter.fingerprint
        return Set(try knownItems(of: sourceID, among: identities).compactMap { identity, known in
            switch known {
            case .stored: identity
            case .buried(let stone): stone.keepsOut(underRules: rules) ? identity : nil
            }
        })
    }

    func tombstone(of sourceID: String, identity: String, in db: Database) throws -> Tombstone? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT reason, rules FROM tombstones WHERE source_id = ? AND identity = ?"),
                         arguments: [sourceID, identity]).map { Tombstone(reason: $0["reason"], rules: $0["rules"]) }
    }

    /// Decides, inside the write transaction, whether a new item of a feed is stored: a pruned
    /// item stays out; one the rules drop gets a tombstone (counted on the source once) so that
    /// it is neither stored nor counted again; one dropped under other rules is judged again.
    /// Returns true when the item is to be stored.
    func admit(_ article: IncomingArticle, sourceID: String, filter: IngestFilter, at now: Date,
               summary: inout IngestSummary, in db: Database) throws -> Bool {
        let stone = try tombstone(of: sourceID, identity: article.identity, in: db)
        let rules = filter.fingerprint
        if let stone, stone.keepsOut(underRules: rules) {
            if stone.reason == "pruned" { summary.tombstoned += 1 }
            try noteListed(article.identity, sourceID: sourceID, at: now, in: db)
            return false
        }
        guard case .dropped = article.verdict ?? filter.verdict(for: article.entry, text: ArticleText(article.entry)) else {
            if stone != nil {
                try db.cachedStatement(sql: "DELETE FROM tombstones WHERE source_id = ? AND identity = ?")
                    .execute(arguments: [sourceID, article.identity])
            }
            return true
        }
        try db.cachedStatement(sql: """
            INSERT INTO tombstones (source_id, identity, reason, at, last_listed, rules) VALUES (?, ?, 'filtered', ?, ?, ?)
            ON CONFLICT (source_id, identity) DO UPDATE SET rules = excluded.rules, last_listed = excluded.last_listed
            """).execute(arguments: [sourceID, article.identity, now.storedValue, now.storedValue, rules])
        if stone == nil {
            summary.filtered += 1
            try db.cachedStatement(sql: "UPDATE sources SET filtered_count = filtered_count + 1 WHERE id = ?")
                .execute(arguments: [sourceID])
        }
        return false
    }

    /// Notes that a feed still lists a tombstoned item (at most every tenth of the expiry, to spare
    /// writes), so its tombstone lasts while the item is listed and expires once it has long left the feed.
    private func noteListed(_ identity: String, sourceID: String, at now: Date, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE tombstones SET last_listed = ?1 WHERE source_id = ?2 AND identity = ?3 AND last_listed < ?4
            """).execute(arguments: [now.storedValue, sourceID, identity, now.addingTimeInterval(-tombstoneExpiry / 10).storedValue])
    }
}

import Foundation
import GRDB

/// What keeps an item out of the store: retention pruned its article, or the
/// source's rules (`rules`, their fingerprint) dropped it.
struct Tombstone: Equatable {
    var reason: String
    var rules: String?
}

extension Store {
    /// The tombstones among `identities` of `sourceID`.
    func tombstones(of sourceID: String, among identities: [String]) throws -> [String: Tombstone] {
        try pool.read { db in
            var found: [String: Tombstone] = [:]
            for identity in identities {
                if let stone = try tombstone(of: sourceID, identity: identity, in: db) { found[identity] = stone }
            }
            return found
        }
    }

    /// Which of `identities` need nothing more: stored, pruned, or dropped by these same rules.
    func settledIdentities(of sourceID: String, among identities: [String], filter: IngestFilter) throws -> Set<String> {
        let rules = filter.fingerprint
        let buried = try tombstones(of: sourceID, among: identities).filter { $0.value.reason == "pruned" || $0.value.rules == rules }
        return try storedIdentities(of: sourceID, among: identities).union(buried.keys)
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
        if let stone, stone.reason == "pruned" || stone.rules == rules {
            if stone.reason == "pruned" { summary.tombstoned += 1 }
            try noteListed(article.identity, sourceID: sourceID, at: now, in: db)
            return false
        }
        let reason = article.dropReason ?? filter.dropReason(for: article.entry)
        guard reason != nil else {
            if stone != nil {
                try db.cachedStatement(sql: "DELETE FROM tombstones WHERE source_id = ? AND identity = ?")
                    .execute(arguments: [sourceID, article.identity])
            }
            return true
        }
        try db.cachedStatement(sql: """
            INSERT INTO tombstones (source_id, identity, reason, at, last_listed, rules) VALUES (?, ?, 'filtered', ?, ?, ?)
            ON CONFLICT (source_id, identity) DO UPDATE SET rules = excluded.rules, last_listed = excluded.last_listed
            """).execute(arguments: [sourceID, article.identity, now, now, rules])
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
            """).execute(arguments: [now, sourceID, identity, now.addingTimeInterval(-tombstoneExpiry / 10)])
    }
}

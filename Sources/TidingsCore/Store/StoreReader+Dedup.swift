import Foundation
import GRDB

/// A canonical article and the near-duplicates that point to it, for `tidings dups`.
public struct DuplicateCluster: Sendable, Codable, Equatable {
    public var canonical: ArticleSummary
    public var members: [DuplicateMember]
}

/// One duplicate in a cluster.
public struct DuplicateMember: Sendable, Codable, Equatable {
    public var id: Int64
    public var source: String
    public var title: String
    public var url: String?
    public var firstSeen: Date
    /// Estimated Jaccard similarity to the article it was matched against (1 for an exact copy).
    public var similarity: Double
}

/// A stored article close to a given text, for `tidings similar`.
public struct SimilarArticle: Sendable, Codable, Equatable {
    public var article: ArticleSummary
    /// Jaccard similarity of the shingle sets (exact while the article is in the dedup window, else estimated).
    public var similarity: Double
    /// Share of the shorter text's shingles found in the longer one.
    public var containment: Double
}

extension StoreReader {
    /// Clusters of duplicates, the most recently grown first.
    public func duplicateClusters(limit: Int? = nil) throws -> [DuplicateCluster] {
        try read { db in
            var sql = """
                SELECT duplicate_of, max(id) AS newest FROM articles WHERE duplicate_of IS NOT NULL
                GROUP BY duplicate_of ORDER BY newest DESC
                """
            if let limit { sql += " LIMIT \(limit)" }
            let canonicalIDs = try Int64.fetchAll(db, sql: sql)
            return try canonicalIDs.compactMap { id in try Self.cluster(canonical: id, db) }
        }
    }

    /// The cluster an article belongs to, as its canonical or as a duplicate; nil when it has no duplicates and is none.
    public func duplicateCluster(of articleID: Int64) throws -> DuplicateCluster? {
        try read { db in
            guard let duplicateOf = try Int64?.fetchOne(db, sql: "SELECT duplicate_of FROM articles WHERE id = ?",
                                                        arguments: [articleID]) else { return nil }
            let cluster = try Self.cluster(canonical: duplicateOf ?? articleID, db)
            return cluster?.members.isEmpty == false ? cluster : nil
        }
    }

    /// A canonical article and the duplicates pointing to it, oldest first.
    private static func cluster(canonical id: Int64, _ db: Database) throws -> DuplicateCluster? {
        let canonical = try db.cachedStatement(sql: """
            SELECT id, source_id, title, url, published_at, first_seen_at, duplicate_of FROM articles WHERE id = ?
            """)
        let members = try db.cachedStatement(sql: """
            SELECT id, source_id, title, url, first_seen_at, similarity FROM articles WHERE duplicate_of = ? ORDER BY id
            """)
        guard let row = try Row.fetchOne(canonical, arguments: [id]) else { return nil }
        return DuplicateCluster(canonical: ArticleSummary(row: row), members: try Row.fetchAll(members, arguments: [id]).map {
            DuplicateMember(id: $0["id"], source: $0["source_id"], title: $0["title"], url: $0["url"],
                            firstSeen: $0.storedDate("first_seen_at"), similarity: $0["similarity"] ?? 0)
        })
    }

    /// The stored articles most similar to `text` (plain text or HTML), at least `minimum` similar
    /// or contained, best first. Compares against every stored fingerprint, so nothing within or
    /// beyond the dedup window is missed.
    public func similarArticles(to text: String, settings: DedupSettings, minimum: Double,
                                limit: Int?) throws -> [SimilarArticle] {
        let engine = DedupEngine(parameters: DedupParameters(settings: settings))
        let probe = engine.fingerprint(of: TextNormalizer.normalize(text).words)
        guard probe.shingleCount > 0 else { return [] }
        return try read { db in
            var scored: [(id: Int64, similarity: Double, containment: Double)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT article_id, exact_hash, shingle_count, signature, shingles FROM dedup_fingerprints")
            while let row = try rows.next() {
                let signatureBlob: Data = row["signature"]
                let shinglesBlob: Data = row["shingles"]
                let candidate = DedupCandidate(
                    id: row["article_id"], canonicalID: row["article_id"], exactHash: UInt64(bitPattern: row["exact_hash"]),
                    signature: UInt32Blob.decode(signatureBlob)?[...] ?? [],
                    shingleCount: row["shingle_count"], shingles: UInt32Blob.decode(shinglesBlob)?[...] ?? [])
                let (similarity, containment) = engine.overlap(probe, candidate)
                if similarity >= minimum || containment >= max(minimum, engine.parameters.containment) {
                    scored.append((candidate.id, similarity, containment))
                }
            }
            scored.sort { ($0.similarity, $0.containment, $1.id) > ($1.similarity, $1.containment, $0.id) }
            if let limit { scored = Array(scored.prefix(limit)) }
            let summary = try db.cachedStatement(sql: """
                SELECT id, source_id, title, url, published_at, first_seen_at, duplicate_of FROM articles WHERE id = ?
                """)
            return try scored.compactMap { item in
                try Row.fetchOne(summary, arguments: [item.id]).map {
                    SimilarArticle(article: ArticleSummary(row: $0), similarity: (item.similarity * 10000).rounded() / 10000,
                                   containment: (item.containment * 10000).rounded() / 10000)
                }
            }
        }
    }
}

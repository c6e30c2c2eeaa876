import GRDB

/// New articles into the search index: all of a refresh's in one statement, at the end of its
/// transaction, rather than one by one from a trigger.
///
/// FTS5 writes what it has gathered to disk as a new segment whenever a statement that writes
/// within a transaction ends (the statement's savepoint is released), and every insert into
/// `articles` is such a statement (its foreign key and unique checks). Indexed by a trigger,
/// each article became a segment of its own that FTS5 then merged with the others: about a
/// third of a refresh's CPU with an empty store and half of it with a million articles.
/// Changes and deletions still reach the index through the store's triggers.
enum SearchIndexing {
    /// Indexes the articles with ids `first...last`: all inserted by this transaction, so no
    /// other row has an id between them. While a rebuild is pending (`SearchIndexRebuild`), the
    /// new index gets them too: it holds every article stored after the rebuild began. Their
    /// lengths are packed later, by the upkeep (`SearchLengths`).
    static func add(_ first: Int64, through last: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO articles_search (rowid, title, text) SELECT id, title, text FROM articles WHERE id BETWEEN ? AND ?
            """).execute(arguments: [first, last])
        try SearchLengths.queue(first, through: last, in: db)
        if try db.tableExists("search_rebuild") {
            try db.execute(sql: """
                INSERT INTO articles_search_next (rowid, title, text) SELECT id, title, text FROM articles WHERE id BETWEEN ? AND ?
                """, arguments: [first, last])
        }
    }
}

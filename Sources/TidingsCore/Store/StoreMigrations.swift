import GRDB

/// The store's schema as an append-only history of named migrations.
/// A migration is never edited once it has shipped: add a new one instead.
enum StoreMigrations {
    /// Written into `PRAGMA application_id` so a Tidings store can be told from other SQLite files ("TDNG").
    static let applicationID: Int32 = 0x5444_4E47

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.register("v1-sources-articles-changes") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE sources (
                    id                 TEXT PRIMARY KEY NOT NULL,
                    url                TEXT NOT NULL,
                    title              TEXT NOT NULL DEFAULT '',
                    kind               TEXT NOT NULL DEFAULT 'feed',
                    enabled            INTEGER NOT NULL DEFAULT 1,
                    settings_json      TEXT NOT NULL,
                    added_at           DATETIME NOT NULL,
                    removed_at         DATETIME,
                    feed_title         TEXT,
                    feed_link          TEXT,
                    last_attempt_at    DATETIME,
                    last_success_at    DATETIME,
                    last_status        INTEGER,
                    last_error         TEXT,
                    consecutive_errors INTEGER NOT NULL DEFAULT 0,
                    next_due_at        DATETIME
                );

                CREATE TABLE articles (
                    id            INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_id     TEXT NOT NULL REFERENCES sources(id) ON DELETE RESTRICT,
                    identity      TEXT NOT NULL,
                    guid          TEXT,
                    url           TEXT,
                    title         TEXT NOT NULL DEFAULT '',
                    author        TEXT,
                    summary       TEXT,
                    content       TEXT,
                    text          TEXT NOT NULL DEFAULT '',
                    content_hash  TEXT NOT NULL,
                    published_at  DATETIME,
                    updated_at    DATETIME,
                    first_seen_at DATETIME NOT NULL,
                    UNIQUE (source_id, identity)
                );
                CREATE INDEX articles_by_first_seen ON articles(first_seen_at);
                CREATE INDEX articles_by_published ON articles(published_at);

                CREATE TABLE changes (
                    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                    time       DATETIME NOT NULL,
                    event      TEXT NOT NULL,
                    source_id  TEXT,
                    article_id INTEGER,
                    url        TEXT,
                    title      TEXT,
                    details    TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX changes_by_time ON changes(time);
                CREATE INDEX changes_by_source ON changes(source_id, seq);
                """)
        }
        migrator.register("v2-source-warning") { db in
            // A feed that had to be recovered (not well-formed, undecodable bytes) is ingested,
            // and what was wrong with it is kept here, apart from fetch errors.
            try db.execute(sql: "ALTER TABLE sources ADD COLUMN last_warning TEXT")
        }
        migrator.register("v3-conditional-get") { db in
            // Validators exactly as the server sent them, and a fingerprint of the last body,
            // so unchanged feeds cost a 304 or at least no parsing.
            try db.execute(sql: """
                ALTER TABLE sources ADD COLUMN etag TEXT;
                ALTER TABLE sources ADD COLUMN last_modified TEXT;
                ALTER TABLE sources ADD COLUMN body_hash TEXT;
                """)
        }
        migrator.register("v4-moved-and-gone") { db in
            // Where a permanent redirect (301/308) moved the feed, and when it answered 410 Gone.
            try db.execute(sql: """
                ALTER TABLE sources ADD COLUMN current_url TEXT;
                ALTER TABLE sources ADD COLUMN gone_at DATETIME;
                """)
        }
        migrator.register("v5-dedup") { db in
            // Near-duplicate detection: each article's verdict, its fingerprint, the LSH band keys
            // (the index survives restarts and is not bounded by memory) and per-source line counts
            // that tell boilerplate. 64-bit hashes are stored as their signed bit pattern.
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles(id);
                ALTER TABLE articles ADD COLUMN similarity REAL;
                CREATE INDEX articles_by_duplicate ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;

                CREATE TABLE dedup_fingerprints (
                    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                    time          REAL NOT NULL,
                    canonical_id  INTEGER NOT NULL,
                    exact_hash    INTEGER NOT NULL,
                    word_count    INTEGER NOT NULL,
                    shingle_count INTEGER NOT NULL,
                    signature     BLOB NOT NULL,
                    shingles      BLOB NOT NULL
                );
                CREATE INDEX dedup_fingerprints_by_exact ON dedup_fingerprints(exact_hash);

                CREATE TABLE dedup_bands (
                    band_key   INTEGER NOT NULL,
                    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    time       REAL NOT NULL,
                    PRIMARY KEY (band_key, article_id)
                ) WITHOUT ROWID;
                CREATE INDEX dedup_bands_by_time ON dedup_bands(time);
                CREATE INDEX dedup_bands_by_article ON dedup_bands(article_id);

                CREATE TABLE dedup_lines (
                    scope_key INTEGER NOT NULL,
                    line_key  INTEGER NOT NULL,
                    seen      INTEGER NOT NULL,
                    last_seen REAL NOT NULL,
                    PRIMARY KEY (scope_key, line_key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.register("v6-schedule-reasons-and-origin-holds") { db in
            // Why each source is due when it is, the interval learnt from its publishing rate,
            // and Retry-After holds that apply to every source on one origin (scheme, host, port).
            try db.execute(sql: """
                ALTER TABLE sources ADD COLUMN due_reason TEXT;
                ALTER TABLE sources ADD COLUMN learnt_interval REAL;
                CREATE TABLE origin_holds (
                    origin TEXT PRIMARY KEY,
                    until  DATETIME NOT NULL,
                    status INTEGER
                );
                """)
        }
        migrator.register("v7-dedup-canonical-index") { db in
            // An earlier original taking over a cluster re-points its members by canonical_id:
            // without this index each takeover read the whole fingerprint table (blobs included).
            try db.execute(sql: "CREATE INDEX dedup_fingerprints_by_canonical ON dedup_fingerprints(canonical_id)")
        }
        // Rebuilds a table (create, copy, drop, rename): SQLite's procedure for that runs with
        // foreign keys off, so this one keeps GRDB's check of the whole store at its end.
        migrator.registerMigration("v8-dedup-bands-one-btree", foreignKeyChecks: .deferred) { db in
            // 28 band rows per article went into three B-trees (the key, by time, by article), each
            // insert at a random place: most of ingest's page writes. Band rows now live in their
            // key's B-tree only; pruning finds them from the fingerprints (indexed by time while
            // they still have band rows) by recomputing the keys from the signature.
            try db.execute(sql: """
                CREATE TABLE dedup_bands_new (
                    band_key   INTEGER NOT NULL,
                    article_id INTEGER NOT NULL,
                    time       REAL NOT NULL,
                    PRIMARY KEY (band_key, article_id)
                ) WITHOUT ROWID;
                INSERT INTO dedup_bands_new (band_key, article_id, time)
                    SELECT band_key, article_id, time FROM dedup_bands ORDER BY band_key, article_id;
                DROP TABLE dedup_bands;
                ALTER TABLE dedup_bands_new RENAME TO dedup_bands;
                CREATE INDEX dedup_fingerprints_by_time ON dedup_fingerprints(time) WHERE length(shingles) > 0;
                """)
        }
        migrator.register("v9-revisions-and-feed-presence") { db in
            // An article whose title or text changes significantly keeps its earlier versions here
            // (the articles row is always the newest, `revision` its number). `in_feed` marks the
            // articles listed by their feed's last good fetch, so one that leaves the feed is noticed.
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE articles ADD COLUMN revised_at DATETIME;
                ALTER TABLE articles ADD COLUMN in_feed INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE articles ADD COLUMN left_feed_at DATETIME;
                CREATE INDEX articles_in_feed ON articles(source_id) WHERE in_feed = 1;

                CREATE TABLE article_revisions (
                    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    revision     INTEGER NOT NULL,
                    seen_at      DATETIME NOT NULL,
                    title        TEXT NOT NULL,
                    text         TEXT NOT NULL,
                    content      TEXT,
                    content_hash TEXT NOT NULL,
                    PRIMARY KEY (article_id, revision)
                ) WITHOUT ROWID;
                """)
        }
        migrator.register("v10-search-and-listing-indexes") { db in
            // Full-text search over title and text: an FTS5 index whose content is the articles table,
            // kept in step by triggers (so every writer, present and future, keeps it true) and built
            // here for the articles already stored. Titles weigh four times the text in the ranking.
            // unicode61 folds case in every script (Cyrillic and Kazakh letters included) and drops
            // Latin diacritics, so "cafe" finds "Café"; 2- and 3-letter prefix indexes make "kaz*" fast.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE articles_search USING fts5(
                    title, text, content = 'articles', content_rowid = 'id',
                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
                CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
                    INSERT INTO articles_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
                    INSERT INTO articles_search (articles_search, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                END;
                CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles
                    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
                    INSERT INTO articles_search (articles_search, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                    INSERT INTO articles_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                INSERT INTO articles_search (articles_search) VALUES ('rebuild');
                INSERT INTO articles_search (articles_search, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
                """)
            // Listings are newest first by the article's date (published, else first seen), for all
            // sources or one, and `stats` counts duplicates per source: each from an index, not a scan.
            try db.execute(sql: """
                CREATE INDEX articles_by_date ON articles (coalesce(published_at, first_seen_at));
                CREATE INDEX articles_by_source_date ON articles (source_id, coalesce(published_at, first_seen_at));
                CREATE INDEX articles_duplicates_by_source ON articles (source_id) WHERE duplicate_of IS NOT NULL;
                """)
        }
        migrator.register("v11-stories") { db in
            // Stories: one row each, named by their earliest article; membership in its own narrow
            // table (rewriting a stored article row to add its story would cost more than the row).
            // `centroid` is the story's weighted terms (key, weight) as little-endian 12-byte entries,
            // a name's weight negated. Term document frequencies and the number of articles counted
            // are what TF-IDF needs to survive a restart. Articles stored before this have no story.
            try db.execute(sql: """
                CREATE TABLE stories (
                    id         INTEGER PRIMARY KEY AUTOINCREMENT,
                    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    title      TEXT NOT NULL,
                    first_at   DATETIME NOT NULL,
                    last_at    DATETIME NOT NULL,
                    articles   INTEGER NOT NULL,
                    sources    INTEGER NOT NULL,
                    centroid   BLOB NOT NULL
                );
                CREATE INDEX stories_by_last ON stories (last_at);
                CREATE TABLE story_articles (
                    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
                    source_id  TEXT NOT NULL,
                    joined     TEXT NOT NULL CHECK (joined IN ('started', 'similarity', 'duplicate')),
                    score      REAL
                );
                CREATE INDEX story_articles_by_story ON story_articles (story_id, source_id);
                CREATE TABLE story_terms (term INTEGER PRIMARY KEY, documents INTEGER NOT NULL);
                CREATE TABLE story_statistics (id INTEGER PRIMARY KEY CHECK (id = 1), documents INTEGER NOT NULL);
                INSERT INTO story_statistics (id, documents) VALUES (1, 0);
                """)
        }
        migrator.register("v12-retention-tombstones-filters") { db in
            // Retention prunes old articles; each pruned or filtered-out item leaves a tombstone
            // (source + identity) so that a feed still listing it does not bring it back as new.
            // `last_listed` is when a feed last listed it: tombstones of items gone from their feed
            // for long expire. A filtered item's tombstone names the rules that dropped it (`rules`),
            // so that changed rules judge it again. The per-source counts are what `tidings sources` shows.
            try db.execute(sql: """
                CREATE TABLE tombstones (
                    source_id   TEXT NOT NULL,
                    identity    TEXT NOT NULL,
                    reason      TEXT NOT NULL CHECK (reason IN ('pruned', 'filtered')),
                    at          DATETIME NOT NULL,
                    last_listed DATETIME NOT NULL,
                    rules       TEXT,
                    PRIMARY KEY (source_id, identity)
                ) WITHOUT ROWID;
                CREATE INDEX tombstones_by_last_listed ON tombstones (last_listed);
                ALTER TABLE sources ADD COLUMN pruned_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sources ADD COLUMN filtered_count INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX articles_by_source_id ON articles (source_id, id);
                """)
        }
        migrator.register("v13-stories-by-article") { db in
            // Deleting an article makes SQLite look for stories it names (the foreign key): without
            // this index, every pruned article read the whole stories table.
            try db.execute(sql: "CREATE INDEX stories_by_article ON stories (article_id)")
        }
        migrator.register("v14-dedup-bands-recent-and-upkeep-runs") { db in
            // New band rows go to a small table of their own, moved into dedup_bands in key order
            // by maintenance: inserting 28 rows at random places of a table of tens of millions
            // dirtied 28 pages an article, and a store of a million articles ingested at a third of
            // the speed of a small one. Lookups read both tables.
            try db.execute(sql: """
                CREATE TABLE dedup_bands_recent (
                    band_key   INTEGER NOT NULL,
                    article_id INTEGER NOT NULL,
                    time       REAL NOT NULL,
                    PRIMARY KEY (band_key, article_id)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: "CREATE TABLE upkeep_runs (task TEXT PRIMARY KEY NOT NULL, last_run_at DATETIME NOT NULL)")
        }
        migrator.register("v15-upkeep-cursors") { db in
            // Where each sweep of upkeep that goes through a big table a chunk per maintenance round
            // (and per `tidingsd --once`) goes on from. It replaces the once-a-day sweep of the whole
            // table, whose last run upkeep_runs kept.
            try db.execute(sql: "DROP TABLE upkeep_runs")
            try db.execute(sql: """
                CREATE TABLE upkeep_cursors (task TEXT PRIMARY KEY NOT NULL, first_key INTEGER NOT NULL, second_key INTEGER NOT NULL)
                """)
        }
        migrator.register("v16-search-prefix-4") { db in
            // A 4-letter prefix ("almat*") had no prefix index of its own: FTS5 merged the doclists
            // of every term it covers, twice, and took 80 ms at p95 in a million articles. The index is
            // made anew with 2-, 3- and 4-letter prefix indexes beside the old one, which searches
            // read until the new one is complete (`SearchIndexRebuild`). Articles are copied by the
            // daemon's maintenance, a batch at a time, or by `tidings maintenance search-index`.
            try db.execute(sql: """
                CREATE TABLE search_rebuild (
                    copied_through INTEGER NOT NULL,
                    copy_until     INTEGER NOT NULL,
                    to_copy        INTEGER NOT NULL,
                    copied         INTEGER NOT NULL
                );
                INSERT INTO search_rebuild (copied_through, copy_until, to_copy, copied)
                    SELECT 0, coalesce(max(id), 0), count(*), 0 FROM articles;
                CREATE VIRTUAL TABLE articles_search_next USING fts5(
                    title, text, content = 'articles', content_rowid = 'id',
                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
                INSERT INTO articles_search_next (articles_search_next, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
                CREATE TRIGGER articles_search_next_insert AFTER INSERT ON articles BEGIN
                    INSERT INTO articles_search_next (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                CREATE TRIGGER articles_search_next_delete AFTER DELETE ON articles
                    WHEN old.id > (SELECT copy_until FROM search_rebuild)
                      OR old.id <= (SELECT copied_through FROM search_rebuild) BEGIN
                    INSERT INTO articles_search_next (articles_search_next, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                END;
                CREATE TRIGGER articles_search_next_update AFTER UPDATE OF title, text ON articles
                    WHEN (old.title IS NOT new.title OR old.text IS NOT new.text)
                     AND (old.id > (SELECT copy_until FROM search_rebuild)
                          OR old.id <= (SELECT copied_through FROM search_rebuild)) BEGIN
                    INSERT INTO articles_search_next (articles_search_next, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                    INSERT INTO articles_search_next (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                """)
            // A store without articles has nothing to copy: the new index takes over at once.
            if try SearchIndexRebuild.remaining(db) == 0 { _ = try SearchIndexRebuild.step(db, batch: 1) }
        }
        migrator.register("v17-band-index-in-memory") { db in
            // The band rows not yet merged live in memory now (`RecentBands`), rebuilt from the
            // signatures of the articles after the cursor: a table of them, small as it was, still
            // took a page write per row and half the WAL of a cold ingest. Those waiting are merged now.
            try db.execute(sql: """
                INSERT OR IGNORE INTO dedup_bands (band_key, article_id, time)
                    SELECT band_key, article_id, time FROM dedup_bands_recent ORDER BY band_key, article_id;
                DROP TABLE dedup_bands_recent;
                INSERT INTO upkeep_cursors (task, first_key, second_key)
                    SELECT 'dedup-bands-merged', coalesce(max(article_id), 0), 0 FROM dedup_fingerprints;
                """)
            // A Bloom filter over the merged keys (`BandKeyFilter`), made from the table on first use
            // and stored at each merge, and the keys written into the table since outside a merge.
            try db.execute(sql: """
                CREATE TABLE dedup_band_filter (id INTEGER PRIMARY KEY CHECK (id = 1), bits BLOB NOT NULL, inserted INTEGER NOT NULL);
                CREATE TABLE dedup_band_filter_extra (band_key INTEGER PRIMARY KEY);
                """)
        }
        migrator.register("v18-search-indexed-by-refresh") { db in
            // New articles are indexed for search a refresh at a time by the store (`SearchIndexing`),
            // no longer one by one by a trigger; so too into the new index of a pending rebuild.
            // With no trigger to index it, an article could be stored through SQL and never indexed:
            // telling FTS5 to delete what it never indexed corrupts the index, so a change or a
            // deletion now reaches it only for an article it holds (it has a size row).
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS articles_search_insert;
                DROP TRIGGER IF EXISTS articles_search_next_insert;
                DROP TRIGGER articles_search_delete;
                DROP TRIGGER articles_search_update;
                CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
                    INSERT INTO articles_search (articles_search, rowid, title, text)
                        SELECT 'delete', old.id, old.title, old.text
                        WHERE EXISTS (SELECT 1 FROM articles_search_docsize WHERE id = old.id);
                END;
                CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles
                    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
                    INSERT INTO articles_search (articles_search, rowid, title, text)
                        SELECT 'delete', old.id, old.title, old.text
                        WHERE EXISTS (SELECT 1 FROM articles_search_docsize WHERE id = old.id);
                    INSERT INTO articles_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                """)
        }
        migrator.register("v19-search-rebuild-guarded") { db in
            // v18's guard, for the new index of a rebuild still pending: an article stored through
            // SQL after it was copied up to is in neither copy range nor the new index, and telling
            // FTS5 to delete it there corrupted the index. A change still re-indexes it only where
            // the rebuild will not copy it later (that would index it twice).
            guard try db.tableExists("search_rebuild") else { return }
            try db.execute(sql: """
                DROP TRIGGER articles_search_next_delete;
                DROP TRIGGER articles_search_next_update;
                CREATE TRIGGER articles_search_next_delete AFTER DELETE ON articles BEGIN
                    INSERT INTO articles_search_next (articles_search_next, rowid, title, text)
                        SELECT 'delete', old.id, old.title, old.text
                        WHERE EXISTS (SELECT 1 FROM articles_search_next_docsize WHERE id = old.id);
                END;
                CREATE TRIGGER articles_search_next_update AFTER UPDATE OF title, text ON articles
                    WHEN (old.title IS NOT new.title OR old.text IS NOT new.text)
                     AND (old.id > (SELECT copy_until FROM search_rebuild)
                          OR old.id <= (SELECT copied_through FROM search_rebuild)) BEGIN
                    INSERT INTO articles_search_next (articles_search_next, rowid, title, text)
                        SELECT 'delete', old.id, old.title, old.text
                        WHERE EXISTS (SELECT 1 FROM articles_search_next_docsize WHERE id = old.id);
                    INSERT INTO articles_search_next (rowid, title, text) VALUES (new.id, new.title, new.text);
                END;
                """)
        }
        migrator.register("v20-exact-copies-among-candidates") { db in
            // An exact copy has the same band keys as its original, so the detector finds it among
            // the band candidates; an index on the (random) exact-text hash cost a page read and a
            // page write an article in a big store: 3,195 of the 7,865 pages more that 5,000 new
            // articles wrote into a store of a million than into one of 10,000.
            try db.execute(sql: "DROP INDEX dedup_fingerprints_by_exact")
        }
        migrator.register("v21-dedup-band-layout") { db in
            // The band layout (bands x rows, from `threshold` and `permutations`) the merged band rows
            // were keyed with (`Store.adoptBandLayout`). Unknown for an existing store: the daemon
            // records its own on its next start.
            try db.execute(sql: """
                CREATE TABLE dedup_band_layout (id INTEGER PRIMARY KEY CHECK (id = 1), bands INTEGER NOT NULL, rows INTEGER NOT NULL)
                """)
        }
        migrator.register("v22-search-lengths") { db in
            // The search index's lengths packed for ranking (`SearchLengths`). A block must never
            // hold a length that is no longer true: any change to an article's title or text, and its
            // deletion, drops the block and queues it to be packed again. Every block is queued now.
            try db.execute(sql: """
                CREATE TABLE search_lengths (block INTEGER PRIMARY KEY, lengths BLOB NOT NULL);
                CREATE TABLE search_lengths_pending (block INTEGER PRIMARY KEY);
                CREATE TRIGGER search_lengths_delete AFTER DELETE ON articles BEGIN
                    DELETE FROM search_lengths WHERE block = old.id >> \(SearchLengths.blockShift);
                    INSERT OR IGNORE INTO search_lengths_pending (block) VALUES (old.id >> \(SearchLengths.blockShift));
                END;
                CREATE TRIGGER search_lengths_update AFTER UPDATE OF title, text ON articles
                    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
                    DELETE FROM search_lengths WHERE block = old.id >> \(SearchLengths.blockShift);
                    INSERT OR IGNORE INTO search_lengths_pending (block) VALUES (old.id >> \(SearchLengths.blockShift));
                END;
                """)
            try SearchLengths.queueAll(db)
        }
        migrator.register("v23-source-counts") { db in
            // Each source's articles and duplicates, kept by triggers for `tidings sources` and `stats`:
            // counting them meant a pass over every article (a million: 100-150 ms). Any write to
            // `articles`, whoever makes it, keeps them true. They are counted from indexes (the
            // table holds the texts: a million articles' 2 GB took 19 s to read), and then the index
            // v10 made to count duplicates per source has nothing left to do (and each duplicate
            // stored costs one write fewer).
            try db.execute(sql: """
                CREATE TABLE source_counts (
                    source_id  TEXT PRIMARY KEY NOT NULL,
                    articles   INTEGER NOT NULL,
                    duplicates INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO source_counts (source_id, articles, duplicates)
                    SELECT source_id, count(*), 0 FROM articles INDEXED BY articles_by_source_id GROUP BY source_id;
                UPDATE source_counts SET duplicates = (
                    SELECT count(*) FROM articles INDEXED BY articles_duplicates_by_source
                    WHERE source_id = source_counts.source_id AND duplicate_of IS NOT NULL);
                DROP INDEX articles_duplicates_by_source;
                CREATE TRIGGER source_counts_insert AFTER INSERT ON articles BEGIN
                    INSERT INTO source_counts (source_id, articles, duplicates) VALUES (new.source_id, 1, new.duplicate_of IS NOT NULL)
                        ON CONFLICT (source_id) DO UPDATE SET articles = articles + 1, duplicates = duplicates + excluded.duplicates;
                END;
                CREATE TRIGGER source_counts_delete AFTER DELETE ON articles BEGIN
                    UPDATE source_counts SET articles = articles - 1, duplicates = duplicates - (old.duplicate_of IS NOT NULL)
                        WHERE source_id = old.source_id;
                END;
                CREATE TRIGGER source_counts_update AFTER UPDATE OF source_id, duplicate_of ON articles
                    WHEN old.source_id IS NOT new.source_id OR (old.duplicate_of IS NULL) <> (new.duplicate_of IS NULL) BEGIN
                    UPDATE source_counts SET articles = articles - 1, duplicates = duplicates - (old.duplicate_of IS NOT NULL)
                        WHERE source_id = old.source_id;
                    INSERT INTO source_counts (source_id, articles, duplicates) VALUES (new.source_id, 1, new.duplicate_of IS NOT NULL)
                        ON CONFLICT (source_id) DO UPDATE SET articles = articles + 1, duplicates = duplicates + excluded.duplicates;
                END;
                """)
        }
        migrator.register("v24-search-facets") { db in
            // What searches filter on, packed by id beside the lengths (`SearchFacets`), in the same
            // blocks and the same queue; and each block's shortest length (`SearchLengths`). A block
            // must never hold a tag or minute that is no longer true: a change to an article's source,
            // date or duplicate flag, its deletion, and an article stored below the block's last id
            // drop it and queue it to be packed again. A floor goes with its block's lengths, and with
            // an article stored below its last id. Every block is queued now.
            let shift = SearchLengths.blockShift
            func dropping(_ id: String) -> String {
                """
                DELETE FROM search_facets WHERE block = \(id) >> \(shift);
                    DELETE FROM search_facet_spans WHERE block = \(id) >> \(shift);
                    INSERT OR IGNORE INTO search_lengths_pending (block) VALUES (\(id) >> \(shift));
                """
            }
            try db.execute(sql: """
                CREATE TABLE search_facets (block INTEGER PRIMARY KEY, tags BLOB NOT NULL, minutes BLOB NOT NULL);
                CREATE TABLE search_facet_spans (block INTEGER PRIMARY KEY, first_minute INTEGER, last_minute INTEGER,
                                                 last_id INTEGER NOT NULL);
                CREATE TABLE search_source_numbers (number INTEGER PRIMARY KEY, source_id TEXT NOT NULL UNIQUE);
                CREATE TABLE search_length_floors (block INTEGER PRIMARY KEY, shortest INTEGER NOT NULL, last_id INTEGER NOT NULL);
                CREATE TRIGGER search_length_floors_drop AFTER DELETE ON search_lengths BEGIN
                    DELETE FROM search_length_floors WHERE block = old.block;
                END;
                CREATE TRIGGER search_length_floors_insert AFTER INSERT ON articles
                    WHEN new.id < (SELECT last_id FROM search_length_floors WHERE block = new.id >> \(shift)) BEGIN
                    DELETE FROM search_length_floors WHERE block = new.id >> \(shift);
                END;
                CREATE TRIGGER search_facets_insert AFTER INSERT ON articles
                    WHEN new.id < (SELECT last_id FROM search_facet_spans WHERE block = new.id >> \(shift)) BEGIN
                    \(dropping("new.id"))
                END;
                CREATE TRIGGER search_facets_delete AFTER DELETE ON articles BEGIN
                    \(dropping("old.id"))
                END;
                CREATE TRIGGER search_facets_update AFTER UPDATE OF source_id, duplicate_of, published_at, first_seen_at ON articles
                    WHEN old.source_id IS NOT new.source_id OR (old.duplicate_of IS NULL) <> (new.duplicate_of IS NULL)
                      OR coalesce(old.published_at, old.first_seen_at) IS NOT coalesce(new.published_at, new.first_seen_at) BEGIN
                    \(dropping("old.id"))
                END;
                INSERT OR IGNORE INTO search_lengths_pending (block) SELECT DISTINCT id >> \(shift) FROM articles;
                """)
        }
        return migrator
    }
}

extension DatabaseMigrator {
    /// Registers a migration that runs with foreign keys enforced statement by statement.
    ///
    /// GRDB's default runs a migration with them off and then checks every foreign key of the
    /// store (`PRAGMA foreign_key_check`): for a million articles that read the whole fingerprint
    /// and article tables, about a second from the page cache and far longer from disk, once for
    /// every migration an upgrade applies, before the daemon could start. Only a migration that
    /// rebuilds a table needs that (register it with `foreignKeyChecks: .deferred`).
    fileprivate mutating func register(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        registerMigration(identifier, foreignKeyChecks: .immediate, migrate: migrate)
    }
}

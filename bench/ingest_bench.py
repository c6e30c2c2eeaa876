#!/usr/bin/env python3
"""Ingest-cost benchmark: what storing (and deduplicating) one new article
costs when the store already holds 10,000 articles and when it holds
1,000,000. The target is a ratio of at most 1.5: the persisted LSH index
must not make ingest slower as the store grows.

    python3 bench/ingest_bench.py --tidingsd .build/release/tidingsd [--sizes 10000,1000000] [--items 5000]

For each size: a fresh store is created by `tidingsd` (migrations), then
filled through SQL with that many synthetic articles, each with a dedup
fingerprint (signature, shingle set), 28 band keys (the default banding) and
10 boilerplate line counts, published within the dedup window. Then
`tidingsd --once` ingests one feed file of --items new articles (unique
text, so each is judged against the index: band lookups, candidates,
verification, inserts), and the wall time per article is reported. Each
size is timed --rounds times, each on a fresh copy of its store, the sizes
taking turns, and the median counts: a single 5,000-article run is a few
seconds, and this machine's slow spells alone moved the ratio by ±0.3. Parsing
and process start are in both figures alike, so the ratio is if anything
flattered towards 1 only by that constant part; it is printed with and
without the run on an empty store subtracted.
"""
import argparse
import os
import random
import shutil
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate

BANDS = 28


def write_feed(path, items, seed=7):
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zu", "pe", "dra", "ston", "mer", "qua", "bel"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20000)})
    now = time.time()
    with open(path, "w", encoding="utf-8") as feed:
        feed.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Ingest bench</title>'
                   "<link>https://bench.example/</link><description>new articles</description>\n")
        for item in range(items):
            paragraphs = ["<p>%s.</p>" % " ".join(rng.choice(vocabulary) for _ in range(rng.randint(30, 60)))
                          for _ in range(4)]
            feed.write("<item><title>Bench story %d</title><link>https://bench.example/%d</link>"
                       "<guid>bench-%d</guid><pubDate>%s</pubDate><description><![CDATA[%s]]></description></item>\n"
                       % (item, item, item, formatdate(now - item * 60), "".join(paragraphs)))
        feed.write("</channel></rss>\n")


def preload(database, count):
    """Fills the store with `count` synthetic articles and their dedup rows."""
    connection = sqlite3.connect(database)
    connection.executescript("""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = OFF;
        INSERT INTO sources (id, url, settings_json, added_at)
            VALUES ('preloaded', 'https://preloaded.example/feed', '{}', datetime('now'));
        """)
    now = time.time()
    connection.execute("""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO articles (id, source_id, identity, title, text, content_hash, first_seen_at, published_at)
        SELECT i, 'preloaded', 'guid:p-' || i, 'Preloaded ' || i, '', hex(randomblob(8)),
               datetime('now'), datetime('now')
        FROM n""", (count,))
    connection.execute("INSERT INTO articles_search (rowid, title, text) SELECT id, title, text FROM articles")
    connection.execute("""
        INSERT INTO dedup_fingerprints (article_id, time, canonical_id, exact_hash, word_count, shingle_count,
                                        signature, shingles)
        SELECT id, ? - abs(random() % 2500000), id, random(), 180, 176, randomblob(512), randomblob(704) FROM articles""",
                       (now,))
    # Bulk load the way SQLite likes it: rows inserted in key order.
    connection.execute("""
        WITH RECURSIVE b(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM b WHERE k < ?)
        INSERT INTO dedup_bands (band_key, article_id, time)
        SELECT random() AS key, article_id, time FROM dedup_fingerprints, b ORDER BY key""", (BANDS - 1,))
    # ... all of them merged: the daemon keeps in memory only the rows of articles after this cursor.
    connection.execute("INSERT OR REPLACE INTO upkeep_cursors (task, first_key, second_key) VALUES ('dedup-bands-merged', ?, 0)",
                       (count,))
    connection.execute("""
        WITH RECURSIVE l(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM l WHERE k < 9)
        INSERT OR IGNORE INTO dedup_lines (scope_key, line_key, seen, last_seen)
        SELECT random() % 1000 AS scope, random() AS line, 1, ? FROM articles, l ORDER BY scope, line""", (now,))
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def prepare(tidingsd, directory, feed, size):
    """A store of `size` preloaded articles in `directory`, with a config that ingests `feed`.
    Returns the seconds it took to fill."""
    database = os.path.join(directory, "tidings.db")
    config = os.path.join(directory, "bench.toml")
    with open(config, "w") as handle:
        handle.write('[daemon]\ndatabase = "%s"\nchange_log = "%s"\n'
                     % (database, os.path.join(directory, "changes")))
    subprocess.run([tidingsd, "--config", config, "--once"], check=True, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    if size:
        preload(database, size)
        # A round of upkeep, as a daemon that stored these articles would have had: among other
        # things it makes the filter over the band keys SQL just wrote (a store keeps it from merge to merge).
        subprocess.run([tidingsd, "--config", config, "--once"], check=True, stderr=subprocess.DEVNULL)
    filled = time.perf_counter() - started
    with open(config, "a") as handle:
        handle.write('\n[[source]]\nid = "bench"\nurl = "file://%s"\n' % feed)
    return filled


def timed_ingest(tidingsd, pristine, directory):
    """Ingests the feed into a fresh copy of the `pristine` store; returns (seconds, store MB after)."""
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(pristine, directory)
    # The copy's paths: the config names the pristine folder's files.
    config = os.path.join(directory, "bench.toml")
    with open(config) as handle:
        text = handle.read().replace(pristine + "/", directory + "/")
    with open(config, "w") as handle:
        handle.write(text)
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    subprocess.run([tidingsd, "--config", config, "--once", "--all"], check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, os.path.getsize(os.path.join(directory, "tidings.db")) / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidingsd", required=True)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each size, on fresh copies of its store")
    args = parser.parse_args()
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="tidings-ingest-")  # file: URLs need absolute paths
    os.makedirs(work, exist_ok=True)
    feed = os.path.join(work, "new-articles.xml")
    write_feed(feed, args.items)
    sizes = [0] + [int(value) for value in args.sizes.split(",")]
    seconds = {size: [] for size in sizes}
    filled = {}
    size_mb = {}
    try:
        for size in sizes:
            pristine = os.path.join(work, "pristine-%d" % size)
            shutil.rmtree(pristine, ignore_errors=True)
            os.makedirs(pristine)
            filled[size] = prepare(args.tidingsd, pristine, feed, size)
        # Each size's run on a fresh copy of its store, the sizes taking turns round after round, so a
        # slow spell of this machine falls on all of them alike; the median of the rounds counts.
        for round_number in range(args.rounds):
            for size in sizes:
                taken, size_mb[size] = timed_ingest(args.tidingsd, os.path.join(work, "pristine-%d" % size),
                                                    os.path.join(work, "store-%d" % size))
                seconds[size].append(taken)
            print("  round %d: %s" % (round_number + 1, ", ".join("%d stored %.2f s" % (size, seconds[size][-1]) for size in sizes)),
                  file=sys.stderr, flush=True)
    finally:
        for size in sizes:
            shutil.rmtree(os.path.join(work, "pristine-%d" % size), ignore_errors=True)
            shutil.rmtree(os.path.join(work, "store-%d" % size), ignore_errors=True)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    rows = [(size, statistics.median(seconds[size]), filled[size], size_mb[size]) for size in sizes]
    for size, _, fill, mb in rows:
        print("  %d stored: preload %.0f s, store %.0f MB" % (size, fill, mb), file=sys.stderr)
    base = rows[0][1]
    print("ingest: %d new articles into a store that already holds N" % args.items)
    print("  %-12s %9s %14s %22s %10s" % ("stored N", "seconds", "ms/article", "ms/article (- empty)", "store MB"))
    for size, median, _, mb in rows:
        print("  %-12d %9.2f %14.3f %22.3f %10.0f" % (size, median, 1000 * median / args.items,
                                                      1000 * (median - base) / args.items if size else 0, mb))
    small, large = rows[1][1], rows[-1][1]
    print("  per-article cost at %d vs %d stored: ratio %.2f (target <= 1.5); medians of %d rounds, each round's ratio: %s"
          % (rows[-1][0], rows[1][0], large / small, args.rounds,
             ", ".join("%.2f" % (big / little) for big, little in zip(seconds[rows[-1][0]], seconds[rows[1][0]]))))


if __name__ == "__main__":
    main()

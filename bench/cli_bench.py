#!/usr/bin/env python3
"""How fast the inspection CLI answers on a store of a million articles.

Builds (once, then reuses) a real Tidings store: `tidingsd --once` creates and
migrates it, then SQLite inserts 1,000,000 articles into the daemon's own schema
(the search index filled a batch at a time, as the daemon fills it): 50 sources,
60 days of dates (ids growing with them, as the daemon numbers articles), texts
of 40-120 words drawn from a Zipf-distributed vocabulary of 40,000 words, 10%
near-duplicates. Then times the real `tidings`
binary, end to end (process start to exit), for search queries of every kind
(rare, middling and common words, phrases, prefixes, filters; by default the
best of the newest 10,000 matches are ranked, `--all` ranks every match), `articles --limit
50` (plain and filtered) and `stats`, each run repeatedly; prints p50 and p95
against the targets (search and articles 50 ms, stats 1 s) and, side by side,
the same queries run straight against SQLite from Python (no process start, no
formatting). Searches there are ranked by FTS5's own `rank` over every match (this
Python cannot load the CLI's `tidings_bm25`): SQLite's ranking beside the CLI's.
"""
import argparse
import itertools
import bisect
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time

GENERATOR_VERSION = "2"


def vocabulary(size, rng):
    syllables = ["ka", "za", "sta", "ne", "ro", "mi", "tu", "bel", "dar", "os", "li", "ven", "gra", "ar", "pol", "sek",
                 "ta", "mo", "ri", "un", "ex", "al", "de", "sto", "ni", "vo", "ush", "kel", "bra", "im"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (len(w), w))


def build(path, tidingsd, count, seed):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    config = os.path.join(directory, "bench.toml")
    with open(config, "w") as f:
        f.write(f'[daemon]\ndatabase = "{path}"\nchange_log = "{directory}/changes"\n')
    subprocess.run([tidingsd, "--config", config, "--once"], check=True, capture_output=True)
    rng = random.Random(seed)
    words = vocabulary(40000, rng)
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    total = cumulative[-1]
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    sources = [f"source-{n:02d}" for n in range(50)]
    now = time.time()
    for source in sources:
        db.execute("INSERT INTO sources (id, url, title, settings_json, added_at, last_success_at, last_status, next_due_at) "
                   "VALUES (?, ?, ?, '{}', datetime('now', '-60 days'), datetime('now', '-5 minutes'), 200, datetime('now', '+55 minutes'))",
                   (source, f"https://{source}.example/feed", source.replace("-", " ").title()))
    # Ids grow with the dates, as in a store the daemon fills: it numbers articles as it first sees them.
    dates = sorted(now - rng.random() * 60 * 86400 for _ in range(count))
    started = time.time()
    batch = []
    canonical_ids = []
    for number in range(1, count + 1):
        length = rng.randint(40, 120)
        text = " ".join(words[_pick(cumulative, total, rng)] for _ in range(length))
        title = " ".join(words[_pick(cumulative, total, rng)] for _ in range(rng.randint(4, 9))).capitalize()
        published = dates[number - 1]
        stamp = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(published))
        seen = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(published + rng.random() * 3600))
        duplicate_of = rng.choice(canonical_ids) if canonical_ids and rng.random() < 0.10 else None
        if duplicate_of is None and len(canonical_ids) < 50000:
            canonical_ids.append(number)
        batch.append((number, sources[number % len(sources)], f"id-{number}", f"https://example.org/{number}", title, text,
                      f"h{number}", stamp, seen, duplicate_of, 0.9 if duplicate_of else None))
        if len(batch) == 10000:
            _insert(db, batch)
            batch = []
            rate = number / (time.time() - started)
            print(f"\r  building: {number} of {count} articles ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)
    if batch:
        _insert(db, batch)
    db.execute("INSERT INTO articles_search (articles_search) VALUES ('optimize')")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.close()
    with open(path + ".version", "w") as f:
        f.write(f"{GENERATOR_VERSION} {count} {seed}\n")
    print(f"\r  built {count} articles in {time.time() - started:.0f} s" + " " * 20, file=sys.stderr)


def _pick(cumulative, total, rng):
    """A word index drawn from the Zipf weights."""
    return bisect.bisect_left(cumulative, rng.random() * total)


def _insert(db, rows):
    db.executemany("INSERT INTO articles (id, source_id, identity, url, title, text, content_hash, published_at, first_seen_at, "
                   "duplicate_of, similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # Indexed for search as the daemon does: a batch in one statement (no trigger does it).
    db.execute("INSERT INTO articles_search (rowid, title, text) SELECT id, title, text FROM articles WHERE id BETWEEN ? AND ?",
               (rows[0][0], rows[-1][0]))
    db.commit()


def timed(command, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {result.stderr.decode()}")
    return times


def timed_sql(db, sql, arguments, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        db.execute(sql, arguments).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tidings", required=True)
    parser.add_argument("--tidingsd", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    path = os.path.abspath(os.path.join(options.work, "store.db"))
    marker = f"{GENERATOR_VERSION} {options.articles} {options.seed}\n"
    if not (os.path.exists(path) and os.path.exists(path + ".version") and open(path + ".version").read() == marker):
        print(f"cli bench: building a store of {options.articles} articles in {path} (once; reused after)", file=sys.stderr)
        build(path, options.tidingsd, options.articles, options.seed)
    else:
        # A store built by an earlier tidingsd: the daemon migrates it as it starts (no sources to fetch),
        # and a rebuild of the search index that a migration began is finished before timing.
        config = os.path.join(os.path.dirname(path), "bench.toml")
        subprocess.run([options.tidingsd, "--config", config, "--once"], check=True, capture_output=True)
        subprocess.run([options.tidings, "--db", path, "maintenance", "search-index"], check=True, capture_output=True)
    words = vocabulary(40000, random.Random(options.seed))
    size = sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))
    print(f"cli bench: {options.articles} articles, store {size / 2**30:.2f} GiB, {options.runs} runs each")

    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    # A phrase as people search for one: three words that stand together in some stored article.
    phrase = " ".join(raw.execute("SELECT text FROM articles WHERE id = 123457").fetchone()[0].split()[10:13])
    match = ("SELECT a.id, snippet(articles_search, 1, char(2), char(3), '…', 24) FROM articles_search "
             "JOIN articles a ON a.id = articles_search.rowid WHERE articles_search MATCH ? ORDER BY articles_search.rank LIMIT 50")
    cases = [
        ("search: a rare word", ["search", words[30000]], match, [f'"{words[30000]}"']),
        ("search: a middling word", ["search", words[2000]], match, [f'"{words[2000]}"']),
        ("search: a common word", ["search", words[100]], match, [f'"{words[100]}"']),
        ("search: two middling words", ["search", words[1500], words[2500]], match, [f'"{words[1500]}" AND "{words[2500]}"']),
        ("search: a phrase", ["search", f'"{phrase}"'], match, [f'"{phrase}"']),
        ("search: a prefix", ["search", words[3000][:4] + "*"], match, [f'"{words[3000][:4]}" *']),
        ("search --all: a common word", ["search", "--all", words[100]], match, [f'"{words[100]}"']),
        ("search: a word, one source, 7 days", ["search", words[2000], "--source", "source-07", "--since", "7d"], None, None),
        ("search: a common word, one source, 7 days", ["search", words[100], "--source", "source-07", "--since", "7d"], None, None),
        ("search: a word, last 7 days", ["search", words[2000], "--since", "7d"], None, None),
        # A common word under a filter that keeps many: the newest 10,000 matches the filter keeps are ranked,
        # found by reading each match's row from the newest down.
        ("search: a common word, last 7 days", ["search", words[100], "--since", "7d"], None, None),
        ("search: a common word, --no-duplicates", ["search", words[100], "--no-duplicates"], None, None),
        ("articles --limit 50", ["articles", "--limit", "50"],
         "SELECT id, title FROM articles ORDER BY coalesce(published_at, first_seen_at) DESC, id DESC LIMIT 50", []),
        ("articles --limit 50 --source", ["articles", "--limit", "50", "--source", "source-07"], None, None),
        ("articles --limit 50 --since --until", ["articles", "--limit", "50", "--since", "30d", "--until", "20d"], None, None),
        ("articles --limit 50 --no-duplicates", ["articles", "--limit", "50", "--no-duplicates"], None, None),
        ("stats", ["stats"], None, None),
        ("sources", ["sources"], None, None),
    ]
    print(f"{'command':<40} {'p50 ms':>8} {'p95 ms':>8} {'target':>8} {'fts5 p95':>11} {'ratio':>6}")
    worst = {"search": 0.0, "articles": 0.0, "stats": 0.0}
    for label, arguments, sql, sql_arguments in cases:
        # As a person runs them: search and articles show their first 50 (the table's default; JSON to skip the terminal).
        extra = ["--json"] + (["--limit", "50"] if arguments[0] == "search" else []) if arguments[0] in ("search", "articles") else []
        times = timed([options.tidings, "--db", path] + arguments + extra, options.runs)
        floor = p95(timed_sql(raw, sql, sql_arguments, options.runs)) if sql else None
        kind = arguments[0] if arguments[0] in worst else None
        target = 1000 if kind == "stats" else 50 if kind else None
        if kind:
            worst[kind] = max(worst[kind], p95(times))
        print(f"{label:<40} {statistics.median(times):8.1f} {p95(times):8.1f} {target or '-':>8} "
              f"{f'{floor:.1f}' if floor is not None else '-':>11} {f'{p95(times) / floor:.1f}x' if floor else '-':>6}")
    verdict = lambda value, target: "met" if value <= target else "NOT met"
    print(f"worst p95: search {worst['search']:.1f} ms ({verdict(worst['search'], 50)}), articles {worst['articles']:.1f} ms "
          f"({verdict(worst['articles'], 50)}), stats {worst['stats']:.1f} ms ({verdict(worst['stats'], 1000)})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks a Tidings store after a crash, read-only, and prints one JSON object:

  integrity           PRAGMA integrity_check ("ok" when sound)
  articles            every article as "source_id identity", sorted
  duplicate_guids     articles sharing (source_id, guid) with another row
  added_per_article   {article id: number of article.added rows} where that number is not 1
  seqs_contiguous     the changes table's seqs run 1..N without a gap
  last_seq            N

Usage: store_check.py DATABASE
"""
import json
import sqlite3
import sys


def main():
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=30)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    articles = sorted("%s %s" % row for row in db.execute("SELECT source_id, identity FROM articles"))
    duplicate_guids = db.execute("""
        SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM articles WHERE guid IS NOT NULL
                                        GROUP BY source_id, guid HAVING n > 1)""").fetchone()[0]
    added = dict(db.execute("""
        SELECT a.id, (SELECT count(*) FROM changes c WHERE c.article_id = a.id AND c.event = 'article.added')
        FROM articles a"""))
    seqs = [row[0] for row in db.execute("SELECT seq FROM changes ORDER BY seq")]
    print(json.dumps({
        "integrity": integrity,
        "articles": articles,
        "duplicate_guids": duplicate_guids,
        "added_per_article": {str(k): v for k, v in added.items() if v != 1},
        "seqs_contiguous": seqs == list(range(1, len(seqs) + 1)),
        "last_seq": seqs[-1] if seqs else 0,
    }))


if __name__ == "__main__":
    sys.exit(main())

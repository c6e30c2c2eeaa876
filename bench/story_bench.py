#!/usr/bin/env python3
"""Story-grouping benchmark: quality and cost.

Quality: `tidings dedup` over a generated corpus (../shared/bench/gen_corpus.py),
its "story" field scored against the corpus's event labels by
bench/score_stories.py (pairwise precision, recall, F1; and how often
different events that name the same person within the window were put in one
story); and the same over Tests/Fixtures/stories/realistic.jsonl (real
events in different outlets' words, with same-day look-alikes). Target: F1 >= 0.90.

Cost: the first --articles articles of the corpus as one RSS file per source
(realistic text: names, quotes, boilerplate), ingested by `tidingsd --once`
into a fresh store with [stories] enabled and with it disabled, alternately,
best of --runs each. Prints ms per article both ways and the ratio. Target:
story assignment adds at most 20% (ratio <= 1.20).

    python3 bench/story_bench.py --tidings .build/release/tidings --tidingsd .build/release/tidingsd \\
        --corpus .bench/corpus-100k [--articles 20000] [--runs 3]
"""
import argparse
import collections
import html
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def score(labels, predictions, corpus=None):
    command = [sys.executable, os.path.join(HERE, "score_stories.py"), labels, predictions, "--json"]
    if corpus:
        command += ["--corpus", corpus]
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout)


def quality(tidings, corpus, work):
    predictions = os.path.join(work, "stories.jsonl")
    started = time.perf_counter()
    subprocess.run([tidings, "dedup", "--input", corpus + ".jsonl", "--output", predictions], check=True,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    result = score(corpus + ".labels.jsonl", predictions, corpus + ".jsonl")
    print("corpus %s: %d articles, %d events, %d stories in %.1f s" % (
        os.path.basename(corpus), result["articles"], result["events"], result["stories"], seconds))
    print("  pairwise precision %.4f  recall %.4f  F1 %.4f   (target F1 >= 0.90)" % (
        result["precision"], result["recall"], result["f1"]))
    print("  different events naming the same person within 72 h: %d pairs, %.3f%% put in one story" % (
        result["shared_name_pairs"], 100 * result["shared_name_merge_rate"]))
    realistic = os.path.join(ROOT, "Tests", "Fixtures", "stories", "realistic")
    predictions = os.path.join(work, "realistic.jsonl")
    subprocess.run([tidings, "dedup", "--input", realistic + ".jsonl", "--output", predictions], check=True,
                   stderr=subprocess.DEVNULL)
    result = score(realistic + ".labels.jsonl", predictions)
    print("realistic set: %d articles, %d events, %d stories: precision %.4f  recall %.4f  F1 %.4f" % (
        result["articles"], result["events"], result["stories"], result["precision"], result["recall"], result["f1"]))


def write_feeds(corpus, count, directory):
    """One RSS file per source with the first `count` articles; returns the file paths."""
    by_source = collections.defaultdict(list)
    with open(corpus + ".jsonl", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= count:
                break
            article = json.loads(line)
            by_source[article["source"]].append(article)
    paths = []
    for source, articles in sorted(by_source.items()):
        path = os.path.join(directory, source + ".xml")
        with open(path, "w", encoding="utf-8") as feed:
            feed.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>%s</title>'
                       '<link>https://%s/</link>\n' % (html.escape(source), source))
            for article in reversed(articles):
                published = datetime.fromisoformat(article["published"].replace("Z", "+00:00"))
                feed.write("<item><guid>%s</guid><link>%s</link><title>%s</title><pubDate>%s</pubDate>"
                           "<description>%s</description></item>\n" % (
                               article["id"], html.escape(article["url"]), html.escape(article["title"]),
                               format_datetime(published), html.escape(article["text"])))
            feed.write("</channel></rss>\n")
        paths.append((source, path))
    return paths


def ingest(tidingsd, feeds, directory, stories):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    config = os.path.join(directory, "bench.toml")
    with open(config, "w") as handle:
        handle.write('[daemon]\ndatabase = "%s"\nchange_log = "%s"\nconcurrency = 2\n\n[stories]\nenabled = %s\n'
                     % (os.path.join(directory, "tidings.db"), os.path.join(directory, "changes"),
                        "true" if stories else "false"))
        for source, path in feeds:
            handle.write('\n[[source]]\nid = "%s"\nurl = "file://%s"\n' % (source.replace(".", "-"), path))
    started = time.perf_counter()
    subprocess.run([tidingsd, "--config", config, "--once", "--all"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def cost(tidingsd, corpus, count, runs, work):
    feeds_dir = os.path.join(work, "feeds-%d" % count)
    if not os.path.isdir(feeds_dir):
        os.makedirs(feeds_dir)
        feeds = write_feeds(corpus, count, feeds_dir)
    else:
        feeds = [(name[:-4], os.path.join(feeds_dir, name)) for name in sorted(os.listdir(feeds_dir))]
    best = {True: float("inf"), False: float("inf")}
    for _ in range(runs):
        for stories in (False, True):  # alternate, so drift on a noisy machine hits both alike
            best[stories] = min(best[stories], ingest(tidingsd, feeds, os.path.join(work, "store"), stories))
    per_off = 1000 * best[False] / count
    per_on = 1000 * best[True] / count
    print("ingest of %d corpus articles from %d feeds (tidingsd --once, best of %d):" % (count, len(feeds), runs))
    print("  stories off %.3f ms/article   stories on %.3f ms/article   ratio %.3f   (target <= 1.20)" % (
        per_off, per_on, per_on / per_off))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tidings", required=True)
    parser.add_argument("--tidingsd", required=True)
    parser.add_argument("--corpus", required=True, help="prefix of CORPUS.jsonl and CORPUS.labels.jsonl")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=".bench/stories")
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    quality(args.tidings, args.corpus, args.work)
    cost(args.tidingsd, args.corpus, args.articles, args.runs, args.work)


if __name__ == "__main__":
    main()

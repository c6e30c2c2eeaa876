#!/usr/bin/env python3
"""Parse benchmark: the same large feed through `tidings parse`, feedparser
and fastfeedparser, in the same run. Prints MB/s, items and the ratios.

    python3 bench/parse_bench.py --tidings .build/release/tidings --feed FILE [--runs 3]

Run it with the bench's virtual environment's Python (make bench does), so
that feedparser and fastfeedparser import.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def best_of(runs, action):
    best = None
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidings", required=True)
    parser.add_argument("--feed", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size_mb = os.path.getsize(args.feed) / 1e6
    with open(args.feed, "rb") as handle:
        data = handle.read()

    rows = []

    # Every entry, as the Python parsers give (the daemon keeps the first 10,000).
    command = [args.tidings, "parse", "--max-entries", "0", args.feed]

    def run_tidings():
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    # Timed: the whole process, writing its JSON to /dev/null. Counted: once, untimed.
    seconds, _ = best_of(args.runs, run_tidings)
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout
    rows.append(("tidings parse", seconds, len(json.loads(output)["entries"])))

    try:
        import feedparser
        seconds, items = best_of(max(1, args.runs - 2), lambda: len(feedparser.parse(data).entries))
        rows.append(("feedparser %s" % feedparser.__version__, seconds, items))
    except ImportError as error:
        print("feedparser not available: %s" % error, file=sys.stderr)

    try:
        import fastfeedparser
        version = getattr(fastfeedparser, "__version__", "")
        seconds, items = best_of(args.runs, lambda: len(fastfeedparser.parse(data).entries))
        rows.append(("fastfeedparser %s" % version, seconds, items))
    except ImportError as error:
        print("fastfeedparser not available: %s" % error, file=sys.stderr)

    print("parse: %s, %.1f MB" % (os.path.basename(args.feed), size_mb))
    print("  %-24s %9s %9s %8s %12s" % ("parser", "seconds", "MB/s", "items", "tidings is"))
    tidings_seconds = rows[0][1]
    for name, seconds, items in rows:
        ratio = "" if name == "tidings parse" else "%.1fx faster" % (seconds / tidings_seconds)
        print("  %-24s %9.3f %9.1f %8d %12s" % (name, seconds, size_mb / seconds, items, ratio))
    print("  (tidings time includes process start and printing the JSON; best of %d runs)" % args.runs)


if __name__ == "__main__":
    main()

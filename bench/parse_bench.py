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
import resource
import subprocess
import sys
import time


def cpu_seconds():
    """User and system time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(runs, action):
    """The best wall time of `runs` calls, the CPU time that call took, and its result."""
    best = None
    result = None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        result = action()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        if best is None or elapsed < best[0]:
            best = (elapsed, cpu)
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

    # Every entry, as the Python parsers give (the daemon keeps the first 10,000).
    command = [args.tidings, "parse", "--max-entries", "0", args.feed]

    def run_tidings():
        # Timed: the whole process, writing its JSON to /dev/null.
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    peers = {}
    try:
        import fastfeedparser
        peers["fastfeedparser %s" % getattr(fastfeedparser, "__version__", "")] = (
            args.runs, lambda: len(fastfeedparser.parse(data).entries))
    except ImportError as error:
        print("fastfeedparser not available: %s" % error, file=sys.stderr)
    try:
        import feedparser
        peers["feedparser %s" % feedparser.__version__] = (
            max(1, args.runs - 2), lambda: len(feedparser.parse(data).entries))
    except ImportError as error:
        print("feedparser not available: %s" % error, file=sys.stderr)

    # Tidings and each peer take turns, so that a slow spell of this machine falls on both.
    timings = {"tidings parse": None}
    items = {}
    for name, (runs, action) in peers.items():
        for _ in range(runs):
            for label, run in (("tidings parse", run_tidings), (name, action)):
                best, result = best_of(1, run)
                if label == name:
                    items[name] = result
                if timings.get(label) is None or best[0] < timings[label][0]:
                    timings[label] = best
    if timings["tidings parse"] is None:
        timings["tidings parse"], _ = best_of(args.runs, run_tidings)
    # Counted once, untimed.
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout
    items["tidings parse"] = len(json.loads(output)["entries"])

    print("parse: %s, %.1f MB" % (os.path.basename(args.feed), size_mb))
    print("  %-24s %9s %9s %9s %8s %14s %12s" % ("parser", "seconds", "CPU s", "MB/s", "items", "tidings is", "by CPU"))
    tidings_seconds, tidings_cpu = timings["tidings parse"]
    for name in ["tidings parse"] + [name for name in peers if name in timings]:
        seconds, cpu = timings[name]
        ratio = "" if name == "tidings parse" else "%.1fx faster" % (seconds / tidings_seconds)
        by_cpu = "" if name == "tidings parse" else "%.1fx" % (cpu / tidings_cpu)
        print("  %-24s %9.3f %9.3f %9.1f %8d %14s %12s" % (name, seconds, cpu, size_mb / seconds, items[name], ratio, by_cpu))
    print("  (tidings: the whole process, start to exit, printing the JSON, on every core; best of %d runs,"
          % (sum(runs for runs, _ in peers.values()) or args.runs))
    print("   taking turns with each peer; CPU s is user + system time of that best run)")


if __name__ == "__main__":
    main()

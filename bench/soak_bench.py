#!/usr/bin/env python3
"""Soak: months of operation compressed into fast cycles. tidingsd runs against a farm of
rolling feeds (Tests/Servers/feed_server.py, 127.0.0.1 only; each feed's texts its own) that
move on by `--new` items at every request and revise an item every other one, refreshed every second, with
retention on (max_articles per source, and a daemon max_age that also prunes change rows)
and maintenance every few seconds. Every `--sample` seconds it records the database and
WAL sizes, the daemon's resident memory (anonymous and file-backed; SQLite's share of it
and the page pool's part of that, malloc's in-use and free bytes, from the metrics file),
articles, tombstones and change rows; at the end
it prints the table and compares the last third of the run with the middle third, peaks and
medians: once retention is reached, database, WAL and memory should stay flat."""
import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def resident_kib(pid):
    """Resident memory in KiB: all of it, and its anonymous, file-backed and shared parts."""
    figures = {}
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                figures[key] = int(line.split()[1])
    return figures


def resident_by_mapping(pid):
    """Where the resident memory is, in KiB, from /proc/PID/smaps: malloc's main heap, other
    anonymous mappings (SQLite's page pool, malloc's second arena, big blocks mapped on their own,
    thread stacks), the executable's own pages, other files, and shared memory (SQLite's WAL index)."""
    totals, kind = {}, None
    executable = os.path.realpath("/proc/%d/exe" % pid)
    with open("/proc/%d/smaps" % pid) as smaps:
        for line in smaps:
            fields = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = fields[5] if len(fields) > 5 else ""
                if name == "[heap]":
                    kind = "main heap"
                elif name.startswith("[stack"):
                    kind = "stacks"
                elif name == "":
                    kind = "anonymous"
                elif name == executable:
                    kind = "executable"
                elif name.endswith("-shm"):
                    kind = "shared memory"
                else:
                    kind = "other files"
            elif fields[0] == "Rss:":
                totals[kind] = totals.get(kind, 0) + int(fields[1])
    return totals


def gauge(path, name):
    """A gauge's value in the daemon's metrics file (0 when absent)."""
    try:
        with open(path) as metrics:
            for line in metrics:
                if line.startswith(name + " "):
                    return float(line.split()[1])
    except OSError:
        pass
    return 0


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidingsd", required=True)
    parser.add_argument("--work", default=tempfile.mkdtemp(prefix="tidings-soak-"))
    parser.add_argument("--seconds", type=int, default=900)
    parser.add_argument("--sources", type=int, default=40)
    parser.add_argument("--items", type=int, default=50, help="items each feed lists")
    parser.add_argument("--new", type=int, default=5, help="new items per request")
    parser.add_argument("--keep", type=int, default=150, help="max_articles per source")
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--story-window", default="12h", help="[stories] window (compressed like max_age)")
    parser.add_argument("--no-stories", action="store_true", help="story grouping off (to tell its memory from the rest)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    database = os.path.join(args.work, "soak.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    # A change log left by an earlier run is ahead of the new store: the daemon would skip writing it.
    shutil.rmtree(os.path.join(args.work, "changes"), ignore_errors=True)

    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Servers/feed_server.py"), "--root", args.work],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(server.stdout.readline())
    config = os.path.join(args.work, "soak.toml")
    with open(config, "w") as handle:
        handle.write("""[daemon]
database = "soak.db"
change_log = "changes"
change_log_retention = "1d"
max_articles = %d
max_age = "10m"
tombstone_expiry = "2m"
maintenance_interval = "10s"
min_interval = "1s"
default_interval = "1s"
adaptive_interval = false
host_spacing = 0
per_host_concurrency = 16
concurrency = 16
metrics_file = "soak.prom"
log_level = "warning"

# Feeds move on by hours of publishing a second: the story window is compressed like max_age,
# so that stories leave memory as they would over weeks of real time.
[stories]
enabled = %s
window = "%s"
""" % (args.keep, "false" if args.no_stories else "true", args.story_window))
        for number in range(args.sources):
            handle.write('\n[[source]]\nid = "s%d"\nurl = "http://127.0.0.1:%d/rolling/s%d?items=%d&new=%d&distinct=1"\n'
                         % (number, port, number, args.items, args.new))
    daemon = subprocess.Popen([args.tidingsd, "--config", config], stderr=open(os.path.join(args.work, "soak.log"), "w"))
    samples = []
    started = time.time()
    try:
        while time.time() - started < args.seconds:
            time.sleep(args.sample)
            if daemon.poll() is not None:
                sys.exit("tidingsd exited with %s; see %s" % (daemon.returncode, os.path.join(args.work, "soak.log")))
            row = {"t": int(time.time() - started), "db": size(database), "wal": size(database + "-wal"),
                   }
            resident = resident_kib(daemon.pid)
            row["rss"], row["anon"], row["file"] = resident["VmRSS"], resident["RssAnon"], resident["RssFile"]
            # SQLite's page caches are bounded; what grows beside them is ours.
            row["sqlite"] = int(gauge(os.path.join(args.work, "soak.prom"), "tidings_sqlite_memory_bytes") / 1024)
            row["pool"] = int(gauge(os.path.join(args.work, "soak.prom"), "tidings_sqlite_page_pool_bytes") / 1024)
            row["other"] = row["rss"] - row["sqlite"]
            # malloc's own view: in use rising is a leak, free rising while in use stays is fragmentation.
            row["heap"] = int(gauge(os.path.join(args.work, "soak.prom"), "tidings_malloc_in_use_bytes") / 1024)
            row["free"] = int(gauge(os.path.join(args.work, "soak.prom"), "tidings_malloc_free_bytes") / 1024)
            try:
                with sqlite3.connect("file:%s?mode=ro" % database, uri=True, timeout=10) as connection:
                    row["articles"], row["tombstones"], row["changes"], row["last_seq"] = connection.execute(
                        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM tombstones), "
                        "(SELECT count(*) FROM changes), (SELECT max(seq) FROM changes)").fetchone()
                connection.close()
            except sqlite3.Error as error:
                print("sample failed: %s" % error, file=sys.stderr)
                continue
            samples.append(row)
            print("%5ds  db %6.1f MiB  wal %6.1f MiB  rss %6.1f MiB (anonymous %5.1f, files %5.1f; sqlite %5.1f of which page pool %5.1f,"
                  " malloc in use %5.1f, free %5.1f)  articles %5d  tombstones %5d  change rows %6d  last seq %7d"
                  % (row["t"], row["db"] / 2**20, row["wal"] / 2**20, row["rss"] / 1024, row["anon"] / 1024,
                     row["file"] / 1024, row["sqlite"] / 1024, row["pool"] / 1024,
                     row["heap"] / 1024, row["free"] / 1024, row["articles"], row["tombstones"], row["changes"],
                     row["last_seq"] or 0), flush=True)
        if daemon.poll() is None:
            print("resident at the end, by mapping: " + ", ".join(
                "%s %.1f MiB" % (kind, kib / 1024) for kind, kib in sorted(resident_by_mapping(daemon.pid).items())))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)
        server.kill()
    last_seq = samples[-1]["last_seq"] if samples else 0
    third = max(1, len(samples) // 3)
    middle, last = samples[third:2 * third], samples[2 * third:]
    def peak(rows, key):
        return max(row[key] for row in rows)

    def median(rows, key):
        values = sorted(row[key] for row in rows)
        return values[len(values) // 2]
    print()
    print("soak: %d s, %d sources, %d items listed, %d new per request, max_articles %d; %d changes in all (last seq)"
          % (args.seconds, args.sources, args.items, args.new, args.keep, last_seq))
    for key, unit, scale in (("db", "MiB", 2**20), ("wal", "MiB", 2**20), ("rss", "MiB", 1024), ("anon", "MiB", 1024),
                              ("file", "MiB", 1024), ("sqlite", "MiB", 1024), ("pool", "MiB", 1024),
                              ("other", "MiB", 1024), ("heap", "MiB", 1024), ("free", "MiB", 1024),
                              ("articles", "", 1)):
        # Peaks catch a slow climb; medians, a spiky series' level (the WAL jumps when a big
        # maintenance step lands between two checkpoints, up to the checkpointer's 256 MiB restart).
        for name, measure in (("peak", peak), ("median", median)):
            a, b = measure(middle, key), measure(last, key)
            print("  %-8s %-6s middle third %8.1f %s, last third %8.1f %s: ratio %.2f"
                  % (key, name, a / scale, unit, b / scale, unit, (b / a) if a else float("nan")))


if __name__ == "__main__":
    main()

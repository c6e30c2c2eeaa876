#!/usr/bin/env python3
"""Fetch-and-ingest benchmark on a feed farm served by nginx on 127.0.0.1.

The farm (../shared/bench/feedfarm.py: FEEDS feeds x ITEMS items, RSS, Atom,
RDF and JSON Feed, ETag and gzip from nginx) is read three times by each
client, in the same run: a cold cycle (empty store), a warm cycle (nothing
changed: every feed answers 304 to a conditional request) and a cycle after
`feedfarm.py --update 0.1` (10% of feeds gain 1-5 items). Clients:

  tidingsd --once --all     concurrency 16; the farm is one host, so per-host
                            politeness is lifted (per_host_concurrency 16,
                            host_spacing 0s) as for 2,000 real hosts
  newsboat -x reload        Debian's newsboat, reload-threads 8
  curl --parallel           --parallel-max 16 --compressed over the same URLs,
                            bodies thrown away: the floor (cold only)

Prints wall time, items stored, items/s and peak RSS per client and cycle,
and tidings' ratios. Every client starts from a fresh copy of the cycle-0 farm.

    python3 bench/farm_bench.py --tidingsd .build/release/tidingsd --work .bench/farm
"""
import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(command, cwd=None):
    """Runs `command`; returns (seconds, peak RSS in MB, stderr text)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("farm_bench: %s failed (%d):\n%s" % (command[0], os.waitstatus_to_exitcode(status), stderr[-2000:]))
    return seconds, usage.ru_maxrss / 1024, stderr


class Farm:
    """A pristine cycle-0 farm, copied fresh for each client and served by nginx."""

    def __init__(self, work, feeds, items):
        self.work = work
        self.pristine = os.path.join(work, "site-0")
        self.site = os.path.join(work, "site")
        self.port = free_port()
        corpus = os.path.join(work, "corpus")
        if not os.path.exists(corpus + ".jsonl"):
            docs = int(feeds * items * 1.2)
            subprocess.run([sys.executable, os.path.join(SHARED_BENCH, "gen_corpus.py"), "--docs", str(docs),
                            "--seed", "7", "--out", corpus], check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(self.pristine, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(SHARED_BENCH, "feedfarm.py"), "--corpus", corpus + ".jsonl",
                        "--out", self.pristine, "--feeds", str(feeds), "--items", str(items),
                        "--port", str(self.port)], check=True, stdout=subprocess.DEVNULL)
        self.nginx = None

    def reset(self):
        """A fresh cycle-0 copy (mtimes kept, so ETags match across clients), served by nginx."""
        self.stop()
        shutil.rmtree(self.site, ignore_errors=True)
        shutil.copytree(self.pristine, self.site, symlinks=True)
        subprocess.run([sys.executable, os.path.join(SHARED_BENCH, "feedfarm.py"), "--out", self.site,
                        "--nginx-conf-only"], check=True, stdout=subprocess.DEVNULL)
        self.nginx = subprocess.Popen(["nginx", "-e", os.path.join(self.site, "nginx-error.log"),
                                       "-c", os.path.join(self.site, "nginx.conf"), "-g", "daemon off;"])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("farm_bench: nginx did not start on port %d" % self.port)

    def update(self):
        subprocess.run([sys.executable, os.path.join(SHARED_BENCH, "feedfarm.py"), "--out", self.site,
                        "--update", "0.1"], check=True, stdout=subprocess.DEVNULL)

    def urls(self):
        return os.path.join(self.site, "urls.txt")

    def stop(self):
        if self.nginx:
            self.nginx.terminate()
            self.nginx.wait()
            self.nginx = None


def run_tidings(farm, tidingsd, work):
    database = os.path.join(work, "tidings.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    shutil.rmtree(os.path.join(work, "changes"), ignore_errors=True)
    config = os.path.join(work, "tidings.toml")
    with open(config, "w") as handle:
        handle.write('[daemon]\ndatabase = "%s"\nchange_log = "%s"\nconcurrency = 16\n'
                     'per_host_concurrency = 16\nhost_spacing = "0s"\nlog_level = "notice"\n\n'
                     % (database, os.path.join(work, "changes")))
        with open(os.path.join(farm.site, "sources.toml")) as sources:
            handle.write(sources.read())
    rows = []
    for cycle in ("cold", "warm", "update"):
        if cycle == "update":
            farm.update()
        seconds, peak, stderr = timed([tidingsd, "--config", config, "--once", "--all"])
        added = re.search(r"once\.done added=(\d+)", stderr)
        rows.append(("tidingsd", cycle, seconds, int(added.group(1)) if added else -1, peak))
    return rows


def run_newsboat(farm, work):
    directory = os.path.join(work, "newsboat")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    with open(os.path.join(directory, "config"), "w") as handle:
        handle.write("reload-threads 8\n")
    cache = os.path.join(directory, "cache.db")
    rows = []
    stored = 0
    for cycle in ("cold", "warm", "update"):
        if cycle == "update":
            farm.update()
        seconds, peak, _ = timed(["newsboat", "-u", farm.urls(), "-c", cache, "-C", os.path.join(directory, "config"),
                                  "-x", "reload"], cwd=directory)
        with sqlite3.connect(cache) as connection:
            total = connection.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        rows.append(("newsboat", cycle, seconds, total - stored, peak))
        stored = total
    return rows


def run_curl(farm, work):
    config = os.path.join(work, "curl.cfg")
    with open(farm.urls()) as urls, open(config, "w") as handle:
        for url in urls:
            handle.write('url = "%s"\noutput = "/dev/null"\n' % url.strip())
    seconds, peak, _ = timed(["curl", "--silent", "--compressed", "--parallel", "--parallel-max", "16", "-K", config])
    return [("curl --parallel", "cold", seconds, None, peak)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidingsd", required=True)
    parser.add_argument("--work", default=".bench/farm")
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--skip-newsboat", action="store_true", help="newsboat takes minutes per cycle")
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)  # nginx.conf needs absolute paths
    os.makedirs(args.work, exist_ok=True)
    tidingsd = os.path.abspath(args.tidingsd)

    farm = Farm(args.work, args.feeds, args.items)
    rows = []
    try:
        farm.reset()
        rows += run_curl(farm, args.work)
        farm.reset()
        rows += run_tidings(farm, tidingsd, args.work)
        if not args.skip_newsboat:
            if shutil.which("newsboat"):
                farm.reset()
                rows += run_newsboat(farm, args.work)
            else:
                print("newsboat not installed: skipped", file=sys.stderr)
    finally:
        farm.stop()

    print("ingest: %d feeds x %d items from nginx on 127.0.0.1" % (args.feeds, args.items))
    print("  %-16s %-7s %9s %8s %9s %9s" % ("client", "cycle", "seconds", "items", "items/s", "peak MB"))
    for client, cycle, seconds, items, peak in rows:
        rate = "" if items is None else "%.0f" % (items / seconds)
        print("  %-16s %-7s %9.2f %8s %9s %9.0f" % (client, cycle, seconds, "" if items is None else items, rate, peak))
    times = {(client, cycle): seconds for client, cycle, seconds, _, _ in rows}
    for cycle in ("cold", "warm", "update"):
        if ("newsboat", cycle) in times:
            print("  %-6s tidingsd is %.1fx faster than newsboat" % (cycle, times[("newsboat", cycle)] / times[("tidingsd", cycle)]))
    print("  cold   tidingsd takes %.1fx the time of bare curl" % (times[("tidingsd", "cold")] / times[("curl --parallel", "cold")]))


if __name__ == "__main__":
    main()

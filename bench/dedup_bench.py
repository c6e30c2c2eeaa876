#!/usr/bin/env python3
"""Dedup benchmark: `tidings dedup` and datasketch (the Python peer) on the
same corpus in the same run. Prints articles/s, peak memory, precision,
recall and F1 (scored by ../shared/bench/score_dedup.py) and the ratios.

    python3 bench/dedup_bench.py --tidings .build/release/tidings --corpus PREFIX \\
        --scorer ../shared/bench/score_dedup.py [--peer-python PY]

PREFIX.jsonl is the corpus and PREFIX.labels.jsonl its ground truth (made by
../shared/bench/gen_corpus.py). Each system runs as its own process; peak
memory is that process's maximum resident set size.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def measured(command):
    """Runs `command`; returns (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    error = process.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(command), error))
    return seconds, usage.ru_maxrss / 1024.0


def score(scorer, labels, predictions):
    output = subprocess.run([sys.executable, scorer, labels, predictions, "--json"], check=True,
                            stdout=subprocess.PIPE).stdout
    return json.loads(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidings", required=True)
    parser.add_argument("--config", default="config/tidings.toml", help="[dedup] settings for tidings")
    parser.add_argument("--corpus", required=True, help="prefix of CORPUS.jsonl and CORPUS.labels.jsonl")
    parser.add_argument("--scorer", required=True)
    parser.add_argument("--peer-python", default=sys.executable)
    parser.add_argument("--work", default=".bench")
    parser.add_argument("--tidings-runs", type=int, default=4,
                        help="best of this many tidings runs, half before the peers and half after (the peers run once)")
    parser.add_argument("--peer-settings", default="0.5,0.25:0.25",
                        help="datasketch runs: comma-separated THRESHOLD[:VERIFY] (0.25:0.25 takes ~10 minutes here)")
    args = parser.parse_args()
    corpus, labels = args.corpus + ".jsonl", args.corpus + ".labels.jsonl"
    with open(corpus, "rb") as handle:
        articles = sum(1 for line in handle if line.strip())
    peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasketch_dedup.py")

    runs = [("tidings dedup", [args.tidings, "--config", args.config, "dedup", "--no-stories", "--input", corpus, "--output"])]
    for setting in args.peer_settings.split(","):
        threshold, _, verify = setting.partition(":")
        threshold, verify = float(threshold), float(verify) if verify else None
        name = "datasketch t=%.2f" % threshold + (" v=%.2f" % verify if verify else "")
        command = [args.peer_python, peer, "--input", corpus, "--threshold", str(threshold)]
        if verify:
            command += ["--verify", str(verify)]
        runs.append((name, command + ["--output"]))

    def predictions_of(name):
        return os.path.join(args.work, "pred-%s.jsonl" % name.replace(" ", "-").replace("=", ""))

    # Tidings runs on both sides of the peers (half before, half after, best taken): this
    # machine has slow spells minutes long, which would otherwise fall on one side only.
    tidings_name, tidings_command = runs[0]
    before = (args.tidings_runs + 1) // 2
    tidings_tries = [measured(tidings_command + [predictions_of(tidings_name)]) for _ in range(before)]
    rows = []
    for name, command in runs[1:]:
        seconds, peak = measured(command + [predictions_of(name)])
        result = score(args.scorer, labels, predictions_of(name))
        rows.append((name, seconds, peak, result))
        print("  ran %s: %.1f s, %.0f MB, F1 %.4f" % (name, seconds, peak, result["f1"]), file=sys.stderr, flush=True)
    tidings_tries += [measured(tidings_command + [predictions_of(tidings_name)]) for _ in range(args.tidings_runs - before)]
    print("  ran tidings dedup: %s s" % ", ".join("%.2f" % seconds for seconds, _ in tidings_tries), file=sys.stderr, flush=True)
    seconds, peak = min(tidings_tries)
    rows.insert(0, (tidings_name, seconds, peak, score(args.scorer, labels, predictions_of(tidings_name))))

    print("dedup: %s, %d articles" % (os.path.basename(corpus), articles))
    print("  %-26s %8s %10s %9s %7s %7s %7s  %s" % ("system", "seconds", "articles/s", "peak MB", "P", "R", "F1",
                                                  "tidings is"))
    _, tidings_seconds, tidings_peak, _ = rows[0]
    for name, seconds, peak, result in rows:
        ratio = "" if name == "tidings dedup" else "%.1fx faster, %.2fx the memory" % (
            seconds / tidings_seconds, tidings_peak / peak)
        print("  %-26s %8.2f %10.0f %9.0f %7.4f %7.4f %7.4f  %s" % (
            name, seconds, articles / seconds, peak, result["precision"], result["recall"], result["f1"], ratio))
    recall = rows[0][3]["copy_recall_by_difficulty"]
    print("  tidings copy recall: " + ", ".join("%s %.3f" % item for item in sorted(recall.items()))
          + "; truncated %.3f, boilerplate %.3f" % (rows[0][3]["copy_recall_by_op"].get("truncate", 0),
                                                   rows[0][3]["copy_recall_by_op"].get("boilerplate", 0)))
    print("  (whole processes, reading the corpus and writing verdicts; tidings best of %d, half before and half"
          " after the peers; peers one run)" % args.tidings_runs)


if __name__ == "__main__":
    main()

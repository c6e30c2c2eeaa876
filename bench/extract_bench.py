#!/usr/bin/env python3
"""Extraction benchmark: the same generated news pages through `tidings
extract` and trafilatura, in the same run, scored by the shared scorer
(token-level precision / recall / F1 against the known main text, chrome
leaks, date and title accuracy). Prints pages/s and the ratios.

    python3 bench/extract_bench.py --tidings .build/release/tidings --pages DIR \
        --scorer ../shared/bench/score_extract.py [--runs 3]

DIR is a gen_pages.py output (pages/, truth.jsonl, chrome.jsonl). Run it with
the bench's virtual environment's Python (make bench does), so that
trafilatura imports. Timing: Tidings is the whole `tidings extract --json`
process over every page (start-up and file reads included); trafilatura is
`bare_extraction` in-process over pages already read into memory.
"""
import argparse
import json
import os
import subprocess
import sys

from parse_bench import best_of


def score(scorer, truth, predictions):
    output = subprocess.run([sys.executable, scorer, truth, predictions, "--json"], check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tidings", required=True)
    parser.add_argument("--pages", required=True)
    parser.add_argument("--scorer", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    truth = os.path.join(args.pages, "truth.jsonl")
    ids = [json.loads(line)["id"] for line in open(truth, encoding="utf-8")]
    files = [os.path.join(args.pages, "pages", page_id + ".html") for page_id in ids]
    rows = []

    listing = os.path.join(args.pages, "pages.list")
    with open(listing, "w", encoding="utf-8") as handle:
        handle.write("".join(path + "\n" for path in files))

    def run_tidings():
        return subprocess.run([args.tidings, "extract", "--json", "--list", listing], check=True,
                              stdout=subprocess.PIPE).stdout

    seconds, output = best_of(args.runs, run_tidings)
    predictions = os.path.join(args.pages, "pred-tidings.jsonl")
    with open(predictions, "w", encoding="utf-8") as handle:
        for page_id, line in zip(ids, output.decode("utf-8").splitlines()):
            record = json.loads(line)
            handle.write(json.dumps({"id": page_id, "text": record["text"], "title": record["title"],
                                     "published": record["published"]}) + "\n")
    rows.append(("tidings extract", seconds, score(args.scorer, truth, predictions)))

    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed here; only Tidings was measured", file=sys.stderr)
        trafilatura = None
    if trafilatura is not None:
        pages = [open(path, encoding="utf-8").read() for path in files]

        def run_trafilatura():
            return [trafilatura.bare_extraction(page, with_metadata=True) for page in pages]

        seconds, results = best_of(args.runs, run_trafilatura)
        predictions = os.path.join(args.pages, "pred-trafilatura.jsonl")
        with open(predictions, "w", encoding="utf-8") as handle:
            for page_id, result in zip(ids, results):
                record = {"id": page_id, "text": None}
                if result is not None:
                    record.update(text=result.text, title=result.title, published=result.date)
                handle.write(json.dumps(record) + "\n")
        rows.append(("trafilatura %s" % trafilatura.__version__, seconds, score(args.scorer, truth, predictions)))

    print("\nExtraction: %d generated pages (%s)" % (len(ids), args.pages))
    print("%-22s %9s %7s %7s %7s %7s %7s %7s" % ("extractor", "pages/s", "P", "R", "F1", "leak", "date", "title"))
    for name, seconds, metrics in rows:
        overall = metrics["all"]
        print("%-22s %9.0f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f" % (
            name, len(ids) / seconds, overall["P"], overall["R"], overall["F1"], overall["leak"],
            overall["date_acc"], overall["title_acc"]))
    if len(rows) == 2:
        (_, tidings_seconds, tidings), (_, peer_seconds, peer) = rows
        print("tidings/trafilatura: speed %.1fx, F1 %+.3f" % (
            peer_seconds / tidings_seconds, tidings["all"]["F1"] - peer["all"]["F1"]))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Scores story grouping against a corpus's event labels: pairwise precision,
recall and F1 over articles, where two articles belong together when they
report the same event (gen_corpus.py's "event" label; different write-ups of
one event are one story, not duplicates).

It also checks the hard-negative rule: articles of different events that name
the same person ("James Smith") within the story window must stay apart; the
share of such pairs put in one story is printed as the shared-name merge rate.

    python3 bench/score_stories.py CORPUS.labels.jsonl PREDICTIONS.jsonl [--corpus CORPUS.jsonl] [--json]

PREDICTIONS has one {"id", "story"} object per line (what `tidings dedup`
writes). --corpus enables the shared-name check (it reads names and dates).
"""
import argparse
import collections
import datetime
import json
import re
import sys


def pairs(n):
    return n * (n - 1) // 2


def read_jsonl(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# Two capitalized words, the second not opening a sentence: "Maria Zakharova".
NAME = re.compile(r"(?<![.!?]\s)\b([A-Z][a-z\u00e0-\u00ff]+ [A-Z][a-z\u00e0-\u00ff]+)\b")


def shared_name_merges(corpus, event_of, story_of, window_hours):
    """(pairs of different events sharing a two-word name within the window, how many were merged)."""
    by_name = collections.defaultdict(list)
    for doc in read_jsonl(corpus):
        if doc["id"] not in story_of:
            continue
        when = datetime.datetime.fromisoformat(doc["published"].replace("Z", "+00:00")).timestamp()
        for name in set(NAME.findall(doc.get("text", ""))):
            by_name[name].append((when, doc["id"]))
    window = window_hours * 3600
    total = merged = 0
    for name, docs in by_name.items():
        if len(docs) > 300:  # a phrase ("The Ministry"), not a person's name
            continue
        docs.sort()
        for i, (when, a) in enumerate(docs):
            for later, b in docs[i + 1:]:
                if later - when > window:
                    break
                if event_of[a] != event_of[b]:
                    total += 1
                    merged += story_of[a] == story_of[b]
    return total, merged


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels")
    parser.add_argument("predictions")
    parser.add_argument("--corpus", help="the corpus itself, for the shared-name check")
    parser.add_argument("--window-hours", type=float, default=72)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    event_of = {label["id"]: label["event"] for label in read_jsonl(args.labels)}
    story_of = {}
    for prediction in read_jsonl(args.predictions):
        story_of[prediction["id"]] = prediction["story"]
    missing = len(event_of) - len(story_of.keys() & event_of.keys())
    if missing:
        sys.exit("%d labelled articles have no prediction" % missing)

    cells = collections.Counter((story_of[i], event_of[i]) for i in event_of)
    stories = collections.Counter(story_of[i] for i in event_of)
    events = collections.Counter(event_of.values())
    together = sum(pairs(n) for n in cells.values())
    predicted = sum(pairs(n) for n in stories.values())
    actual = sum(pairs(n) for n in events.values())
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {"articles": len(event_of), "events": len(events), "stories": len(stories),
              "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    if args.corpus:
        total, merged = shared_name_merges(args.corpus, event_of, story_of, args.window_hours)
        result["shared_name_pairs"] = total
        result["shared_name_merge_rate"] = round(merged / total, 4) if total else 0.0
    if args.json:
        print(json.dumps(result))
        return
    print("articles %d  events %d  stories %d" % (result["articles"], result["events"], result["stories"]))
    print("pairwise precision %.4f  recall %.4f  F1 %.4f" % (precision, recall, f1))
    if args.corpus:
        print("different events sharing a name within %gh: %d pairs, %.2f%% in one story"
              % (args.window_hours, result["shared_name_pairs"], 100 * result["shared_name_merge_rate"]))


if __name__ == "__main__":
    main()

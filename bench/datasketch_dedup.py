#!/usr/bin/env python3
"""The Python peer for the dedup bench: datasketch MinHashLSH over a JSONL
corpus, judged in input order like `tidings dedup`, writing the same
{"id", "duplicate_of"} lines.

    python datasketch_dedup.py --input CORPUS.jsonl --output PRED.jsonl --threshold 0.5 [--verify 0.25]

128 permutations, word 5-shingles of the lower-cased words, xxhash when
installed (as in the reference figures). A candidate counts when its
estimated Jaccard is at least --verify (default: the threshold); the
duplicate points to its candidate's original.
"""
import argparse
import json
import re

from datasketch import MinHash, MinHashLSH

try:
    import xxhash

    def hashfunc(data):
        return xxhash.xxh32_intdigest(data)
except ImportError:  # datasketch's default (sha1) is slower but equivalent
    hashfunc = None

WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]+>")


def shingles(text, size=5):
    words = WORD.findall(TAG.sub(" ", text).lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--verify", type=float, default=None)
    args = parser.parse_args()
    verify = args.threshold if args.verify is None else args.verify
    lsh = MinHashLSH(threshold=args.threshold, num_perm=128)
    signatures, original = {}, {}
    # Permutations drawn once and shared, shingles hashed in one batch: datasketch's fast path.
    template = MinHash(num_perm=128, hashfunc=hashfunc) if hashfunc else MinHash(num_perm=128)
    permutations, scheme = template.permutations, template.scheme
    with open(args.input, encoding="utf-8") as source, open(args.output, "w", encoding="utf-8") as sink:
        for line in source:
            if not line.strip():
                continue
            doc = json.loads(line)
            key = str(doc["id"])
            minhash = (MinHash(num_perm=128, hashfunc=hashfunc, permutations=permutations, scheme=scheme) if hashfunc
                       else MinHash(num_perm=128, permutations=permutations, scheme=scheme))
            minhash.update_batch([shingle.encode("utf-8") for shingle in shingles(doc.get("text") or doc.get("html") or "")])
            best, best_score = None, verify
            for candidate in lsh.query(minhash):
                score = minhash.jaccard(signatures[candidate])
                if score >= best_score:
                    best, best_score = candidate, score
            duplicate_of = original[best] if best is not None else None
            original[key] = duplicate_of or key
            signatures[key] = minhash
            if key not in lsh.keys:
                lsh.insert(key, minhash)
            sink.write(json.dumps({"id": doc["id"], "duplicate_of": duplicate_of}) + "\n")


if __name__ == "__main__":
    main()

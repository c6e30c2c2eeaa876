#!/usr/bin/env python3
"""Parses a Prometheus text-format file with prometheus_client's own parser and
prints every sample as JSON: {"name{label=value,...}": value}. Exits 1 (with the
parser's message) when the file does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        text = handle.read()
    samples = {}
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join("%s=%s" % item for item in sorted(sample.labels.items()))
                samples["%s{%s}" % (sample.name, labels)] = sample.value
    except Exception as error:  # the parser's own words
        print("does not parse: %s" % error, file=sys.stderr)
        sys.exit(1)
    json.dump(samples, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()

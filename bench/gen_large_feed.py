#!/usr/bin/env python3
"""Writes a large, realistic RSS 2.0 feed for the parse benchmark.

Deterministic for a seed. Items carry what real feeds carry: HTML
descriptions with entities, content:encoded in CDATA, dc:creator,
categories, guids, enclosures, RFC 822 dates.

    python3 bench/gen_large_feed.py OUT.xml [--items 25000] [--seed 1]
"""
import argparse
import random

WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
         "they you were her she there would their we him been has when who will more no if out so said what up its "
         "about into than them can only other new some could time these two may then do first any my now such like "
         "our over man me even most made after also did many before must through back years where much your way well "
         "down should because each just those people how too little state good very make world still own see men work "
         "long get here between both life being under never day same another know while last might us great old year "
         "off come since against go came right used take three minister council police report market government city").split()


def sentence(rng, low=8, high=22):
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--items", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
                  '<title>Benchmark News &amp; Views</title>\n<link>https://bench.example/</link>\n'
                  '<description>A large generated feed</description>\n<language>en</language>\n')
        for index in range(args.items):
            title = sentence(rng, 5, 12)[:-1]
            summary = paragraph(rng)
            body = "".join("<p>%s</p>" % paragraph(rng) for _ in range(rng.randint(2, 4)))
            date = "%s, %02d %s 20%02d %02d:%02d:%02d +0000" % (
                rng.choice(days), rng.randint(1, 28), rng.choice(months), rng.randint(10, 24),
                rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
            out.write("<item>\n")
            out.write("  <title>%s &#8212; item %d</title>\n" % (title, index))
            out.write("  <link>https://bench.example/news/%d</link>\n" % index)
            out.write('  <guid isPermaLink="false">bench-%d</guid>\n' % index)
            out.write("  <pubDate>%s</pubDate>\n" % date)
            out.write("  <dc:creator>%s %s</dc:creator>\n" % (rng.choice(WORDS).capitalize(), rng.choice(WORDS).capitalize()))
            out.write("  <category>%s</category>\n" % rng.choice(WORDS))
            out.write("  <description>&lt;p&gt;%s &amp;amp; more&lt;/p&gt;</description>\n" % summary)
            out.write("  <content:encoded><![CDATA[%s<p><a href=\"/related/%d\">Related</a></p>]]></content:encoded>\n"
                      % (body, index))
            if index % 10 == 0:
                out.write('  <enclosure url="https://bench.example/media/%d.mp3" length="%d" type="audio/mpeg"/>\n'
                          % (index, rng.randint(10000, 9999999)))
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()

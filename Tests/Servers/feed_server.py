#!/usr/bin/env python3
"""HTTP server for Tidings' tests: fixture files plus fault-injecting routes.

Binds 127.0.0.1 on a free port (or --port), prints the port on the first line
of stdout once it accepts connections, and serves until killed.

Routes:
  /files/NAME[?type=T]        a file from --root, with Last-Modified (and Content-Type T, true or not)
  /status/CODE[?retry-after=V] an empty response with that status (and Retry-After)
  /redirect?to=URL[&code=N]   a redirect (302 by default) to URL
  /redirect-loop              redirects to itself forever
  /echo-headers               the request headers as JSON
  /gzip/NAME                  a file from --root, gzip-encoded
  /big?bytes=N                N bytes of XML-ish filler
  /slow?seconds=S             a body trickling one byte every 0.2 s for S seconds
  /endless                    a 200 whose body never ends (no Content-Length)
  /gzip-bomb?mb=N             a small gzip body that inflates to N MiB of zeros
  /reset?bytes=N              promises 1 MB, sends N bytes of a feed, then resets the connection
  /huge-headers?mb=N          N MiB of response headers before a small feed
  /items?count=N              an RSS feed of N tiny items, streamed (N = 1000000 is about 60 MB)
  /rolling/NAME?items=N&new=K a feed of N items that gains K new ones per request
                          (&distinct=1: each feed's texts its own, else item N reads alike in every feed)
                              of that NAME; every other request also rewords the newest item

With --log FILE, each request is appended to FILE as "GET /path STATUS UNIXTIME".
"""
import argparse
import gzip
import http.server
import itertools
import json
import os
import socket
import socketserver
import struct
import sys
import time
import urllib.parse
import zlib

FEED_START = b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut</title><item><title>one</title>'
_bombs = {}


def gzip_bomb(mebibytes):
    """gzip of `mebibytes` MiB of zeros (about 1 KiB compressed per MiB), built once."""
    if mebibytes not in _bombs:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
        zeros = bytes(1 << 20)
        parts = [compressor.compress(zeros) for _ in range(mebibytes)]
        parts.append(compressor.flush())
        _bombs[mebibytes] = b"".join(parts)
    return _bombs[mebibytes]


_rolling = {}
_rolling_lock = __import__("threading").Lock()


def rolling_feed(path, items, new, distinct=False):
    """RSS whose window moves by `new` items at each request of `path`, dated one minute apart.
    Item N's text is the same in every feed (a syndicated copy) unless `distinct`."""
    with _rolling_lock:
        round_number = _rolling[path] = _rolling.get(path, -1) + 1
    newest = round_number * new + items
    parts = [b'<?xml version="1.0"?><rss version="2.0"><channel><title>rolling</title>']
    for number in range(newest, newest - items, -1):
        edit = " It was revised." if number == newest - new and round_number % 2 else ""
        tag = "x%x" % zlib.crc32(path.encode()) if distinct else ""
        words = " ".join("w%d%s-%d" % (number, tag, k) for k in range(60))
        parts.append(("<item><guid>%s-%d</guid><title>Item %d</title><pubDate>%s</pubDate>"
                      "<description>Item %d of %s says %s.%s</description></item>"
                      % (path, number, number, time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                                             time.gmtime(1_700_000_000 + number * 60)),
                         number, path, words, edit)).encode())
    parts.append(b"</channel></rss>")
    return b"".join(parts)


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    protocol_version = "HTTP/1.1"

    log_path = None

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def log_request(self, code="-", size="-"):
        # With --log, one line per request: "GET /path 200 UNIXTIME".
        if self.log_path:
            with open(self.log_path, "a") as log:
                log.write("%s %s %s %.3f\n" % (self.command, self.path, code, time.time()))

    def send_body(self, status, body, content_type="application/xml", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stream(self, parts, length=None, pause=0.0):
        """A 200 whose body is written part by part (`pause` seconds apart), with a
        Content-Length when `length` is given, else closed at the end; a client that
        hangs up ends it."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if length is None:
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            for part in parts:
                self.wfile.write(part)
                if pause:
                    self.wfile.flush()
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if length is None:
            self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        if path.startswith("/files/") or path.startswith("/gzip/"):
            name = os.path.basename(urllib.parse.unquote(path.split("/", 2)[2]))
            full = os.path.join(self.root, name)
            if not os.path.isfile(full):
                return self.send_body(404, b"not found\n", "text/plain")
            with open(full, "rb") as handle:
                body = handle.read()
            extra = {"Last-Modified": self.date_time_string(int(os.path.getmtime(full)))}
            if path.startswith("/gzip/"):
                body = gzip.compress(body)
                extra["Content-Encoding"] = "gzip"
            kind = "text/html; charset=utf-8" if name.endswith(".html") else "application/rss+xml; charset=utf-8"
            kind = query.get("type", [kind])[0]
            return self.send_body(200, body, kind, extra)
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            extra = {}
            if "retry-after" in query:
                extra["Retry-After"] = query["retry-after"][0]
            return self.send_body(code, b"", "text/plain", extra)
        if path == "/redirect":
            code = int(query.get("code", ["302"])[0])
            return self.send_body(code, b"", "text/plain", {"Location": query["to"][0]})
        if path == "/redirect-loop":
            return self.send_body(302, b"", "text/plain", {"Location": "/redirect-loop"})
        if path == "/slow":
            # A body that trickles one byte every 0.2 s for ?seconds= seconds.
            count = int(float(query.get("seconds", ["10"])[0]) / 0.2)
            return self.stream((b" " for _ in range(count)), length=count, pause=0.2)
        if path == "/endless":
            chunk = b"<!-- and on -->" * 4096
            return self.stream(itertools.chain([FEED_START], itertools.repeat(chunk)))
        if path == "/gzip-bomb":
            body = gzip_bomb(int(query.get("mb", ["1024"])[0]))
            return self.send_body(200, body, "application/rss+xml", {"Content-Encoding": "gzip"})
        if path == "/reset":
            count = int(query.get("bytes", ["2000"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write((FEED_START + b" " * count)[:count])
            self.wfile.flush()
            # SO_LINGER with a zero timeout: close() sends a TCP reset instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        if path == "/huge-headers":
            total = int(float(query.get("mb", ["10"])[0]) * (1 << 20))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            line = "x" * 1000
            try:
                for index in range(total // 1024 + 1):
                    self.send_header("X-Filler-%d" % index, line)
                    if index % 256 == 0:
                        self.flush_headers()
                body = FEED_START + b"</item></channel></rss>"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return None
        if path == "/echo-headers":
            body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
            return self.send_body(200, body, "application/json")
        if path.startswith("/rolling/"):
            return self.send_body(200, rolling_feed(path, int(query.get("items", ["30"])[0]),
                                                    int(query.get("new", ["10"])[0]),
                                                    query.get("distinct", ["0"])[0] == "1"))
        if path == "/items":
            count = int(query.get("count", ["1000000"])[0])
            head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>many</title>'
            items = (("<item><guid>i%d</guid><title>Item %d</title></item>" % (n, n)).encode() for n in range(count))
            return self.stream(itertools.chain([head], items, [b"</channel></rss>"]))
        if path == "/big":
            size = int(query.get("bytes", ["1048576"])[0])
            chunk = b"<!-- filler -->" * 4096
            parts = (chunk[: min(len(chunk), size - sent)] for sent in range(0, size, len(chunk)))
            return self.stream(parts, length=size)
        return self.send_body(404, b"no such route\n", "text/plain")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops SYNs when many clients connect at once
    # (each then waits a 1 s retransmit): the tests open dozens in parallel.
    request_queue_size = 256


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=".")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", help="append one line per request to this file")
    args = parser.parse_args()
    Handler.root = args.root
    Handler.log_path = args.log
    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

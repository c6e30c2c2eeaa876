#!/usr/bin/env python3
"""HTTP server for Tidings' tests: fixture files plus fault-injecting routes.

Binds 127.0.0.1 on a free port (or --port), prints the port on the first line
of stdout once it accepts connections, and serves until killed.

Routes:
  /files/NAME                 a file from --root, with Last-Modified
  /status/CODE[?retry-after=V] an empty response with that status (and Retry-After)
  /redirect?to=URL[&code=N]   a redirect (302 by default) to URL
  /redirect-loop              redirects to itself forever
  /echo-headers               the request headers as JSON
  /gzip/NAME                  a file from --root, gzip-encoded
  /big?bytes=N                N bytes of XML-ish filler
  /slow?seconds=S             a body trickling one byte every 0.2 s for S seconds

With --log FILE, each request is appended to FILE as "GET /path STATUS UNIXTIME".
"""
import argparse
import gzip
import http.server
import json
import os
import socketserver
import sys
import time
import urllib.parse


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
            return self.send_body(200, body, "application/rss+xml; charset=utf-8", extra)
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
            seconds = float(query.get("seconds", ["10"])[0])
            count = int(seconds / 0.2)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(count))
            self.end_headers()
            try:
                for _ in range(count):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/echo-headers":
            body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
            return self.send_body(200, body, "application/json")
        if path == "/big":
            size = int(query.get("bytes", ["1048576"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"<!-- filler -->" * 4096
            sent = 0
            try:
                while sent < size:
                    part = chunk[: min(len(chunk), size - sent)]
                    self.wfile.write(part)
                    sent += len(part)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
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

#!/usr/bin/env python3
"""HTTP server for the link-scan tests: paths that behave like the real web.

Binds 127.0.0.1 on a free port, prints the port on standard output and
serves until --lifetime seconds have passed, then exits by itself. Every
request is appended to --log as "METHOD PATH HOST USER-AGENT".

Paths:
  /ok                      200
  /status/<code>           that status (404, 410, 500, ...)
  /head-405, /head-404     405 or 404 to HEAD, 200 to GET
  /moved, /moved-308       301 to /ok, 308 to the relative "ok"
  /found                   302 to /ok
  /found-close             302 to /ok, closing the connection
  /dir/relative            302 to the relative "../ok"
  /loop                    302 to itself
  /chain/<n>               n redirects, then 200
  /to-ftp                  302 to an ftp:// URL
  /retry-429/<key>         429 with Retry-After: 1 the first time, then 200
  /retry-503/<key>         503 with Retry-After as an HTTP date the first time, then 200
  /flaky/<key>             500 to the first HEAD and the first GET, then 200
  /challenge               403 with cf-mitigated: challenge
  /challenge-503           503 challenge page
  /hang                    never answers
  /huge                    HEAD 405, GET an endless body
  /garbage                 a reply that is not HTTP
  /bad-headers             200 with header lines that are not headers
  /endless-headers         a status line, then headers without end
  /retry-long/<key>        429 with Retry-After: 3600 the first time, then 200
  /hold/<ms>               200 after ms milliseconds, counting requests in flight per Host
  /_stats                  JSON: the most requests in flight seen per Host
  /_huge                   JSON: the bytes of each /huge body sent until the client left
  /wayback/available       the Wayback availability API
"""
import argparse
import email.utils
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
seen_keys = set()
in_flight = {}
max_in_flight = {}
huge_sent = []
log_file = None
lifetime = 60.0


def first_time(key):
    with lock:
        if key in seen_keys:
            return False
        seen_keys.add(key)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "linktest"
    sys_version = ""

    def log_message(self, format, *args):
        pass

    def do_HEAD(self):
        self.route("HEAD")

    def do_GET(self):
        self.route("GET")

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, status, location):
        self.reply(status, [("Location", location)])

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        host = self.headers.get("Host", "")
        if log_file:
            with lock:
                with open(log_file, "a") as f:
                    f.write("%s %s %s %s\n" % (method, self.path, host,
                                               self.headers.get("User-Agent", "")))

        if path == "/ok":
            self.reply(200, body=b"ok\n")
        elif path.startswith("/status/"):
            self.reply(int(path[8:]), body=b"status\n")
        elif path == "/head-405":
            self.reply(405 if method == "HEAD" else 200, body=b"page\n")
        elif path == "/head-404":
            self.reply(404 if method == "HEAD" else 200, body=b"page\n")
        elif path == "/moved":
            self.redirect(301, "/ok")
        elif path == "/moved-308":
            self.redirect(308, "ok")
        elif path == "/found":
            self.redirect(302, "/ok")
        elif path == "/found-close":
            self.close_connection = True
            self.reply(302, [("Location", "/ok"), ("Connection", "close")])
        elif path == "/dir/relative":
            self.redirect(302, "../ok")
        elif path == "/loop":
            self.redirect(302, "/loop")
        elif path.startswith("/chain/"):
            n = int(path[7:])
            if n > 0:
                self.redirect(302, "/chain/%d" % (n - 1))
            else:
                self.reply(200)
        elif path == "/to-ftp":
            self.redirect(302, "ftp://127.0.0.1/file")
        elif path == "/to-junk":
            self.redirect(301, "/ok/\x1b[31mred")
        elif path.startswith("/retry-429/"):
            if first_time(path):
                self.reply(429, [("Retry-After", "1")])
            else:
                self.reply(200)
        elif path.startswith("/retry-503/"):
            if first_time(path):
                when = email.utils.formatdate(time.time() + 1, usegmt=True)
                self.reply(503, [("Retry-After", when)])
            else:
                self.reply(200)
        elif path.startswith("/retry-long/"):
            if first_time(path):
                self.reply(429, [("Retry-After", "3600")])
            else:
                self.reply(200)
        elif path.startswith("/flaky/"):
            self.reply(500 if first_time(method + path) else 200)
        elif path == "/challenge":
            self.reply(403, [("cf-mitigated", "challenge")], b"<html>Just a moment...</html>")
        elif path == "/challenge-503":
            self.reply(503, body=b"<script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate\"></script>")
        elif path == "/hang":
            time.sleep(lifetime)
        elif path == "/huge":
            self.huge(method)
        elif path == "/garbage":
            self.wfile.write(b"\x00\x01 this is not HTTP \xff\r\n\r\n")
            self.close_connection = True
        elif path == "/bad-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                             b"\x01 not a header line\r\nX-\xff\xfe: \x00\x1b[2J\r\n"
                             b": empty name\r\n\r\n")
            self.close_connection = True
        elif path == "/endless-headers":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for n in range(1000000):
                    self.wfile.write(b"X-Filler-%d: %s\r\n" % (n, b"y" * 200))
            except OSError:
                pass
            self.close_connection = True
        elif path.startswith("/hold/"):
            self.hold(host, int(path[6:]))
        elif path == "/_stats":
            with lock:
                body = json.dumps({"max_in_flight": max_in_flight}, sort_keys=True)
            self.reply(200, [("Content-Type", "application/json")], body.encode())
        elif path == "/_huge":
            with lock:
                body = json.dumps(huge_sent)
            self.reply(200, [("Content-Type", "application/json")], body.encode())
        elif path == "/wayback/available":
            self.wayback(urllib.parse.parse_qs(url.query))
        else:
            self.reply(404, body=b"not found\n")

    def huge(self, method):
        if method == "HEAD":
            self.reply(405)
            return
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"x" * 65536
        sent = 0
        try:
            for _ in range(100000):
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        with lock:
            huge_sent.append(sent)

    def hold(self, host, ms):
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            max_in_flight[host] = max(max_in_flight.get(host, 0), in_flight[host])
        time.sleep(ms / 1000.0)
        with lock:
            in_flight[host] -= 1
        self.reply(200)

    def wayback(self, query):
        target = query.get("url", [""])[0]
        stamp = query.get("timestamp", ["20240101"])[0]
        if "never-archived" in target:
            answer = {"url": target, "archived_snapshots": {}}
        else:
            answer = {"url": target, "archived_snapshots": {"closest": {
                "status": "200", "available": True,
                "url": "http://web.archive.org/web/%s000000/%s" % (stamp, target),
                "timestamp": stamp + "000000"}}}
        self.reply(200, [("Content-Type", "application/json")], json.dumps(answer).encode())


def main():
    global log_file, lifetime
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=60.0,
                        help="seconds after which the server exits")
    parser.add_argument("--log", help="file that every request is appended to")
    args = parser.parse_args()
    log_file = args.log
    lifetime = args.lifetime

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    time.sleep(lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()

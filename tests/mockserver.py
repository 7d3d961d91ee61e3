"""A real local HTTP server for crawl tests: two "hosts" (two ports) serving tests/sites/.

Run as a subprocess, like Scrapy's own test mockserver:

    python tests/mockserver.py --log requests.jsonl [--delay 0.2]

It binds 127.0.0.1 on port 0 twice (site `a` and site `b`: different ports
are different sites to Scrapy, robots.txt included), prints one JSON line
`{"a": "http://127.0.0.1:PORT", "b": "…"}` on stdout and serves until killed.
Every request is appended to the log file as a JSON line (site, method, path,
user agent), so a test can assert, e.g., that no request reached a path
robots.txt disallows.

Files under tests/sites/<site>/ are served as they are, after replacing
`{{A}}`/`{{B}}` with the two base URLs (bytes, so GBK and Big5 pages stay
intact; inside .gz files too); a directory serves index.html, or pageN.html for `?page=N`.
`tests/sites/<site>/_headers.json` maps a path to extra response
headers and an optional "status". Generated routes, for tests that need many
pages:

    /status/<code>               an empty response with that status
    /gen/feed.xml?n=N            RSS with N items linking to /gen/article/<i>.html
    /gen/article/<i>.html        a distinct on-topic article (slowed by --delay)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SITES = Path(__file__).resolve().parent / "sites"
TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".gz": "application/gzip",
}


class Shared:
    def __init__(self, log_path: Path | None, delay: float) -> None:
        self.log_path = log_path
        self.delay = delay
        self.urls: dict[str, str] = {}
        self.lock = threading.Lock()

    def record(self, site: str, method: str, path: str, agent: str) -> None:
        if self.log_path is None:
            return
        line = json.dumps({"site": site, "method": method, "path": path, "ua": agent})
        with self.lock, self.log_path.open("a", encoding="utf-8") as stream:
            stream.write(line + "\n")

    def substitute(self, body: bytes) -> bytes:
        for name, url in self.urls.items():
            body = body.replace(("{{" + name.upper() + "}}").encode(), url.encode())
        return body


def handler_for(site: str, shared: Shared) -> type[BaseHTTPRequestHandler]:
    root = SITES / site
    headers_file = root / "_headers.json"
    overrides = json.loads(headers_file.read_text()) if headers_file.exists() else {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet: the log file records requests
            pass

        def do_HEAD(self) -> None:
            self.respond(send_body=False)

        def do_GET(self) -> None:
            self.respond(send_body=True)

        def respond(self, send_body: bool) -> None:
            shared.record(site, self.command, self.path, self.headers.get("User-Agent", ""))
            parts = urlsplit(self.path)
            path = parts.path
            if path.startswith("/status/"):
                self.send(int(path.rsplit("/", 1)[1]), b"", {}, send_body)
                return
            if path == "/gen/feed.xml":
                count = int(parse_qs(parts.query).get("n", ["20"])[0])
                self.send(200, generated_feed(shared.urls[site], count), {}, send_body, ".xml")
                return
            if path.startswith("/gen/article/"):
                number = int(path.rsplit("/", 1)[1].split(".")[0])
                time.sleep(shared.delay)
                self.send(200, generated_article(number).encode(), {}, send_body, ".html")
                return
            extra = dict(overrides.get(path, {}))
            status = int(extra.pop("status", 200))
            target = root / path.lstrip("/")
            if target.is_dir():
                page = parse_qs(parts.query).get("page", [""])[0]
                target = target / (f"page{page}.html" if page.isdigit() else "index.html")
            if status != 200:
                self.send(status, b"", extra, send_body)
                return
            if not target.is_file() or SITES not in target.resolve().parents:
                self.send(404, b"not found", {"Content-Type": "text/plain"}, send_body)
                return
            if target.suffix == ".gz":  # placeholders live inside the compressed sitemap
                body = gzip.compress(shared.substitute(gzip.decompress(target.read_bytes())))
            else:
                body = shared.substitute(target.read_bytes())
            self.send(200, body, extra, send_body, target.suffix)

        def send(
            self,
            status: int,
            body: bytes,
            headers: dict[str, str],
            send_body: bool,
            suffix: str = "",
        ) -> None:
            self.send_response(status)
            if "Content-Type" not in headers and suffix in TYPES:
                headers = {"Content-Type": TYPES[suffix], **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


# --- generated pages -------------------------------------------------------------

_SYLLABLES = ["ka", "ro", "mi", "ten", "sul", "vo", "ne", "dar", "li", "qua", "bo", "zen", "fi"]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(count)
    )


def generated_article(number: int) -> str:
    """A distinct, on-topic article page: its text shares almost no shingles with others."""
    rng = random.Random(number)
    paragraphs = [
        f"Police said a {rng.randint(3, 15)} year old child was abducted on day {number}.",
        *(_words(rng, 60) + "." for _ in range(4)),
        "Detectives are treating the case as a child abduction and ask for witnesses.",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Child abducted: case {number}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world/'>World</a></nav>"
        f"<article><h1>Child abducted: case {number}</h1>{body}</article>"
        f"<footer>Generated test page</footer></body></html>"
    )


def generated_feed(base: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>Case {i}</title><link>{base}/gen/article/{i}.html</link></item>"
        for i in range(count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Generated</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", type=Path)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    shared = Shared(args.log, args.delay)
    servers = {}
    for site in ("a", "b"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site, shared))
        server.daemon_threads = True
        servers[site] = server
        shared.urls[site] = f"http://127.0.0.1:{server.server_address[1]}"
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(shared.urls), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()  # until the test closes our stdin (or kills us)


if __name__ == "__main__":
    main()

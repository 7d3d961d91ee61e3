"""A real local HTTP server for crawl tests: two "hosts" (two ports) serving tests/sites/.

Run as a subprocess, like Scrapy's own test mockserver:

    python tests/mockserver.py --log requests.jsonl [--delay 0.2]

It is demo/server.py's sample web server on another root: site `a` and site `b`
each get a random loopback port (different ports are different sites to Scrapy,
robots.txt included). It prints one JSON line `{"a": "http://127.0.0.1:PORT",
"b": "…"}` on stdout and serves until killed or its stdin is closed. Every
request is appended to the log file as a JSON line (host, status, method, path,
user agent), so a test can assert, e.g., that no request reached a path
robots.txt disallows.

Files under tests/sites/<site>/ are served with `{{A}}`/`{{B}}` replaced by the
two base URLs (inside .gz files too); a directory serves index.html, or
pageN.html for `?page=N`. `tests/sites/<site>/_headers.json` maps a path to
extra response headers and an optional "status". Generated routes, for tests
that need many pages:

    /status/<code>               an empty response with that status
    /gen/feed.xml?n=N            RSS with N items linking to /gen/article/<i>.html
    /gen/article/<i>.html        a distinct on-topic article (slowed by --delay)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import sys
import time
from pathlib import Path

from demo.server import Reply, SampleHandler, serve_sample_web

SITES = Path(__file__).resolve().parent / "sites"
TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".gz": "application/gzip",
}


class MockHandler(SampleHandler):
    """The fixture sites' dialect (bare content types, keep-alive) and generated routes."""

    protocol_version = "HTTP/1.1"
    content_types = TYPES
    not_found = (b"not found", "text/plain")
    page_files = True
    delay = 0.0  # seconds before each generated article (--delay)

    def route(self, path: str, query: dict[str, list[str]]) -> Reply | None:
        if path.startswith("/status/"):
            return Reply(int(path.rsplit("/", 1)[1]))
        if path == "/gen/feed.xml":
            count = int(query.get("n", ["20"])[0])
            body = generated_feed(self.base_url, count)
            return Reply(200, body, {"Content-Type": TYPES[".xml"]})
        if path.startswith("/live/"):
            return self.live_page(path[len("/live/") :])
        if path.startswith("/gen/article/"):
            number = int(path.rsplit("/", 1)[1].split(".")[0])
            time.sleep(self.delay)
            return Reply(200, generated_article(number).encode(), {"Content-Type": TYPES[".html"]})
        return None

    live: Path | None = None  # --live DIR: pages a test edits and deletes between crawls

    def live_page(self, name: str) -> Reply:
        """DIR/<name> as it is now, with an ETag (304 when it matches), 404 once the test
        deleted it; `<name>.home` makes the page redirect to the home page instead;
        `feed.xml` lists every page in DIR."""
        assert self.live is not None
        if name == "feed.xml":
            links = "".join(
                f"<item><title>{p.stem}</title><link>{self.base_url}/live/{p.name}</link></item>"
                for p in sorted(self.live.glob("*.html"))
            )
            feed = f'<rss version="2.0"><channel><title>Live</title>{links}</channel></rss>'
            return Reply(200, feed.encode(), {"Content-Type": TYPES[".xml"]})
        if (self.live / f"{name}.home").exists():
            return Reply(302, b"", {"Location": "/"})
        page = self.live / name
        if "/" in name or not page.is_file():
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        body = page.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"Content-Type": TYPES[".html"], "ETag": etag})


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
    parser.add_argument("--live", type=Path, help="folder of /live/ pages (see live_page)")
    args = parser.parse_args()
    MockHandler.delay = args.delay
    MockHandler.live = args.live
    placeholders = {"a": "{{A}}", "b": "{{B}}"}
    with serve_sample_web(
        SITES, placeholders=placeholders, request_log=args.log, handler=MockHandler
    ) as web:
        print(json.dumps(web.urls), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()  # until the test closes our stdin (or kills us)


if __name__ == "__main__":
    main()

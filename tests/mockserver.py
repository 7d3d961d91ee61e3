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
    /gen/links.xml?to=URL&to=…   RSS with one item per URL given, wherever it points
    /gen/redirect?to=URL         302 to URL
    /gen/refresh?to=URL          an HTML page whose <meta http-equiv="refresh"> leads to URL
    /hostile/feed.xml            RSS listing pages built to hurt a crawler (see HOSTILE)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

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
        if path == "/gen/links.xml":
            body = links_feed(query.get("to", []))
            return Reply(200, body, {"Content-Type": TYPES[".xml"]})
        if path == "/gen/redirect":
            return Reply(302, b"", {"Location": query["to"][0]})
        if path == "/gen/refresh":
            target = escape(query["to"][0], {'"': "&quot;"})
            page = (
                f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>'
            )
            return Reply(200, page.encode(), {"Content-Type": TYPES[".html"]})
        if path.startswith("/hostile/"):
            return hostile_page(self.base_url, path[len("/hostile/") :])
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


def links_feed(urls: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Entry {i}</title><link>{escape(url)}</link></item>"
        for i, url in enumerate(urls)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>'
        f"{items}</channel></rss>"
    ).encode()


# --- a hostile web: pages built to exhaust a crawler's memory, time or parser -----------

HOSTILE = {
    "bomb.html": "20 KB gzip that inflates to 200 MB (Content-Encoding: gzip)",
    "huge.html": "a 9 MB article page of 170,000 short paragraphs",
    "deep.html": "100,000 nested <div> elements around the text",
    "links.html": "an article with 50,000 links",
    "binary.html": "2 MB of random bytes served as text/html",
    "entities.html": "an article of 300,000 character references",
    "names.html": "an article naming 20,000 people and places",
}


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(b"\0" * (200 * 2**20), compresslevel=9)


def hostile_page(base: str, name: str) -> Reply:
    html = {"Content-Type": TYPES[".html"]}
    title = "<title>Child abduction: hostile page</title>"
    if name == "feed.xml":
        items = "".join(
            f"<item><title>{n}</title><link>{base}/hostile/{n}</link></item>" for n in HOSTILE
        )
        feed = f'<rss version="2.0"><channel><title>Hostile</title>{items}</channel></rss>'
        return Reply(200, feed.encode(), {"Content-Type": TYPES[".xml"]})
    if name == "bomb.html":
        return Reply(200, _bomb(), {**html, "Content-Encoding": "gzip"})
    if name == "huge.html":
        text = "<p>The abducted child was seen near the station.</p>" * 170_000
        body = f"<html><head>{title}</head><body><article>{text}</article></body></html>"
    elif name == "deep.html":
        text = "<p>A child abduction case: police ask for witnesses.</p>"
        body = f"<html><head>{title}</head><body>{'<div>' * 100_000}{text}</body></html>"
    elif name == "links.html":
        links = "".join(f"<a href='/gen/article/{i}.html'>case {i}</a> " for i in range(50_000))
        body = f"<html><head>{title}</head><body><article><p>{links}</p></article></body></html>"
    elif name == "binary.html":
        return Reply(200, random.Random(7).randbytes(2 * 2**20), html)
    elif name == "entities.html":
        text = "&#25296;&#21334;&amp;&#x4e2a;" * 75_000
        body = f"<html><head>{title}</head><body><article><p>{text}</p></article></body></html>"
    elif name == "names.html":
        rng = random.Random(11)
        people = ". ".join(
            f"{_words(rng, 1).title()} {_words(rng, 1).title()} was seen in "
            f"{_words(rng, 1).title()}"
            for _ in range(20_000)
        )
        body = (
            f"<html><head>{title}</head><body><article><p>A child was abducted. {people}."
            "</p></article></body></html>"
        )
    else:
        return Reply(404, b"not found", {"Content-Type": "text/plain"})
    return Reply(200, body.encode(), html)


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

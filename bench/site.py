"""A benchmark news web: many news hosts on loopback, served fast enough never to be the
bottleneck of a crawl.

    .venv/bin/python bench/site.py [--hosts 50] [--articles 100] [--port 8900] [--check]

Each host is its own loopback address (127.0.1.1, 127.0.1.2, …: all of 127/8 is the
loopback network on Linux), so a crawler meets 50 sites with their own politeness
slots and no DNS is needed. Every host serves

* `/` a front page and `/section/N/` listing pages linking to its articles;
* `/feed.xml` (RSS 2.0, the newest 30 articles) and `/sitemap.xml` (every article);
* article pages of about 40 KB, as real news pages are: a 30-section menu, a related-
  stories rail, comments, scripts and styles around 300–900 words (or 400–1,100
  characters of Chinese); one in three hosts writes in Chinese;
* one article in ten is a syndicated copy of another host's article (the same text
  under another headline casing and with its own clutter: the dedupe stage's work);
* one in five is off-topic (sport, business), which the relevance stage turns away.

Pages are made once, at start, and served from memory by one asyncio process
(HTTP/1.1 keep-alive, Content-Length, no chunking), or several with `--processes`
(SO_REUSEPORT). `--check` loads the server from a second process for a few seconds
and prints its own capacity, requests/s and MB/s, to compare with a crawl's rate.
`sources_toml()` writes the sources file a crawl of this web reads. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import EN_TOPIC, PLACES, ZH_CHARS, ZH_TOPIC, english_words  # noqa: E402

DEFAULT_HOSTS = 50
DEFAULT_ARTICLES = 100
DEFAULT_PORT = 8900
SECTIONS = 5
FEED_SIZE = 30
SYNDICATED_EVERY = 10
OFF_TOPIC_EVERY = 5
OFF_TOPIC = [
    "The home side won the cup final after extra time, the coach said.",
    "Shares in the bank rose after it reported higher quarterly profits.",
    "The council approved plans for a new bridge over the river.",
]
ZH_OFF_TOPIC = ["主队在加时赛中赢得杯赛决赛。", "该银行公布季度利润增长后股价上涨。"]
FIRST_DAY = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def host_address(number: int) -> str:
    """The loopback address of host `number` (0-based): 127.0.1.1, 127.0.1.2, …"""
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


@dataclass(slots=True)
class Host:
    """One news site of the benchmark web, its pages made up front."""

    number: int
    chinese: bool
    name: str
    pages: dict[str, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class Story:
    title: str
    paragraphs: list[str]
    published: datetime
    topical: bool


def story(host: int, index: int, chinese: bool) -> Story:
    """The article `index` of host `host`: the same numbers always give the same text."""
    rng = random.Random(host * 100_003 + index)
    topical = index % OFF_TOPIC_EVERY != OFF_TOPIC_EVERY - 1
    place = rng.choice(PLACES)
    fill = {"age": rng.randint(2, 15), "place": place, "day": "Tuesday", "n": rng.randint(2, 9)}
    if chinese:
        lead = rng.choice(ZH_TOPIC).format(**fill) if topical else rng.choice(ZH_OFF_TOPIC)
        body = [
            "".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(60, 140))) + "。"
            for _ in range(rng.randint(5, 9))
        ]
        title = (
            f"{place}警方通报一起拐卖儿童案（{host}-{index}）"
            if topical
            else (f"{place}本地新闻（{host}-{index}）")
        )
    else:
        lead = rng.choice(EN_TOPIC).format(**fill) if topical else rng.choice(OFF_TOPIC)
        body = [english_words(rng, rng.randint(30, 70)) for _ in range(rng.randint(5, 9))]
        if topical:
            body.insert(2, rng.choice(EN_TOPIC).format(**fill))
        title = (
            f"Child abducted in {place}, police say ({host}-{index})"
            if topical
            else f"Local news from {place} ({host}-{index})"
        )
    published = FIRST_DAY + timedelta(hours=index * 7 + host)
    return Story(title, [lead, *body], published, topical)


def article_path(index: int) -> str:
    return f"/news/2026/story-{index}.html"


def article_page(site: Host, index: int, told: Story, base: str) -> bytes:
    rng = random.Random(site.number * 7 + index)
    menu = "".join(
        f'<li class="menu-item"><a href="/section/{i % SECTIONS}/">Section {i}</a>'
        + "".join(f"<li><a href=/section/{i % SECTIONS}/>Topic {j}</a></li>" for j in range(8))
        + "</li>"
        for i in range(30)
    )
    related = "".join(
        f'<li class="teaser"><a href="{article_path(rng.randrange(hosts_articles(site)))}">'
        f"<img src=/img/{i}.jpg><span>{english_words(rng, 10)}</span></a></li>"
        for i in range(30)
    )
    script = "var config = " + repr({f"key{i}": "x" * 40 for i in range(300)}) + ";"
    body = "".join(f"<p>{escape(p)}</p>" for p in told.paragraphs)
    language = "zh-CN" if site.chinese else "en"
    when = told.published.isoformat()
    title = escape(told.title)
    html = f"""<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">
<title>{title} | {site.name}</title><meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site.name}">
<meta property="article:published_time" content="{when}">
<link rel="canonical" href="{base}{article_path(index)}">
<script>{script}</script><style>body{{font:16px serif}}</style></head><body>
<header><div class="logo">{site.name}</div><nav><ul>{menu}</ul></nav></header>
<main><article><h1>{title}</h1><div class="byline">By Staff Reporter</div>
<time datetime="{when}">{told.published:%d %B %Y}</time>{body}</article>
<aside class="related"><h2>Most read</h2><ul>{related}</ul></aside>
<div class="comments"><h3>Comments</h3><p>{english_words(rng, 15)}</p></div></main>
<footer><p>© 2026 {site.name}</p><a href="/privacy/">Privacy</a></footer></body></html>"""
    return html.encode("utf-8")


def hosts_articles(site: Host) -> int:
    return max(1, sum(1 for path in site.pages if path.startswith("/news/")))


def build(hosts: int, articles: int, port: int) -> list[Host]:
    """Every page of the benchmark web, in memory."""
    sites = [
        Host(number=n, chinese=n % 3 == 2, name=f"Bench {'日报' if n % 3 == 2 else 'Daily'} {n}")
        for n in range(hosts)
    ]
    for site in sites:
        base = f"http://{host_address(site.number)}:{port}"
        stories = []
        for index in range(articles):
            original = site.number
            if index % SYNDICATED_EVERY == SYNDICATED_EVERY - 1 and hosts > 1:
                # a wire story: another host's article, told again here
                original = (site.number + 1) % hosts
            told = story(original, index, sites[original].chinese)
            site.pages[article_path(index)] = b""  # the count hosts_articles sees
            stories.append(told)
        for index, told in enumerate(stories):
            site.pages[article_path(index)] = article_page(site, index, told, base)
        site.pages["/feed.xml"] = feed(site, stories, base)
        site.pages["/sitemap.xml"] = sitemap(stories, base)
        for section in range(SECTIONS):
            links = "".join(
                f'<li><a href="{article_path(i)}">{escape(t.title)}</a></li>'
                for i, t in enumerate(stories)
                if i % SECTIONS == section
            )
            site.pages[f"/section/{section}/"] = (
                f"<!DOCTYPE html><html><head><meta charset=utf-8><title>Section {section}</title>"
                f"</head><body><h1>Section {section}</h1><ul>{links}</ul></body></html>"
            ).encode()
        site.pages["/"] = site.pages["/section/0/"]
    return sites


def feed(site: Host, stories: list[Story], base: str) -> bytes:
    newest = sorted(enumerate(stories), key=lambda pair: pair[1].published, reverse=True)
    items = "".join(
        f"<item><title>{escape(told.title)}</title><link>{base}{article_path(index)}</link>"
        f"<pubDate>{format_datetime(told.published)}</pubDate></item>"
        for index, told in newest[:FEED_SIZE]
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(site.name)}</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def sitemap(stories: list[Story], base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{article_path(i)}</loc><lastmod>{t.published.date()}</lastmod></url>"
        for i, t in enumerate(stories)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def sources_toml(hosts: int, port: int, path: Path) -> Path:
    """The sources file a crawl of the benchmark web reads: one source per host, its
    feed and its sitemap (the crawl also needs HOMEWARD_ALLOW_PRIVATE_ADDRESSES=1)."""
    lines = []
    for n in range(hosts):
        base = f"http://{host_address(n)}:{port}"
        lines += [
            "[[sources]]",
            f'name = "Bench {n}"',
            f'feeds = ["{base}/feed.xml"]',
            f'sitemaps = ["{base}/sitemap.xml"]',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- the server ---------------------------------------------------------------------------

CONTENT_TYPES = {".xml": b"application/xml", ".html": b"text/html; charset=utf-8"}


async def _serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pages: dict[str, bytes]
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line = head.split(b"\r\n", 1)[0].split(b" ")
            path = request_line[1].decode("latin-1") if len(request_line) > 1 else "/"
            body = pages.get(path.split("?", 1)[0])
            if body is None:
                status, body, kind = b"404 Not Found", b"not found", b"text/plain"
            else:
                suffix = os.path.splitext(path)[1]
                status, kind = b"200 OK", CONTENT_TYPES.get(suffix, CONTENT_TYPES[".html"])
            close = b"connection: close" in head.lower()
            writer.write(
                b"HTTP/1.1 "
                + status
                + b"\r\nContent-Type: "
                + kind
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + (b"\r\nConnection: close" if close else b"")
                + b"\r\n\r\n"
                + body
            )
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _serve(sites: list[Host], port: int, ready: multiprocessing.Event | None) -> None:
    servers = []
    for site in sites:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host_address(site.number), port))
        pages = site.pages

        async def handle(reader, writer, pages=pages):
            await _serve_connection(reader, writer, pages)

        servers.append(await asyncio.start_server(handle, sock=sock, backlog=1024))
    if ready is not None:
        ready.set()
    await asyncio.gather(*(server.serve_forever() for server in servers))


def serve(sites: list[Host], port: int, ready: multiprocessing.Event | None = None) -> None:
    asyncio.run(_serve(sites, port, ready))


def start(
    hosts: int = DEFAULT_HOSTS,
    articles: int = DEFAULT_ARTICLES,
    port: int = DEFAULT_PORT,
    processes: int = 1,
) -> tuple[list[multiprocessing.Process], list[Host]]:
    """The benchmark web running in `processes` background processes (built once, here)."""
    sites = build(hosts, articles, port)
    context = multiprocessing.get_context("fork")
    started = []
    for _ in range(processes):
        ready = context.Event()
        process = context.Process(target=serve, args=(sites, port, ready), daemon=True)
        process.start()
        if not ready.wait(60):
            raise RuntimeError("the benchmark web did not start")
        started.append(process)
    return started, sites


# --- its capacity ---------------------------------------------------------------------------


async def _load(urls: list[tuple[str, str]], port: int, seconds: float, connections: int):
    done = 0
    received = 0
    stop = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal done, received
        address, path = urls[offset % len(urls)]
        reader, writer = await asyncio.open_connection(address, port)
        index = offset
        while time.perf_counter() < stop:
            address_now, path = urls[index % len(urls)]
            if address_now != address:  # one connection stays on its host, as a crawler's
                index += 1
                continue
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            done += 1
            received += len(head) + length
            index += len(urls) // connections or 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(connections)))
    elapsed = time.perf_counter() - started
    return done / elapsed, received / elapsed / 1e6


def capacity(sites: list[Host], port: int, seconds: float = 4.0, connections: int = 32):
    """Requests/s and MB/s one client process gets from the running server (a lower
    bound: the client spends CPU too)."""
    urls = [
        (host_address(site.number), path)
        for site in sites
        for path in site.pages
        if path.startswith("/news/")
    ]
    random.Random(1).shuffle(urls)
    return asyncio.run(_load(urls, port, seconds, connections))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=DEFAULT_HOSTS)
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="print capacity, then stop")
    args = parser.parse_args()
    started = time.perf_counter()
    processes, sites = start(args.hosts, args.articles, args.port, args.processes)
    size = sum(len(body) for site in sites for body in site.pages.values())
    print(
        f"benchmark web: {args.hosts} hosts × {args.articles} articles, "
        f"{sum(len(s.pages) for s in sites):,} pages, {size / 1e6:.0f} MB, built and "
        f"serving in {time.perf_counter() - started:.1f} s on port {args.port} "
        f"({host_address(0)} … {host_address(args.hosts - 1)})"
    )
    try:
        if args.check:
            rate, megabytes = capacity(sites, args.port)
            print(f"capacity: {rate:,.0f} article pages/s, {megabytes:,.0f} MB/s")
            return
        for process in processes:
            process.join()
    finally:
        for process in processes:
            process.terminate()


if __name__ == "__main__":
    main()

"""The offline sample news web: the server (in-process and as a subprocess) and its content.

The content tests keep `demo/site/expected.json` honest: every page it
names exists and carries the metadata the crawler relies on, the feeds and
sitemaps parse and point only at real pages (or the one deliberate 404), and
each article is listed exactly where `found_in` says.
"""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from parsel import Selector

from demo.server import (
    DEFAULT_ROOT,
    Reply,
    SampleHandler,
    SampleWeb,
    load_expected,
    serve_sample_web,
)

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = load_expected()
ARTICLES = EXPECTED["articles"]
ARTICLE_PAGES = ARTICLES + EXPECTED["syndicated"] + EXPECTED["robots_disallowed"]
ALL_PAGES = ARTICLE_PAGES + EXPECTED["off_topic"]
NOT_FOUND = {(page["host"], page["path"]) for page in EXPECTED["not_found"]}
SPECIAL = {(page["host"], page["path"]): page for page in EXPECTED["special_encodings"]}
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}


@pytest.fixture(scope="module")
def web() -> Iterator[SampleWeb]:
    with serve_sample_web(fail=["/fail-here"], hang=["/hang-here"]) as running:
        yield running


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def file_for(host: str, path: str) -> Path:
    target = DEFAULT_ROOT / host / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def page_text(page: dict) -> str:
    """A page's HTML as text (decoded with its real encoding, placeholders left in)."""
    return file_for(page["host"], page["path"]).read_bytes().decode(page.get("encoding", "utf-8"))


# --------------------------------------------------------------------------- the server


def test_hosts_get_their_own_random_ports(web: SampleWeb) -> None:
    assert set(web.urls) == {"news", "mirror"}
    ports = {urlsplit(url).port for url in web.urls.values()}
    assert len(ports) == 2
    assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+", url) for url in web.urls.values())
    assert web.url("news", "/world/") == web.urls["news"] + "/world/"


def test_placeholders_are_replaced_by_base_urls(web: SampleWeb) -> None:
    status, headers, body = fetch(web.url("news", "/robots.txt"))
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {web.urls['news']}/sitemap_index.xml".encode() in body
    status, _, body = fetch(web.url("mirror", EXPECTED["syndicated"][0]["path"]))
    assert status == 200
    assert b"{{" not in body
    assert f'href="{web.urls["mirror"]}{EXPECTED["syndicated"][0]["path"]}"'.encode() in body
    assert web.urls["news"].encode() in body  # the credit links across hosts


@pytest.mark.parametrize("key", sorted(SPECIAL), ids=lambda key: SPECIAL[key]["encoding"])
def test_special_encodings_are_served_as_stored(web: SampleWeb, key: tuple[str, str]) -> None:
    host, path = key
    page = SPECIAL[key]
    status, headers, body = fetch(web.url(host, path))
    assert status == 200
    assert headers["Content-Type"] == f"text/html; charset={page['http_charset']}"
    stored = file_for(host, path).read_bytes()
    assert body == stored.replace(b"{{news}}", web.urls["news"].encode())
    text = body.decode(page["encoding"])  # strict: the bytes are intact
    title = next(a["title"] for a in ARTICLES if a["path"] == path)
    assert title in text
    if page["http_charset"].lower() != page["encoding"]:
        assert title not in body.decode(page["http_charset"], errors="replace")


def test_missing_pages_redirects_and_private_files(web: SampleWeb) -> None:
    for host, path in NOT_FOUND:
        assert fetch(web.url(host, path))[0] == 404
    assert fetch(web.url("news", "/no/such/page.html"))[0] == 404
    assert fetch(web.url("news", "/_headers.json"))[0] == 404
    assert fetch(web.url("news", "/../expected.json"))[0] == 404
    status, headers, _ = fetch(web.url("news", "/world"))
    assert (status, headers["Location"]) == (301, "/world/")
    status, headers, body = fetch(web.url("news", "/world/?page=1#top"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>World</h1>" in body


def test_fail_and_hang_switches(web: SampleWeb) -> None:
    assert fetch(web.url("news", "/fail-here"))[0] == 500
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        fetch(web.url("mirror", "/hang-here"), timeout=0.5)
    assert time.monotonic() - started < 5


def test_requests_are_recorded(web: SampleWeb) -> None:
    web.clear_requests()
    fetch(web.url("mirror", "/robots.txt"))
    fetch(web.url("news", "/rss.xml?utm_source=x"))
    assert web.requests == [("mirror", "/robots.txt"), ("news", "/rss.xml?utm_source=x")]


def test_any_root_with_header_overrides(tmp_path: Path) -> None:
    (tmp_path / "a" / "docs").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "_notes").mkdir()  # not a host
    (tmp_path / "a" / "docs" / "index.html").write_bytes("<p>{{b}}/x 中文</p>".encode("gb18030"))
    (tmp_path / "a" / "data.bin").write_bytes(b"{{b}}")
    overrides = {
        "/old": {"status": 301, "Location": "{{b}}/new"},
        "/docs/": {"Content-Type": "text/html; charset=gb18030"},
    }
    (tmp_path / "a" / "_headers.json").write_text(json.dumps(overrides))
    with serve_sample_web(tmp_path) as web:
        assert set(web.urls) == {"a", "b"}
        status, headers, _ = fetch(web.url("a", "/old"))
        assert (status, headers["Location"]) == (301, web.url("b", "/new"))
        status, headers, body = fetch(web.url("a", "/docs/"))
        assert headers["Content-Type"] == "text/html; charset=gb18030"
        assert body.decode("gb18030") == f"<p>{web.urls['b']}/x 中文</p>"
        status, headers, body = fetch(web.url("a", "/data.bin"))
        assert (headers["Content-Type"], body) == ("application/octet-stream", b"{{b}}")
        assert fetch(web.url("b", "/"))[0] == 404


BARE_TYPES = {".html": "text/html", ".gz": "application/gzip"}


class Dialect(SampleHandler):
    """The extension points tests/mockserver.py uses."""

    content_types = BARE_TYPES
    not_found = (b"not found", "text/plain")
    page_files = True

    def route(self, path: str, query: dict[str, list[str]]) -> Reply | None:
        if path == "/gen":
            return Reply(200, f"{self.base_url} {query['n'][0]}".encode())
        return None


def test_placeholders_request_log_and_a_handler_subclass(tmp_path: Path) -> None:
    (tmp_path / "a" / "list").mkdir(parents=True)
    (tmp_path / "a" / "list" / "index.html").write_text("first")
    (tmp_path / "a" / "list" / "page2.html").write_text("{{A}} and {{a}}")
    (tmp_path / "a" / "sitemap.xml.gz").write_bytes(gzip.compress(b"<loc>{{A}}/x</loc>"))
    log = tmp_path / "requests.jsonl"
    with serve_sample_web(
        tmp_path, placeholders={"a": "{{A}}"}, request_log=log, handler=Dialect
    ) as web:
        a = web.urls["a"]
        status, headers, body = fetch(a + "/list/?page=2")
        assert (status, headers["Content-Type"]) == (200, "text/html")
        assert body.decode() == a + " and {{a}}"
        assert fetch(a + "/list/")[2] == b"first"
        status, headers, body = fetch(a + "/list/?page=3")
        assert (status, headers["Content-Type"], body) == (404, "text/plain", b"not found")
        status, headers, body = fetch(a + "/sitemap.xml.gz")
        assert headers["Content-Type"] == "application/gzip"
        assert gzip.decompress(body).decode() == f"<loc>{a}/x</loc>"
        assert fetch(a + "/gen?n=5")[2].decode() == a + " 5"
        log.unlink()  # the log is opened per line: deleting it starts afresh
        request = urllib.request.Request(a + "/gen?n=1", headers={"User-Agent": "t/1"})
        urllib.request.urlopen(request, timeout=10).close()
    assert [json.loads(line) for line in log.read_text().splitlines()] == [
        {"host": "a", "status": 200, "method": "GET", "path": "/gen?n=1", "ua": "t/1"}
    ]


def test_stop_frees_the_port() -> None:
    web = serve_sample_web()
    url = web.url("news", "/robots.txt")
    assert fetch(url)[0] == 200
    web.stop()
    with pytest.raises(urllib.error.URLError):
        fetch(url, timeout=2)


def test_subprocess_prints_urls_logs_and_stops_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.server", "--log", str(log), "--fail", "/world/"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        urls = json.loads(process.stdout.readline())
        assert set(urls) == {"news", "mirror"}
        assert fetch(urls["news"] + "/robots.txt")[0] == 200
        assert fetch(urls["news"] + "/world/")[0] == 500
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert log.read_text().splitlines() == [
        "news 200 GET /robots.txt",
        "news 500 GET /world/",
    ]


# --------------------------------------------------------------------------- the content


def test_content_meets_the_brief() -> None:
    languages = [a["language"] for a in ARTICLES]
    assert len(ARTICLES) + len(EXPECTED["syndicated"]) >= 20
    assert languages.count("en") >= 8 and languages.count("zh") >= 8
    assert sum(a["script"] == "Hant" for a in ARTICLES) >= 2
    assert len(EXPECTED["off_topic"]) >= 4
    assert {page["encoding"] for page in SPECIAL.values()} >= {"gbk", "big5"}
    assert any(p["http_charset"].lower() != p["encoding"] for p in SPECIAL.values())
    for page in ARTICLES + EXPECTED["syndicated"]:
        assert "2023" <= page["published_date"][:4] <= "2026", page["path"]


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda page: page["path"])
def test_every_listed_page_exists(page: dict) -> None:
    assert file_for(page["host"], page["path"]).is_file()
    assert (page["host"], page["path"]) not in NOT_FOUND


def test_the_deliberate_404_is_really_missing() -> None:
    for host, path in NOT_FOUND:
        assert not file_for(host, path).exists()


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda page: page["path"])
def test_article_pages_carry_metadata_and_clutter(page: dict) -> None:
    html = page_text(page)
    selector = Selector(text=html)
    base = "{{" + page["host"] + "}}"
    assert selector.xpath("/html/@lang").get() == page["html_lang"]
    assert selector.css('link[rel="canonical"]::attr(href)').get() == base + page["path"]
    assert selector.css('meta[property="og:title"]::attr(content)').get() == page["title"]
    assert (
        selector.css('meta[property="article:published_time"]::attr(content)').get()
        == (page["published"])
    )
    title_tag = selector.css("title::text").get()
    assert title_tag != page["title"] and title_tag.startswith(page["title"])
    ld = json.loads(selector.css('script[type="application/ld+json"]::text').get())
    assert ld["@type"] == "NewsArticle"
    assert (ld["headline"], ld["datePublished"]) == (page["title"], page["published"])
    assert ld["author"][0]["name"] == page["author"]
    assert " ".join(selector.css("figcaption ::text").getall()).startswith(page["caption"])
    visible = " ".join(selector.css("body ::text").getall())
    for snippet in page["must_contain"] + page["must_not_contain"]:
        assert snippet in visible, snippet
    assert selector.css("#comments") and selector.css("footer, .footer")


# The journalist's text on each template: headline, standfirst, captions, body paragraphs.
STORY = ", ".join(
    f"{part} ::text"
    for part in (
        "h1",
        ".standfirst",
        ".summary",
        "figcaption",
        ".story-body > p",
        "#content > p",
        ".entry-content > p:not(.syndication-credit):not(.standfirst)",
    )
)


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda page: page["path"])
def test_annotations_appear_in_the_article(page: dict) -> None:
    selector = Selector(text=page_text(page))
    story = " ".join(selector.css(STORY).getall())
    for name in page["names"] + page["villages"]:
        assert name in story, name
    years = {int(y) for y in re.findall(r"(?<![\d,.£$])(19\d\d|20[0-3]\d)(?!\d|,\d)", story)}
    assert years == set(page["years"]), page["path"]
    if page in EXPECTED["robots_disallowed"]:
        return  # drafts, shorter than published stories
    if page["language"] == "en":
        assert 250 <= len(story.split()) <= 900, len(story.split())
    else:
        assert 400 <= len(re.findall(r"[\u4e00-\u9fff]", story)) <= 1200


def served_text(host: str, path: str, urls: dict[str, str]) -> str:
    body = file_for(host, path).read_bytes()
    for name, base in urls.items():
        body = body.replace(b"{{%s}}" % name.encode(), base.encode())
    return body.decode("utf-8")


def local(url: str, urls: dict[str, str]) -> tuple[str, str]:
    """(host, path) of an absolute sample URL, query and fragment dropped."""
    for name, base in urls.items():
        if url.startswith(base + "/"):
            return name, urlsplit(url).path
    raise AssertionError(f"{url} is not on the sample web")


def assert_exists(host: str, path: str) -> None:
    assert (host, path) in NOT_FOUND or file_for(host, path).is_file(), f"{host}{path}"


def discovered() -> dict[str, set[tuple[str, str]]]:
    """Which (host, path) each discovery source lists, checking every link exists."""
    urls = {"news": "http://news.test", "mirror": "http://mirror.test"}
    found: dict[str, set[tuple[str, str]]] = {
        name: set()
        for name in ("rss", "atom", "sitemap", "news_sitemap", "listing", "listing_page_2")
    }
    for host, spec in EXPECTED["hosts"].items():
        for feed in spec["feeds"]:
            root = ET.fromstring(served_text(host, feed, urls))
            if root.tag == "rss":
                links = [item.findtext("link") for item in root.iter("item")]
                found["rss"].update(local(link, urls) for link in links)
            else:
                links = [
                    link.get("href")
                    for entry in root.iterfind("atom:entry", NS)
                    for link in entry.iterfind("atom:link", NS)
                ]
                found["atom"].update(local(link, urls) for link in links)
        pending = [local(urls[host] + sitemap, urls) for sitemap in spec["sitemaps"]]
        while pending:
            sitemap_host, sitemap_path = pending.pop()
            root = ET.fromstring(served_text(sitemap_host, sitemap_path, urls))
            locs = [loc.text for loc in root.iterfind("*/sm:loc", NS)]
            if root.tag.endswith("sitemapindex"):
                pending += [local(loc, urls) for loc in locs]
                continue
            kind = "news_sitemap" if root.find("sm:url/news:news", NS) is not None else "sitemap"
            for url in root.iterfind("sm:url", NS):
                assert url.findtext("sm:lastmod", namespaces=NS)
                found[kind].add(local(url.findtext("sm:loc", namespaces=NS), urls))
        for page in spec["pages"]:
            found["listing"] |= listing_links(host, page, urls)
            second = page + "page/2/"
            if file_for(host, second).is_file():
                found["listing_page_2"] |= listing_links(host, second, urls)
    found["listing_page_2"] -= found["listing"]
    for pages in found.values():
        for host, path in pages:
            assert_exists(host, path)
    return found


def listing_links(host: str, path: str, urls: dict[str, str]) -> set[tuple[str, str]]:
    selector = Selector(text=served_text(host, path, urls))
    links = set()
    for href in selector.css("a::attr(href)").getall():
        absolute = urljoin(urls[host] + path, href)
        if absolute.startswith(urls[host] + "/"):
            links.add(local(absolute, urls))
    return links


def test_feeds_and_sitemaps_list_exactly_what_found_in_says() -> None:
    found = discovered()
    for page in ALL_PAGES:
        key = (page["host"], page["path"])
        listed = {source for source, pages in found.items() if key in pages}
        assert listed == set(page["found_in"]), page["path"]


def test_robots_txt_disallows_the_private_pages_only() -> None:
    urls = {"news": "http://news.test", "mirror": "http://mirror.test"}
    robots = {}
    for host in EXPECTED["hosts"]:
        parser = RobotFileParser()
        parser.parse(served_text(host, "/robots.txt", urls).splitlines())
        robots[host] = parser
        assert parser.site_maps() == [
            urls[host] + sitemap for sitemap in EXPECTED["hosts"][host]["sitemaps"]
        ]
    for page in EXPECTED["robots_disallowed"]:
        assert not robots[page["host"]].can_fetch("Homeward", urls[page["host"]] + page["path"])
    for page in ARTICLES + EXPECTED["syndicated"] + EXPECTED["off_topic"]:
        assert robots[page["host"]].can_fetch("Homeward", urls[page["host"]] + page["path"])


def test_syndicated_copies_are_near_copies_of_their_originals() -> None:
    by_path = {(a["host"], a["path"]): a for a in ARTICLES}
    for copy in EXPECTED["syndicated"]:
        original = by_path[(copy["original"]["host"], copy["original"]["path"])]
        assert copy["title"] != original["title"]
        assert copy["caption"] == original["caption"]
        assert copy["added_sentence"] in page_text(copy)
        assert copy["added_sentence"] not in page_text(original)


def test_sources_toml_describes_the_running_web(web: SampleWeb) -> None:
    from crawler.sources import parse_sources

    sources = parse_sources(web.sources_toml())
    assert [source.name for source in sources] == ["The Harbour Herald", "Daily Syndicate"]
    herald = sources[0]
    assert list(herald.feeds) == [web.url("news", "/rss.xml"), web.url("news", "/zh/atom.xml")]
    assert list(herald.pages) == [web.url("news", "/world/"), web.url("news", "/zh/")]


@pytest.mark.parametrize("host", sorted(EXPECTED["hosts"]))
def test_internal_links_resolve_except_the_deliberate_404(host: str) -> None:
    urls = {"news": "http://news.test", "mirror": "http://mirror.test"}
    docroot = DEFAULT_ROOT / host
    pages = [path for path in docroot.rglob("*.html") if not path.name.startswith("_")]
    assert pages
    for page in pages:
        relative = "/" + page.relative_to(docroot).as_posix()
        path = relative.removesuffix("index.html")
        encoding = SPECIAL.get((host, path), {}).get("encoding", "utf-8")
        body = page.read_bytes()
        for name, base in urls.items():
            body = body.replace(b"{{%s}}" % name.encode(), base.encode())
        selector = Selector(text=body.decode(encoding))
        for href in selector.css("a::attr(href), img::attr(src), link::attr(href)").getall():
            absolute = urljoin(urls[host] + path, href)
            if absolute.startswith(urls[host] + "/"):
                assert_exists(host, urlsplit(absolute).path)

"""End-to-end crawls of the fixture sites (tests/sites) served by tests/mockserver.py.

Every crawl runs for real: Scrapy in a child process (crawler.run), HTTP to a
local server on two ports, the stages, WARC evidence and the archive named by
the `archive_url` fixture (an embedded SQLite file here; the fixture can be
parametrised over other backends).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import main
from crawler.run import run_crawl
from crawler.spiders.news import find_canonical_link, parse_sitemap
from crawler.state import SeenStore
from crawler.summary import RunSummary, format_summary, summary_from_stats
from homeward.article import Article, article_id
from homeward.paths import archive_state_dir
from search.backends.elastic import ElasticArchive
from search.evidence import read_capture
from search.open import open_archive
from search.query import build_request

REPO = Path(__file__).resolve().parent.parent
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 0,
    "HOMEWARD_MAX_AGE_DAYS": 3650,
    "HOMEWARD_ENTITIES": False,  # the entity stage has its own tests; no model needed here
    "HOMEWARD_PROGRESS_INTERVAL": 0.5,
}


class MockServer:
    """tests/mockserver.py in a subprocess: two hosts, `a` and `b`, and a request log."""

    def __init__(self, log: Path, delay: float = 0.0, live: Path | None = None) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "tests" / "mockserver.py"),
                "--log",
                str(log),
                "--delay",
                str(delay),
                *(["--live", str(live)] if live else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},  # it imports demo.server
        )
        assert self.process.stdout is not None
        self.urls: dict[str, str] = json.loads(self.process.stdout.readline())

    def requests(self) -> list[dict[str, str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def paths(self, host: str) -> list[str]:
        return [r["path"] for r in self.requests() if r["host"] == host]

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def mockserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    server = MockServer(tmp_path_factory.mktemp("mockserver") / "requests.jsonl")
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["sqlite", "elasticsearch"])
def archive_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The archive crawls store into (one per module: the crawl tests build on each other);
    the whole flow runs once on each backend."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("archive") / "archive.sqlite")
        return
    url = request.getfixturevalue("es_url")
    alias = f"homeward-test-crawl-{uuid.uuid4().hex[:8]}"
    # The crawl runs in a child process: it finds the test's index through the environment.
    os.environ["HOMEWARD_ES_INDEX"] = alias
    try:
        yield url
    finally:
        os.environ.pop("HOMEWARD_ES_INDEX", None)
        ElasticArchive(url, alias=alias).drop()


def write_sources(path: Path, server: MockServer, *, extra: str = "") -> Path:
    a, b = server.urls["a"], server.urls["b"]
    path.write_text(
        f"""
[[sources]]
name = "Riverside Herald"
feeds = ["{a}/feed.xml"]
sitemaps = ["{a}/sitemap_index.xml"]
pages = ["{a}/world/"]

[[sources]]
name = "华南日报"
feeds = ["{b}/rss.xml"]

[[sources]]
name = "Gone"
feeds = ["http://127.0.0.1:1/feed.xml"]

[[sources]]
name = "Broken"
feeds = ["{b}/broken-feed.xml"]
{extra}""",
        encoding="utf-8",
    )
    return path


def articles(archive_url: str, *prefixes: str) -> dict[str, Article]:
    """The archive's articles by URL; with `prefixes`, only those under these base URLs
    (tests share one archive per module and keep to their own server's URLs)."""
    archive = open_archive(archive_url)
    try:
        return {
            article.url: article
            for article in archive.iter_articles()
            if not prefixes or article.url.startswith(prefixes)
        }
    finally:
        archive.close()


@pytest.fixture(scope="module")
def crawls(
    mockserver: MockServer, archive_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Crawl the fixture sites twice; keep both summaries and both request logs."""
    root = tmp_path_factory.mktemp("crawl")
    sources = write_sources(root / "sources.toml", mockserver)
    mockserver.clear()
    progress: list[dict[str, Any]] = []
    first = run_crawl(
        sources,
        archive_url,
        state_dir=root / "state",
        progress=progress.append,
        settings_overrides=FAST,
    )
    first_requests = mockserver.requests()
    mine = (mockserver.urls["a"] + "/", mockserver.urls["b"] + "/")
    stored_after_first = articles(archive_url, *mine)
    mockserver.clear()
    second = run_crawl(sources, archive_url, state_dir=root / "state", settings_overrides=FAST)
    return {
        "first": first,
        "second": second,
        "first_requests": first_requests,
        "second_requests": mockserver.requests(),
        "after_first": stored_after_first,
        "after_second": articles(archive_url, *mine),
        "progress": progress,
        "state": archive_state_dir(archive_url, root / "state"),
        "urls": mockserver.urls,
        "root": root,
        "sources": sources,
    }


def test_feeds_sitemaps_and_listings_are_all_found(crawls: dict[str, Any]) -> None:
    a, b = crawls["urls"]["a"], crawls["urls"]["b"]
    stored = crawls["after_first"]
    assert set(stored) == {
        f"{a}/news/2026/05/boy-abducted-from-school.html",  # feed (with utm_*) and sitemap
        f"{a}/news/2026/05/girl-missing-found-safe.html",  # feed (with #fragment)
        f"{a}/news/2026/06/trafficking-ring-dismantled.html",  # Google News sitemap via index
        f"{a}/news/2026/06/amber-alert-issued-for-toddler.html",  # listing page
        f"{a}/news/2026/06/police-search-for-missing-twins.html",  # listing, page 2
        f"{b}/zh/2026/05/gbk-child-trafficking.html",  # Atom feed, GBK
        f"{b}/zh/2026/05/big5-missing-child.html",  # Atom feed (with spm=), Big5
        f"{a}/news/2001/01/old-abduction-story.html",  # feed and sitemap: the first crawl
    }
    first: RunSummary = crawls["first"]
    assert first.stored == 8 and first.finish_reason == "finished"
    # index, Google News sitemap, a gzip sitemap and the 2001 archive sitemap
    assert first.fetched_by_kind["feed"] == 3 and first.fetched_by_kind["sitemap"] == 4
    assert first.fetched_by_kind["page"] == 2
    assert first.sources["Riverside Herald"].errors == []  # every feed and sitemap parsed
    assert first.sources["Riverside Herald"].stored == 6 and first.sources["华南日报"].stored == 2
    for article in stored.values():
        assert article.id == article_id(article.url)
        assert article.source in ("Riverside Herald", "华南日报")


def test_a_sources_first_crawl_takes_its_whole_history(crawls: dict[str, Any]) -> None:
    first: RunSummary = crawls["first"]
    paths = Counter(r["path"] for r in crawls["first_requests"])
    assert paths["/sitemap-2001.xml"] == 1 and paths["/news/2001/01/old-abduction-story.html"] == 1
    assert "old" not in first.skipped
    assert first.first_crawl == ["Riverside Herald", "华南日报", "Gone", "Broken"]
    assert "first crawl of Riverside Herald, 华南日报, Gone, Broken" in format_summary(first)


def test_later_crawls_keep_to_the_age_window(crawls: dict[str, Any]) -> None:
    second: RunSummary = crawls["second"]
    assert second.skipped["old"] >= 2  # the 2001 feed entry and archive sitemap
    assert not any("2001" in r["path"] for r in crawls["second_requests"])
    # Sources that never answered have not had their first crawl yet.
    assert second.first_crawl == ["Gone", "Broken"]


def test_robots_txt_is_obeyed(crawls: dict[str, Any]) -> None:
    paths = [r["path"] for r in crawls["first_requests"] if r["host"] == "a"]
    assert "/robots.txt" in paths
    assert not [path for path in paths if path.startswith("/private/")]
    assert all(r["ua"].startswith("Homeward/") for r in crawls["first_requests"])


def test_one_canonical_url_is_one_article(crawls: dict[str, Any]) -> None:
    paths = Counter(r["path"] for r in crawls["first_requests"] if r["host"] == "a")
    # feed (utm_*) and sitemap (fbclid) point at one URL: fetched once, without the trackers
    assert paths["/news/2026/05/boy-abducted-from-school.html"] == 1
    assert not [p for p in paths if "utm_" in p or "fbclid" in p or "#" in p]
    # the print version declares rel=canonical: fetched, but not a second article
    assert paths["/news/2026/06/amber-alert-issued-for-toddler-print.html"] == 1
    assert not [url for url in crawls["after_first"] if "print" in url]


def test_cross_host_copy_is_merged(crawls: dict[str, Any]) -> None:
    # Whichever copy is processed first, the one published first keeps the record.
    a, b = crawls["urls"]["a"], crawls["urls"]["b"]
    original = crawls["after_first"][f"{a}/news/2026/05/boy-abducted-from-school.html"]
    assert original.duplicates == [f"{b}/syndicated/2026/05/schoolboy-snatched-outside-gates.html"]
    assert crawls["first"].duplicates == 1


def test_chinese_encodings_are_decoded(crawls: dict[str, Any]) -> None:
    b = crawls["urls"]["b"]
    gbk = crawls["after_first"][f"{b}/zh/2026/05/gbk-child-trafficking.html"]
    big5 = crawls["after_first"][f"{b}/zh/2026/05/big5-missing-child.html"]
    assert gbk.title == "广东警方破获拐卖儿童案 解救被拐儿童五名"
    assert "成功解救被拐儿童五名" in gbk.text and "\ufffd" not in gbk.text
    assert big5.title == "台中七歲男童放學途中失蹤 警方全力搜尋"
    assert "不排除涉及拐賣兒童的可能" in big5.text and "\ufffd" not in big5.text
    assert gbk.language == big5.language == "zh"


def test_off_topic_pages_are_dropped_and_counted(crawls: dict[str, Any]) -> None:
    assert not [url for url in crawls["after_first"] if "budget" in url]
    assert crawls["first"].irrelevant == 1
    assert crawls["first"].sources["Riverside Herald"].irrelevant == 1


def test_bad_sources_do_not_stop_the_crawl(crawls: dict[str, Any]) -> None:
    first: RunSummary = crawls["first"]
    assert first.sources["Gone"].errors and "connection" in first.sources["Gone"].errors[0]
    assert first.sources["Broken"].errors and "http-500" in first.sources["Broken"].errors[0]
    assert first.failed == {"http-500": 1}  # the one broken article page
    assert first.stored == 8


def test_evidence_is_kept_for_every_article(crawls: dict[str, Any]) -> None:
    for article in crawls["after_first"].values():
        assert article.evidence is not None and article.evidence.status == 200
        headers, body = read_capture(article.evidence)
        assert headers[0] == ("status", "200 OK")
        if "gbk" in article.url:
            assert "广东警方".encode("gbk") in body  # the raw bytes, as served


def test_extract_on_an_evidence_copy_reads_what_the_crawl_stored(
    crawls: dict[str, Any], tmp_path: Path
) -> None:
    """`homeward extract` runs a crawl's own stages: on the page as it was captured (the
    GBK one too, whose charset only the server's header named) it reads what was stored."""
    for article in crawls["after_first"].values():
        _, body = read_capture(article.evidence)
        page = tmp_path / f"{article.id}.html"
        page.write_bytes(body)
        result = CliRunner().invoke(main, ["extract", str(page), "--url", article.url, "--json"])
        assert result.exit_code == 0, (article.url, result.output)
        record = json.loads(result.output)
        assert (record["title"], record["text"]) == (article.title, article.text), article.url
        assert record["language"] == article.language


def test_progress_is_reported(crawls: dict[str, Any]) -> None:
    assert crawls["progress"], "no progress records"
    record = crawls["progress"][-1]
    assert {"fetched", "stored", "duplicates", "irrelevant", "failed", "sources"} <= set(record)
    assert "Riverside Herald" in record["sources"]


def test_recrawl_fetches_no_article_and_stores_nothing(crawls: dict[str, Any]) -> None:
    second: RunSummary = crawls["second"]
    assert second.stored == 0 and second.duplicates == 0 and second.irrelevant == 0
    assert "article" not in second.fetched_by_kind
    assert crawls["after_second"].keys() == crawls["after_first"].keys()
    paths = [r["path"] for r in crawls["second_requests"]]
    assert not [p for p in paths if p.startswith(("/news/", "/zh/", "/syndicated/"))]
    assert "/feed.xml" in paths and "/rss.xml" in paths and "/world/" in paths
    assert not (crawls["state"] / "job").exists()  # a finished crawl leaves no queue


CALLER = """
import json, sys
from crawler.run import run_crawl
summary = run_crawl(sys.argv[1], sys.argv[2], state_dir=sys.argv[3],
                    settings_overrides=json.loads(sys.argv[4]))
open(sys.argv[5], "w").write(json.dumps(summary.to_dict()))
"""


@pytest.mark.parametrize(
    "how",
    ["SIGTERM to the crawl process", "Ctrl-C (SIGINT) to run_crawl's caller"],
)
def test_resume_after_a_stop_stores_nothing_twice(
    how: str, tmp_path: Path, archive_url: str, request: pytest.FixtureRequest
) -> None:
    server = MockServer(tmp_path / "requests.jsonl", delay=0.3)
    request.addfinalizer(server.stop)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Generated"\nfeeds = ["{server.urls["a"]}/gen/feed.xml?n=30"]\n'
    )
    summary_file = tmp_path / "first.json"
    state = tmp_path / "state"
    overrides = {**FAST, "CONCURRENT_REQUESTS": 2}
    if how.startswith("SIGTERM"):
        command = [sys.executable, "-m", "crawler.run", "--sources", str(sources),
                   "--archive", archive_url, "--state-dir", str(state),
                   "--summary", str(summary_file)]  # fmt: skip
        for name, value in overrides.items():
            command += ["--set", f"{name}={json.dumps(value)}"]
        stop = signal.SIGTERM
    else:
        command = [sys.executable, "-c", CALLER, str(sources), archive_url, str(state),
                   json.dumps(overrides), str(summary_file)]  # fmt: skip
        stop = signal.SIGINT
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while sum("/gen/article/" in p for p in server.paths("a")) < 8:
        assert time.monotonic() < deadline and child.poll() is None, "crawl did not get going"
        time.sleep(0.1)
    child.send_signal(stop)
    assert child.wait(timeout=60) == 0

    first = RunSummary.from_dict(json.loads(summary_file.read_text()))
    assert first.finish_reason == "shutdown" and first.resumable
    assert 0 < first.stored < 30
    assert (archive_state_dir(archive_url, state) / "job").exists()
    base = server.urls["a"]
    stored_first = set(articles(archive_url, base))
    assert len(stored_first) == first.stored

    second = run_crawl(sources, archive_url, state_dir=state, settings_overrides=overrides)
    assert second.finish_reason == "finished"
    assert first.stored + second.stored == 30
    assert len(articles(archive_url, base)) == 30
    fetched = Counter(p for p in server.paths("a") if "/gen/article/" in p)
    assert len(fetched) == 30
    # a page stored by the first run is never fetched again
    assert all(fetched[url.removeprefix(base)] == 1 for url in stored_first)


def test_scrapy_crawl_news_from_the_repository_root(tmp_path: Path, mockserver: MockServer) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "华南日报"\nfeeds = ["{mockserver.urls["b"]}/rss.xml"]\n'
    )
    archive = "sqlite:///" + str(tmp_path / "archive.sqlite")
    settings = {
        **FAST,
        "HOMEWARD_SOURCES": str(sources),
        "HOMEWARD_ARCHIVE": archive,
        "HOMEWARD_STATE_DIR": str(tmp_path / "state"),
        "HOMEWARD_WORKERS": 0,
    }
    command = [
        str(Path(sys.executable).parent / "scrapy"),
        "crawl",
        "news",
        "--loglevel",
        "WARNING",
    ]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    result = subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(articles(archive)) == 3  # GBK, Big5 and the syndicated copy (its original is on a)


def test_archive_outage_spools_and_the_next_run_writes(tmp_path: Path, archive_url: str) -> None:
    """An archive that fails mid-crawl loses nothing: the spool is written next time."""
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.item_pipelines import IndexPipeline
    from crawler.items import PageItem
    from pipelines.extract import Extracted

    class Unreachable:
        def upsert(self, articles: Any) -> Any:
            raise ConnectionError("archive down")

        def add_duplicate(self, original_id: str, copy_url: str) -> bool:
            raise ConnectionError("archive down")

        def refresh(self) -> None:
            raise ConnectionError("archive down")

        def close(self) -> None:
            pass

    def item(number: int) -> PageItem:
        url = f"https://news.example/{number}.html"
        page = PageItem(
            url=url,
            fetched_url=url,
            source="Example",
            status=200,
            headers=[],
            body=b"<html></html>",
            fetched_at="2026-05-14T08:00:00+00:00",
        )
        page.extracted = Extracted(
            url=url, text=f"A child was abducted, report {number}.", title=f"Report {number}"
        )
        return page

    stats = MemoryStatsCollector(get_crawler())
    spool = tmp_path / "spool.jsonl"
    down = IndexPipeline(archive_url, stats, spool_path=spool, batch_size=2)
    down.open_spider()
    down.archive.close()
    down.archive = Unreachable()
    for number in range(3):
        down.process_item(item(number))
    duplicate = item(9)
    duplicate.duplicate_of = item(0).id
    down.process_item(duplicate)
    down.close_spider()
    assert stats.get_value("homeward/spooled") == 3 and stats.get_value("homeward/stored") is None
    assert len(spool.read_text().splitlines()) == 4
    # A crash in the middle of an append leaves half a line: it is set aside, not fatal.
    torn = '{"article": {"url": "https://news.example/half'
    with spool.open("a", encoding="utf-8") as stream:
        stream.write(torn)

    up = IndexPipeline(archive_url, stats, spool_path=spool)
    up.open_spider()  # writes the spool first
    up.close_spider()
    assert not spool.exists()
    stored = articles(archive_url, "https://news.example/")
    assert len(stored) == 3
    assert stored["https://news.example/0.html"].duplicates == ["https://news.example/9.html"]
    assert stats.get_value("homeward/spool/written") == 3
    assert stats.get_value("homeward/spool/set-aside") == 1
    assert (tmp_path / "spool.jsonl.bad").read_text(encoding="utf-8") == torn + "\n"
    printed = format_summary(summary_from_stats(stats.get_stats()))
    assert "wrote 3 articles that an earlier crawl had kept in the spool" in printed
    assert "1 spool line(s) were not whole records" in printed


def test_sample_web_discovery(tmp_path: Path, archive_url: str) -> None:
    """The bundled sample web (demo/site): every article and off-topic page its
    ground truth lists is fetched, nothing robots.txt disallows is, and every stored page
    is an expected article (what the relevance stage keeps is that stage's business)."""
    from demo.server import load_expected, serve_sample_web

    expected = load_expected()
    with serve_sample_web() as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        summary = run_crawl(
            sources,
            archive_url,
            state_dir=tmp_path / "state",
            # Entities on: the sample web's filters are checked below, on both backends.
            settings_overrides={**FAST, "HOMEWARD_MAX_AGE_DAYS": 0, "HOMEWARD_ENTITIES": True},
        )
        requested = {(host, target.split("?")[0]) for host, target in web.requests}
        urls = dict(web.urls)
    for page in expected["articles"] + expected["syndicated"] + expected["off_topic"]:
        assert (page["host"], page["path"]) in requested, page["path"]
    for host, info in expected["hosts"].items():
        for host_, path in requested:
            assert host_ != host or not path.startswith(tuple(info["robots_disallow"])), path
    wanted = {urls[a["host"]] + a["path"] for a in expected["articles"]}
    stored = articles(archive_url, *(url + "/" for url in urls.values()))
    assert stored and set(stored) <= wanted
    assert summary.duplicates >= 1
    assert summary.finish_reason == "finished"
    assert_entity_filters(archive_url, expected, urls)


def assert_entity_filters(archive_url: str, expected: dict[str, Any], urls: dict[str, str]) -> None:
    """--person, --place (as written in English or Chinese) and --year find the sample
    articles the ground truth annotates with them."""

    def found(**filters: list[str]) -> set[str]:
        archive = open_archive(archive_url)
        try:
            result = archive.search(build_request("", limit=100, **filters))
        finally:
            archive.close()
        return {hit.article.url for hit in result.hits}

    def annotated(field: str, value: object) -> set[str]:
        return {urls[a["host"]] + a["path"] for a in expected["articles"] if value in a[field]}

    wang_min = annotated("names", "Wang Min")
    assert wang_min and wang_min <= found(person=["Wang Min"])
    shanxi = annotated("places", "Shanxi")
    assert any("/zh/" in url for url in shanxi) and any("/zh/" not in url for url in shanxi)
    assert shanxi <= found(place=["Shanxi"])
    assert found(place=["山西"]) & shanxi
    in_1997 = annotated("years", 1997)
    assert in_1997 and in_1997 <= found(year=["1997"])


# --- units of the spider ----------------------------------------------------------


def test_parse_sitemap_reads_index_news_dates_and_lastmod() -> None:
    kind, entries = parse_sitemap(
        b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>https://e.com/a</loc><lastmod>2020-01-01</lastmod><news:news>
        <news:publication_date>2026-05-01T10:00:00+08:00</news:publication_date></news:news></url>
        <url><loc>https://e.com/b</loc><lastmod>2025-02-03</lastmod></url>
        <url><loc>https://e.com/c</loc></url></urlset>"""
    )
    assert kind == "urlset"
    assert [loc for loc, _ in entries] == ["https://e.com/a", "https://e.com/b", "https://e.com/c"]
    assert entries[0][1] == datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    assert entries[1][1] == datetime(2025, 2, 3, tzinfo=UTC) and entries[2][1] is None
    kind, entries = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>https://e.com/s1.xml</loc></sitemap></sitemapindex>"
    )
    assert kind == "sitemapindex" and entries == [("https://e.com/s1.xml", None)]
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>")[0] is None


def test_find_canonical_link() -> None:
    page = b'<html><head><link href="/a.html?utm_source=x" rel="canonical"></head></html>'
    assert find_canonical_link(page, "https://e.com/b/c.html") == "https://e.com/a.html"
    assert find_canonical_link(b"<html><head></head></html>", "https://e.com/") is None


def test_seen_store_retries_failures_with_back_off(tmp_path: Path) -> None:
    from crawler.state import MAX_ATTEMPTS, SeenStore

    store = SeenStore(tmp_path / "seen.sqlite", retry_after=3600)
    store.mark("https://e.com/stored", "stored", article_id="x")
    store.mark("https://e.com/broken", "failed", reason="http-500")
    now = time.time()
    assert store.should_skip("https://e.com/stored", now + 10**9)  # final
    assert not store.should_skip("https://e.com/new")
    assert store.should_skip("https://e.com/broken", now + 60)  # too soon
    assert not store.should_skip("https://e.com/broken", now + 3601)
    store.mark("https://e.com/broken", "failed", reason="http-500")
    assert store.should_skip("https://e.com/broken", now + 3601)  # back-off doubled
    assert not store.should_skip("https://e.com/broken", now + 7201)
    for _ in range(MAX_ATTEMPTS):
        store.mark("https://e.com/broken", "failed", reason="http-500")
    assert store.should_skip("https://e.com/broken", now + 10**9)  # given up
    store.mark("https://e.com/stored", "failed")  # a failure never undoes a stored page
    assert store.is_stored("https://e.com/stored")
    store.close()


def test_pages_per_source_limit_and_seen_urls(tmp_path: Path) -> None:
    """Unit level: the spider asks for at most HOMEWARD_PAGES_PER_SOURCE article pages per
    source and never for a URL the seen store has dealt with."""
    from scrapy.http import XmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.sources import Source
    from crawler.spiders.news import NewsSpider

    crawler = get_crawler(
        NewsSpider,
        {
            "HOMEWARD_STATE_DIR": str(tmp_path),
            "HOMEWARD_ARCHIVE": "sqlite:///" + str(tmp_path / "a.sqlite"),
            "HOMEWARD_PAGES_PER_SOURCE": 3,
            "HOMEWARD_MAX_AGE_DAYS": 0,
        },
    )
    spider = NewsSpider.from_crawler(crawler, sources=[Source("S", feeds=("https://e.com/f",))])
    assert spider.seen is not None
    spider.seen.mark("https://e.com/news/story-1.html", "stored")
    items = "".join(
        f"<item><link>https://e.com/news/story-{n}.html?utm_source=rss</link></item>"
        for n in range(6)
    )
    feed = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    response = XmlResponse(
        "https://e.com/f",
        body=feed,
        request=spider._discovery("https://e.com/f", "feed", "S", None),
    )
    urls = [request.url for request in spider.parse_feed(response)]
    assert urls == [f"https://e.com/news/story-{n}.html" for n in (0, 2, 3)]
    assert crawler.stats.get_value("homeward/skipped/seen") == 1
    assert crawler.stats.get_value("homeward/skipped/limit") == 2
    assert crawler.settings["USER_AGENT"].startswith("Homeward/")
    assert crawler.settings["JOBDIR"].startswith(str(tmp_path))


def test_homeward_contact_is_in_the_user_agent(tmp_path: Path) -> None:
    """Site owners can reach whoever runs the crawl; without a contact the summary asks.
    (That HOMEWARD_CONTACT in the environment becomes this setting: the table test.)"""
    from scrapy.utils.test import get_crawler

    from crawler.extensions import ProgressReporter
    from crawler.spiders.news import NewsSpider

    base = {"HOMEWARD_STATE_DIR": str(tmp_path), "HOMEWARD_ARCHIVE": "sqlite:///x.sqlite"}
    contact = {**base, "HOMEWARD_CONTACT": "https://ngo.example/crawler"}
    agent = get_crawler(NewsSpider, contact).settings["USER_AGENT"]
    assert agent.startswith("Homeward/") and "+https://ngo.example/crawler" in agent
    assert "contact not configured" in get_crawler(NewsSpider, base).settings["USER_AGENT"]
    reporter = ProgressReporter(stats=get_crawler(NewsSpider, base).stats, interval=0)
    assert any("HOMEWARD_CONTACT is not set" in note for note in reporter.summary().notes)


def test_a_backfill_pages_listings_deeper(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from crawler.spiders.news import NewsSpider

    base = {"HOMEWARD_STATE_DIR": str(tmp_path), "HOMEWARD_ARCHIVE": "sqlite:///x.sqlite"}
    backfill = {**base, "HOMEWARD_SINCE": "2010-01-01", "HOMEWARD_BACKFILL_DEPTH": 7}
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider, backfill), sources=[])
    assert spider.max_depth == 7 and spider.since is not None
    assert NewsSpider.from_crawler(get_crawler(NewsSpider, base), sources=[]).max_depth == 2


def test_every_homeward_setting_is_documented_and_defined() -> None:
    import crawler.settings as settings
    from crawler.homeward_settings import HOMEWARD_SETTINGS

    defined = {name for name in vars(settings) if name.startswith("HOMEWARD_")}
    assert defined == {setting.name for setting in HOMEWARD_SETTINGS}
    assert all(len(setting.help) > 15 for setting in HOMEWARD_SETTINGS)


# --- every crawl setting from the environment and the command line; nothing dropped silently


POLICY_CHANGES = {
    "HOMEWARD_MAX_AGE_DAYS": ("0", 0.0),
    "HOMEWARD_PAGES_PER_SOURCE": ("1", 1),
    "HOMEWARD_MAX_DEPTH": ("0", 0),
    "HOMEWARD_WORKERS": ("0", 0),
    "HOMEWARD_ENTITIES": ("false", False),
    "HOMEWARD_RELEVANCE_THRESHOLD": ("1000", 1000.0),
}
SPEED_ONLY = {
    k: v for k, v in FAST.items() if k not in ("HOMEWARD_MAX_AGE_DAYS", "HOMEWARD_ENTITIES")
}


def crawled_before(archive_url: str, state_root: Path) -> None:
    """A state in which the fixture sources have had their first crawl: the age window
    applies (their URLs are not known, so every page is requested again)."""
    store = SeenStore(archive_state_dir(archive_url, state_root) / "seen.sqlite")
    store.mark_crawled(["Riverside Herald", "华南日报", "Gone", "Broken"])
    store.close()


def assert_policy_took_effect(summary: RunSummary, default_run: RunSummary) -> None:
    """What each changed setting does to a crawl of the fixture web."""
    assert summary.settings == {
        **summary.settings,
        **{name: value for name, (_, value) in POLICY_CHANGES.items()},
    }
    assert default_run.skipped["old"] >= 2 and "old" not in summary.skipped  # max age 0
    assert summary.first_crawl == []  # the sources were known: the window applied
    assert summary.skipped["limit"] >= 1  # one page per source
    assert summary.fetched_by_kind["article"] <= 4  # four sources, one article each at most
    assert summary.skipped["depth"] >= 1  # /world/?page=2 not followed
    assert summary.stored == 0 and summary.irrelevant >= 1  # nothing reaches score 1000


def test_every_crawl_setting_works_from_the_environment(
    crawls: dict[str, Any],
    mockserver: MockServer,
    archive_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, (raw, _) in POLICY_CHANGES.items():
        monkeypatch.setenv(name, raw)
    monkeypatch.setenv("HOMEWARD_KEEP_OFF_TOPIC", "no")
    sources = write_sources(tmp_path / "sources.toml", mockserver)
    crawled_before(archive_url, tmp_path / "state")
    summary = run_crawl(
        sources, archive_url, state_dir=tmp_path / "state", settings_overrides=SPEED_ONLY
    )
    assert_policy_took_effect(summary, crawls["second"])
    assert summary.settings["HOMEWARD_KEEP_OFF_TOPIC"] is False
    assert summary.off_topic_kept == 0 and crawls["first"].off_topic_kept >= 1


def test_crawl_options_override_the_environment(
    crawls: dict[str, Any],
    mockserver: MockServer,
    archive_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from cli.main import main

    monkeypatch.setenv("HOMEWARD_PAGES_PER_SOURCE", "50")  # the option wins
    sources = write_sources(tmp_path / "sources.toml", mockserver)
    crawled_before(archive_url, tmp_path / "state")
    options = [
        "--max-age-days", "0", "--pages-per-source", "1", "--max-depth", "0",
        "--workers", "0", "--no-entities", "--relevance-threshold", "1000",
    ]  # fmt: skip
    result = CliRunner().invoke(
        main,
        [
            *("crawl", "--sources", str(sources), "--archive", archive_url, "--json"),
            *("--state-dir", str(tmp_path / "state"), *options),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = RunSummary.from_dict(json.loads(result.stdout))
    assert_policy_took_effect(summary, crawls["second"])


def test_the_printed_summary_names_every_reason_a_page_was_not_taken(
    crawls: dict[str, Any],
) -> None:
    from crawler.summary import SKIP_REASONS

    for run in (crawls["first"], crawls["second"]):
        assert set(run.skipped) <= set(SKIP_REASONS), "a reason without an explanation"
        printed = format_summary(run)
        for reason, number in run.skipped.items():
            assert f"  {number} " in printed, reason
        # Every skip is also counted for its source, so each source's line adds up.
        assert sum(s.skipped for s in run.sources.values()) == sum(run.skipped.values())
    second: RunSummary = crawls["second"]
    cutoff = second.age_cutoff
    printed = format_summary(second)
    old = f"{second.skipped['old']} feed and sitemap entries published before {cutoff}"
    assert cutoff and old in printed
    assert "--since DATE backfills them" in printed and "HOMEWARD_MAX_AGE_DAYS=0" in printed


def test_a_bad_setting_in_the_environment_stops_the_crawl_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cli.main import main

    monkeypatch.setenv("HOMEWARD_PAGES_PER_SOURCE", "lots")
    archive = "sqlite:///" + str(tmp_path / "archive.sqlite")
    result = CliRunner().invoke(main, ["crawl", "--archive", archive])
    assert result.exit_code == 2
    assert "HOMEWARD_PAGES_PER_SOURCE='lots' is not a whole number" in result.output
    assert not (tmp_path / "archive.sqlite").exists()  # no run was even recorded


def test_every_table_setting_is_read_from_the_environment(tmp_path: Path) -> None:
    """Each HOMEWARD_ setting of crawler/homeward_settings.py, set in the environment to
    a value other than its default, is what Scrapy's settings then hold."""
    from crawler.homeward_settings import HOMEWARD_SETTINGS
    from pipelines.relevance import DEFAULT_LEXICON

    lexicon = tmp_path / "topic.toml"
    lexicon.write_bytes(DEFAULT_LEXICON.read_bytes())
    samples = {
        bool: ("off", False),
        int: ("7", 7),
        float: ("0.25", 0.25),
        str: ("chosen-by-env", "chosen-by-env"),
        type(None): ("0.5", 0.5),  # the relevance threshold: a number, None by default
    }
    special = {  # settings whose values have a form of their own
        "HOMEWARD_PROGRESS_FORMAT": ("json", "json"),
        "HOMEWARD_SINCE": ("2003-01-31", "2003-01-31"),
        "HOMEWARD_REVISIT_DAYS": ("2,14", "2,14"),
        "HOMEWARD_LEXICON": (str(lexicon), str(lexicon)),
        "HOMEWARD_ALLOW_PRIVATE_ADDRESSES": ("on", True),  # off by default
    }
    expected: dict[str, Any] = {}
    environment = dict(os.environ)
    for setting in HOMEWARD_SETTINGS:
        raw, value = special.get(setting.name) or samples[type(setting.default)]
        if setting.parse(raw) != value:  # text settings parse text as themselves
            raw, value = "chosen-by-env", "chosen-by-env"
        assert value != setting.default, setting.name
        environment[setting.name], expected[setting.name] = raw, value
    script = (
        "import json, crawler.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {sorted(expected)!r}}}))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, cwd=REPO
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == expected


def test_since_backfills_an_archive_sitemap_index(
    crawls: dict[str, Any], mockserver: MockServer, archive_url: str
) -> None:
    """A known source gains an archive sitemap index (one child sitemap per month): its
    old entries are skipped and reported, until `--since` takes them."""
    a = crawls["urls"]["a"]
    sources = crawls["root"] / "sources-with-archive.toml"
    text = (
        crawls["sources"]
        .read_text(encoding="utf-8")
        .replace(
            f'sitemaps = ["{a}/sitemap_index.xml"]',
            f'sitemaps = ["{a}/sitemap_index.xml", "{a}/sitemap-archive-index.xml"]',
        )
    )
    sources.write_text(text, encoding="utf-8")
    state = crawls["root"] / "state"
    story = "/news/2003/03/toddler-taken-from-market-stall.html"

    mockserver.clear()
    windowed = run_crawl(sources, archive_url, state_dir=state, settings_overrides=FAST)
    paths = mockserver.paths("a")
    assert "/sitemap-archive-index.xml" in paths and "/sitemap-2003-03.xml" not in paths
    assert windowed.skipped["old"] >= 3 and windowed.stored == 0
    assert "feed and sitemap entries published before" in format_summary(windowed)

    mockserver.clear()
    backfill = run_crawl(
        sources,
        archive_url,
        state_dir=state,
        settings_overrides={**FAST, "HOMEWARD_SINCE": "2003-01-01"},
    )
    paths = mockserver.paths("a")
    assert "/sitemap-2003-03.xml" in paths and paths.count(story) == 1
    assert "/sitemap-2001.xml" not in paths  # before the --since date
    assert backfill.stored == 1 and backfill.age_cutoff == "2003-01-01"
    assert articles(archive_url, a + story)
    assert "backfill: entries published since 2003-01-01" in format_summary(backfill)


def test_rescore_promotes_a_kept_off_topic_page_without_fetching_it(
    crawls: dict[str, Any],
    mockserver: MockServer,
    archive_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from cli.main import main
    from pipelines.relevance import DEFAULT_LEXICON

    first: RunSummary = crawls["first"]
    page = crawls["urls"]["a"] + "/news/2026/05/city-council-budget-vote.html"
    assert first.off_topic_kept >= 1 and "off-topic pages kept" in format_summary(first)
    with open_archive(archive_url) as archive:
        kept = {article.url: article for article in archive.iter_off_topic()}
    assert page in kept and kept[page].text and kept[page].relevance is not None
    lexicon = tmp_path / "topic.toml"
    lexicon.write_text(
        DEFAULT_LEXICON.read_text(encoding="utf-8")
        + '\n[[en]]\nterm = "council budget"\npattern = "budget"\nweight = 3\n',
        encoding="utf-8",
    )
    state = crawls["root"] / "state"
    command = ["rescore", "--archive", archive_url, "--state-dir", str(state), "--json"]
    runner = CliRunner()
    mockserver.clear()

    dry = json.loads(runner.invoke(main, [*command, "--lexicon", str(lexicon), "--dry-run"]).stdout)
    assert page in [p["url"] for p in dry["promoted"]]
    assert page not in articles(archive_url)  # a dry run changes nothing

    done = runner.invoke(main, [*command, "--lexicon", str(lexicon)])
    assert done.exit_code == 0, done.output
    promoted = {p["url"] for p in json.loads(done.stdout)["promoted"]}
    assert page in promoted
    stored = articles(archive_url)[page]
    assert "council budget" in stored.relevance_terms and stored.evidence is None
    assert mockserver.requests() == []  # nothing was fetched again
    with open_archive(archive_url) as archive:
        assert page not in {article.url for article in archive.iter_off_topic()}
    store = SeenStore(crawls["state"] / "seen.sqlite")
    assert store.is_stored(page)
    store.close()
    monkeypatch.setenv("HOMEWARD_LEXICON", str(lexicon))  # as --lexicon
    again = json.loads(runner.invoke(main, command).stdout)
    assert again["lexicon"] == str(lexicon.resolve())
    assert page not in [p["url"] for p in again["promoted"]]  # promoted once


# --- stored pages looked at again: changes and removals upstream ------------------------


def live_article(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        "<meta property='article:published_time' content='2026-11-20T08:00:00Z'></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "</body></html>"
    )


CASE = (
    "A seven-year-old boy was abducted outside his school in Millbrook on Monday, police said.",
    "Officers searched the fields behind the school and asked drivers for dashboard footage.",
    "His mother appealed for anyone who saw a grey van near the gates to call the police.",
    "Volunteers handed out leaflets at the station and the ferry terminal on Tuesday.",
)


def test_stored_pages_are_looked_at_again_for_changes_and_removals(
    archive_url: str, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    live.mkdir()
    pages = {
        "edited.html": live_article("Boy abducted outside school", *CASE),
        "deleted.html": live_article(
            "Girl abducted at the summer fair",
            "A nine-year-old girl was abducted from the summer fair at Hollins Park on Saturday.",
            "Her father said she had gone to buy candyfloss and never came back to the stall.",
            "Detectives believe a couple in a blue estate car drove her towards the motorway.",
            "The fair's organisers have handed their camera recordings to the investigation team.",
        ),
        "sent-home.html": live_article(
            "Toddler taken from market",
            "A two-year-old was snatched from a pushchair at Riverside market early on Friday.",
            "Traders saw a woman in a grey coat hurry towards the bus station with a child.",
            "The toddler's grandmother, who runs a fruit stall, raised the alarm within minutes.",
            "Police divers and dogs joined the search along the canal towpath in the afternoon.",
        ),
    }
    for name, html in pages.items():
        (live / name).write_text(html, encoding="utf-8")
    server = MockServer(tmp_path / "requests.jsonl", live=live)
    try:
        base = server.urls["a"]
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "Live Desk"\nfeeds = ["{base}/live/feed.xml"]\n',
            encoding="utf-8",
        )
        # Every stored page is due again at once, so three crawls show a whole life.
        settings = {**FAST, "HOMEWARD_REVISIT_DAYS": "0"}

        def crawl() -> RunSummary:
            return run_crawl(
                sources, archive_url, state_dir=tmp_path / "state", settings_overrides=settings
            )

        first = crawl()
        assert first.stored == 3 and first.revisits == {}
        before = articles(archive_url, base)
        edited_url = f"{base}/live/edited.html"

        edited = [*CASE[:2], "Police arrested a man on Wednesday; the boy was found safe.", CASE[3]]
        (live / "edited.html").write_text(live_article("Boy found safe", *edited), encoding="utf-8")
        (live / "deleted.html").unlink()
        (live / "sent-home.html.home").touch()
        second = crawl()
        assert second.revisits == {"changed": 1, "removed": 2}
        assert "1 changed (the earlier text is kept as a version), 2 removed" in format_summary(
            second
        )
        after = articles(archive_url, base)
        changed = after[edited_url]
        (version,) = changed.versions
        assert (
            version.title == "Boy abducted outside school"
            and version.text == before[edited_url].text
        )
        assert changed.title == "Boy found safe" and "arrested a man" in changed.text
        assert changed.changed_at and changed.upstream_status == "changed"
        # Each text keeps its own capture, and both read back intact (SHA-256 checked).
        assert version.evidence == before[edited_url].evidence
        assert changed.evidence and changed.evidence.sha256 != version.evidence.sha256
        state = archive_state_dir(archive_url, tmp_path / "state")
        for evidence in (version.evidence, changed.evidence):
            _, body = read_capture(evidence, search_dirs=[state / "evidence"])
            assert body
        for name in ("deleted.html", "sent-home.html"):
            gone = after[f"{base}/live/{name}"]
            assert gone.removed_at and gone.upstream_status == "removed"
            assert gone.evidence == before[f"{base}/live/{name}"].evidence  # kept
            assert gone.text == before[f"{base}/live/{name}"].text
        with open_archive(archive_url) as archive:
            removed = archive.search(build_request("status:removed", limit=50))
            assert {h.article.url for h in removed.hits} >= {
                f"{base}/live/deleted.html",
                f"{base}/live/sent-home.html",
            }
            found = archive.search(build_request("status:changed", limit=50))
            assert edited_url in {h.article.url for h in found.hits}

        server.clear()
        third = crawl()  # the edited page again: 304 by its ETag; the removed ones no more
        assert third.revisits == {"unchanged": 1}
        looked = [
            r
            for r in server.requests()
            if r["path"].startswith("/live/") and r["path"] != "/live/feed.xml"
        ]
        assert [(r["path"], r["status"]) for r in looked] == [("/live/edited.html", 304)]
    finally:
        server.stop()


def test_revisits_per_run_caps_the_looks(tmp_path: Path) -> None:
    """The most overdue first, at most HOMEWARD_REVISITS_PER_RUN, only this crawl's sources."""
    from scrapy.utils.test import get_crawler

    from crawler.sources import Source
    from crawler.spiders.news import NewsSpider
    from crawler.state import Revisit

    settings = {
        "HOMEWARD_STATE_DIR": str(tmp_path),
        "HOMEWARD_ARCHIVE": "sqlite:///x.sqlite",
        "HOMEWARD_REVISITS_PER_RUN": 2,
    }
    spider = NewsSpider.from_crawler(
        get_crawler(NewsSpider, settings), sources=[Source("S", feeds=("https://e.com/f",))]
    )
    assert spider.seen is not None
    for number, due in enumerate([30.0, 10.0, 20.0, 5.0]):
        source = "Other" if number == 3 else "S"
        page = Revisit(f"https://e.com/{number}.html", f"id{number}", source, "sha", None, None, 0)
        spider.seen.schedule_revisit(page, due)
    assert [r.url for r in spider._due_revisits()] == [
        "https://e.com/1.html",
        "https://e.com/2.html",
    ]
    spider.revisits_per_run = 0
    assert spider._due_revisits() == []

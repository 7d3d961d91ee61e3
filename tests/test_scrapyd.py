"""Scale-out: two real Scrapyd processes on loopback crawl the sample web into a real
Elasticsearch node; the coordinator deploys the egg, splits the sources, and gathers
the nodes' summaries into one run record.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from crawler.scrapyd import (
    ScrapydError,
    crawl_on_scrapyd,
    parse_node_urls,
    sources_toml,
    split_sources,
)
from crawler.sources import Source, parse_sources

NODE_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 0,
    "HOMEWARD_MAX_AGE_DAYS": 0,
    "HOMEWARD_ENTITIES": False,  # the entity stage has its own tests
    "HOMEWARD_WORKERS": 0,  # two nodes on two shared cores: no worker pools
    "HOMEWARD_PROGRESS_INTERVAL": 0,
}


# --- units ----------------------------------------------------------------------------------


def source(name: str, urls: int) -> Source:
    return Source(name=name, feeds=tuple(f"https://{name}.example/{i}" for i in range(urls)))


def test_sources_are_split_evenly_and_always_the_same_way() -> None:
    sources = [source("a", 3), source("b", 1), source("c", 1), source("d", 1), source("e", 2)]
    shares = split_sources(sources, 2)
    assert sorted(sum(len(s.start_urls()) for s in share) for share in shares) == [4, 4]
    assert sorted(s.name for share in shares for s in share) == ["a", "b", "c", "d", "e"]
    assert split_sources(list(reversed(sources)), 2) == shares
    assert [len(share) for share in split_sources(sources[:1], 3)] == [1, 0, 0]


def test_a_share_of_sources_travels_as_toml() -> None:
    sources = [
        Source(name='华南日报 "South"', feeds=("https://b.example/rss.xml",)),
        Source(name="Herald", sitemaps=("https://h.example/s.xml",), pages=("https://h.example/",)),
    ]
    assert parse_sources(sources_toml(sources)) == sources


def test_node_urls_are_checked() -> None:
    assert parse_node_urls("http://a:6800/, http://b:6800,http://a:6800") == [
        "http://a:6800",
        "http://b:6800",
    ]
    with pytest.raises(ScrapydError, match="'a:6800' is not a URL"):
        parse_node_urls("http://b:6800,a:6800")


def test_unusable_archives_and_nodes_are_named(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(sources_toml([source("a", 1)]))
    with pytest.raises(ScrapydError, match="need an Elasticsearch archive"):
        crawl_on_scrapyd(sources, f"sqlite:///{tmp_path / 'a.sqlite'}", ["http://127.0.0.1:1"])
    with pytest.raises(ScrapydError, match=r"node http://127.0.0.1:1: cannot read its status"):
        crawl_on_scrapyd(sources, "http://127.0.0.1:9200", ["http://127.0.0.1:1"])


# --- two real nodes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ScrapydNode:
    """`python -m scrapyd` in a folder of its own (scrapyd reads ./scrapyd.conf)."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        folder.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            "bind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            f"eggs_dir = {folder / 'eggs'}\n"
            f"logs_dir = {folder / 'logs'}\n"
            f"dbs_dir = {folder / 'dbs'}\n"
            "items_dir =\n"
            "max_proc = 1\n"
            "poll_interval = 0.5\n"
        )
        self.log = (folder / "scrapyd.out").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=folder,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "scrapyd exited; see scrapyd.out"
            try:
                if requests.get(f"{self.url}/daemonstatus.json", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"scrapyd at {self.url} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def alias(es_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh index alias for the nodes and this process, dropped afterwards."""
    from search.backends.elastic import ElasticArchive

    name = f"homeward-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("HOMEWARD_ES_INDEX", name)
    yield name
    archive = ElasticArchive(es_url, alias=name)
    archive.drop()
    archive.close()


@pytest.fixture
def nodes(tmp_path: Path, alias: str) -> Iterator[list[ScrapydNode]]:
    started = []
    for number in (1, 2):
        env = {
            **os.environ,
            "HOMEWARD_ES_INDEX": alias,
            "HOMEWARD_STATE_DIR": str(tmp_path / f"node{number}" / "state"),
        }
        env.pop("PYTHONPATH", None)  # the node runs the deployed egg, not this checkout
        started.append(ScrapydNode(tmp_path / f"node{number}", env))
    try:
        for node in started:
            node.wait_ready()
        yield started
    finally:
        for node in started:
            node.stop()


@pytest.mark.elasticsearch
def test_two_scrapyd_nodes_crawl_into_one_archive(
    tmp_path: Path, es_url: str, alias: str, nodes: list[ScrapydNode]
) -> None:
    from demo.server import load_expected, serve_sample_web
    from search.backends.elastic import ElasticArchive

    expected = load_expected()
    lines: list[str] = []
    with serve_sample_web() as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        started = time.monotonic()
        summary = crawl_on_scrapyd(
            sources,
            es_url,
            [node.url for node in nodes],
            settings_overrides=NODE_SETTINGS,
            poll_interval=0.5,
            report=lines.append,
        )
        elapsed = time.monotonic() - started
        urls = dict(web.urls)
        hosts_requested = Counter(host for host, _path in web.requests)
    assert summary.state == "ok", lines
    assert set(hosts_requested) == {"news", "mirror"}

    archive = ElasticArchive(es_url, alias=alias)
    try:
        archive.refresh()
        stored = list(archive.iter_articles())
        record = archive.get_run(summary.run_id)
    finally:
        archive.close()

    # Each article once: no URL twice, no syndicated copy kept as an article of its own.
    by_url = Counter(article.url for article in stored)
    assert stored and max(by_url.values()) == 1
    wanted = {urls[a["host"]] + a["path"] for a in expected["articles"]}
    assert set(by_url) <= wanted
    copies = {urls[c["host"]] + c["path"]: urls[c["original"]["host"]] + c["original"]["path"]
              for c in expected["syndicated"]}  # fmt: skip
    merged = {url: article.url for article in stored for url in article.duplicates}
    for copy, original in copies.items():
        assert copy not in by_url, f"syndicated copy {copy} stored as an article"
        if original in by_url:
            assert merged.get(copy) == original

    # One run record, with both nodes' parts, each node crawling its own share: the
    # coordinator's HOMEWARD_RUN_ID and HOMEWARD_RUN_PART made each node add its part.
    assert record is not None and record.origin == "scrapyd" and record.state == "ok"
    assert sorted(record.nodes) == sorted(node.url for node in nodes)
    shares = [part["sources"] for part in record.nodes.values()]
    assert sorted(name for share in shares for name in share) == sorted(
        info["name"] for info in expected["hosts"].values()
    )
    assert all(len(share) == 1 for share in shares)
    parts = [part["summary"] for part in record.nodes.values()]
    assert all(part["state"] == "ok" and part["job"] for part in record.nodes.values())
    assert record.summary["fetched"] == sum(p["fetched"] for p in parts) == summary.fetched > 0
    merged_copies = sum(p["stored"] for p in parts) - record.summary["stored"]
    assert merged_copies >= 1, "the nodes' copies of one story were not merged"
    assert record.summary["stored"] == len(stored) == summary.stored
    assert record.summary["duplicates"] == sum(p["duplicates"] for p in parts) + merged_copies
    assert set(record.summary["sources"]) == {"The Harbour Herald", "Daily Syndicate"}
    assert any("deployed" in line for line in lines) and elapsed < 180

    from click.testing import CliRunner

    from cli.main import main

    listed = CliRunner().invoke(main, ["runs", "--json", "--archive", es_url])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["id"] == summary.run_id


def test_copies_stored_by_different_nodes_are_merged(archive) -> None:
    """The pass after a distributed run: same rules as the dedupe stage (an earlier-published
    copy takes the record over), on both backends."""
    from datetime import UTC, datetime, timedelta

    from crawler.merge import merge_node_duplicates
    from homeward.article import Article, article_id

    story = " ".join(
        f"Police in Lagos freed {n} children from a house in Ikorodu on day {n}; the "
        f"mothers were reunited with them at the shelter, officer {n} said."
        for n in range(12)
    )
    now = datetime.now(UTC)

    def article(url: str, published: str, fetched: datetime, text: str) -> Article:
        return Article.from_dict(
            {
                "id": article_id(url),
                "url": url,
                "title": "Children freed in Lagos",
                "text": text,
                "language": "en",
                "published": published,
                "source": url.split("/")[2],
                "fetched_at": fetched.replace(microsecond=0).isoformat(),
            }
        )

    older = article("https://herald.example/a", "2025-02-18T10:00:00+00:00",
                    now - timedelta(days=2), story)  # fmt: skip
    out_first = article("https://wire.example/a", "2025-02-18T08:00:00+00:00", now,
                        story + " Reporting by the wire.")  # fmt: skip
    reprint = article("https://mirror.example/a", "2025-02-19T08:00:00+00:00", now,
                      story + " Reprinted with permission.")  # fmt: skip
    other = article("https://mirror.example/b", "2025-02-19T08:00:00+00:00", now,
                    "A different report about a missing girl in Enugu. " * 20)  # fmt: skip
    archive.upsert([older, out_first, reprint, other])
    archive.refresh()
    since = (now - timedelta(seconds=5)).isoformat()

    merges = merge_node_duplicates(archive, since)

    assert {(m.kept, m.copy_url, m.copy_new) for m in merges} == {
        (out_first.id, older.url, False),  # published earlier: takes the record over
        (out_first.id, reprint.url, True),
    }
    assert archive.get(older.id) is None and archive.get(reprint.id) is None
    assert sorted(archive.get(out_first.id).duplicates) == sorted([older.url, reprint.url])
    assert archive.get(other.id) is not None and archive.count() == 2
    assert merge_node_duplicates(archive, since) == []  # a second pass changes nothing

"""Crawl state belongs to the archive it was kept for, not to the archive's address.

A new user deleted an SQLite archive and crawled again into the same path, and got
"stored 0 articles"; a second index on one Elasticsearch node got every article
"merged" into articles that existed only in the first. These crawls run for real
against the fixture web (tests/mockserver.py) on both backends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_crawl import FAST, MockServer, articles, write_sources

from crawler.run import run_crawl
from crawler.state import IDENTITY_FILE, SeenStore, bind_to_archive
from homeward.paths import archive_state_dir
from search.backends.elastic import ElasticArchive
from search.open import open_archive


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    mock = MockServer(tmp_path_factory.mktemp("mockserver") / "requests.jsonl")
    yield mock
    mock.stop()


def crawl(sources: Path, archive_url: str, state: Path):
    return run_crawl(sources, archive_url, state_dir=state, settings_overrides=FAST)


def mine(server: MockServer) -> tuple[str, ...]:
    return tuple(url + "/" for url in server.urls.values())


def test_a_deleted_and_recreated_archive_gets_every_article_back(
    server: MockServer, tmp_path: Path
) -> None:
    path = tmp_path / "archive.sqlite"
    url, state = f"sqlite:///{path}", tmp_path / "state"
    sources = write_sources(tmp_path / "sources.toml", server)
    first = crawl(sources, url, state)
    before = set(articles(url, *mine(server)))
    assert first.stored == len(before) > 5
    for leftover in path.parent.glob("archive.sqlite*"):
        leftover.unlink()
    again = crawl(sources, url, state)
    assert set(articles(url, *mine(server))) == before
    assert again.stored == first.stored
    assert any("was moved to" in note for note in again.notes), again.notes
    # The earlier archive's memory is kept aside, not deleted.
    assert list((archive_state_dir(url, state) / "previous").glob("*/seen.sqlite"))


def test_two_indexes_on_one_node_each_get_every_article(
    server: MockServer, tmp_path: Path, es_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = write_sources(tmp_path / "sources.toml", server)
    state = tmp_path / "state"  # one state root, one node URL: only the index differs
    stored: list[set[str]] = []
    aliases = [f"homeward-test-identity-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        for alias in aliases:
            monkeypatch.setenv("HOMEWARD_ES_INDEX", alias)
            summary = crawl(sources, es_url, state)
            assert summary.duplicates < summary.stored, summary.to_dict()
            stored.append(set(articles(es_url, *mine(server))))
    finally:
        for alias in aliases:
            ElasticArchive(es_url, alias=alias).drop()
    assert stored[0] and stored[0] == stored[1]


def test_an_article_missing_from_the_archive_is_fetched_again(
    server: MockServer, tmp_path: Path
) -> None:
    url, state = f"sqlite:///{tmp_path / 'archive.sqlite'}", tmp_path / "state"
    sources = write_sources(tmp_path / "sources.toml", server)
    crawl(sources, url, state)
    before = articles(url, *mine(server))
    lost = next(url for url in sorted(before) if "/2026/" in url)  # inside the age window
    with open_archive(url) as archive:  # as a restored older backup would lack it
        assert archive.delete(before[lost].id)
    again = crawl(sources, url, state)
    assert lost in articles(url, *mine(server))
    assert again.stored == 1
    assert any("1 pages remembered as stored were not in the archive" in n for n in again.notes)


def test_state_made_before_identities_is_adopted_then_bound(tmp_path: Path) -> None:
    state = tmp_path / "state"
    store = SeenStore(state / "seen.sqlite")
    store.mark("https://news.example/a", "stored", article_id="a")
    store.close()
    assert bind_to_archive(state, "one") is None  # adopted: nothing set aside
    assert (state / IDENTITY_FILE).read_text().strip() == "one"
    assert bind_to_archive(state, "one") is None
    aside = bind_to_archive(state, "two")
    assert aside == state / "previous" / "one"
    assert (aside / "seen.sqlite").exists() and not (state / "seen.sqlite").exists()
    assert SeenStore(state / "seen.sqlite").count() == 0

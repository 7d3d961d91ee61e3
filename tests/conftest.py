"""Shared fixtures: archives of both kinds, and a real Elasticsearch node.

The Elasticsearch node is the one `scripts/elasticsearch.sh start` runs (the test
command starts it). When it cannot be reached the Elasticsearch tests are skipped
on a developer's machine, with the reason shown, and FAIL when CI=true: CI must
never pass without having tested the backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.data_sets import DATA_SETS, MissingDataSet, shared_data
from bench.score_extraction import load_real_set

ES_URL_ENV = "HOMEWARD_TEST_ES_URL"
DEFAULT_ES_URL = "http://127.0.0.1:9200"
BACKENDS = ("sqlite", "elasticsearch")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


MISSING_SETS: dict[str, str] = {}  # shared evaluation set -> why its tests were skipped


def eval_data(name: str) -> Path:
    """The folder of evaluation set `name` (bench/data_sets.py), kept outside the repository.

    A set that scripts/setup.sh installs must be there in CI: when CI=true and it is
    missing the test FAILS, since CI must never pass without having held its floors.
    A set made from repository snapshots is there only where the steering repository
    has placed it, so its tests are skipped without it, everywhere, and the end of
    the test run names the set (`pytest_terminal_summary`) rather than passing quietly.
    """
    try:
        return shared_data(name)
    except MissingDataSet as error:
        message = str(error)
    if DATA_SETS[name].installed:
        if in_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
    else:
        MISSING_SETS[name] = message
    pytest.skip(message)


def installed_chinese_news() -> list[str]:
    """The texts of the real Chinese news pages scripts/setup.sh installs (newspaper4k's)."""
    pages = load_real_set(eval_data("extraction-pypi"))
    return [page.text for page in pages if page.key.startswith("newspaper4k-chinese")]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MISSING_SETS:
        terminalreporter.section("evaluation sets not found: their floors were not held")
        for message in MISSING_SETS.values():
            terminalreporter.write_line(message)


@pytest.fixture(scope="session")
def es_url() -> str:
    return es_node()


def es_node() -> str:
    """URL of a running Elasticsearch node; fails in CI, skips elsewhere, when there is none."""
    from elasticsearch import Elasticsearch

    url = os.environ.get(ES_URL_ENV, DEFAULT_ES_URL)
    client = Elasticsearch(url, request_timeout=10)
    try:
        client.cluster.health()
    except Exception as error:  # any failure to talk to it means "no node"
        message = (
            f"no Elasticsearch at {url} ({type(error).__name__}); "
            "start one with `scripts/elasticsearch.sh start` or run `scripts/test.sh`"
        )
        if in_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)
    finally:
        client.close()
    return url


def make_archive(kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh, empty archive of `kind`; Elasticsearch ones get their own alias."""
    if kind == "sqlite":
        from search.backends.sqlite import SqliteArchive

        return SqliteArchive(tmp_path / f"archive-{uuid.uuid4().hex[:8]}.sqlite")
    from search.backends.elastic import ElasticArchive

    url = request.getfixturevalue("es_url")
    return ElasticArchive(url, alias=f"homeward-test-{uuid.uuid4().hex[:12]}")


def dispose(archive) -> None:
    drop = getattr(archive, "drop", None)
    if drop is not None:
        drop()
    archive.close()


def stored_archive(archive, articles: list) -> object:
    """`archive` holding `articles`, every one taken and visible to search."""
    report = archive.upsert(articles)
    assert report.failed == []
    archive.refresh()
    return archive


@pytest.fixture(params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """An empty archive, once per backend: the contract suite runs against both."""
    instance = make_archive(request.param, tmp_path, request)
    yield instance
    dispose(instance)


@pytest.fixture
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An archive URL of the kind a test is parametrised with (default: sqlite).

    Crawl and CLI tests that take `archive_url` can be parametrised with
    `@pytest.mark.parametrize("archive_url", BACKENDS, indirect=True)`.
    """
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.sqlite'}"
        return
    url = request.getfixturevalue("es_url")
    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    previous = os.environ.get("HOMEWARD_ES_INDEX")
    os.environ["HOMEWARD_ES_INDEX"] = alias
    try:
        yield url
    finally:
        from search.backends.elastic import ElasticArchive

        dispose(ElasticArchive(url, alias=alias))
        if previous is None:
            os.environ.pop("HOMEWARD_ES_INDEX", None)
        else:
            os.environ["HOMEWARD_ES_INDEX"] = previous

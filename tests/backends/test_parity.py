"""Both backends, loaded with the same sample through the CLI, give the same answers."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from search.backends.elastic import ElasticArchive

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_articles.jsonl"
QUERIES = [
    "",
    "trafficking",
    "trafficked OR 拐卖",
    "拐卖",
    "寻亲",
    "京",
    '"baby come home"',
    "children -Shanxi",
    "place:Shanxi",
    "place:山西",
    'person:"Wang Min"',
    "year:1997",
    "language:zh 被拐",
    "(abducted OR 被拐) -year:1997",
    "source:海港日报",
]


@pytest.fixture(scope="module")
def both(es_url, tmp_path_factory):
    alias = f"homeward-test-parity-{uuid.uuid4().hex[:8]}"
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('parity') / 'a.sqlite'}"
    os.environ["HOMEWARD_ES_INDEX"] = alias
    try:
        for url in (sqlite_url, es_url):
            result = CliRunner().invoke(main, ["import", str(SAMPLE), "--archive", url])
            assert result.exit_code == 0, result.output
        yield sqlite_url, es_url
    finally:
        os.environ.pop("HOMEWARD_ES_INDEX", None)
        ElasticArchive(es_url, alias=alias).drop()


def search(url: str, query: str) -> dict:
    result = CliRunner().invoke(
        main, ["search", query, "--json", "--limit", "100", "--archive", url]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("query", QUERIES)
def test_same_hits_and_facets_on_both_backends(both, query):
    sqlite_url, es_url = both
    on_sqlite, on_es = search(sqlite_url, query), search(es_url, query)
    assert on_sqlite["total"] == on_es["total"]
    assert {h["id"] for h in on_sqlite["hits"]} == {h["id"] for h in on_es["hits"]}
    assert on_sqlite["facets"] == on_es["facets"]
    assert on_sqlite["total"] > 0 or query == "children -Shanxi"

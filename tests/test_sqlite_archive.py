"""What only the embedded archive has: its file, its schema, its two ways of counting facets."""

from __future__ import annotations

import random
import sqlite3

from homeward.article import Article, Place
from search.backends.sqlite import SqliteArchive
from search.backends.sqlite.archive import SCHEMA_VERSION
from search.query import build_request


def random_corpus(count: int, seed: int = 3) -> list[Article]:
    rng = random.Random(seed)
    names = [f"Name {n}" for n in range(40)]
    places = [Place(f"Place {n}", country="CN") for n in range(30)]
    return [
        Article.from_dict(
            {
                "url": f"https://r.test/{n}",
                "title": f"Story {n}",
                "text": " ".join(
                    rng.choices(["trafficking", "rain", "拐卖", "police", "sun"], k=30)
                ),
                "language": rng.choice(["en", "zh", "fr"]),
                "source": rng.choice("ABCDE"),
                "names": rng.sample(names, rng.randint(0, 4)),
                "places": rng.sample(places, rng.randint(0, 3)),
                "years": rng.sample(range(1990, 2026), rng.randint(0, 3)),
            }
        )
        for n in range(count)
    ]


def test_sql_and_in_memory_facets_agree(tmp_path):
    archive = SqliteArchive(tmp_path / "a.sqlite")
    archive.upsert(random_corpus(600))
    for query in ("", "trafficking", "拐卖 -police", "language:fr", "year:2000 OR rain"):
        archive.facet_sql_limit = 10**9
        in_sql = archive.search(build_request(query)).facets
        archive.facet_sql_limit = 0
        in_memory = archive.search(build_request(query)).facets
        assert in_sql == in_memory, query
        assert any(in_sql.values())


def test_in_memory_facets_follow_writes(tmp_path):
    archive = SqliteArchive(tmp_path / "a.sqlite")
    archive.facet_sql_limit = 0
    corpus = random_corpus(50)
    archive.upsert(corpus)
    before = dict(archive.search(build_request("")).facets["language"])
    archive.delete(corpus[0].id)
    after = dict(archive.search(build_request("")).facets["language"])
    assert sum(after.values()) == sum(before.values()) - 1
    # A write through another connection (another process) is seen too.
    other = SqliteArchive(tmp_path / "a.sqlite")
    other.upsert(
        [
            Article.from_dict(
                {"url": "https://r.test/new", "title": "t", "text": "x", "language": "de"}
            )
        ]
    )
    assert dict(archive.search(build_request("")).facets["language"])["de"] == 1


def test_file_uses_wal_and_a_schema_version(tmp_path):
    path = tmp_path / "a.sqlite"
    SqliteArchive(path).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "a.sqlite"
    SqliteArchive(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    try:
        SqliteArchive(path)
    except Exception as error:
        assert "newer than this Homeward" in str(error)
    else:
        raise AssertionError("a newer schema must be refused")


def test_reopening_keeps_articles(tmp_path):
    path = tmp_path / "a.sqlite"
    first = SqliteArchive(path)
    first.upsert(random_corpus(10))
    first.close()
    assert SqliteArchive(path).count() == 10

"""What only the embedded archive has: its file, its schema, its two ways of counting facets."""

from __future__ import annotations

import random
import sqlite3

import numpy as np

from homeward.article import Article, Place
from search.backends.sqlite import SqliteArchive
from search.backends.sqlite.archive import PAGE_CACHE_KIB, SCHEMA_VERSION
from search.backends.sqlite.facet_cache import FacetCache, integers
from search.query import build_request


def random_corpus(count: int, seed: int = 3, host: str = "r.test") -> list[Article]:
    rng = random.Random(seed)
    names = [f"Name {n}" for n in range(40)]
    places = [Place(f"Place {n}", country="CN") for n in range(30)]
    return [
        Article.from_dict(
            {
                "url": f"https://{host}/{n}",
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


def side_rows(path, article_id):
    """Every side row of one article, table by table, and the full-text matches of a
    word only its first version had."""
    with sqlite3.connect(path) as connection:
        (rowid,) = connection.execute(
            "SELECT rowid FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        columns = {
            "article_names": "name, key",
            "article_name_keys": "key",
            "article_places": "name",
            "article_place_keys": "key",
            "article_years": "year",
        }
        rows = {
            table: sorted(
                connection.execute(f"SELECT {c} FROM {table} WHERE article = ?", (rowid,))
            )
            for table, c in columns.items()
        }
        rows["fts"] = connection.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'drizzle'"
        ).fetchall()
    return rows


def test_an_article_written_again_keeps_only_its_new_rows(tmp_path):
    """A new article skips clearing side rows; one stored before (in an earlier write, or
    earlier in the same batch) must still lose its old names, places, years and text."""
    first, second = random_corpus(2, seed=5)
    changes = {"names": ["Old Name"], "years": [1999], "places": [{"name": "Old Place"}]}
    old = Article.from_dict({**first.to_dict(), "text": "drizzle", **changes})
    changes = {"names": ["New Name"], "years": [2001], "places": [{"name": "New Place"}]}
    new = Article.from_dict({**first.to_dict(), "text": "sun", **changes})
    fresh = tmp_path / "fresh.sqlite"
    SqliteArchive(fresh).upsert([new, second])
    expected = side_rows(fresh, new.id)
    assert expected["article_years"] == [(2001,)] and expected["fts"] == []
    for name, writes in (("two", [[old], [new, second]]), ("one", [[old, second, new]])):
        path = tmp_path / f"{name}.sqlite"
        archive = SqliteArchive(path)
        for batch in writes:
            archive.upsert(batch)
        assert archive.count() == 2
        assert side_rows(path, new.id) == expected, name
        assert archive.search(build_request('person:"Old Name"')).total == 0
        assert archive.search(build_request("drizzle")).total == 0
        archive.close()


class _WriteAfterFirstRead:
    """A connection through which the facet cache loads, letting another process's
    write commit after the first read is done (a crawl writing while a search runs)."""

    def __init__(self, connection, write):
        self._connection = connection
        self._write = write
        self._reads = 0

    @property
    def in_transaction(self):
        return self._connection.in_transaction

    def execute(self, sql, *arguments):
        if sql.lstrip().upper().startswith("SELECT"):
            self._reads += 1
            if self._reads == 2:
                self._write()
        return self._connection.execute(sql, *arguments)


def test_facet_cache_reads_one_state_while_another_process_writes(tmp_path):
    path = tmp_path / "a.sqlite"
    archive = SqliteArchive(path)
    archive.upsert(random_corpus(40))
    writer = SqliteArchive(path)
    cache = FacetCache()
    connection = sqlite3.connect(path, isolation_level=None)
    cache.load(
        _WriteAfterFirstRead(connection, lambda: writer.upsert(random_corpus(30, host="w.test"))),
        (0, 0),
    )
    every_rowid = np.arange(1, 100)
    counts = cache.counts(every_rowid, 50)  # raised IndexError when two states were mixed
    assert sum(count for _, count in counts["language"]) in (40, 70)


def test_count_of_everything_follows_writes(tmp_path):
    """The whole archive's count is kept between searches: any write, this archive's
    own or another process's, must still show in the next one."""
    path = tmp_path / "a.sqlite"
    archive = SqliteArchive(path)
    corpus = random_corpus(20)
    archive.upsert(corpus)
    assert archive.search(build_request("")).total == 20
    archive.delete(corpus[0].id)
    assert archive.search(build_request("")).total == 19
    SqliteArchive(path).upsert(random_corpus(5, host="w.test"))
    assert archive.search(build_request("")).total == 24


def test_group_concat_integers_are_read_back_exactly():
    assert integers(None).tolist() == [] and integers("").tolist() == []
    assert integers("3,17,42,9007199254740993").tolist() == [3, 17, 42, 9007199254740993]


def test_searches_get_a_large_page_cache_and_exports_the_default(tmp_path):
    """A search of a large archive reads its pages from SQLite's own cache; an export,
    which reads every record once, keeps the default so its memory does not grow."""
    path = tmp_path / "a.sqlite"
    SqliteArchive(path).close()
    for archive in (SqliteArchive(path), SqliteArchive(path, read_only=True)):
        assert archive._connection.execute("PRAGMA cache_size").fetchone()[0] == -PAGE_CACHE_KIB
        reader = archive._read_connection()
        assert reader.execute("PRAGMA cache_size").fetchone()[0] != -PAGE_CACHE_KIB
        reader.close()
        archive.close()


def ranked_corpus(count: int) -> list[Article]:
    """Articles stored in this order, each saying "trafficking" a different number of
    times (so bm25 tells them apart), half of them in English."""
    rng = random.Random(11)
    return [
        Article.from_dict(
            {
                "url": f"https://w.test/{n}",
                "title": f"Story {n}",
                "text": " ".join(["trafficking"] * rng.randint(1, 9) + ["rain"] * 20),
                "language": "en" if n % 2 else "fr",
                "published": f"2020-01-{1 + n % 28:02d}",
            }
        )
        for n in range(count)
    ]


def test_relevance_ranks_the_most_recently_stored_hits_window_by_window(tmp_path):
    """README, "Relevance in a large SQLite archive": past `rank_window` hits, bm25 ranks each
    window of that many hits, the most recently stored window first; the total and the
    facets still count every hit, and paging still shows every hit once."""
    archive = SqliteArchive(tmp_path / "a.sqlite")
    corpus = ranked_corpus(23)
    archive.upsert(corpus)
    order = {article.id: n for n, article in enumerate(corpus)}  # storage order
    for query in ("trafficking", "trafficking language:en"):
        archive.rank_window = 10**6
        whole = archive.search(build_request(query, limit=100))
        archive.rank_window = 5
        windowed = archive.search(build_request(query, limit=100))
        assert windowed.total == whole.total == len(windowed.hits) and whole.total > 10
        assert windowed.facets == whole.facets
        scores = {hit.article.id: hit.score for hit in whole.hits}
        assert [hit.score for hit in windowed.hits] == [scores[h.article.id] for h in windowed.hits]
        newest_first = sorted(scores, key=lambda i: -order[i])
        for start in range(0, whole.total, 5):
            window = windowed.hits[start : start + 5]
            assert {h.article.id for h in window} == set(newest_first[start : start + 5])
            best_first = sorted(window, key=lambda h: (-h.score, order[h.article.id]))
            assert window == best_first, (query, start)
        pages = [
            hit.article.id
            for offset in range(0, whole.total, 3)
            for hit in archive.search(build_request(query, limit=3, offset=offset)).hits
        ]
        assert pages == [hit.article.id for hit in windowed.hits]
        # One window holding every hit is bm25 over them all, as before.
        assert [h.score for h in whole.hits] == sorted((h.score for h in whole.hits), reverse=True)


def test_hit_sets_match_what_an_export_of_the_same_query_reads(tmp_path):
    """Searches evaluate filters as sets of rowids, exports as SQL (render_where): both
    must find the same articles, exclusions of unknown values (SQL's NULL) included."""
    archive = SqliteArchive(tmp_path / "a.sqlite")
    corpus = random_corpus(300)
    unknown = [
        Article.from_dict({**article.to_dict(), "language": None, "source": None})
        for article in random_corpus(40, seed=8, host="u.test")
    ]
    archive.upsert(corpus + unknown)
    queries = (
        "-language:en",
        "-source:A trafficking",
        "police -language:zh -year:2000",
        "(rain OR language:fr) -police",
        "-(language:en OR source:B)",
        "-(language:en rain)",
        'year:2001 OR person:"Name 3" OR place:"Place 4"',
        "拐卖 -(sun OR year:1999)",
    )
    for query in queries:
        request = build_request(query, limit=1000)
        found = {hit.article.id for hit in archive.search(request).hits}
        assert found == {article.id for article in archive.iter_articles(request)}, query
    total = archive.search(build_request("-language:en")).total
    assert total == sum(1 for a in corpus if a.language != "en")  # not the 40 unknown


def test_date_order_from_the_in_memory_dates_matches_sql(tmp_path):
    """A large hit set's date-ordered page is chosen with FacetCache's dates; ties in
    date (broken by id) and undated articles must come out as SQL orders them."""
    archive = SqliteArchive(tmp_path / "a.sqlite")
    rng = random.Random(4)
    corpus = [
        Article.from_dict(
            {
                **article.to_dict(),
                "published": rng.choice([None, "2021-03-04", "2021-03-05T10:00:00Z"]),
            }
        )
        for article in random_corpus(120)
    ]
    archive.upsert(corpus)
    for query in ("", "rain", "-language:en"):
        for offset in (0, 7, 50, 95):
            request = build_request(query, sort="date", limit=9, offset=offset)
            archive.facet_sql_limit = 10**9  # every hit sorted in SQL
            in_sql = [hit.article.id for hit in archive.search(request).hits]
            archive.facet_sql_limit = 0  # candidates chosen in memory
            in_memory = [hit.article.id for hit in archive.search(request).hits]
            assert in_sql == in_memory, (query, offset)


def test_an_article_without_any_facet_value_is_searched_and_dated(tmp_path):
    """The in-memory dates once had room only up to the largest rowid with a facet value:
    an archive whose last article has no language, source, date, name, place or year
    raised IndexError on its first search."""
    archive = SqliteArchive(tmp_path / "a.sqlite")
    dated = Article.from_dict(
        {"url": "https://w.test/1", "title": "Rain", "text": "rain", "published": "2020-01-02"}
    )
    bare = Article.from_dict({"url": "https://w.test/2", "title": "Rain", "text": "rain again"})
    archive.upsert([dated, bare])
    archive.facet_sql_limit = 0  # facets and the date order from the in-memory index
    for query in ("", "rain"):
        result = archive.search(build_request(query, sort="date"))
        assert [hit.article.id for hit in result.hits] == [dated.id, bare.id], query

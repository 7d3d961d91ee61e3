"""Facet counts for large hit sets of the SQLite archive, counted in memory.

Counting facets in SQL costs one index seek per hit and facet: fine for a few
thousand hits, hundreds of milliseconds for a query that matches half of a
100,000-article archive. This cache holds every article's facet values as numpy
arrays (built once, rebuilt when the file changes), so counting a hit set is a
few array operations in C, tens of milliseconds even for 400,000 hits of a million
articles. It also keeps each article's publication time, for newest-first pages.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.facets import DATE_FACET, facet_limit, tie_key

# (facet name, table, article column, value column, condition); each value once per article
FACET_SOURCES = (
    ("language", "articles", "rowid", "language", "language IS NOT NULL"),
    ("source", "articles", "rowid", "source", "source IS NOT NULL"),
    ("years", "article_years", "article", "year", "1"),
    ("names", "article_names", "article", "name", "1"),
    ("places", "article_places", "article", "name", "1"),
    # by day of publication (UTC): every day, in date order (search/facets.py)
    (
        DATE_FACET,
        "articles",
        "rowid",
        "date(published_ts, 'unixepoch')",
        "published_ts IS NOT NULL",
    ),
)


# Stands for "undated" in the text SQLite gives for every article's time.
UNDATED = -1e300


def integers(joined: str | None) -> np.ndarray:
    """The integers of a `group_concat` ("3,17,42"), parsed by numpy in C: splitting the
    string into a Python list first took seven times as long (0.73 s against 0.11 s
    for 500,000 rowids, the hits of a broad search in a million articles)."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _published(db: sqlite3.Connection, size: int) -> np.ndarray:
    rowids, times = db.execute(
        f"SELECT group_concat(rowid), group_concat(ifnull(published_ts, {UNDATED})) FROM articles"  # noqa: S608
    ).fetchone()
    found = integers(rowids)
    # An article with no facet value at all can have a rowid past every facet's largest.
    published = np.full(max(size, int(found.max()) + 1 if len(found) else 0), -np.inf)
    if len(found):
        values = np.fromstring(times, dtype=np.float64, sep=",")
        published[found] = np.where(values == UNDATED, -np.inf, values)
    return published


@dataclass(slots=True)
class _Facet:
    articles: np.ndarray  # rowid of each (article, value) pair
    value_ids: np.ndarray  # index into `values`
    values: list[Any]
    tie_ranks: np.ndarray  # each value's place among equal counts (search/facets.py)
    # For a facet of one value per article (a column of `articles`): each rowid's value
    # id, len(values) where it has none. Counting hits then reads only the hits' entries,
    # not every article's (half the time or less for 427,000 hits of a million).
    by_rowid: np.ndarray | None = None
    # Where each value's run of articles ends: `articles` is in value order, so a value's
    # count among hits is a difference of a running sum (no compress, no bincount).
    ends: np.ndarray | None = None
    labels: np.ndarray | None = None  # `values` as an array: picking 95,000 days is one call


class FacetCache:
    """Every article's facet values, valid for one state of the database file."""

    def __init__(self) -> None:
        self._facets: dict[str, _Facet] = {}
        self._state: tuple[int, int] | None = None
        self._size = 0
        self._published = np.zeros(0)  # published_ts by rowid, -inf where undated

    def is_current(self, state: tuple[int, int]) -> bool:
        return self._state == state

    def load(self, db: sqlite3.Connection, state: tuple[int, int]) -> None:
        """Read every (article, value) pair in value order from the covering indexes:
        the values with their counts, then the articles as one string, so no Python
        object is made per pair. All in one read transaction: a crawl committing
        between two of these reads made the counts and the articles disagree (and the
        next search fail with an IndexError)."""
        began = not db.in_transaction
        if began:
            db.execute("BEGIN")
        try:
            self._load(db, state)
        finally:
            if began:
                db.execute("COMMIT")

    def _load(self, db: sqlite3.Connection, state: tuple[int, int]) -> None:
        facets = {}
        largest = 0
        for name, table, article, value, condition in FACET_SOURCES:
            runs = db.execute(
                f"SELECT {value}, count(*) FROM {table} WHERE {condition} "  # noqa: S608
                f"GROUP BY {value} ORDER BY {value}"
            ).fetchall()
            joined = db.execute(
                f"SELECT group_concat({article}) FROM (SELECT {article} FROM {table} "  # noqa: S608
                f"WHERE {condition} ORDER BY {value})"
            ).fetchone()[0]
            articles = integers(joined)
            # 32-bit: half the memory a count over many hits reads (2**31 articles is far)
            value_ids = np.repeat(np.arange(len(runs), dtype=np.int32), [c for _, c in runs])
            if len(articles):
                largest = max(largest, int(articles.max()))
            values = [value for value, _ in runs]
            ranks = np.empty(len(values), dtype=np.int64)
            ranks[sorted(range(len(values)), key=lambda i: tie_key(values[i]))] = np.arange(
                len(values)
            )
            facets[name] = _Facet(articles.astype(np.int32), value_ids, values, ranks)
            facets[name].ends = np.cumsum([count for _, count in runs], dtype=np.int64)
            facets[name].labels = np.array([*values, None], dtype=object)[:-1]
        for (_, _, article, _, _), facet in zip(FACET_SOURCES, facets.values(), strict=True):
            if article == "rowid":
                facet.by_rowid = np.full(largest + 1, len(facet.values), dtype=np.int32)
                facet.by_rowid[facet.articles] = facet.value_ids
        self._facets = facets
        self._size = largest + 1
        self._published = _published(db, self._size)
        self._state = state

    def published_of(self, rowids: np.ndarray) -> np.ndarray:
        """Each article's publication time (-inf if undated), as SQLite prints it (15
        digits: two times may tie here that differ in the file, never swap)."""
        return self._published[rowids]

    def counts(self, hit_rowids: np.ndarray | None, size: int) -> dict[str, list[tuple[Any, int]]]:
        """Top `size` values per facet (count descending, then search/facets.py's tie_key)
        over the hits, or over every article when `hit_rowids` is None."""
        in_hits = None
        if hit_rowids is not None:
            in_hits = np.zeros(self._size, dtype=bool)
            in_hits[hit_rowids[hit_rowids < self._size]] = True
        result: dict[str, list[tuple[Any, int]]] = {}
        for name, facet in self._facets.items():
            if not len(facet.articles):
                result[name] = []
                continue
            counts = _count(facet, hit_rowids, in_hits)
            nonzero = np.flatnonzero(counts)
            if name == DATE_FACET:  # values are in date order; every day is kept
                days = facet.labels[nonzero].tolist()
                result[name] = list(zip(days, counts[nonzero].tolist(), strict=True))
                continue
            limit = facet_limit(name, size)
            if len(nonzero) > limit:
                # Everything tied with the limit-th largest count may still make the cut.
                threshold = np.partition(counts[nonzero], -limit)[-limit]
                nonzero = nonzero[counts[nonzero] >= threshold]
            ranks = facet.tie_ranks
            order = sorted(nonzero.tolist(), key=lambda i: (-int(counts[i]), ranks[i]))[:limit]
            result[name] = [(facet.values[i], int(counts[i])) for i in order]
        return result


def _count(facet: _Facet, hit_rowids: np.ndarray | None, in_hits: np.ndarray | None) -> np.ndarray:
    """How many hits (every article, without hits) have each of the facet's values."""
    if hit_rowids is None or in_hits is None:
        return np.bincount(facet.value_ids, minlength=len(facet.values))
    if facet.by_rowid is not None:
        found = facet.by_rowid[hit_rowids[hit_rowids < len(facet.by_rowid)]]
        return np.bincount(found, minlength=len(facet.values) + 1)[: len(facet.values)]
    running = np.cumsum(in_hits[facet.articles], dtype=np.int64)
    return np.diff(running[facet.ends - 1], prepend=0)

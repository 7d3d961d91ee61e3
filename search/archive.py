"""The archive interface both backends implement, and the function that picks one by URL.

Callers (the crawler's index stage, the CLI, the web app, exports) only ever see
`Archive`; the shared contract suite in tests/backends/ holds the two
implementations to the same behaviour, so anything a user can do on the embedded
archive also works on Elasticsearch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeward.article import Article, normalise_key, parse_published
from homeward.runs import RunChange, RunRecord
from search.query import SearchRequest
from search.sets import ArticleSet, SetChange, looks_like_set_id
from search.triage import TriageMark
from search.watches import Watch, WatchChange, looks_like_watch_id


class ArchiveError(RuntimeError):
    """The archive cannot be used; the message names its URL and says what to do."""


@dataclass(slots=True)
class WriteReport:
    """What a bulk write did: nothing the archive refused is dropped without a trace."""

    stored: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)

    def merge(self, other: WriteReport) -> None:
        self.stored += other.stored
        self.failed.extend(other.failed)


@dataclass(slots=True)
class Hit:
    article: Article
    score: float | None = None
    highlight: str | None = None  # HTML: scraped text escaped, matches in <mark>

    def to_dict(self) -> dict[str, Any]:
        record = self.article.to_dict()
        record["score"] = self.score
        record["highlight"] = self.highlight
        return record


@dataclass(slots=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [{"value": value, "count": count} for value, count in buckets]
                for name, buckets in self.facets.items()
            },
        }


# Facets every search returns, by the article field they count.
FACETS = ("language", "source", "years", "names", "places")
FACET_SIZE = 20
BULK_CHUNK = 500


class Archive(ABC):
    """A searchable store of articles."""

    url: str

    @abstractmethod
    def upsert(self, articles: Iterable[Article]) -> WriteReport:
        """Store articles by id; storing the same article again replaces it (one record)."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def delete(self, article_id: str) -> bool: ...

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def identity(self) -> str:
        """A name the archive got when it was made, kept inside it (per index on
        Elasticsearch). Crawl state belongs to this name, not to the archive's address,
        so an archive deleted and made again, or a second index on one cluster, never
        inherits another archive's memory of what it stored."""

    @abstractmethod
    def existing_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these ids the archive holds: the crawl checks its memory against
        what is really there before it skips or merges anything."""

    @abstractmethod
    def add_duplicate(self, original_id: str, copy_url: str) -> bool:
        """Record that `copy_url` is a copy merged into `original_id`; False if no such article."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult: ...

    @abstractmethod
    def iter_articles(self, request: SearchRequest | None = None) -> Iterator[Article]:
        """Every matching article in the request's order, in constant memory (for exports)."""

    def iter_fetched_since(self, cutoff: datetime) -> Iterator[Article]:
        """Articles fetched at or after `cutoff` (an aware datetime), in any order: what a
        distributed crawl's nodes stored, for merging their duplicates. A backend with a
        range index answers this without a scan."""
        for article in self.iter_articles():
            if article.fetched_at and parse_published(article.fetched_at) >= cutoff:
                yield article

    def refresh(self) -> None:  # noqa: B027 - optional hook: make recent writes searchable
        """Make everything written so far visible to search (Elasticsearch refreshes)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and file handles."""

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- article sets (the model and its rules: search/sets.py) ----------------------

    @abstractmethod
    def list_sets(self) -> list[ArticleSet]:
        """Every set, ordered by name."""

    @abstractmethod
    def get_set(self, set_id: str) -> ArticleSet | None: ...

    @abstractmethod
    def create_set(self, article_set: ArticleSet) -> ArticleSet:
        """Store a new set; `SetError` when another set already has its name."""

    @abstractmethod
    def update_set(self, set_id: str, change: SetChange) -> ArticleSet:
        """Apply `change` to the stored set as one read-modify-write and return the result.

        A concurrent writer's change is never lost (the change is retried on the newer
        record); `SetNotFound` when there is no such set, `SetError` when the change is
        refused (e.g. a rename to another set's name).
        """

    @abstractmethod
    def delete_set(self, set_id: str) -> bool: ...

    def find_set(self, name_or_id: str) -> ArticleSet | None:
        """The set with this id, else the one with this name (case and spacing ignored):
        what `homeward export --set` and the API accept."""
        if looks_like_set_id(name_or_id) and (found := self.get_set(name_or_id)):
            return found
        key = normalise_key(name_or_id)
        return next((s for s in self.list_sets() if s.name_key == key), None)

    def iter_set_articles(self, article_set: ArticleSet) -> Iterator[Article]:
        """A set's articles in the order they were added, one at a time (for exports);
        articles deleted from the archive since are skipped."""
        for item in article_set.items:
            article = self.get(item.article_id)
            if article is not None:
                yield article

    # --- saved searches (the model and its rules: search/watches.py) -------------------

    @abstractmethod
    def list_watches(self) -> list[Watch]:
        """Every saved search, ordered by name."""

    @abstractmethod
    def get_watch(self, watch_id: str) -> Watch | None: ...

    @abstractmethod
    def create_watch(self, watch: Watch) -> Watch:
        """Store a new saved search; `WatchError` when another one has its name."""

    @abstractmethod
    def update_watch(self, watch_id: str, change: WatchChange) -> Watch:
        """Apply `change` to the stored watch as one read-modify-write; `WatchNotFound`."""

    @abstractmethod
    def delete_watch(self, watch_id: str) -> bool: ...

    def find_watch(self, name_or_id: str) -> Watch | None:
        """The saved search with this id, else the one with this name."""
        if looks_like_watch_id(name_or_id) and (found := self.get_watch(name_or_id)):
            return found
        key = normalise_key(name_or_id)
        return next((w for w in self.list_watches() if w.name_key == key), None)

    # --- triage marks (the model: search/triage.py) ------------------------------------

    @abstractmethod
    def set_mark(self, mark: TriageMark) -> None:
        """Keep a reader's verdict on an article, replacing any earlier one."""

    @abstractmethod
    def clear_mark(self, article_id: str) -> bool:
        """Forget the article's mark; whether there was one."""

    @abstractmethod
    def marks_for(self, article_ids: Iterable[str]) -> dict[str, TriageMark]:
        """The marks of these articles (those that have one), by article id."""

    @abstractmethod
    def iter_marks(self) -> Iterator[TriageMark]:
        """Every mark, oldest first."""

    # --- off-topic pages kept for a second look (search/offtopic.py) --------------------

    @abstractmethod
    def keep_off_topic(self, articles: Iterable[Article]) -> int:
        """Keep pages the relevance stage turned away (by id; again replaces); how many."""

    @abstractmethod
    def iter_off_topic(self) -> Iterator[Article]:
        """Every kept off-topic page, one at a time, in id order."""

    @abstractmethod
    def forget_off_topic(self, article_ids: Iterable[str]) -> int:
        """Drop kept pages (promoted to articles, or no longer wanted); how many went."""

    @abstractmethod
    def count_off_topic(self) -> int: ...

    # --- run history (the record and health rules: homeward/runs.py) -----------------------

    @abstractmethod
    def record_run(self, run: RunRecord) -> None:
        """Store a run record whole, replacing any record with its id."""

    @abstractmethod
    def update_run(self, run_id: str, change: RunChange) -> RunRecord:
        """Apply `change` to the stored run as one read-modify-write and return the result;
        a concurrent writer's change (another Scrapyd node's part) is never lost.
        `RunNotFound` when there is no such run."""

    @abstractmethod
    def get_run(self, run_id: str) -> RunRecord | None: ...

    @abstractmethod
    def list_runs(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest `limit` runs (newest first), only those that crawled `source` if given."""


def chunked(articles: Iterable[Article], size: int = BULK_CHUNK) -> Iterator[list[Article]]:
    """Batches of at most `size`, so a bulk write of any length holds one batch at a time."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

"""The scale-out archive: an Elasticsearch index behind the alias `homeward-articles`.

The index is versioned (`<alias>-v1`) so a mapping change can be rolled out by
reindexing into `-v2` and moving the alias. Sets and runs live in small indexes of
their own beside it (`<alias>-sets`, `<alias>-runs`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from elasticsearch import ApiError, ConnectionTimeout, NotFoundError, helpers

from homeward.article import Article
from homeward.runs import RunChange, RunRecord
from search.archive import (
    BULK_CHUNK,
    FACET_SIZE,
    Archive,
    ArchiveError,
    Hit,
    SearchResult,
    WriteReport,
)
from search.backends.elastic.articles import (
    INDEX_VERSION,
    MAPPING,
    SETTINGS,
    UPSTREAM_MAPPING,
    from_document,
    write_articles,
)
from search.backends.elastic.connection import Connection
from search.backends.elastic.names import RULES, alias_problem
from search.backends.elastic.off_topic import OffTopicIndex
from search.backends.elastic.query import render
from search.backends.elastic.runs import RunsIndex
from search.backends.elastic.sets import SetsIndex
from search.backends.elastic.watches import WatchesIndex
from search.highlight import make_snippet
from search.query import QueryTimeout, SearchRequest, highlight_terms
from search.sets import ArticleSet, SetChange
from search.watches import Watch, WatchChange

DEFAULT_ALIAS = "homeward-articles"
ID_CHUNK = 1000  # ids asked for in one mget
INDEX_ENV = "HOMEWARD_ES_INDEX"
PIT_KEEP_ALIVE = "2m"

FACET_FIELDS = {
    "language": "language",
    "source": "source",
    "years": "years",
    "names": "names",
    "places": "places.name",
}
DATE_SORT: list[Any] = [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
RELEVANCE_SORT: list[Any] = ["_score", {"id": "asc"}]
Method = TypeVar("Method", bound=Callable[..., Any])


def refused(what: str) -> Callable[[Method], Method]:
    """A method of ElasticArchive whose refusals by Elasticsearch (an index block, a
    mapping it will not take, a node gone) become ArchiveError saying `what` it was
    asked to do (see Connection.refusals); a generator's, while it is iterated."""

    def wrap(method: Method) -> Method:
        if inspect.isgeneratorfunction(method):

            @functools.wraps(method)
            def iterated(self: ElasticArchive, *args: Any, **kwargs: Any) -> Iterator[Any]:
                with self.connection.refusals(what):
                    yield from method(self, *args, **kwargs)

            return iterated  # type: ignore[return-value]

        @functools.wraps(method)
        def called(self: ElasticArchive, *args: Any, **kwargs: Any) -> Any:
            with self.connection.refusals(what):
                return method(self, *args, **kwargs)

        return called  # type: ignore[return-value]

    return wrap


class ElasticArchive(Archive):
    """An archive in an Elasticsearch cluster of the supported major version."""

    def __init__(self, url: str, alias: str | None = None) -> None:
        self.url = url
        self.alias = alias or os.environ.get(INDEX_ENV) or DEFAULT_ALIAS
        problem = alias_problem(self.alias)
        if problem:  # named here, not as a 400 answer to the first request
            source = INDEX_ENV if not alias and os.environ.get(INDEX_ENV) else "the alias"
            raise ArchiveError(
                f"{source}={self.alias!r} cannot name an Elasticsearch index: {problem} ({RULES})"
            )
        self.connection = Connection(url)
        self.client = self.connection.client
        self.sets = SetsIndex(self.connection, self.alias)
        self.runs = RunsIndex(self.connection, self.alias)
        self.watches = WatchesIndex(self.connection, self.alias)
        self.off_topic = OffTopicIndex(self.connection, self.alias)
        try:
            with self.connection.refusals("open the archive"):
                self._ensure_index()
        except ArchiveError:
            self.connection.close()  # a refused archive leaves no open connection pool behind
            raise

    # --- setup --------------------------------------------------------------------

    @property
    def index_name(self) -> str:
        return f"{self.alias}-v{INDEX_VERSION}"

    @property
    def sets_index_name(self) -> str:
        return self.sets.index_name

    @property
    def runs_index_name(self) -> str:
        return self.runs.index_name

    def _ensure_index(self) -> None:
        if self.client.indices.exists_alias(name=self.alias):
            # An index made by an earlier release gains the fields added since; one that
            # has them is left as it is (so a read-only index can still be searched).
            mappings = self.client.indices.get_mapping(index=self.alias)
            if any(
                index["mappings"].get("properties", {}).get(name) != field
                for index in mappings.values()
                for name, field in UPSTREAM_MAPPING.items()
            ):
                self.client.indices.put_mapping(index=self.alias, properties=UPSTREAM_MAPPING)
            return
        if self.client.indices.exists(index=self.alias):
            raise ArchiveError(
                f"Elasticsearch at {self.connection.shown}: {self.alias!r} is an index, not an "
                f"alias; set {INDEX_ENV} to another name or reindex it into {self.index_name}"
            )
        self.connection.create_behind_alias(self.index_name, self.alias, SETTINGS, MAPPING)

    @refused("delete the archive's indexes")
    def drop(self) -> None:
        """Delete the three indexes and their aliases (tests and `homeward` maintenance only)."""
        self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
        self.sets.drop()
        self.runs.drop()
        self.watches.drop()
        self.off_topic.drop()

    def close(self) -> None:
        self.connection.close()

    @refused("refresh the index")
    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    # --- writing --------------------------------------------------------------------

    @refused("store articles")
    def upsert(self, articles: Iterable[Article]) -> WriteReport:
        return write_articles(self.client, self.alias, articles)

    @refused("delete an article")
    def delete(self, article_id: str) -> bool:
        try:
            self.client.delete(index=self.alias, id=article_id, refresh=True)
        except NotFoundError:
            return False
        return True

    @refused("record a duplicate")
    def add_duplicate(self, original_id: str, copy_url: str) -> bool:
        def link(document: dict[str, Any]) -> dict[str, Any] | None:
            if copy_url in document["duplicates"]:
                return None
            document["duplicates"].append(copy_url)
            return document

        return self.connection.rewrite(
            self.alias,
            original_id,
            lambda: self.connection.fetch(self.alias, original_id),
            link,
            f"article {original_id}",
        )

    # --- reading --------------------------------------------------------------------

    @refused("read an article")
    def get(self, article_id: str) -> Article | None:
        try:
            document = self.client.get(index=self.alias, id=article_id)
        except NotFoundError:
            return None
        return from_document(document["_source"])

    @refused("count articles")
    def count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

    @refused("read the index's identity")
    def identity(self) -> str:
        # The uuid Elasticsearch gave the index when it was made: a recreated index, or
        # another alias on the same cluster, has another.
        settings = self.client.indices.get_settings(index=self.alias, name="index.uuid")
        return str(next(iter(settings.values()))["settings"]["index"]["uuid"])

    @refused("look up article ids")
    def existing_ids(self, article_ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(article_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), ID_CHUNK):
            chunk = wanted[start : start + ID_CHUNK]
            answer = self.client.mget(index=self.alias, ids=chunk, source=False)
            found.update(doc["_id"] for doc in answer["docs"] if doc.get("found"))
        return found

    @refused("search")
    def search(self, request: SearchRequest) -> SearchResult:
        tree = request.tree()
        body: dict[str, Any] = {
            "query": render(tree),
            "from": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "sort": RELEVANCE_SORT if request.effective_sort() == "relevance" else DATE_SORT,
        }
        if request.facets:
            body["aggs"] = {
                name: {
                    "terms": {
                        "field": field,
                        "size": FACET_SIZE,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
                for name, field in FACET_FIELDS.items()
            }
        if request.highlight:
            body["highlight"] = {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fragment_size": 200,
                "number_of_fragments": 1,
                "fields": {"text": {}, "text.cjk": {}},
            }
        response = self._search_within(request.timeout, body)
        segments = highlight_terms(tree)
        hits = []
        for raw in response["hits"]["hits"]:
            article = from_document(raw["_source"])
            snippet = None
            if request.highlight:
                fragments = raw.get("highlight", {})
                chosen = next(
                    (fragments[f] for f in ("text", "text.cjk") if f in fragments),
                    None,
                )
                snippet = chosen[0] if chosen else make_snippet(article.text, segments)
            score = raw.get("_score")
            hits.append(Hit(article=article, score=score, highlight=snippet))
        facets = {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in aggregation["buckets"]]
            for name, aggregation in response.get("aggregations", {}).items()
        }
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _search_within(self, seconds: float | None, body: dict[str, Any]) -> Any:
        """The search, stopped by Elasticsearch after `seconds` (its `timeout`), or by
        the client a second later, without retries: `QueryTimeout` either way."""
        if not seconds:
            return self.client.search(index=self.alias, **body)
        client = self.client.options(request_timeout=seconds + 1, max_retries=0)
        try:
            response = client.search(
                index=self.alias, timeout=f"{max(1, round(seconds * 1000))}ms", **body
            )
        except ConnectionTimeout as error:
            raise QueryTimeout(seconds) from error
        if response.get("timed_out"):  # partial hits: refused, never shown as the answer
            raise QueryTimeout(seconds)
        return response

    @refused("read articles")
    def iter_articles(self, request: SearchRequest | None = None) -> Iterator[Article]:
        request = request or SearchRequest(facets=False, highlight=False)
        query = render(request.tree())
        pit = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        try:
            after: list[Any] | None = None
            while True:
                response = self.client.search(
                    pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE},
                    query=query,
                    sort=DATE_SORT,
                    size=BULK_CHUNK,
                    track_total_hits=False,
                    search_after=after,
                )
                page = response["hits"]["hits"]
                if not page:
                    return
                pit = response.get("pit_id", pit)
                for raw in page:
                    yield from_document(raw["_source"])
                after = page[-1]["sort"]
        finally:
            with contextlib.suppress(ApiError):
                self.client.close_point_in_time(id=pit)

    @refused("read articles")
    def iter_fetched_since(self, cutoff: datetime) -> Iterator[Article]:
        query = {"query": {"range": {"fetched_at": {"gte": cutoff.isoformat()}}}}
        for hit in helpers.scan(self.client, index=self.alias, query=query):
            yield from_document(hit["_source"])

    # --- article sets and run history: their own small indexes -------------------------

    @refused("list sets")
    def list_sets(self) -> list[ArticleSet]:
        return self.sets.all()

    @refused("read a set")
    def get_set(self, set_id: str) -> ArticleSet | None:
        return self.sets.get(set_id)

    @refused("create a set")
    def create_set(self, article_set: ArticleSet) -> ArticleSet:
        return self.sets.create(article_set)

    @refused("change a set")
    def update_set(self, set_id: str, change: SetChange) -> ArticleSet:
        return self.sets.update(set_id, change)

    @refused("delete a set")
    def delete_set(self, set_id: str) -> bool:
        return self.sets.delete(set_id)

    @refused("list saved searches")
    def list_watches(self) -> list[Watch]:
        return self.watches.all()

    @refused("read a saved search")
    def get_watch(self, watch_id: str) -> Watch | None:
        return self.watches.get(watch_id)

    @refused("save a search")
    def create_watch(self, watch: Watch) -> Watch:
        return self.watches.create(watch)

    @refused("change a saved search")
    def update_watch(self, watch_id: str, change: WatchChange) -> Watch:
        return self.watches.update(watch_id, change)

    @refused("delete a saved search")
    def delete_watch(self, watch_id: str) -> bool:
        return self.watches.delete(watch_id)

    @refused("keep off-topic pages")
    def keep_off_topic(self, articles: Iterable[Article]) -> int:
        return self.off_topic.keep(articles)

    @refused("read off-topic pages")
    def iter_off_topic(self) -> Iterator[Article]:
        yield from self.off_topic.all()

    @refused("forget off-topic pages")
    def forget_off_topic(self, article_ids: Iterable[str]) -> int:
        return self.off_topic.forget(article_ids)

    @refused("count off-topic pages")
    def count_off_topic(self) -> int:
        return self.off_topic.count()

    @refused("record a run")
    def record_run(self, run: RunRecord) -> None:
        self.runs.record(run)

    @refused("update a run")
    def update_run(self, run_id: str, change: RunChange) -> RunRecord:
        return self.runs.update(run_id, change)

    @refused("read a run")
    def get_run(self, run_id: str) -> RunRecord | None:
        return self.runs.get(run_id)

    @refused("list runs")
    def list_runs(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        return self.runs.latest(source, limit)

"""The scale-out archive: an Elasticsearch index behind the alias `homeward-articles`.

The index is versioned (`<alias>-v4`) so a mapping change can be rolled out by
copying the articles into the next version and moving the alias (upgrade.py: an
archive on an index of an earlier version is upgraded when it is first opened). Sets and runs
live in small indexes of their own beside it (`<alias>-sets`, `<alias>-runs`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from elasticsearch import ApiError, ConnectionTimeout, NotFoundError, helpers

from homeward.article import Article
from homeward.forms import group_names
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
from search.backends.elastic.marks import MarksIndex
from search.backends.elastic.names import RULES, alias_problem
from search.backends.elastic.off_topic import OffTopicIndex
from search.backends.elastic.query import highlight_query, render
from search.backends.elastic.runs import RunsIndex
from search.backends.elastic.sets import SetsIndex
from search.backends.elastic.upgrade import index_identity, upgrade
from search.backends.elastic.watches import WatchesIndex
from search.facets import (
    DATE_FACET,
    MAX_FACET_SIZE,
    arranged,
    by_date,
    facet_limit,
    ordered,
)
from search.highlight import make_snippet
from search.query import QueryTimeout, SearchRequest, highlight_terms, plural_folded
from search.sets import ArticleSet, SetChange
from search.triage import TriageMark
from search.watches import Watch, WatchChange

DEFAULT_ALIAS = "homeward-articles"
ID_CHUNK = 1000  # ids asked for in one mget
INDEX_ENV = "HOMEWARD_ES_INDEX"
PIT_KEEP_ALIVE = "2m"
# Days of the date facet one search asks for: Elasticsearch refuses an answer of more
# than `search.max_buckets` buckets (65,536 by default), and the other facets need a
# few. An archive whose dates span more (a million articles can) is counted in windows
# of this many days, one search each (`_days_in_windows`).
DAYS_PER_SEARCH = 50_000
DAY_MS = 86_400_000
PUBLISHED = {"field": "published"}
# Facet values asked for beyond those shown: values tied at the cut are ordered here
# (search/facets.py), and with these most ties are whole in the first answer, so the
# query is seldom run a second time for them. A bucket costs little more on the node.
TIE_HEADROOM = 200

FACET_FIELDS = {
    "language": "language",
    "source": "source",
    "years": "years",
    "names": "names",
    "places": "places.name",
}
NEWEST_FIRST: dict[str, Any] = {"published": {"order": "desc", "missing": "_last"}}
DATE_SORT: list[Any] = [NEWEST_FIRST, {"id": "asc"}]
# The sort value Elasticsearch gives an undated article under NEWEST_FIRST (Long.MIN_VALUE).
UNDATED = -(2**63)
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
        self.marks = MarksIndex(self.connection, self.alias)
        self.legacy = False  # searching an index of an earlier version, left so by a block
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
            # An index of an earlier mapping version is copied into this one, once.
            try:
                upgrade(self.connection, self.alias, self.index_name, SETTINGS, MAPPING)
            except ApiError as error:
                if error.meta.status != 403:  # a block: still searchable, as it was
                    raise
                self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
                self.legacy = True
                return
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
        """Delete the archive's indexes and aliases (tests and `homeward` maintenance only)."""
        self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
        self.sets.drop()
        self.runs.drop()
        self.watches.drop()
        self.off_topic.drop()
        self.marks.drop()

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
        # The uuid Elasticsearch gave the index when it was made (a recreated index, or
        # another alias on the same cluster, has another), carried over by an upgrade.
        return index_identity(self.connection, self.alias)

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
            "query": render(tree, self.legacy),
            "from": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "sort": RELEVANCE_SORT if request.effective_sort() == "relevance" else DATE_SORT,
        }
        size = request.facet_size or FACET_SIZE
        windows: list[tuple[int | None, int | None]] = []
        if request.facets:
            body["aggs"] = _facet_aggs(FACET_FIELDS, fetched(size))
            windows = day_windows(self._published_span(request.timeout), DAYS_PER_SEARCH)
            if len(windows) == 1:
                body["aggs"][DATE_FACET] = DATE_HISTOGRAM
        if request.highlight:
            body["highlight"] = {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fragment_size": 200,
                "number_of_fragments": 1,
                "highlight_query": highlight_query(tree),
                # text.cjk: an index of version 1 or 2, left so by a block. Longer CJK
                # words match in text_cjk, a folded copy: the Python snippet marks them.
                "fields": {"text": {}, "text.cjk": {}},
            }
        # The day windows (a long span of dates) are counted beside the main search: the
        # node answers them on its other cores while the client reads the first answer.
        with ThreadPoolExecutor(max_workers=1) as beside:
            window_days = (
                beside.submit(self._days_in_windows, request.timeout, body["query"], windows)
                if len(windows) > 1
                else None
            )
            if body["sort"] is DATE_SORT:
                response = self._newest_first(request.timeout, body)
            else:
                response = self._search_within(request.timeout, body)
            days_beside = window_days.result() if window_days else None
        segments = highlight_terms(tree)
        # Elasticsearch marks only the form searched in the text as published; where a
        # word has other forms (children for child), the Python snippet marks them all.
        other_forms = any(plural_folded(segment) for segment in segments)
        hits = []
        for raw in response["hits"]["hits"]:
            article = from_document(raw["_source"])
            snippet = None
            if request.highlight:
                # A text stored in pieces (articles.py) is marked in Python too: the
                # node's fragment would end where its piece does, often a clause.
                pieced = isinstance(raw["_source"].get("text"), list)
                fragments = {} if other_forms or pieced else raw.get("highlight", {})
                chosen = next(
                    (fragments[f] for f in ("text", "text.cjk") if f in fragments),
                    None,
                )
                snippet = chosen[0] if chosen else make_snippet(article.text, segments)
            score = raw.get("_score")
            hits.append(Hit(article=article, score=score, highlight=snippet))
        aggregations = dict(response.get("aggregations", {}))
        days = aggregations.pop(DATE_FACET, None)
        facets = {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in aggregation["buckets"]]
            for name, aggregation in aggregations.items()
        }
        if facets:
            facets = self._facets_with_ties(request, body["query"], facets, size)
        if days_beside is not None:
            days = {"buckets": days_beside}
        if days is not None:
            facets[DATE_FACET] = by_date(
                (bucket["key_as_string"], bucket["doc_count"]) for bucket in days["buckets"]
            )
        if facets.get("names"):  # one entry per person, with its forms (homeward/forms.py)
            facets["names"] = arranged("names", group_names(facets["names"]), size)
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _newest_first(self, seconds: float | None, body: dict[str, Any]) -> Any:
        """A newest-first page in two searches, the same hits in the same order as one.

        The tie-break on `id`, a keyword, is what costs: articles are mostly stored
        in the order they were published, so under a newest-first sort nearly every
        match displaces the last of the page so far, and each one has its id copied
        (a million articles: 750 ms against 73 without the tie-break). So the first
        search sorts by date alone, counts and facets every match, and reads the
        date of the last article of the page; every article of the true page is
        dated on or after it, so the second search sorts only those by date and id.
        Where the page reaches undated articles, or the matches run out before its
        end (a few), the one search with the tie-break is the answer.
        """
        end = body["from"] + body["size"]
        first = {key: value for key, value in body.items() if key != "highlight"}
        first |= {"from": 0, "size": end, "sort": [NEWEST_FIRST], "_source": False}
        response = self._search_within(seconds, first)
        hits = response["hits"]["hits"]
        if not hits:  # no page asked for, or no match
            return response
        second = {key: value for key, value in body.items() if key != "aggs"}
        second["track_total_hits"] = False
        if len(hits) == end and hits[-1]["sort"][0] != UNDATED:
            second["query"] = published_within(body["query"], since=hits[-1]["sort"][0])
        response["hits"]["hits"] = self._search_within(seconds, second)["hits"]["hits"]
        return response

    def _page_floor(self, pit: str, query: dict[str, Any], after: list[Any] | None) -> int | None:
        """The earliest date (epoch ms) the next page of `iter_articles` can reach: the
        BULK_CHUNK-th date before the last one read. None when that page reaches
        undated articles or the end, where no date bounds it."""
        if after is not None:
            if after[0] == UNDATED:
                return None
            query = published_within(query, until=after[0])
        response = self.client.search(
            pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE},
            query=query,
            sort=[NEWEST_FIRST],
            size=BULK_CHUNK,
            track_total_hits=False,
            source=False,
        )
        hits = response["hits"]["hits"]
        if len(hits) < BULK_CHUNK or hits[-1]["sort"][0] == UNDATED:
            return None
        return int(hits[-1]["sort"][0])

    def _facets_with_ties(
        self,
        request: SearchRequest,
        query: dict[str, Any],
        facets: dict[str, list[tuple[Any, int]]],
        size: int,
    ) -> dict[str, list[tuple[Any, int]]]:
        """Facets in the order of search/facets.py. Elasticsearch can only break ties by
        key, so when the values tied at the cut go on past the values asked for, every
        value with that count is fetched (one more search for all such facets); the
        ties are ordered here."""
        limits = {name: facet_limit(name, size) for name in facets}
        asked = {name: min(facet_limit(name, fetched(size)), MAX_FACET_SIZE) for name in facets}
        tied = {
            name: buckets[limits[name] - 1][1]
            for name, buckets in facets.items()
            if len(buckets) > limits[name]
            and buckets[limits[name]][1] == buckets[limits[name] - 1][1]
            # ... and past the values asked for (TIE_HEADROOM): the answer may lack some
            and len(buckets) >= asked[name]
            and buckets[-1][1] == buckets[limits[name] - 1][1]
        }
        if tied:
            aggs = _facet_aggs({name: FACET_FIELDS[name] for name in tied}, MAX_FACET_SIZE)
            for name, least in tied.items():
                aggs[name]["terms"]["min_doc_count"] = least
            body = {"query": query, "size": 0, "track_total_hits": False, "aggs": aggs}
            response = self._search_within(request.timeout, body)
            for name, aggregation in response["aggregations"].items():
                facets[name] = [(b["key"], b["doc_count"]) for b in aggregation["buckets"]]
        return {name: ordered(buckets, limits[name]) for name, buckets in facets.items()}

    def _published_span(self, seconds: float | None) -> tuple[int, int] | None:
        """The first and last publication time of the whole index (epoch ms), None when
        nothing is dated; read from the date field's index, so cheap at any size."""
        body = {
            "size": 0,
            "track_total_hits": False,
            "aggs": {"first": {"min": PUBLISHED}, "last": {"max": PUBLISHED}},
        }
        response = self._search_within(seconds, body)
        first, last = (response["aggregations"][name]["value"] for name in ("first", "last"))
        return None if first is None or last is None else (int(first), int(last))

    def _days_in_windows(
        self,
        seconds: float | None,
        query: dict[str, Any],
        windows: list[tuple[int | None, int | None]],
    ) -> list[dict[str, Any]]:
        """The date facet's buckets, one search per window of days, in date order."""
        buckets: list[dict[str, Any]] = []
        for since, until in windows:
            body = {
                "query": published_within(query, since, until),
                "size": 0,
                "track_total_hits": False,
                "aggs": {DATE_FACET: DATE_HISTOGRAM},
            }
            response = self._search_within(seconds, body)
            buckets.extend(response["aggregations"][DATE_FACET]["buckets"])
        return buckets

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
        """Every match, newest first, a page of BULK_CHUNK at a time in one point in time.

        As in `_newest_first`, each page is bounded first: a search by date alone
        after the last date read finds the date the page cannot go below, so the
        sort by date and id runs over about one page's articles rather than over
        every article still to come (a million: 0.8 s a page, 28 minutes in all).
        """
        request = request or SearchRequest(facets=False, highlight=False)
        query = render(request.tree(), self.legacy)
        pit = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        try:
            after: list[Any] | None = None
            while True:
                floor = self._page_floor(pit, query, after)
                response = self.client.search(
                    pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE},
                    query=query if floor is None else published_within(query, since=floor),
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

    @refused("keep a triage mark")
    def set_mark(self, mark: TriageMark) -> None:
        self.marks.put(mark)

    @refused("clear a triage mark")
    def clear_mark(self, article_id: str) -> bool:
        return self.marks.remove(article_id)

    @refused("read triage marks")
    def marks_for(self, article_ids: Iterable[str]) -> dict[str, TriageMark]:
        return self.marks.of(article_ids)

    @refused("read triage marks")
    def iter_marks(self) -> Iterator[TriageMark]:
        yield from self.marks.all()

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


# Matching articles by day of publication (UTC), days without any left out.
DATE_HISTOGRAM = {
    "date_histogram": {
        "field": "published",
        "calendar_interval": "day",
        "min_doc_count": 1,
        "format": "yyyy-MM-dd",
        "time_zone": "UTC",
    }
}


def published_within(
    query: dict[str, Any], since: int | None = None, until: int | None = None
) -> dict[str, Any]:
    """`query`, kept to articles published from `since` and before `until` (epoch ms)."""
    bounds: dict[str, Any] = {"format": "epoch_millis"}
    if since is not None:
        bounds["gte"] = since
    if until is not None:
        bounds["lt"] = until
    return {"bool": {"filter": [query, {"range": {"published": bounds}}]}}


def day_windows(span: tuple[int, int] | None, days: int) -> list[tuple[int | None, int | None]]:
    """Windows (from, before; epoch ms, UTC midnights) that split the span of dates into
    at most `days` days each; the first and last are open, so an article dated outside
    the span read a moment ago is still counted. One unbounded window when it fits."""
    first = span[0] - span[0] % DAY_MS if span else 0  # that day's midnight, UTC
    if span is None or (span[1] - first) // DAY_MS < days:
        return [(None, None)]
    cuts = list(range(first + days * DAY_MS, span[1] + 1, days * DAY_MS))
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def fetched(size: int) -> int:
    """Values asked of each facet when `size` are shown: at least one more, to see
    whether the values tied at the cut go on past it."""
    return max(size + 1, TIE_HEADROOM)


def _facet_aggs(fields: dict[str, str], size: int) -> dict[str, Any]:
    """A terms aggregation per facet: the `size` most frequent values (ties by key), or
    every value of an uncut facet (search/facets.py)."""
    return {
        name: {
            "terms": {
                "field": field,
                "size": min(facet_limit(name, size), MAX_FACET_SIZE),
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
        for name, field in fields.items()
    }

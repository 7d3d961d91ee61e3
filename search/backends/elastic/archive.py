"""The scale-out archive: an Elasticsearch index behind the alias `homeward-articles`.

The index is versioned (`<alias>-v1`) so a mapping change can be rolled out by
reindexing into `-v2` and moving the alias. The mapping is explicit and strict: a
field the `Article` model does not know is refused, not silently guessed. Text is
analysed twice, with the `english` analyzer (stemming) and with the `cjk`
analyzer (bigrams), plus single characters, mirroring the SQLite backend so both
give the same hits.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError, helpers
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import __versionstr__ as CLIENT_VERSION

from homeward.article import Article, normalise_key
from homeward.runs import MAX_RUNS, RunChange, RunNotFound, RunRecord, looks_like_run_id
from search.archive import (
    BULK_CHUNK,
    FACET_SIZE,
    Archive,
    ArchiveError,
    Hit,
    SearchResult,
    WriteReport,
    chunked,
)
from search.highlight import make_snippet
from search.query import (
    And,
    DateRange,
    Field,
    Node,
    Not,
    Or,
    SearchRequest,
    Text,
    highlight_terms,
    text_segments,
)
from search.sets import (
    ArticleSet,
    SetChange,
    SetNotFound,
    duplicate_name_error,
    looks_like_set_id,
)

DEFAULT_ALIAS = "homeward-articles"
INDEX_ENV = "HOMEWARD_ES_INDEX"
INDEX_VERSION = 1
SUPPORTED_MAJOR = int(CLIENT_VERSION.split(".")[0])
BULK_ATTEMPTS = 6
BULK_WORKERS = 2
# Tries of one read-modify-write before giving up (writers to one document are few).
REWRITE_ATTEMPTS = 30
PIT_KEEP_ALIVE = "2m"

# Fields stored only to filter on; they are not part of the Article record.
FILTER_KEYS = ("source_key", "name_keys", "place_keys")

_TEXT_FIELD = {
    "type": "text",
    "analyzer": "homeward_english",
    # The english analyzer's standard tokenizer already makes every Han character a
    # token of its own, so one-character words match the main field; longer ones
    # match the bigrams of the cjk sub-field.
    "fields": {"cjk": {"type": "text", "analyzer": "homeward_cjk"}},
}
_KEYWORD = {"type": "keyword"}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        "url": _KEYWORD,
        "title": _TEXT_FIELD,
        "text": _TEXT_FIELD,
        "language": _KEYWORD,
        "published": {"type": "date"},
        "source": _KEYWORD,
        "site_name": _KEYWORD,
        "authors": _KEYWORD,
        "names": _KEYWORD,
        "places": {
            "properties": {
                "name": _KEYWORD,
                "mention": _KEYWORD,
                "country": _KEYWORD,
                "region": _KEYWORD,
                "lat": {"type": "double"},
                "lon": {"type": "double"},
            }
        },
        "years": {"type": "integer"},
        "fetched_at": {"type": "date"},
        "duplicates": _KEYWORD,
        "relevance": {"type": "float"},
        "relevance_terms": _KEYWORD,
        "evidence": {
            "properties": {
                "captured_at": {"type": "date"},
                "sha256": _KEYWORD,
                "warc_file": _KEYWORD,
                "warc_offset": {"type": "long"},
                "status": {"type": "integer"},
            }
        },
        "source_key": _KEYWORD,
        "name_keys": _KEYWORD,
        "place_keys": _KEYWORD,
    },
}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    # Elasticsearch's own `english` (porter stemming) and `cjk` (bigram) analyzers.
    "analysis": {
        "analyzer": {
            "homeward_english": {"type": "english"},
            "homeward_cjk": {"type": "cjk"},
        }
    },
}

SMALL_INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}

FACET_FIELDS = {
    "language": "language",
    "source": "source",
    "years": "years",
    "names": "names",
    "places": "places.name",
}
DATE_SORT: list[Any] = [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
RELEVANCE_SORT: list[Any] = ["_score", {"id": "asc"}]


class ElasticArchive(Archive):
    """An archive in an Elasticsearch cluster of the supported major version."""

    def __init__(self, url: str, alias: str | None = None) -> None:
        self.url = url
        self.alias = alias or os.environ.get(INDEX_ENV) or DEFAULT_ALIAS
        self.client = Elasticsearch(url, request_timeout=60, max_retries=2, retry_on_timeout=True)
        self._check_server()
        self._ensure_index()

    # --- setup --------------------------------------------------------------------

    def _check_server(self) -> None:
        try:
            # Not `GET /`: minimal distributions (the test node) do not serve it.
            nodes = self.client.nodes.info(node_id="_local", filter_path="nodes.*.version")
        except ESConnectionError as error:
            raise ArchiveError(
                f"cannot reach Elasticsearch at {self.url} ({error.message}); start one with "
                "`scripts/elasticsearch.sh start` or check --archive / HOMEWARD_ARCHIVE"
            ) from error
        except ApiError as error:
            raise ArchiveError(f"Elasticsearch at {self.url} refused: {error}") from error
        problem = version_problem(self.url, str(next(iter(nodes["nodes"].values()))["version"]))
        if problem:
            raise ArchiveError(problem)

    @property
    def index_name(self) -> str:
        return f"{self.alias}-v{INDEX_VERSION}"

    def _ensure_index(self) -> None:
        if self.client.indices.exists_alias(name=self.alias):
            return
        if self.client.indices.exists(index=self.alias):
            raise ArchiveError(
                f"Elasticsearch at {self.url}: {self.alias!r} is an index, not an alias; "
                f"set {INDEX_ENV} to another name or reindex it into {self.index_name}"
            )
        self._create_behind_alias(self.index_name, self.alias, SETTINGS, MAPPING)

    def _create_behind_alias(
        self, index: str, alias: str, settings: dict[str, Any], mappings: dict[str, Any]
    ) -> None:
        """Create a versioned index with its alias; another process winning the race
        to create it is fine."""
        try:
            self.client.indices.create(
                index=index,
                settings=settings,
                mappings=mappings,
                aliases={alias: {"is_write_index": True}},
            )
        except ApiError as error:
            if error.error != "resource_already_exists_exception":
                raise
            self.client.indices.put_alias(index=index, name=alias)

    def drop(self) -> None:
        """Delete the index and its alias (tests and `homeward` maintenance only)."""
        self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
        self.client.indices.delete(index=self.sets_index_name, ignore_unavailable=True)
        self._sets_ready = False
        self.client.indices.delete(index=self.runs_index_name, ignore_unavailable=True)
        self._runs_ready = False

    def close(self) -> None:
        self.client.close()

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    # --- writing --------------------------------------------------------------------

    def upsert(self, articles: Iterable[Article]) -> WriteReport:
        """Bulk-index in chunks, BULK_WORKERS chunks in flight: the node analyses one
        chunk while the next is on its way. Memory stays bounded by the chunks in flight."""
        report = WriteReport()
        in_flight: deque[Future[WriteReport]] = deque()
        with ThreadPoolExecutor(max_workers=BULK_WORKERS) as pool:
            for chunk in chunked(articles, BULK_CHUNK):
                actions = [
                    {
                        "_op_type": "index",
                        "_index": self.alias,
                        "_id": article.id,
                        "_source": to_document(article),
                    }
                    for article in chunk
                ]
                in_flight.append(pool.submit(self._bulk, actions))
                if len(in_flight) >= BULK_WORKERS:
                    report.merge(in_flight.popleft().result())
            while in_flight:
                report.merge(in_flight.popleft().result())
        return report

    def _bulk(self, actions: list[dict[str, Any]]) -> WriteReport:
        """One chunk; items refused with 429 or 5xx (or lost to a connection error) are
        retried with jittered exponential back-off, every other refusal is reported."""
        report = WriteReport()
        pending = actions
        for attempt in range(BULK_ATTEMPTS):
            retry: list[dict[str, Any]] = []
            by_id = {action["_id"]: action for action in pending}
            results = helpers.streaming_bulk(
                self.client,
                pending,
                chunk_size=BULK_CHUNK,
                max_retries=0,
                raise_on_error=False,
                raise_on_exception=False,
            )
            for ok, result in results:
                item = next(iter(result.values()))
                if ok:
                    report.stored += 1
                    continue
                status = item.get("status")
                reason = _failure_reason(item)
                if _retryable(status) and attempt < BULK_ATTEMPTS - 1:
                    retry.append(by_id[item["_id"]])
                else:
                    report.failed.append((str(item.get("_id")), reason))
            if not retry:
                break
            pending = retry
            time.sleep(min(30.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.5))
        return report

    def delete(self, article_id: str) -> bool:
        try:
            self.client.delete(index=self.alias, id=article_id, refresh=True)
        except NotFoundError:
            return False
        return True

    def add_duplicate(self, original_id: str, copy_url: str) -> bool:
        def link(document: dict[str, Any]) -> dict[str, Any] | None:
            if copy_url in document["duplicates"]:
                return None
            document["duplicates"].append(copy_url)
            return document

        return self._rewrite(
            self.alias,
            original_id,
            lambda: self._fetch(self.alias, original_id),
            link,
            f"article {original_id}",
        )

    def _fetch(self, index: str, doc_id: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.get(index=index, id=doc_id))
        except NotFoundError:
            return None

    def _rewrite(
        self,
        index: str,
        doc_id: str,
        fetch: Callable[[], dict[str, Any] | None],
        edit: Callable[[dict[str, Any]], dict[str, Any] | None],
        what: str,
    ) -> bool:
        """Read, change, write with optimistic concurrency (if_seq_no): the test node has
        no scripting. A concurrent write makes `edit` run again on the newer document,
        after a short jittered pause, so many writers to one document all get through.
        `edit` returns the document to write, or None when nothing needs writing.
        False when there is no such document."""
        for attempt in range(REWRITE_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, 0.02 * attempt))
            current = fetch()
            if current is None:
                return False
            document = edit(current["_source"])
            if document is None:
                return True
            try:
                self.client.index(
                    index=index,
                    id=doc_id,
                    document=document,
                    if_seq_no=current["_seq_no"],
                    if_primary_term=current["_primary_term"],
                    refresh=True,
                )
            except ConflictError:
                continue
            return True
        raise ArchiveError(f"archive {self.url}: {what} kept changing; try again")

    # --- reading --------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        try:
            document = self.client.get(index=self.alias, id=article_id)
        except NotFoundError:
            return None
        return from_document(document["_source"])

    def count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

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
        response = self.client.search(index=self.alias, **body)
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

    def iter_fetched_since(self, cutoff: datetime) -> Iterator[Article]:
        query = {"query": {"range": {"fetched_at": {"gte": cutoff.isoformat()}}}}
        for hit in helpers.scan(self.client, index=self.alias, query=query):
            yield from_document(hit["_source"])

    # --- article sets: a small second index, `<alias>-sets` -----------------------------

    @property
    def sets_alias(self) -> str:
        return f"{self.alias}-sets"

    @property
    def sets_index_name(self) -> str:
        return f"{self.sets_alias}-v{SETS_INDEX_VERSION}"

    def _ensure_sets_index(self) -> None:
        """Created on first use, so archives that never keep a set get no extra index."""
        if getattr(self, "_sets_ready", False):
            return
        if not self.client.indices.exists_alias(name=self.sets_alias):
            self._create_behind_alias(
                self.sets_index_name, self.sets_alias, SMALL_INDEX_SETTINGS, SETS_MAPPING
            )
        self._sets_ready = True

    def list_sets(self) -> list[ArticleSet]:
        self._ensure_sets_index()
        response = self.client.search(
            index=self.sets_alias,
            query={"match_all": {}},
            sort=[{"name_key": "asc"}, {"id": "asc"}],
            size=MAX_SETS,
        )
        return [set_from_document(raw["_source"]) for raw in response["hits"]["hits"]]

    def get_set(self, set_id: str) -> ArticleSet | None:
        found = self._get_set_document(set_id)
        return set_from_document(found["_source"]) if found else None

    def _get_set_document(self, set_id: str) -> dict[str, Any] | None:
        if not looks_like_set_id(set_id):  # also keeps over-long ids away from the server
            return None
        self._ensure_sets_index()
        return self._fetch(self.sets_alias, set_id)

    def _name_taken(self, article_set: ArticleSet) -> bool:
        response = self.client.search(
            index=self.sets_alias,
            query={
                "bool": {
                    "filter": [{"term": {"name_key": article_set.name_key}}],
                    "must_not": [{"ids": {"values": [article_set.id]}}],
                }
            },
            size=0,
            track_total_hits=True,
        )
        return int(response["hits"]["total"]["value"]) > 0

    def create_set(self, article_set: ArticleSet) -> ArticleSet:
        # Names are checked, not locked: two people creating one name in the same
        # instant could both succeed; `find_set` then picks the first by id.
        self._ensure_sets_index()
        if self._name_taken(article_set):
            raise duplicate_name_error(article_set.name)
        self.client.create(
            index=self.sets_alias,
            id=article_set.id,
            document=set_to_document(article_set),
            refresh=True,
        )
        return article_set

    def update_set(self, set_id: str, change: SetChange) -> ArticleSet:
        changed: list[ArticleSet] = []

        def apply(source: dict[str, Any]) -> dict[str, Any]:
            article_set = set_from_document(source)
            before = article_set.name_key
            change(article_set)
            if article_set.name_key != before and self._name_taken(article_set):
                raise duplicate_name_error(article_set.name)
            changed[:] = [article_set]
            return set_to_document(article_set)

        found = self._rewrite(
            self.sets_alias,
            set_id,
            lambda: self._get_set_document(set_id),
            apply,
            f"set {set_id}",
        )
        if not found:
            raise SetNotFound(f"no set with id {set_id}")
        return changed[0]

    def delete_set(self, set_id: str) -> bool:
        if not looks_like_set_id(set_id):
            return False
        self._ensure_sets_index()
        try:
            self.client.delete(index=self.sets_alias, id=set_id, refresh=True)
        except NotFoundError:
            return False
        return True

    # --- run history: a small third index, `<alias>-runs` -----------------------------------

    @property
    def runs_alias(self) -> str:
        return f"{self.alias}-runs"

    @property
    def runs_index_name(self) -> str:
        return f"{self.runs_alias}-v{RUNS_INDEX_VERSION}"

    def _ensure_runs_index(self) -> None:
        """Created on first use, like the sets index."""
        if getattr(self, "_runs_ready", False):
            return
        if not self.client.indices.exists_alias(name=self.runs_alias):
            self._create_behind_alias(
                self.runs_index_name, self.runs_alias, SMALL_INDEX_SETTINGS, RUNS_MAPPING
            )
        self._runs_ready = True

    def record_run(self, run: RunRecord) -> None:
        self._ensure_runs_index()
        self.client.index(index=self.runs_alias, id=run.id, document=run.to_dict(), refresh=True)

    def _get_run_document(self, run_id: str) -> dict[str, Any] | None:
        if not looks_like_run_id(run_id):  # also keeps over-long ids away from the server
            return None
        self._ensure_runs_index()
        return self._fetch(self.runs_alias, run_id)

    def update_run(self, run_id: str, change: RunChange) -> RunRecord:
        # Two Scrapyd nodes finishing together each retry on the other's record.
        changed: list[RunRecord] = []

        def apply(source: dict[str, Any]) -> dict[str, Any]:
            run = RunRecord.from_dict(source)
            change(run)
            changed[:] = [run]
            return run.to_dict()

        found = self._rewrite(
            self.runs_alias,
            run_id,
            lambda: self._get_run_document(run_id),
            apply,
            f"run {run_id}",
        )
        if not found:
            raise RunNotFound(f"no run with id {run_id}")
        return changed[0]

    def get_run(self, run_id: str) -> RunRecord | None:
        found = self._get_run_document(run_id)
        return RunRecord.from_dict(found["_source"]) if found else None

    def list_runs(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        self._ensure_runs_index()
        query: dict[str, Any] = (
            {"bool": {"filter": [{"term": {"sources": source}}]}}
            if source is not None
            else {"match_all": {}}
        )
        response = self.client.search(
            index=self.runs_alias,
            query=query,
            sort=[{"started_at": "desc"}, {"id": "desc"}],
            size=min(max(limit, 0), MAX_RUNS),
        )
        return [RunRecord.from_dict(raw["_source"]) for raw in response["hits"]["hits"]]


def version_problem(url: str, server: str) -> str | None:
    """Why a server of this version cannot be used, naming both versions; None if it can."""
    if server.split(".")[0] == str(SUPPORTED_MAJOR):
        return None
    return (
        f"Elasticsearch at {url} runs version {server}, but this Homeward uses "
        f"elasticsearch-py {CLIENT_VERSION}, which speaks to major version "
        f"{SUPPORTED_MAJOR}; run an Elasticsearch {SUPPORTED_MAJOR}.x server."
    )


def to_document(article: Article) -> dict[str, Any]:
    """The Article record plus the normalised keys the filters compare."""
    document = article.to_dict()
    document["source_key"] = normalise_key(article.source) if article.source else None
    document["name_keys"] = sorted(article.name_keys())
    document["place_keys"] = sorted(article.place_keys())
    return document


def from_document(source: dict[str, Any]) -> Article:
    record = {key: value for key, value in source.items() if key not in FILTER_KEYS}
    return Article.from_dict(record)


def _retryable(status: object) -> bool:
    return status == 429 or (isinstance(status, int) and status >= 500) or status == "N/A"


def _failure_reason(item: dict[str, Any]) -> str:
    error = item.get("error") or item.get("exception") or "unknown error"
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return f"status {item.get('status')}: {error}"


# --- rendering the query tree ---------------------------------------------------------


def render(node: Node) -> dict[str, Any]:
    """An Elasticsearch query for a tree; user text only ever becomes match values."""
    if isinstance(node, Text):
        clauses = []
        for segment in text_segments(node.value):
            if segment.kind == "latin":
                fields = ["title^3", "text"]
                query = " ".join(segment.tokens)
            elif len(segment.tokens[0]) == 1:
                fields = ["title^3", "text"]
                query = segment.tokens[0]
            else:
                fields = ["title.cjk^3", "text.cjk"]
                query = segment.tokens[0]
            clauses.append({"multi_match": {"query": query, "type": "phrase", "fields": fields}})
        return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}
    if isinstance(node, Field):
        field = {
            "person": "name_keys",
            "place": "place_keys",
            "year": "years",
            "language": "language",
            "source": "source_key",
        }[node.name]
        return {"bool": {"filter": [{"term": {field: node.value}}]}}
    if isinstance(node, DateRange):
        bounds: dict[str, Any] = {"format": "epoch_millis"}
        if node.since is not None:
            bounds["gte"] = int(node.since * 1000)
        if node.until is not None:
            bounds["lte"] = int(node.until * 1000)
        return {"bool": {"filter": [{"range": {"published": bounds}}]}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [render(node.child)]}}
    if isinstance(node, And):
        if not node.children:
            return {"match_all": {}}
        return {"bool": {"must": [render(child) for child in node.children]}}
    if isinstance(node, Or):
        if not node.children:
            return {"match_none": {}}
        return {
            "bool": {
                "should": [render(child) for child in node.children],
                "minimum_should_match": 1,
            }
        }
    raise TypeError(f"unknown query node {node!r}")


# --- article sets ----------------------------------------------------------------------

SETS_INDEX_VERSION = 1
MAX_SETS = 10_000
_DATE = {"type": "date"}
SETS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        "name": _KEYWORD,
        "name_key": _KEYWORD,
        "note": {"type": "text"},
        "created_at": _DATE,
        "updated_at": _DATE,
        "items": {
            "properties": {
                "article_id": _KEYWORD,
                "note": {"type": "text"},
                "added_at": _DATE,
            }
        },
    },
}


def set_to_document(article_set: ArticleSet) -> dict[str, Any]:
    return {**article_set.to_dict(), "name_key": article_set.name_key}


def set_from_document(source: dict[str, Any]) -> ArticleSet:
    return ArticleSet.from_dict({key: value for key, value in source.items() if key != "name_key"})


# --- run history -------------------------------------------------------------------------

RUNS_INDEX_VERSION = 1
# Strict like the others; the summaries are kept whole but not indexed (they are read,
# never searched), so a new counter in a summary needs no mapping change.
RUNS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        # date_nanos: runs started in one millisecond still sort as in SQLite.
        "started_at": {"type": "date_nanos"},
        "finished_at": {"type": "date_nanos"},
        "state": _KEYWORD,
        "origin": _KEYWORD,
        "schedule": _KEYWORD,
        "sources": _KEYWORD,
        "sources_file": _KEYWORD,
        "host": _KEYWORD,
        "pid": {"type": "long"},
        "message": {"type": "text", "index": False},
        "summary": {"type": "object", "enabled": False},
        "nodes": {"type": "object", "enabled": False},
    },
}

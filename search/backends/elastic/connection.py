"""What every index of one archive shares: the client, the server version check,
versioned indexes behind aliases and optimistic read-modify-write."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import __versionstr__ as CLIENT_VERSION
from elasticsearch.helpers import BulkIndexError
from elasticsearch.serializer import OrjsonSerializer

from homeward.paths import shown_url
from search.archive import ArchiveError

SUPPORTED_MAJOR = int(CLIENT_VERSION.split(".")[0])
# Tries of one read-modify-write before giving up (writers to one document are few).
REWRITE_ATTEMPTS = 30
# One replica as soon as there is a second node to hold it (none on a single node,
# which could never place it): a lost data node loses nothing (docs/scaling.md).
REPLICAS: dict[str, Any] = {"auto_expand_replicas": "0-1"}
SMALL_INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1, **REPLICAS}
Record = TypeVar("Record")
# Field types the mappings of every index share.
KEYWORD: dict[str, Any] = {"type": "keyword"}
DATE: dict[str, Any] = {"type": "date"}


# The index blocks Elasticsearch names in a cluster_block_exception, by their setting.
BLOCKS = (
    ("index write (api)", "index.blocks.write"),
    ("index read-only (api)", "index.blocks.read_only"),
    ("index read (api)", "index.blocks.read"),
    ("index metadata (api)", "index.blocks.metadata"),
)


def block_hint(reason: str) -> str:
    """What to do about the index block a refusal names (an empty string if none)."""
    if "read-only-allow-delete" in reason or "flood-stage" in reason:
        return (
            "a node's disk is nearly full (past the flood-stage watermark); free space and "
            "Elasticsearch lifts the block itself"
        )
    index = re.search(r"index \[([^\]]+)\]", reason)
    name = index[1] if index else "<index>"
    for said, setting in BLOCKS:
        if said in reason:
            return (
                f"the index has {setting} set; clear it when that is over: "
                f'PUT /{name}/_settings {{"{setting}": null}}'
            )
    if "cluster_block_exception" in reason:
        return f"an index or cluster block is set: see GET /{name}/_settings"
    return ""


class IndexBlocked(Exception):
    """A bulk write refused for a cluster block: the state of the whole index, not the
    fault of one article (raised by articles.py, said by `Connection.refusals`)."""


class Connection:
    """A client on one cluster of the supported major version (checked on opening)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shown = shown_url(url)  # for messages: a password in the URL as ***
        # orjson: a bulk body's documents and a search's facets (a day facet can hold
        # 50,000 buckets) are read and written 2-3x faster than with `json`.
        self.client = Elasticsearch(
            url,
            request_timeout=60,
            max_retries=2,
            retry_on_timeout=True,
            serializer=OrjsonSerializer(),
        )
        try:
            self._check_server()
        except ArchiveError:
            self.client.close()  # a refused archive leaves no open connection pool behind
            raise

    def _check_server(self) -> None:
        try:
            # Not `GET /`: minimal distributions (the test node) do not serve it.
            nodes = self.client.nodes.info(node_id="_local", filter_path="nodes.*.version")
        except ESConnectionError as error:
            raise ArchiveError(
                f"cannot reach Elasticsearch at {self.shown} ({error.message}); start one with "
                "`scripts/elasticsearch.sh start` or check --archive / HOMEWARD_ARCHIVE"
            ) from error
        except ApiError as error:
            raise ArchiveError(
                f"Elasticsearch at {self.shown} refused: {refusal(error)}"
            ) from error
        problem = version_problem(self.shown, str(next(iter(nodes["nodes"].values()))["version"]))
        if problem:
            raise ArchiveError(problem)

    def close(self) -> None:
        self.client.close()

    @contextmanager
    def refusals(self, what: str) -> Iterator[None]:
        """Whatever elasticsearch-py raises inside, as one ArchiveError naming the archive
        (its password hidden), what it was asked to do and why it refused: an index
        block, a mapping it will not take, a node gone. Callers (the CLI, the crawler,
        the web app) then deal with one kind of error, and never print a traceback."""
        try:
            yield
        except IndexBlocked as error:
            reason = str(error).rstrip("; ")
            raise ArchiveError(
                f"Elasticsearch at {self.shown} refused to {what}: {reason} ({block_hint(reason)})"
            ) from error
        except ApiError as error:
            raise ArchiveError(
                f"Elasticsearch at {self.shown} refused to {what}: {refusal(error)}"
            ) from error
        except BulkIndexError as error:
            first: Any = error.errors[0] if error.errors else {}
            item: Any = next(iter(first.values()), {}) if isinstance(first, dict) else {}
            reason = item.get("error", "unknown error") if isinstance(item, dict) else item
            raise ArchiveError(
                f"Elasticsearch at {self.shown} refused to {what}: {len(error.errors)} "
                f"document(s) refused, the first for {reason}"
            ) from error
        except TransportError as error:  # no answer: a node gone, a timeout, a broken reply
            raise ArchiveError(
                f"Elasticsearch at {self.shown} could not {what}: {type(error).__name__} "
                f"({error.message}); is it running and reachable?"
            ) from error

    def create_behind_alias(
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

    def fetch(self, index: str, doc_id: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.get(index=index, id=doc_id))
        except NotFoundError:
            return None

    def rewrite(
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
        raise ArchiveError(f"archive {self.shown}: {what} kept changing; try again")


class SmallIndex:
    """A small index (`<alias>-v<version>` behind `alias`) created on first use, so
    archives that never need it get no extra index."""

    record_name = "record"  # what one document is, for messages

    def __init__(
        self, connection: Connection, alias: str, version: int, mapping: dict[str, Any]
    ) -> None:
        self.connection = connection
        self.client = connection.client
        self.alias = alias
        self.index_name = f"{alias}-v{version}"
        self.mapping = mapping
        self.ready = False

    def ensure(self) -> None:
        if self.ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            self.connection.create_behind_alias(
                self.index_name, self.alias, SMALL_INDEX_SETTINGS, self.mapping
            )
        self.ready = True

    def drop(self) -> None:
        self.client.indices.delete(index=self.index_name, ignore_unavailable=True)
        self.ready = False

    def valid_id(self, doc_id: str) -> bool:
        """Whether `doc_id` can name a record here; others are never sent to the server."""
        return True

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        if not self.valid_id(doc_id):  # also keeps over-long ids away from the server
            return None
        self.ensure()
        return self.connection.fetch(self.alias, doc_id)

    def delete_document(self, doc_id: str) -> bool:
        """Delete one record; whether it was there (an id this index cannot hold never was)."""
        if not self.valid_id(doc_id):
            return False
        self.ensure()
        try:
            self.client.delete(index=self.alias, id=doc_id, refresh=True)
        except NotFoundError:
            return False
        return True

    def every_source(self, sort: list[dict[str, str]], page_size: int) -> Iterator[dict[str, Any]]:
        """Every document's source in `sort` order, a page at a time (search_after), so
        an index of any size is read with one page in memory."""
        self.ensure()
        after: list[Any] | None = None
        while True:
            response = self.client.search(
                index=self.alias,
                query={"match_all": {}},
                sort=sort,
                size=page_size,
                search_after=after,
            )
            page = response["hits"]["hits"]
            if not page:
                return
            for raw in page:
                yield raw["_source"]
            after = page[-1]["sort"]

    def rewrite_record(
        self,
        doc_id: str,
        load: Callable[[dict[str, Any]], Record],
        change: Callable[[Record], None],
        dump: Callable[[Record], dict[str, Any]],
    ) -> Record | None:
        """Apply `change` to one stored record as an optimistic read-modify-write (a
        concurrent writer's change is kept: `change` runs again on the newer record);
        the changed record, or None when there is no such document."""
        changed: list[Record] = []

        def apply(source: dict[str, Any]) -> dict[str, Any]:
            record = load(source)
            change(record)
            changed[:] = [record]
            return dump(record)

        found = self.connection.rewrite(
            self.alias,
            doc_id,
            lambda: self.get_document(doc_id),
            apply,
            f"{self.record_name} {doc_id}",
        )
        return changed[0] if found else None


def refusal(error: ApiError) -> str:
    """Why Elasticsearch refused a request, from its answer: the root cause's type and
    reason, else the HTTP status (a HEAD request is answered with no body)."""
    body = error.body if isinstance(error.body, dict) else {}
    cause = body.get("error")
    if isinstance(cause, dict):
        roots = cause.get("root_cause")
        root = (
            roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], dict) else cause
        )
        said = f"{root.get('type', error.message)}: {root.get('reason', '')}".rstrip(":; ")
    elif cause:
        said = str(cause)
    else:
        message = error.message if error.message not in (None, "", "None") else ""
        said = f"HTTP {error.meta.status} {message}".strip()
    if hint := block_hint(said):
        return f"{said} ({hint})"
    if error.meta.status == 403 and not cause:  # a HEAD request: no reason given
        return (
            f"{said}: forbidden (a privilege the user lacks, or an index block such as "
            "index.blocks.metadata: see GET /<index>/_settings)"
        )
    return said


def version_problem(url: str, server: str) -> str | None:
    """Why a server of this version cannot be used, naming both versions; None if it can."""
    if server.split(".")[0] == str(SUPPORTED_MAJOR):
        return None
    return (
        f"Elasticsearch at {url} runs version {server}, but this Homeward uses "
        f"elasticsearch-py {CLIENT_VERSION}, which speaks to major version "
        f"{SUPPORTED_MAJOR}; run an Elasticsearch {SUPPORTED_MAJOR}.x server."
    )

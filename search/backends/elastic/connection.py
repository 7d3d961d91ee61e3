"""What every index of one archive shares: the client, the server version check,
versioned indexes behind aliases and optimistic read-modify-write."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import __versionstr__ as CLIENT_VERSION

from search.archive import ArchiveError

SUPPORTED_MAJOR = int(CLIENT_VERSION.split(".")[0])
# Tries of one read-modify-write before giving up (writers to one document are few).
REWRITE_ATTEMPTS = 30
SMALL_INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
Record = TypeVar("Record")
# Field types the mappings of every index share.
KEYWORD: dict[str, Any] = {"type": "keyword"}
DATE: dict[str, Any] = {"type": "date"}


class Connection:
    """A client on one cluster of the supported major version (checked on opening)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = Elasticsearch(url, request_timeout=60, max_retries=2, retry_on_timeout=True)
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
                f"cannot reach Elasticsearch at {self.url} ({error.message}); start one with "
                "`scripts/elasticsearch.sh start` or check --archive / HOMEWARD_ARCHIVE"
            ) from error
        except ApiError as error:
            raise ArchiveError(f"Elasticsearch at {self.url} refused: {error}") from error
        problem = version_problem(self.url, str(next(iter(nodes["nodes"].values()))["version"]))
        if problem:
            raise ArchiveError(problem)

    def close(self) -> None:
        self.client.close()

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
        raise ArchiveError(f"archive {self.url}: {what} kept changing; try again")


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


def version_problem(url: str, server: str) -> str | None:
    """Why a server of this version cannot be used, naming both versions; None if it can."""
    if server.split(".")[0] == str(SUPPORTED_MAJOR):
        return None
    return (
        f"Elasticsearch at {url} runs version {server}, but this Homeward uses "
        f"elasticsearch-py {CLIENT_VERSION}, which speaks to major version "
        f"{SUPPORTED_MAJOR}; run an Elasticsearch {SUPPORTED_MAJOR}.x server."
    )

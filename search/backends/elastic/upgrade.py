"""Moving an archive's articles into the index of the current mapping version.

An analyzer of a live index cannot change, so a release that changes how text is
analysed (version 2: scripts and word forms folded, names and places in every form;
version 3: the folded copies cut to what needs them; version 4: each text analysed
once, Chinese as characters in runs kept apart rather than a second time as bigrams,
plurals searched in every form rather than copied) makes a new index,
`<alias>-v<version>`. An archive opened on an index of an earlier version is copied
into it once, every document remade from its record (so the keys
computed in Python are new too); the alias then moves in one atomic step and the old
index is deleted. The new index keeps the archive's identity (`IDENTITY_META`), so
the crawl state bound to the archive stays bound to it. Until the alias moves, the old
index stays whole: a copy that fails half-way leaves the archive as it was, and the
next opening starts the copy again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from elasticsearch import ApiError, helpers

from homeward.article import Article
from search.archive import ArchiveError
from search.backends.elastic.articles import from_document, write_articles
from search.backends.elastic.connection import Connection

# The archive's identity (Archive.identity) kept in an upgraded index's mapping: the
# crawl state is bound to it, and an upgrade is the same archive, not another one.
IDENTITY_META = "homeward_identity"
# The new index's refresh interval while articles are copied into it, and after.
COPYING: dict[str, Any] = {"refresh_interval": "-1"}
COPIED: dict[str, Any] = {"index.refresh_interval": None}


def index_identity(connection: Connection, name: str) -> str:
    """The identity of the archive behind index or alias `name`: the one an upgrade
    carried over, else the uuid Elasticsearch gave the index when it was made."""
    mappings = connection.client.indices.get_mapping(index=name)
    for mapping in mappings.values():
        kept = (mapping.get("mappings", {}).get("_meta") or {}).get(IDENTITY_META)
        if kept:
            return str(kept)
    settings = connection.client.indices.get_settings(index=name, name="index.uuid")
    return str(next(iter(settings.values()))["settings"]["index"]["uuid"])


def indexes_behind(connection: Connection, alias: str) -> list[str]:
    """The indexes the alias points to now (one, unless something else moved it)."""
    return sorted(connection.client.indices.get_alias(name=alias))


def upgrade(
    connection: Connection,
    alias: str,
    index: str,
    settings: dict[str, Any],
    mappings: dict[str, Any],
) -> bool:
    """Copy the articles behind `alias` into `index` and move the alias there, when the
    alias points elsewhere; True when it did."""
    client = connection.client
    old = indexes_behind(connection, alias)
    if index in old:
        return False
    if not client.indices.exists(index=index):
        # No refreshes while copying: nothing searches the new index before the alias
        # moves, and each one would cut a segment to merge later.
        settings = {**settings, **_replicas(connection, old), **COPYING}
        meta = {**mappings.get("_meta", {}), IDENTITY_META: index_identity(connection, old[0])}
        mappings = {**mappings, "_meta": meta}
        try:
            client.indices.create(index=index, settings=settings, mappings=mappings)
        except ApiError as error:  # another process is upgrading the same archive
            if error.error != "resource_already_exists_exception":
                raise
    report = write_articles(client, index, _articles(connection, old))
    if report.failed:
        article_id, reason = report.failed[0]
        raise ArchiveError(
            f"Elasticsearch at {connection.shown}: upgrading {alias} to {index} failed for "
            f"{len(report.failed)} article(s), the first {article_id} ({reason}); the archive "
            "is left as it was, behind the old index"
        )
    client.indices.put_settings(index=index, settings=COPIED)
    client.indices.refresh(index=index)
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": index, "alias": alias, "is_write_index": True}})
    try:
        client.indices.update_aliases(actions=actions)
    except ApiError:
        if index not in indexes_behind(connection, alias):
            raise  # not moved by another process either
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    return True


def _replicas(connection: Connection, indexes: list[str]) -> dict[str, Any]:
    """The old index's replicas when they were chosen (auto-expanding, or a count an
    operator set on a cluster, docs/scaling.md): the new index keeps them rather than
    fall back to the default. An old index without either had none, the old default."""
    answer = connection.client.indices.get_settings(index=indexes[0], name="index.*replicas")
    value = next(iter(answer.values()), {}).get("settings", {}).get("index", {})
    replicas = int(value.get("number_of_replicas", 0))
    expand = value.get("auto_expand_replicas") or ("false" if replicas else None)
    if expand is None:
        return {}
    return {"auto_expand_replicas": expand, "number_of_replicas": replicas}


def _articles(connection: Connection, indexes: list[str]) -> Iterator[Article]:
    for name in indexes:
        for hit in helpers.scan(connection.client, index=name, query={"query": {"match_all": {}}}):
            yield from_document(hit["_source"])

"""Saved searches: a small index, `<alias>-watches`; each record kept whole, unindexed
(it is read, never searched), beside its id and name key."""

from __future__ import annotations

from typing import Any

from search.backends.elastic.connection import KEYWORD, Connection, SmallIndex
from search.watches import Watch, WatchChange, WatchError, WatchNotFound, looks_like_watch_id

WATCHES_INDEX_VERSION = 1
MAX_WATCHES = 10_000
WATCHES_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "name_key": KEYWORD,
        "record": {"type": "object", "enabled": False},
    },
}


class WatchesIndex(SmallIndex):
    """The saved searches of the archive behind `archive_alias`."""

    record_name = "saved search"

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(
            connection, f"{archive_alias}-watches", WATCHES_INDEX_VERSION, WATCHES_MAPPING
        )

    def valid_id(self, doc_id: str) -> bool:
        return looks_like_watch_id(doc_id)

    def all(self) -> list[Watch]:
        self.ensure()
        response = self.client.search(
            index=self.alias,
            query={"match_all": {}},
            sort=[{"name_key": "asc"}, {"id": "asc"}],
            size=MAX_WATCHES,
        )
        return [load(raw["_source"]) for raw in response["hits"]["hits"]]

    def get(self, watch_id: str) -> Watch | None:
        found = self.get_document(watch_id)
        return load(found["_source"]) if found else None

    def create(self, watch: Watch) -> Watch:
        self.ensure()
        response = self.client.search(
            index=self.alias, query={"term": {"name_key": watch.name_key}}, size=0
        )
        if int(response["hits"]["total"]["value"]) > 0:
            raise WatchError(f"a saved search named {watch.name!r} already exists")
        self.client.create(index=self.alias, id=watch.id, document=dump(watch), refresh=True)
        return watch

    def update(self, watch_id: str, change: WatchChange) -> Watch:
        changed = self.rewrite_record(watch_id, load, change, dump)
        if changed is None:
            raise WatchNotFound(f"no saved search with id {watch_id}")
        return changed

    def delete(self, watch_id: str) -> bool:
        return self.delete_document(watch_id)


def dump(watch: Watch) -> dict[str, Any]:
    return {"id": watch.id, "name_key": watch.name_key, "record": watch.to_dict()}


def load(source: dict[str, Any]) -> Watch:
    return Watch.from_dict(source["record"])

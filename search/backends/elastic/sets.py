"""Article sets: a small second index, `<alias>-sets`."""

from __future__ import annotations

from typing import Any

from search.backends.elastic.connection import DATE, KEYWORD, Connection, SmallIndex
from search.sets import (
    ArticleSet,
    SetChange,
    SetNotFound,
    duplicate_name_error,
    looks_like_set_id,
)

SETS_INDEX_VERSION = 1
MAX_SETS = 10_000
SETS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "name": KEYWORD,
        "name_key": KEYWORD,
        "note": {"type": "text"},
        "created_at": DATE,
        "updated_at": DATE,
        "items": {
            "properties": {
                "article_id": KEYWORD,
                "note": {"type": "text"},
                "added_at": DATE,
            }
        },
    },
}


class SetsIndex(SmallIndex):
    """The sets of the archive behind `archive_alias`."""

    record_name = "set"

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(connection, f"{archive_alias}-sets", SETS_INDEX_VERSION, SETS_MAPPING)

    def all(self) -> list[ArticleSet]:
        self.ensure()
        response = self.client.search(
            index=self.alias,
            query={"match_all": {}},
            sort=[{"name_key": "asc"}, {"id": "asc"}],
            size=MAX_SETS,
        )
        return [set_from_document(raw["_source"]) for raw in response["hits"]["hits"]]

    def get(self, set_id: str) -> ArticleSet | None:
        found = self.get_document(set_id)
        return set_from_document(found["_source"]) if found else None

    def valid_id(self, doc_id: str) -> bool:
        return looks_like_set_id(doc_id)

    def _name_taken(self, article_set: ArticleSet) -> bool:
        response = self.client.search(
            index=self.alias,
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

    def create(self, article_set: ArticleSet) -> ArticleSet:
        # Names are checked, not locked: two people creating one name in the same
        # instant could both succeed; `find_set` then picks the first by id.
        self.ensure()
        if self._name_taken(article_set):
            raise duplicate_name_error(article_set.name)
        self.client.create(
            index=self.alias,
            id=article_set.id,
            document=set_to_document(article_set),
            refresh=True,
        )
        return article_set

    def update(self, set_id: str, change: SetChange) -> ArticleSet:
        def checked(article_set: ArticleSet) -> None:
            before = article_set.name_key
            change(article_set)
            if article_set.name_key != before and self._name_taken(article_set):
                raise duplicate_name_error(article_set.name)

        changed = self.rewrite_record(set_id, set_from_document, checked, set_to_document)
        if changed is None:
            raise SetNotFound(f"no set with id {set_id}")
        return changed

    def delete(self, set_id: str) -> bool:
        return self.delete_document(set_id)


def set_to_document(article_set: ArticleSet) -> dict[str, Any]:
    return {**article_set.to_dict(), "name_key": article_set.name_key}


def set_from_document(source: dict[str, Any]) -> ArticleSet:
    return ArticleSet.from_dict({key: value for key, value in source.items() if key != "name_key"})

"""Triage marks: a small index, `<alias>-marks`, one document per marked article (its
id is the article's), the mark kept whole beside the fields it is sorted by."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from search.archive import BULK_CHUNK
from search.backends.elastic.connection import DATE, KEYWORD, Connection, SmallIndex
from search.triage import TriageMark

MARKS_INDEX_VERSION = 1
MARKS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "article_id": KEYWORD,
        "verdict": KEYWORD,
        "marked_at": DATE,
        "record": {"type": "object", "enabled": False},
    },
}
# Article ids are hashes (homeward/article.py article_id); nothing else names a mark.
ARTICLE_ID = re.compile(r"^[0-9a-f]{32}$")


class MarksIndex(SmallIndex):
    """The triage marks of the archive behind `archive_alias`."""

    record_name = "triage mark"

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(connection, f"{archive_alias}-marks", MARKS_INDEX_VERSION, MARKS_MAPPING)

    def valid_id(self, doc_id: str) -> bool:
        return bool(ARTICLE_ID.match(doc_id))

    def put(self, mark: TriageMark) -> None:
        self.ensure()
        document = {
            "article_id": mark.article_id,
            "verdict": mark.verdict,
            "marked_at": mark.marked_at,
            "record": mark.to_dict(),
        }
        self.client.index(index=self.alias, id=mark.article_id, document=document, refresh=True)

    def remove(self, article_id: str) -> bool:
        return self.delete_document(article_id)

    def of(self, article_ids: Iterable[str]) -> dict[str, TriageMark]:
        wanted = [i for i in dict.fromkeys(article_ids) if self.valid_id(i)]
        if not wanted:
            return {}
        self.ensure()
        found: dict[str, TriageMark] = {}
        for start in range(0, len(wanted), BULK_CHUNK):
            response = self.client.mget(index=self.alias, ids=wanted[start : start + BULK_CHUNK])
            for doc in response["docs"]:
                if doc.get("found"):
                    mark = TriageMark.from_dict(doc["_source"]["record"])
                    found[mark.article_id] = mark
        return found

    def all(self) -> Iterator[TriageMark]:
        sort = [{"marked_at": "asc"}, {"article_id": "asc"}]
        for source in self.every_source(sort, BULK_CHUNK):
            yield TriageMark.from_dict(source["record"])

"""Pages judged off-topic, kept compressed for a second look: a small index,
`<alias>-offtopic`, whose records are stored but never analysed or searched."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import helpers

from homeward.article import Article
from search.archive import BULK_CHUNK
from search.backends.elastic.connection import KEYWORD, Connection, SmallIndex
from search.offtopic import pack, unpack

OFF_TOPIC_INDEX_VERSION = 1
OFF_TOPIC_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {"id": KEYWORD, "record": {"type": "binary"}},
}


class OffTopicIndex(SmallIndex):
    """The off-topic pages kept for the archive behind `archive_alias`."""

    record_name = "off-topic page"

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(
            connection, f"{archive_alias}-offtopic", OFF_TOPIC_INDEX_VERSION, OFF_TOPIC_MAPPING
        )

    def keep(self, articles: Iterable[Article]) -> int:
        self.ensure()
        actions = (
            {
                "_index": self.alias,
                "_id": article.id,
                "_source": {"id": article.id, "record": base64.b64encode(pack(article)).decode()},
            }
            for article in articles
        )
        kept, _ = helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, refresh=True)
        return kept

    def all(self) -> Iterator[Article]:
        for source in self.every_source([{"id": "asc"}], BULK_CHUNK):
            yield unpack(base64.b64decode(source["record"]))

    def forget(self, article_ids: Iterable[str]) -> int:
        self.ensure()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in article_ids)
        forgotten, _ = helpers.bulk(
            self.client, actions, chunk_size=BULK_CHUNK, refresh=True, raise_on_error=False
        )
        return forgotten

    def count(self) -> int:
        self.ensure()
        return int(self.client.count(index=self.alias)["count"])

"""The spool: articles and duplicate links the archive could not take, kept for the next crawl.

An archive outage must not lose what a crawl already fetched, so the index
pipeline appends what the archive refused to `spool.jsonl` in the archive's
state directory (one JSON record per line: {"article": {...}}, {"off_topic": {...}}
or {"duplicate": [original id, copy URL]}); the next crawl writes it first and
removes it only once the archive took it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeward.article import Article, ArticleError

__all__ = ["Spool", "SpoolContents"]


@dataclass(slots=True)
class SpoolContents:
    articles: list[Article] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (original id, copy URL)
    off_topic: list[Article] = field(default_factory=list)
    set_aside: int = 0  # lines that were not whole records, copied to `<spool>.bad`


class Spool:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

    def add_articles(self, articles: Iterable[Article]) -> None:
        self._append({"article": article.to_dict()} for article in articles)

    def add_off_topic(self, articles: Iterable[Article]) -> None:
        self._append({"off_topic": article.to_dict()} for article in articles)

    def add_duplicate(self, original_id: str, copy_url: str) -> None:
        self._append([{"duplicate": [original_id, copy_url]}])

    def _append(self, records: Iterable[dict[str, Any]]) -> None:
        """One write and an fsync per batch: a crash can tear at most the last line,
        which `read` then sets aside."""
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())

    def read(self) -> SpoolContents:
        """Every whole record; a line that is not one (torn by a crash or a full disk) is
        copied to `<spool>.bad` and counted, and the rest is replayed all the same."""
        contents = SpoolContents()
        bad: list[str] = []
        with self.path.open(encoding="utf-8", errors="replace") as stream:
            for line in stream:
                if not line.strip():
                    continue
                try:
                    self._take(json.loads(line), contents)
                except (ValueError, KeyError, TypeError, ArticleError):
                    bad.append(line if line.endswith("\n") else line + "\n")
        if bad:
            with self.path.with_name(self.path.name + ".bad").open("a", encoding="utf-8") as out:
                out.writelines(bad)
        contents.set_aside = len(bad)
        return contents

    @staticmethod
    def _take(record: Any, contents: SpoolContents) -> None:
        if "article" in record:
            contents.articles.append(Article.from_dict(record["article"]))
        elif "off_topic" in record:
            contents.off_topic.append(Article.from_dict(record["off_topic"]))
        else:
            original, copy = record["duplicate"]
            contents.duplicates.append((str(original), str(copy)))

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

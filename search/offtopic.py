"""Pages judged off-topic, kept small for a second look.

A page the relevance stage turned away is not fetched again, so when the lexicon
or the threshold improves it would be lost for good. The archive keeps each one
as its Article record (text, title, date, language, score and terms; no entities,
no evidence copy) compressed: a few kilobytes a page, never searched, read back
whole by `homeward rescore`.
"""

from __future__ import annotations

import json
import zlib

from homeward.article import Article

__all__ = ["pack", "unpack"]

LEVEL = 6  # zlib: most of the gain of 9 at a third of the time


def pack(article: Article) -> bytes:
    return zlib.compress(article.to_json().encode("utf-8"), LEVEL)


def unpack(record: bytes) -> Article:
    return Article.from_dict(json.loads(zlib.decompress(record)))

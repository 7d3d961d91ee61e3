"""Re-running entity tagging over stored articles, without fetching anything again.

After a model or gazetteer change the archive's names, places and years are out of
date; this reuses the crawl's own entity stage over the stored text, a batch at a
time, so an archive of any size streams through in constant memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from itertools import islice

from homeward.article import Article
from pipelines.entities import tag_many

BATCH = 64


def retag_articles(articles: Iterable[Article], batch: int = BATCH) -> Iterator[Article]:
    """Each article with names, places and years tagged afresh from its text."""
    iterator = iter(articles)
    while group := list(islice(iterator, batch)):
        found = tag_many(
            ((article.text, article.language) for article in group),
            authors=[article.authors for article in group],
        )
        for article, entities in zip(group, found, strict=True):
            yield dataclasses.replace(
                article, names=entities.names, places=entities.places, years=entities.years
            )

"""Judging kept articles again with the relevance stage's current lexicon and threshold.

Pages the crawl found off-topic are kept with their text (search/offtopic.py), so
after the lexicon or the threshold changes the same stage can look at them again,
and at the stored articles too, without fetching anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from homeward.article import Article
from pipelines.relevance import RelevanceOptions, score_relevance

__all__ = ["rescored", "split_by_verdict"]


def rescored(article: Article, options: RelevanceOptions) -> Article:
    """The article with its relevance score and terms as the stage gives them now."""
    relevance = score_relevance(article.text, article.title, options)
    return dataclasses.replace(
        article, relevance=relevance.score, relevance_terms=list(relevance.terms)
    )


def split_by_verdict(
    articles: Iterable[Article], options: RelevanceOptions
) -> Iterator[tuple[Article, bool]]:
    """Each article rescored, with whether it now reaches the threshold."""
    for article in articles:
        again = rescored(article, options)
        yield again, (again.relevance or 0.0) >= options.threshold

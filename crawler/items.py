"""The item the news spider yields and the item pipelines fill, and the record it becomes.

Plain data only (no Response, no Scrapy object): a `PageItem` crosses into
worker processes and into the spool, and its `__repr__` never prints the body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from crawler.state import Revisit
from homeward.article import Article, ArticleError, Evidence, Place, article_id, parse_published
from pipelines.extract import Extracted

__all__ = ["PageItem", "text_sha", "to_article"]


def text_sha(text: str) -> str:
    """The fingerprint a re-visit compares: the text with its white space made even, so
    a re-flowed template is not a change but any edit of the words is."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class PageItem:
    """One fetched article page on its way through the stages (plain data only)."""

    url: str  # canonical URL: the article's identity
    fetched_url: str
    source: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: str
    requested_url: str | None = None
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = None
    # filled by the stages
    extracted: Extracted | None = None
    language: str | None = None
    relevance: float | None = None
    relevance_terms: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    off_topic: bool = False  # below the relevance threshold: kept apart for a second look
    # A stored page looked at again: what it was, and whether it changed or went away.
    revisit: Revisit | None = None
    gone: str | None = None  # why the page counts as removed upstream (http-404, ...)
    duplicate_of: str | None = None  # id of the article this page is a copy of
    replaces: str | None = None  # id of a later-published copy this page takes over from
    evidence: Evidence | None = None

    @property
    def id(self) -> str:
        return article_id(self.url)

    def __repr__(self) -> str:  # Scrapy logs items on errors: never the whole body
        return f"PageItem(url={self.url!r}, source={self.source!r}, status={self.status})"


def to_article(item: PageItem) -> Article:
    """The archive record of a processed page (raises ArticleError if it breaks the contract)."""
    extracted = item.extracted
    assert extracted is not None
    published = extracted.published
    if published:
        try:
            parse_published(published)
        except ArticleError:
            published = None  # a date the page got wrong is no reason to lose the article
    return Article(
        id=item.id,
        url=item.url,
        title=extracted.title or "",
        text=extracted.text,
        language=item.language,
        published=published,
        source=item.source,
        site_name=extracted.site_name,
        authors=list(extracted.authors),
        names=list(item.names),
        places=list(item.places),
        years=list(item.years),
        fetched_at=item.fetched_at,
        relevance=item.relevance,
        relevance_terms=list(item.relevance_terms),
        evidence=item.evidence,
    )

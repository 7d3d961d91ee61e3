"""What one delivery carries: a saved search's new matches after one crawl.

The deliveries (the Atom feed, e-mail, webhook) all take the same `Digest`, so
the channels cannot disagree on what "new" meant for a run. A channel that
cannot deliver raises `DeliveryError`; the caller records it on the watch and
retries the same articles next run, and the crawl never fails for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeward.article import Article


class DeliveryError(RuntimeError):
    """A delivery that failed (SMTP refused, webhook unreachable or non-2xx)."""


@dataclass(frozen=True)
class Digest:
    watch_id: str
    watch_name: str
    query: str  # the saved search as the user wrote it (query + filters, shown)
    articles: tuple[Article, ...]  # the new matches, newest first
    masked: bool  # mask children's names (exports/masking.py) in what is sent
    feed_url: str | None  # the watch's Atom feed, when the web UI's base URL is known

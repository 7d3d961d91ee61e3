"""Merging near-duplicates that different Scrapyd nodes stored in one shared archive.

On one machine the dedupe stage (pipelines.dedupe) sees every article of a
crawl and merges syndicated copies as they arrive. Spread over nodes, each node
has its own seen store and signatures: a wire story crawled from source A on
one node and its reprint from source B on another are both stored. After the
nodes finish, the coordinator runs this pass over the articles the run stored,
against everything the archive stored in the recent window, with the dedupe
stage's own functions and rules (MinHash LSH, same threshold; a copy published
earlier takes the record over), so the archive ends as a single crawl would
have left it: each article once, copies' URLs merged into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from datasketch import MinHash

from homeward.article import parse_published, published_timestamp
from homeward.clock import utc_now
from pipelines.dedupe import DedupeOptions, NearDuplicateIndex, minhash, published_earlier
from search.archive import Archive

__all__ = ["Merge", "merge_node_duplicates"]

WINDOW_DAYS = 7.0  # syndicated copies appear within days


@dataclass(slots=True, frozen=True)
class Merge:
    """One copy merged into the article kept: `copy_new` when the copy was stored by
    this run (else an older article was taken over by an earlier-published copy)."""

    kept: str
    copy: str
    copy_url: str
    copy_new: bool


@dataclass(slots=True)
class _Seen:
    """What the pass keeps of an article: no text, so a long window stays small."""

    id: str
    url: str
    duplicates: list[str]
    published: float | None
    new: bool
    signature: MinHash | None


def merge_node_duplicates(
    archive: Archive,
    since: str,
    *,
    window_days: float = WINDOW_DAYS,
    options: DedupeOptions | None = None,
) -> list[Merge]:
    """Merge copies among the articles fetched at or after `since` (ISO time: the run's
    start) and into those fetched in the `window_days` before."""
    options = options or DedupeOptions()
    start = parse_published(since)
    cutoff = min(start, utc_now() - timedelta(days=window_days))
    archive.refresh()
    recent: dict[str, _Seen] = {}
    for article in archive.iter_fetched_since(cutoff):  # one at a time: only signatures stay
        recent[article.id] = _Seen(
            article.id,
            article.url,
            list(article.duplicates),
            published_timestamp(article.published),
            bool(article.fetched_at) and parse_published(article.fetched_at or "") >= start,
            minhash(article.text, options),
        )
    index = NearDuplicateIndex(options)
    for seen in recent.values():
        if not seen.new:
            index.add(seen.id, seen.signature, seen.published)
    merged: list[Merge] = []
    new = sorted(
        (s for s in recent.values() if s.new), key=lambda s: (s.published or math.inf, s.id)
    )
    for seen in new:
        original_id = index.find(seen.signature)
        if original_id is None or original_id == seen.id:
            index.add(seen.id, seen.signature, seen.published)
            continue
        original = recent[original_id]
        if published_earlier(seen.published, index.published.get(original_id)):
            keep, copy = seen, original  # the later-found copy was out first
            index.remove(original_id)
            index.add(seen.id, seen.signature, seen.published)
        else:
            keep, copy = original, seen
        _merge(archive, keep, copy)
        merged.append(Merge(keep.id, copy.id, copy.url, copy.new))
    if merged:
        archive.refresh()
    return merged


def _merge(archive: Archive, keep: _Seen, copy: _Seen) -> None:
    for url in [copy.url, *copy.duplicates]:
        archive.add_duplicate(keep.id, url)
        if url not in keep.duplicates:
            keep.duplicates.append(url)
    archive.delete(copy.id)

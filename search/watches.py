"""Saved searches ("watches"): a search kept by name, run again after every crawl.

A watch is small, plain data (`Watch`), stored whole by each backend like an article
set (one JSON record in SQLite, one document in Elasticsearch). It keeps the search as
the user wrote it (`query` plus the `filters` `build_request` takes), what it already
reported (so no article is delivered twice), its recent matches (what its Atom feed
shows), the user's previous visit (for "new since you last looked") and deliveries
that failed, to retry on the next run.

After a crawl the watch is evaluated only against the articles that run stored (new
and changed ones both get a new `fetched_at`): its request is restricted to their ids
(`Ids`), which both backends answer from their primary key, so the cost follows the
size of the crawl, not of the archive, and the answer is exactly the watch's search.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from homeward.article import Article, normalise_key
from homeward.clock import utc_now_iso
from search.query import Ids, SearchRequest, build_request
from search.sets import clean_name

WATCH_ID = re.compile(r"^[0-9a-f]{16}$")
FILTER_NAMES = ("person", "place", "year", "language", "source", "status")
DATE_FILTERS = ("since", "until")
MAX_REPORTED = 5_000  # ids remembered as reported (the oldest are forgotten first)
MAX_MATCHES = 200  # recent matches the feed and the page show
MAX_PENDING = 1_000  # ids kept per failed channel
CHANNELS = ("email", "webhook")


class WatchError(ValueError):
    """A watch that cannot be saved as asked; the message says what to do instead."""


class WatchNotFound(LookupError):
    """No watch has this id (or name)."""


@dataclass(slots=True)
class Watch:
    """A saved search with its memory of what it has reported and delivered."""

    id: str
    name: str
    query: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    created_at: str = field(default_factory=utc_now_iso)
    last_run_at: str | None = None
    reported: list[str] = field(default_factory=list)
    matches: list[dict[str, str]] = field(
        default_factory=list
    )  # {"id", "matched_at"}, newest first
    last_seen_at: str | None = None
    email: list[str] = field(default_factory=list)
    webhook: str | None = None
    mask_names: bool = False
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel -> ids, error

    @classmethod
    def new(
        cls,
        name: str,
        query: str = "",
        filters: Mapping[str, Any] | None = None,
        *,
        email: Iterable[str] = (),
        webhook: str | None = None,
        mask_names: bool = False,
    ) -> Watch:
        watch = cls(
            id=uuid.uuid4().hex[:16],
            name=clean_name(name),
            query=query.strip(),
            filters=clean_filters(filters or {}),
            email=[address.strip() for address in email if address.strip()],
            webhook=(webhook or "").strip() or None,
            mask_names=mask_names,
        )
        watch.request()  # a query that does not parse is refused now, not after a crawl
        return watch

    @property
    def name_key(self) -> str:
        return normalise_key(self.name)

    def shown(self) -> str:
        """The search as the user wrote it: the query, then each filter."""
        parts = [self.query] if self.query else []
        for name, values in self.filters.items():
            values = values if isinstance(values, list) else [values]
            parts.extend(f"--{name} {value}" for value in values)
        return " ".join(parts) or "(everything)"

    def request(self, limit: int = 20, ids: Iterable[str] | None = None) -> SearchRequest:
        """The saved search as a request; with `ids`, restricted to those articles."""
        try:
            request = build_request(
                self.query, **self.filters, sort="date", limit=limit, facets=False
            )
        except (ValueError, TypeError) as error:
            raise WatchError(f"the saved search {self.name!r} does not parse: {error}") from error
        if ids is not None:
            request.filters.append(Ids(tuple(ids)))
        return request

    def record_matches(self, article_ids: Iterable[str], when: str) -> None:
        """Remember newly reported matches (bounded: the oldest are forgotten first)."""
        fresh = [article_id for article_id in article_ids if article_id not in self.reported]
        self.reported = [*self.reported, *fresh][-MAX_REPORTED:]
        self.matches = [{"id": i, "matched_at": when} for i in fresh] + self.matches
        self.matches = self.matches[:MAX_MATCHES]

    def fail(self, channel: str, article_ids: Iterable[str], error: str, when: str) -> None:
        """Keep what a channel could not deliver, to retry on the next run."""
        before = self.pending.get(channel, {}).get("ids", [])
        ids = list(dict.fromkeys([*before, *article_ids]))[-MAX_PENDING:]
        self.pending[channel] = {"ids": ids, "error": error[:500], "failed_at": when}

    def delivered(self, channel: str) -> None:
        self.pending.pop(channel, None)

    def channels(self) -> list[str]:
        return [c for c, on in (("email", bool(self.email)), ("webhook", bool(self.webhook))) if on]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Watch:
        names = {f for f in cls.__dataclass_fields__}  # type: ignore[attr-defined]
        return cls(**{key: value for key, value in data.items() if key in names})


# A change edits a watch in place; backends apply it as one read-modify-write.
WatchChange = Callable[[Watch], object]


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters `build_request` takes, without empty ones; others are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in filters.items():
        if name in FILTER_NAMES:
            values = [str(v).strip() for v in (value or []) if str(v).strip()]
            if values:
                cleaned[name] = values
        elif name in DATE_FILTERS:
            if value:
                cleaned[name] = str(value).strip()
        else:
            raise WatchError(f"unknown filter {name!r} (use {', '.join(FILTER_NAMES)})")
    return cleaned


def new_matches(watch: Watch, matched: Iterable[Article]) -> list[Article]:
    """Which of the articles the watch's search matched among the run's new and changed
    ones it has not reported yet, newest first (each once)."""
    reported = set(watch.reported)
    fresh: dict[str, Article] = {}
    for article in matched:
        if article.id not in reported:
            fresh.setdefault(article.id, article)
    return sorted(fresh.values(), key=lambda a: (a.fetched_at or "", a.id), reverse=True)


def looks_like_watch_id(value: str) -> bool:
    return bool(WATCH_ID.match(value))


def stored_since(article: Article, seen_at: str | None) -> bool:
    """Whether the article was stored (fetched, or fetched again changed) after `seen_at`:
    what "new since you last looked" marks. Never looked: everything is new."""
    if not seen_at:
        return True
    return bool(article.fetched_at) and _instant(article.fetched_at) > _instant(seen_at)


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def mark_seen(watch: Watch) -> None:
    """A change: the user looked at the watch now."""
    watch.last_seen_at = utc_now_iso()

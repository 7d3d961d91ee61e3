"""Downloader middlewares: what reaches the network, and the count of what came back.

SeenFilterMiddleware keeps a resumed crawl from fetching again what an earlier
run stored; FetchStatsMiddleware counts every response by kind and by source
(the run summary is read from those counters)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.state import SeenStore, seen_store_for
from crawler.summary import count

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class FetchStatsMiddleware:
    """Downloader middleware: counts every response by kind and by source."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchStatsMiddleware:
        return cls(crawler.stats)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        kind = request.meta.get("homeward_kind")
        if kind is None:
            kind = "robots" if request.url.endswith("/robots.txt") else "other"
        count(self.stats, f"fetched/{kind}", request.meta.get("homeward_source"), "fetched")
        return response


class SeenFilterMiddleware:
    """Downloader middleware: no request for an article URL the seen store knows.

    The spider already skips known URLs when it finds links; this catches the
    requests a resumed crawl takes from its JOBDIR queue, which were queued
    before the interrupted run stored them.
    """

    def __init__(self, store: SeenStore, stats: Any) -> None:
        self.store = store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenFilterMiddleware:
        store = seen_store_for(crawler)
        if store is None:
            raise NotConfigured("HOMEWARD_INCREMENTAL is off")
        return cls(store, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("homeward_kind") == "article" and self.store.should_skip(
            request.meta.get("homeward_url", request.url)
        ):
            count(self.stats, "skipped/seen", request.meta.get("homeward_source"))
            raise IgnoreRequest(f"already seen: {request.url}")

"""Downloader middlewares: what reaches the network, and the count of what came back.

SeenFilterMiddleware keeps a resumed crawl from fetching again what an earlier
run stored; NetworkRuleMiddleware and RefusedAddressMiddleware keep discovered
URLs out of private networks (crawler/network.py); FetchStatsMiddleware counts
every response by kind and by source (the run summary is read from those counters)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.request import getproxies

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.homeward_settings import read
from crawler.network import (
    RESOLVER_SETTING,
    SKIPPED,
    NetworkRule,
    NetworkRuleResolver,
    PrivateAddress,
    installed_rule,
)
from crawler.state import SeenStore, seen_store_for
from crawler.summary import count

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


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


class NetworkRuleMiddleware:
    """Downloader middleware: no request to a private or special address written in a
    URL, unless a source of sources.toml names that host and port (crawler/network.py).

    Placed before RobotsTxtMiddleware, so a refused host is not even asked for its
    robots.txt; redirects and meta refreshes pass it again, as new requests. Names are
    judged by the resolver once resolved (RefusedAddressMiddleware counts those). When
    the spider opens, the sources' hosts and the environment's proxies are trusted in
    the rule the resolver shares.
    """

    def __init__(self, stats: Any, allow_private: bool) -> None:
        self.stats = stats
        self.rule = NetworkRule(allow_private)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkRuleMiddleware:
        middleware = cls(crawler.stats, read(crawler.settings, "HOMEWARD_ALLOW_PRIVATE_ADDRESSES"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        shared = installed_rule()
        if shared is None:
            if not self.rule.allow_private:
                logger.warning(
                    "the DNS resolver is not %s.%s (%s): the network rule checks only "
                    "addresses written in URLs, not what names resolve to",
                    NetworkRuleResolver.__module__,
                    NetworkRuleResolver.__qualname__,
                    RESOLVER_SETTING,
                )
        else:
            shared.allow_private = self.rule.allow_private
            self.rule = shared
        urls = [url for source in getattr(spider, "sources", []) for _, url in source.start_urls()]
        self.rule.trust([*urls, *getproxies().values()])

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        address = self.rule.check_url(request.url)
        if address is not None:
            raise refused(self.stats, request, address)


class RefusedAddressMiddleware:
    """Downloader middleware: a name the resolver refused (it resolved to a private or
    special address) fails as a DNS lookup error (Twisted's DNSLookupError, or Scrapy's
    CannotResolveHostError since 2.19); this counts it as `private-address` and drops
    it. Placed after RetryMiddleware, whose exceptions it sees first, so a refused name
    is not tried again."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefusedAddressMiddleware:
        return cls(crawler.stats)

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        rule = installed_rule()
        address = rule.refusal(request.url) if rule is not None else None
        if address is not None:
            raise refused(self.stats, request, address) from exception


def refused(stats: Any, request: Request, address: str) -> PrivateAddress:
    """The exception that drops `request`, counted once: for the spider's requests (and
    their redirects), not for the robots.txt request Scrapy makes on their behalf (the
    page that wanted it is counted when it is refused in turn)."""
    if "homeward_kind" in request.meta:
        count(stats, SKIPPED, request.meta.get("homeward_source"))
    logger.info(
        "network rule: not fetched, %s is a private or special address: %s", address, request.url
    )
    return PrivateAddress(f"private address {address}: {request.url}")

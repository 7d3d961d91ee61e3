"""The bare reference of the crawl benchmark: a Scrapy spider that only fetches and runs
`trafilatura.extract`, with Homeward's own politeness settings (crawler/settings.py),
which bench/run.py passes as `-s NAME=VALUE` (POLITENESS names them).

    .venv/bin/scrapy runspider bench/bare_spider.py -a sources=bench-sources.toml

It reads the same sources file as `homeward crawl`, takes every link of each feed and
sitemap once (Scrapy's duplicate filter), fetches each article page and extracts its
text, and writes nothing. Not a test.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import scrapy
import trafilatura

LINKS = re.compile(rb"<(?:link|loc)>\s*([^<\s]+)\s*</(?:link|loc)>")
POLITENESS = (
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "AUTOTHROTTLE_START_DELAY",
    "AUTOTHROTTLE_MAX_DELAY",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_TIMEOUT",
    "RETRY_TIMES",
)


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings: dict[str, Any] = {  # noqa: RUF012 - Scrapy reads a class attribute
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, sources: str, out: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.out = out
        self.articles = 0
        data = tomllib.loads(Path(sources).read_text(encoding="utf-8"))
        self.lists = [
            url
            for source in data["sources"]
            for key in ("feeds", "sitemaps")
            for url in source.get(key, [])
        ]
        self.extracted = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.lists:
            yield scrapy.Request(url, callback=self.parse_list)

    def parse_list(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for link in LINKS.findall(response.body):
            url = link.decode("utf-8")
            if "/news/" in url:
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_article(self, response: scrapy.http.Response) -> None:
        self.articles += 1
        if trafilatura.extract(response.text, url=response.url):
            self.extracted += 1

    def closed(self, reason: str) -> None:
        if self.out:
            counts = {"articles": self.articles, "extracted": self.extracted, "reason": reason}
            Path(self.out).write_text(json.dumps(counts), encoding="utf-8")

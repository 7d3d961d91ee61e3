"""The news spider: from each source's feeds, sitemaps and listing pages to article pages.

Discovery requests (feeds, sitemaps, listing pages) are made on every crawl;
article requests only for canonical URLs the seen store does not know, so a
recrawl of an unchanged site fetches robots.txt, feeds, sitemaps and listings
and nothing else. Each fetched article page becomes one `PageItem` (plain data:
URL, status, headers, body bytes) for the stages in `pipelines/`.

A source that cannot be reached, or answers with errors, is recorded in the
stats (`homeward/source/<name>/unreachable`, with the message in
`homeward/source/<name>/error`) and in the run summary; the other sources go on.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.etree
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from crawler.homeward_settings import DEFAULTS, read
from crawler.items import PageItem
from crawler.network import PrivateAddress
from crawler.sources import Source, load_sources, parse_sources
from crawler.state import ALIAS, FAILED, Revisit, SeenStore, seen_store_for
from crawler.summary import AGE_CUTOFF, FIRST_CRAWL, count
from crawler.urls import canonical_url, join_url, looks_like_article, same_site
from homeward.clock import utc_now, utc_now_iso
from homeward.paths import archive_state_dir, resolve_archive_url

__all__ = ["NewsSpider", "failure_reason", "find_canonical_link", "parse_sitemap"]

VERSION = "0.1"
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_PAGINATION = re.compile(r"([?&](page|p|pg)=\d+|/page/\d+/?$|_\d+\.s?html?$)", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"
GONE_STATUSES = (404, 410)  # a stored page answering these was removed upstream


class NewsSpider(Spider):
    """Crawls the sources of sources.toml (HOMEWARD_SOURCES or `-a sources=FILE`)."""

    name = "news"

    def __init__(
        self,
        sources: list[Source] | str | None = None,
        seen: SeenStore | None = None,
        max_age_days: float = DEFAULTS["HOMEWARD_MAX_AGE_DAYS"],
        pages_per_source: int = DEFAULTS["HOMEWARD_PAGES_PER_SOURCE"],
        max_depth: int = DEFAULTS["HOMEWARD_MAX_DEPTH"],
        since: str | None = None,
        backfill_depth: int = DEFAULTS["HOMEWARD_BACKFILL_DEPTH"],
        revisits_per_run: int = DEFAULTS["HOMEWARD_REVISITS_PER_RUN"],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources: list[Source] = (
            load_sources(sources) if isinstance(sources, str) else list(sources or [])
        )
        self.seen = seen
        self.max_age_days = max_age_days
        self.pages_per_source = pages_per_source
        # A backfill (`since`) takes everything from that date and pages deeper.
        self.since = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        self.max_depth = max(max_depth, backfill_depth) if since else max_depth
        # Sources never crawled before take their whole history (None: no memory kept).
        self.known_sources = seen.crawled_sources() if seen is not None else None
        self._answered: set[str] = set()  # sources whose feeds, sitemaps or listings parsed
        self.revisits_per_run = revisits_per_run
        self.requested: Counter[str] = Counter()  # article requests per source
        self._article_urls: set[str] = set()  # canonical URLs requested or yielded this run
        self._discovery_urls: set[str] = set()  # feeds, sitemaps, listings fetched this run

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Derive the archive's state directory, JOBDIR and the User-Agent from HOMEWARD_*."""
        super().update_settings(settings)
        archive = resolve_archive_url(settings.get("HOMEWARD_ARCHIVE"))
        settings.set("HOMEWARD_ARCHIVE", archive, priority="spider")
        state = archive_state_dir(archive, settings.get("HOMEWARD_STATE_DIR"))
        settings.set("HOMEWARD_STATE_PATH", str(state), priority="spider")
        if settings.getbool("HOMEWARD_RESUME", True) and not settings.get("JOBDIR"):
            settings.set("JOBDIR", str(state / "job"), priority="spider")
        if settings.getpriority("USER_AGENT") in (None, 0):
            contact = settings.get("HOMEWARD_CONTACT")
            about = f"+{contact}" if contact else "contact not configured"
            settings.set(
                "USER_AGENT",
                f"Homeward/{VERSION} (news archive of reporting on missing children; {about})",
                priority="spider",
            )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        settings = crawler.settings
        sources = kwargs.pop("sources", None) or settings.get("HOMEWARD_SOURCES")
        if text := kwargs.pop("sources_toml", None):  # Scrapyd nodes get the list itself
            sources = parse_sources(text, "the sources sent by the Scrapyd coordinator")
        seen = seen_store_for(crawler)
        spider = super().from_crawler(
            crawler,
            *args,
            sources=str(sources) if isinstance(sources, str | Path) else sources,
            seen=seen,
            max_age_days=read(settings, "HOMEWARD_MAX_AGE_DAYS"),
            pages_per_source=read(settings, "HOMEWARD_PAGES_PER_SOURCE"),
            max_depth=read(settings, "HOMEWARD_MAX_DEPTH"),
            since=read(settings, "HOMEWARD_SINCE"),
            backfill_depth=read(settings, "HOMEWARD_BACKFILL_DEPTH"),
            revisits_per_run=read(settings, "HOMEWARD_REVISITS_PER_RUN"),
            **kwargs,
        )
        if not settings.get("HOMEWARD_CONTACT"):
            spider.logger.warning(
                "HOMEWARD_CONTACT is not set: site owners cannot reach you; "
                "set it to a URL or e-mail address"
            )
        return spider

    # --- start ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        if self.since is not None:
            stats.set_value(AGE_CUTOFF, self.since.date().isoformat())
        elif self.max_age_days:
            cutoff = utc_now() - timedelta(days=self.max_age_days)
            stats.set_value(AGE_CUTOFF, cutoff.date().isoformat())
        if self.known_sources is not None:
            first = [s.name for s in self.sources if s.name not in self.known_sources]
            stats.set_value(FIRST_CRAWL, first)
        callbacks = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "page": self.parse_page,
        }
        for source in self.sources:
            for kind, url in source.start_urls():
                yield self._discovery(url, kind, source.name, callbacks[kind])
        for revisit in self._due_revisits():
            yield self._revisit(revisit)

    # --- stored pages looked at again ---------------------------------------------

    def _due_revisits(self) -> list[Revisit]:
        if self.seen is None:
            return []
        names = [source.name for source in self.sources]
        return self.seen.due_revisits(names, self.revisits_per_run)

    def _revisit(self, revisit: Revisit) -> Request:
        """A conditional request (the server's own validators) for a stored page, after
        the discovery pages; 304, 404 and 410 come back to `parse_revisit` too."""
        headers = {}
        if revisit.etag:
            headers["If-None-Match"] = revisit.etag
        if revisit.last_modified:
            headers["If-Modified-Since"] = revisit.last_modified
        return Request(
            revisit.url,
            callback=self.parse_revisit,
            errback=self.revisit_failed,
            headers=headers,
            dont_filter=True,
            priority=-10,
            meta={
                "homeward_source": revisit.source,
                "homeward_kind": "revisit",
                "homeward_revisit": revisit,
                "handle_httpstatus_list": [*GONE_STATUSES, 304],
            },
        )

    def parse_revisit(self, response: Response) -> Iterator[PageItem]:
        revisit: Revisit = response.meta["homeward_revisit"]
        gone = None
        if response.status in GONE_STATUSES:
            gone = f"http-{response.status}"
        elif _sent_home(response, revisit.url):
            gone = f"redirected to the home page {response.url}"
        yield self._page_item(response, revisit.url, revisit.source, revisit=revisit, gone=gone)

    def revisit_failed(self, failure: Failure) -> None:
        """Unreachable or a server error: nothing is concluded, the page is tried at its
        next look (a site that is down has not deleted its articles)."""
        request = failure.request  # type: ignore[attr-defined]
        revisit: Revisit = request.meta["homeward_revisit"]
        if failure.check(PrivateAddress):
            return  # the network rule counted it
        count(self.crawler.stats, "revisit/failed", revisit.source)
        self.logger.info("re-visit failed (%s): %s", failure_reason(failure), revisit.url)

    def _discovery(
        self, url: str, kind: str, source: str, callback: Any, depth: int = 0
    ) -> Request:
        # dont_filter: discovery pages are fetched on every crawl, including a resumed
        # one whose JOBDIR remembers them as seen.
        self._discovery_urls.add(url)
        return Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            dont_filter=True,
            priority=10,
            meta={"homeward_source": source, "homeward_kind": kind, "homeward_depth": depth},
        )

    def _article(self, url: str, source: str) -> Request | None:
        """A request for an article page, unless known, already requested or over the limit."""
        canonical = canonical_url(url)
        if canonical in self._article_urls:
            return None
        if self.seen is not None and self.seen.should_skip(canonical):
            self._article_urls.add(canonical)
            count(self.crawler.stats, "skipped/seen", source)
            return None
        if self.pages_per_source and self.requested[source] >= self.pages_per_source:
            count(self.crawler.stats, "skipped/limit", source)
            return None
        self._article_urls.add(canonical)
        self.requested[source] += 1
        return Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"homeward_source": source, "homeward_kind": "article", "homeward_url": canonical},
        )

    def _too_old(self, when: datetime | None, source: str) -> bool:
        """Whether an entry dated `when` is outside this crawl's window: the backfill
        date, else (once the source has been crawled) the age limit."""
        if when is None:
            return False
        if self.since is not None:
            return when < self.since
        if not self.max_age_days or (
            self.known_sources is not None and source not in self.known_sources
        ):
            return False
        return (utc_now() - when).total_seconds() > self.max_age_days * 86400

    def closed(self, reason: str) -> None:
        """A finished crawl has taken each answering source's history: later crawls of
        them keep to the age window. A stopped one resumes, still taking it."""
        if reason == "finished" and self.seen is not None:
            self.seen.mark_crawled(sorted(self._answered))

    # --- discovery callbacks -----------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        source = response.meta["homeward_source"]
        parsed = feedparser.parse(BytesIO(response.body))
        if not parsed.entries:
            self._source_error(source, f"{response.url}: not an RSS/Atom feed, or empty")
            return
        self._answered.add(source)
        for entry in parsed.entries:
            link = entry.get("link")
            if not link:
                count(self.crawler.stats, "skipped/no-link", source)
                continue
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            when = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
            absolute = self._entry_url(response, link, when, source)
            if absolute and (request := self._article(absolute, source)):
                yield request

    def _entry_url(
        self, response: Response, address: str, when: datetime | None, source: str
    ) -> str | None:
        """A feed or sitemap entry's absolute URL; None, counted, when the entry is outside
        this crawl's window or its address is not a web page's."""
        if self._too_old(when, source):
            count(self.crawler.stats, "skipped/old", source)
            return None
        absolute = join_url(response.url, address)
        if not absolute:
            count(self.crawler.stats, "skipped/bad-url", source)
        return absolute

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        source = response.meta["homeward_source"]
        body = response.body
        if body[:2] == _GZIP_MAGIC:
            try:  # bounded: a gzip bomb stops at DOWNLOAD_MAXSIZE
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, EOFError, ValueError) as error:
                self._source_error(source, f"{response.url}: broken gzip sitemap ({error})")
                return
        kind, entries = parse_sitemap(body)
        if kind is None:
            self._source_error(source, f"{response.url}: not a sitemap")
            return
        self._answered.add(source)
        for loc, when in entries:
            absolute = self._entry_url(response, loc, when, source)
            if not absolute:
                continue
            if kind == "sitemapindex":
                if absolute not in self._discovery_urls:
                    yield self._discovery(absolute, "sitemap", source, self.parse_sitemap)
            elif request := self._article(absolute, source):
                yield request

    def parse_page(self, response: Response) -> Iterator[Request]:
        """A listing page: same-site links that look like articles, and its pagination."""
        source = response.meta["homeward_source"]
        depth = response.meta.get("homeward_depth", 0)
        if not isinstance(response, TextResponse):
            self._source_error(source, f"{response.url}: not an HTML page")
            return
        self._answered.add(source)
        stats = self.crawler.stats
        for anchor in response.xpath("//a[@href]"):
            url = join_url(response.url, anchor.attrib["href"])
            if not url:
                continue  # mailto:, javascript:, #fragment: not a page at all
            if not same_site(url, response.url):
                count(stats, "skipped/offsite-link", source)
            elif looks_like_article(url):
                if request := self._article(url, source):
                    yield request
            elif "next" in (anchor.attrib.get("rel") or "").split() or _PAGINATION.search(url):
                if url in self._discovery_urls:
                    continue  # the same listing page again: nothing is left out
                if depth >= self.max_depth:
                    count(stats, "skipped/depth", source)
                else:
                    yield self._discovery(url, "page", source, self.parse_page, depth + 1)
            else:
                count(stats, "skipped/not-article-link", source)

    # --- articles ---------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        source = response.meta["homeward_source"]
        request = response.request
        assert request is not None
        requested = response.meta.get("homeward_url") or canonical_url(request.url)
        content_type = _header(response, "Content-Type")
        if content_type and not re.search(r"html|xml|text/plain", content_type, re.IGNORECASE):
            self._article_failed(requested, source, "not-html")
            return
        url = canonical_url(response.url)
        declared = find_canonical_link(response.body, response.url)
        if declared and same_site(declared, response.url):
            url = declared
        if url != requested:
            # The requested URL is an alias of `url` (redirect or rel=canonical).
            if url in self._article_urls or (self.seen is not None and self.seen.should_skip(url)):
                count(self.crawler.stats, "skipped/alias", source)
                self._mark(requested, ALIAS)
                return
            self._article_urls.add(url)
        yield self._page_item(response, url, source, requested=requested)

    def _page_item(
        self,
        response: Response,
        url: str,
        source: str,
        *,
        requested: str | None = None,
        revisit: Revisit | None = None,
        gone: str | None = None,
    ) -> PageItem:
        request = response.request
        assert request is not None
        return PageItem(
            url=url,
            fetched_url=response.url,
            requested_url=requested,
            source=source,
            status=response.status,
            headers=_headers(response.headers),
            body=response.body,
            request_headers=_headers(request.headers),
            content_type=_header(response, "Content-Type"),
            fetched_at=utc_now_iso(),
            revisit=revisit,
            gone=gone,
        )

    # --- errors -----------------------------------------------------------------

    def discovery_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("homeward_source", "?")
        if failure.check(PrivateAddress):
            return  # the network rule counted it
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            count(self.crawler.stats, "skipped/discovery-ignored", source)
            return
        reason = failure_reason(failure)
        count(self.crawler.stats, "unreachable", source)
        self._source_error(source, f"{request.url}: {reason}")

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        too_large = "DOWNLOAD_MAXSIZE" in str(failure.value)  # a decompression bomb too
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and not too_large:
            # Not fetched on purpose: the seen-store middleware and the network rule
            # counted their own skips.
            if failure.check(PrivateAddress):
                return
            if "robots.txt" in str(failure.value):
                count(self.crawler.stats, "skipped/robots", request.meta.get("homeward_source"))
            elif not str(failure.value).startswith("already seen"):
                count(self.crawler.stats, "skipped/ignored", request.meta.get("homeward_source"))
            return
        self._article_failed(
            request.meta.get("homeward_url", request.url),
            request.meta.get("homeward_source", "?"),
            failure_reason(failure),
        )

    def _article_failed(self, url: str, source: str, reason: str) -> None:
        count(self.crawler.stats, f"failed/{reason}", source, per_source="failed")
        self.logger.info("article failed (%s): %s", reason, url)
        self._mark(url, FAILED, reason=reason)

    def _mark(self, url: str, status: str, reason: str | None = None) -> None:
        if self.seen is not None:
            self.seen.mark(url, status, reason=reason)

    def _source_error(self, source: str, message: str) -> None:
        stats = self.crawler.stats
        errors = list(stats.get_value(f"homeward/source/{source}/errors") or [])
        errors.append(message)
        stats.set_value(f"homeward/source/{source}/errors", errors)
        self.logger.warning("source %r: %s", source, message)


def _sent_home(response: Response, asked: str) -> bool:
    """A stored article's address now redirects to the site's home page: how many news
    sites retire an article instead of answering 404."""
    if not response.meta.get("redirect_urls"):
        return False
    home = urlsplit(response.url).path in ("", "/") and not urlsplit(response.url).query
    return home and urlsplit(asked).path not in ("", "/")


def failure_reason(failure: Failure) -> str:
    """A short, countable reason: http-404, timeout, dns, connection, too-large, …"""
    if failure.check(HttpError):
        return f"http-{failure.value.response.status}"
    name = type(failure.value).__name__.lower()
    message = str(failure.value).lower()
    if "timeout" in name or "timedout" in name:
        return "timeout"
    if "dns" in name or "lookup" in name:
        return "dns"
    if "maxsize" in message or "max size" in message or "cancel" in name:
        return "too-large"
    if "refused" in name or "connect" in name or "refused" in message:
        return "connection"
    return re.sub(r"error$", "", name) or "error"


def find_canonical_link(body: bytes, base_url: str) -> str | None:
    """The page's `<link rel="canonical">` URL, canonicalised (looked for in the bytes,
    so no decoding is needed before the pipeline decodes the page properly)."""
    head = body[:200_000]
    end = head.lower().find(b"</head>")
    if end >= 0:
        head = head[:end]
    for tag in _LINK_TAG.findall(head):
        attributes = {
            match[0].lower(): (match[1] or match[2] or match[3])
            for match in _ATTRIBUTE.findall(tag)
        }
        if b"canonical" in attributes.get(b"rel", b"").lower().split() and b"href" in attributes:
            href = attributes[b"href"].decode("utf-8", "replace")
            return join_url(base_url, href)
    return None


def parse_sitemap(body: bytes) -> tuple[str | None, list[tuple[str, datetime | None]]]:
    """The sitemap's type ("urlset" or "sitemapindex") and its (loc, date) entries.

    The date is the Google News `<news:publication_date>` when present, else
    `<lastmod>`; None when neither is given or readable.
    """
    try:
        root = lxml.etree.fromstring(
            body,
            parser=lxml.etree.XMLParser(
                recover=True, resolve_entities=False, no_network=True, huge_tree=False
            ),
        )
    except lxml.etree.XMLSyntaxError:
        return None, []
    if root is None:
        return None, []
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return None, []
    entries: list[tuple[str, datetime | None]] = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        values: dict[str, str] = {}
        for child in element.iter():
            if isinstance(child.tag, str) and child.text and child.text.strip():
                values.setdefault(lxml.etree.QName(child).localname, child.text.strip())
        if "loc" in values:
            when = _parse_date(values.get("publication_date") or values.get("lastmod"))
            entries.append((values["loc"], when))
    return kind, entries


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]

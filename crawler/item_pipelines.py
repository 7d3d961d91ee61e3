"""Thin Scrapy item pipelines around the pure stages, in crawl order:

    extract (decode + trafilatura) -> language -> relevance -> entities
      -> dedupe -> evidence -> index

The spider yields a `PageItem` (plain data: URL, status, headers, body bytes);
each pipeline fills its part of it by calling the stage's pure function and
the index pipeline turns it into an `Article`. Nothing here decides anything a
stage decides: these classes only read settings, count (stats under
`homeward/`, see crawler.summary) and remember outcomes in the seen store so a
recrawl does not fetch the page again.

CPU-heavy stages (decoding + extraction, language detection, entities) run in a process
pool of HOMEWARD_WORKERS processes, so extraction of one page overlaps with
the next page's download and with the other stages (`await` keeps Scrapy's
reactor free while a worker extracts).

Archive outages (the index pipeline): articles the archive cannot take because
it is unreachable or raises are appended to `spool.jsonl` in the archive's state
directory and count as `homeward/spooled`; the next crawl writes the spool
before it crawls. Articles the archive *refuses* (a WriteReport failure) are
counted as `homeward/failed/archive`, logged with their URL, and retried by a
later crawl like any failed URL.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.batching import MicroBatcher
from crawler.homeward_settings import DEFAULTS, read, revisit_intervals
from crawler.items import PageItem, text_sha, to_article
from crawler.spool import Spool
from crawler.state import (
    DUPLICATE,
    FAILED,
    IRRELEVANT,
    STORED,
    Revisit,
    SeenStore,
    next_look,
    seen_store_for,
)
from crawler.summary import REFETCH_MISSING, UNTAGGED_SLOW, count
from crawler.workers import (
    PageTooLarge,
    PooledStage,
    StageTimeout,
    decode_and_extract,
    tag_fields,
    tag_fields_many,
)
from homeward.article import (
    Article,
    ArticleError,
    Version,
    published_timestamp,
)
from homeward.clock import utc_now_iso
from homeward.paths import shown_url
from pipelines.dedupe import (
    DedupeOptions,
    NearDuplicateIndex,
    minhash,
    published_earlier,
    signature_bytes,
)
from pipelines.entities import FIELDS, Entities, EntityModelError
from pipelines.entities.models import CORENLP, english_model_name
from pipelines.entities.shared_tagger import TaggerServer
from pipelines.language import detect_language
from pipelines.relevance import DEFAULT_OPTIONS as RELEVANCE_DEFAULTS
from pipelines.relevance import RelevanceOptions, relevance_options, score_relevance
from search.evidence import Capture, WarcEvidenceWriter
from search.open import open_archive

__all__ = [
    "DedupePipeline",
    "EntitiesPipeline",
    "EvidencePipeline",
    "ExtractPipeline",
    "IndexPipeline",
    "LanguagePipeline",
    "RelevancePipeline",
]

logger = logging.getLogger(__name__)
NOT_MODIFIED = 304


class _SeenMixin:
    """Shared by pipelines that remember outcomes in the seen store."""

    seen: SeenStore | None

    def _remember(self, item: PageItem, status: str, reason: str | None = None) -> None:
        if self.seen is None:
            return
        self.seen.mark(item.url, status, article_id=item.id, reason=reason)
        if item.requested_url and item.requested_url != item.url:
            self.seen.mark(item.requested_url, status, article_id=item.id, reason=reason)


# --- stages -----------------------------------------------------------------------


class ExtractPipeline(PooledStage, _SeenMixin):
    """Decode the body and extract the article; a page with none is dropped as failed."""

    def __init__(self, stats: Any, seen: SeenStore | None = None, workers: int = 0) -> None:
        super().__init__(workers)
        self.stats = stats
        self.seen = seen

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(
            crawler.stats, seen_store_for(crawler), read(crawler.settings, "HOMEWARD_WORKERS")
        )

    async def process_item(self, item: PageItem) -> PageItem:
        if item.gone or item.status == NOT_MODIFIED:
            return item
        try:
            extracted = await self.run(
                decode_and_extract, item.body, item.content_type, item.fetched_url
            )
        except PageTooLarge as error:
            count(self.stats, "failed/too-large", item.source, "failed")
            self._remember(item, FAILED, f"too-large: {error}")
            raise DropItem(f"too large to extract: {item.url}: {error}", log_level="INFO") from None
        except StageTimeout as error:
            logger.warning("extraction of %s stopped: %s", item.url, error)
            extracted, reason = None, f"extract-timeout: {error}"
        except Exception as error:  # a crash in a worker must not stop the crawl
            logger.exception("extraction crashed on %s", item.url)
            extracted = None
            reason = f"extract-error: {type(error).__name__}"
        else:
            reason = "no article text"
            if extracted is None and item.revisit is not None:
                item.gone = "no article left on the page"  # "this story is unavailable"
                return item
        if extracted is None:
            count(self.stats, "failed/extract", item.source, "failed")
            self._remember(item, FAILED, reason)
            raise DropItem(f"{reason}: {item.url}", log_level="INFO")
        item.extracted = extracted
        return item


class LanguagePipeline(PooledStage):
    """The article's language (ISO 639-1), weighing the page's declared language."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> LanguagePipeline:
        return cls(read(crawler.settings, "HOMEWARD_WORKERS"))

    async def process_item(self, item: PageItem) -> PageItem:
        if item.extracted is None:  # a re-visited page that is gone or not modified
            return item
        item.language = await self.run(
            detect_language, item.extracted.text, item.extracted.language
        )
        return item


class RelevancePipeline(_SeenMixin):
    """Off-topic articles are counted (`homeward/irrelevant`) and remembered; they go on
    marked `off_topic` (the index pipeline keeps them apart for `homeward rescore`),
    or are dropped when HOMEWARD_KEEP_OFF_TOPIC is off."""

    def __init__(
        self,
        stats: Any,
        seen: SeenStore | None = None,
        options: RelevanceOptions = RELEVANCE_DEFAULTS,
        keep_off_topic: bool = True,
    ) -> None:
        self.stats = stats
        self.seen = seen
        self.options = options
        self.keep_off_topic = keep_off_topic

    @classmethod
    def from_crawler(cls, crawler: Any) -> RelevancePipeline:
        settings = crawler.settings
        options = relevance_options(
            read(settings, "HOMEWARD_RELEVANCE_THRESHOLD"), read(settings, "HOMEWARD_LEXICON")
        )
        keep = read(settings, "HOMEWARD_KEEP_OFF_TOPIC")
        return cls(crawler.stats, seen_store_for(crawler), options, keep)

    def process_item(self, item: PageItem) -> PageItem:
        if item.revisit is not None:  # stored already: its place in the archive stays
            return item
        assert item.extracted is not None
        relevance = score_relevance(item.extracted.text, item.extracted.title, self.options)
        item.relevance, item.relevance_terms = relevance.score, list(relevance.terms)
        if relevance.score < self.options.threshold:
            count(self.stats, "irrelevant", item.source)
            self._remember(item, IRRELEVANT, f"score {relevance.score}")
            if not self.keep_off_topic:
                message = f"off-topic (score {relevance.score}): {item.url}"
                raise DropItem(message, log_level="DEBUG")
            item.off_topic = True
        return item


class RevisitPipeline:
    """A stored page looked at again: unchanged (304, or the same words) it is counted
    and dropped here, before entities and evidence; a changed or vanished one goes on
    to the index pipeline, which keeps the earlier text as a version or marks it removed."""

    def __init__(self, stats: Any, seen: SeenStore | None, intervals: tuple[float, ...]) -> None:
        self.stats = stats
        self.seen = seen
        self.intervals = intervals

    @classmethod
    def from_crawler(cls, crawler: Any) -> RevisitPipeline:
        intervals = revisit_intervals(read(crawler.settings, "HOMEWARD_REVISIT_DAYS"))
        return cls(crawler.stats, seen_store_for(crawler), intervals)

    def process_item(self, item: PageItem) -> PageItem:
        revisit = item.revisit
        if revisit is None or item.gone:
            return item
        if item.status != NOT_MODIFIED:
            assert item.extracted is not None
            if text_sha(item.extracted.text) != revisit.text_sha:
                return item  # changed: the index pipeline keeps the earlier text
        count(self.stats, "revisit/unchanged", item.source)
        if self.seen is not None:
            validators = _validators(item.headers)
            again = replace(
                revisit,
                visits=revisit.visits + 1,
                etag=validators[0] or revisit.etag,
                last_modified=validators[1] or revisit.last_modified,
            )
            self.seen.schedule_revisit(again, next_look(again.visits, self.intervals))
        raise DropItem(f"unchanged since it was stored: {item.url}", log_level="DEBUG")


def _validators(headers: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """The page's ETag and Last-Modified, for the next conditional request."""
    found = {name.lower(): value for name, value in headers}
    return found.get("etag"), found.get("last-modified")


# An article for the entity stage: its text, language and byline names.
Tagged = tuple[str, str | None, list[str]]
# Chinese articles sent to a worker together, at most this many, the first waiting at
# most this long for the rest (the crawl keeps many items in flight).
ZH_BATCH_ARTICLES = 16
ZH_BATCH_WAIT = 0.2


class EntitiesPipeline(PooledStage):
    """Names, places and years. Off with HOMEWARD_ENTITIES=False (NotConfigured).

    Without the English NER model, names are not tagged in English articles: the
    crawl goes on, counts `homeward/entities/no-english-model` (the run summary
    says so) and logs the fix once, rather than losing the night's articles.
    """

    def __init__(self, stats: Any, workers: int = 0) -> None:
        super().__init__(workers)
        self.stats = stats
        self.names_available = True
        self.tagger_server: TaggerServer | None = None
        # Chinese articles go to a worker in batches: LAC runs their sentences together.
        self.chinese: MicroBatcher[Tagged, Entities] | None = None
        if workers > 0:
            self.chinese = MicroBatcher(self._tag_chinese, ZH_BATCH_ARTICLES, ZH_BATCH_WAIT)

    @classmethod
    def from_crawler(cls, crawler: Any) -> EntitiesPipeline:
        if not read(crawler.settings, "HOMEWARD_ENTITIES"):
            raise NotConfigured("HOMEWARD_ENTITIES is off")
        return cls(crawler.stats, read(crawler.settings, "HOMEWARD_WORKERS"))

    def open_spider(self) -> None:
        super().open_spider()
        # Workers share one CoreNLP JVM (about 290 MB each) rather than start one each.
        corenlp = english_model_name().casefold() == CORENLP
        if self.workers > 1 and corenlp and self.tagger_server is None:
            self.tagger_server = TaggerServer()

    def close_spider(self) -> None:
        super().close_spider()
        if self.tagger_server is not None:
            self.tagger_server.stop()
            self.tagger_server = None

    @property
    def shared_tagger(self) -> str | None:
        """The address of the tagger the workers share, if they share one."""
        return self.tagger_server.address if self.tagger_server else None

    async def _tag_chinese(self, batch: list[Tagged]) -> list[Entities]:
        return await self.run(tag_fields_many, batch, FIELDS, self.shared_tagger)

    async def process_item(self, item: PageItem) -> PageItem:
        if item.off_topic or item.extracted is None:
            return item
        without_names = tuple(name for name in FIELDS if name != "names")
        fields = FIELDS if self.names_available or item.language == "zh" else without_names
        args = (item.extracted.text, item.language, list(item.extracted.authors))
        shared = self.shared_tagger
        try:
            if item.language == "zh" and self.chinese is not None:
                entities = await self.chinese.submit(args)
            else:
                entities = await self.run(tag_fields, *args, tuple(fields), shared)
        except StageTimeout as error:  # stored all the same, untagged, and said so
            logger.warning("entities of %s not tagged: %s", item.url, error)
            self.stats.inc_value(UNTAGGED_SLOW)
            return item
        except EntityModelError as error:
            if self.names_available:
                logger.error("%s; English person names are not tagged in this crawl", error)
            self.names_available = False
            fields = without_names
            entities = await self.run(tag_fields, *args, fields, shared)
        if fields is without_names:
            self.stats.inc_value("homeward/entities/no-english-model")
        item.names, item.places, item.years = entities.names, entities.places, entities.years
        return item


class DedupePipeline(PooledStage):
    """Marks a near-duplicate of an earlier article (`item.duplicate_of`); the index
    pipeline merges it. Signatures persist in the seen store across crawls. The
    MinHash signature (the costly part) is computed in the worker pool."""

    def __init__(
        self, stats: Any, seen: SeenStore | None, options: DedupeOptions, workers: int = 0
    ) -> None:
        super().__init__(workers)
        self.stats = stats
        self.seen = seen
        self.index = NearDuplicateIndex(options)
        if seen is not None:
            self.index.load(seen.iter_signatures())

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        options = DedupeOptions(threshold=read(crawler.settings, "HOMEWARD_DEDUPE_THRESHOLD"))
        return cls(
            crawler.stats,
            seen_store_for(crawler),
            options,
            read(crawler.settings, "HOMEWARD_WORKERS"),
        )

    async def process_item(self, item: PageItem) -> PageItem:
        if item.off_topic or item.revisit is not None:
            return item
        assert item.extracted is not None
        signature = await self.run(minhash, item.extracted.text, self.index.options)
        published = published_timestamp(item.extracted.published)
        original = self.index.find(signature)
        if original is not None and original != item.id:
            if not published_earlier(published, self.index.published.get(original)):
                item.duplicate_of = original
                return item
            item.replaces = original
            self.index.remove(original)
            if self.seen is not None:
                self.seen.remove_signatures([original])
        self.index.add(item.id, signature, published)
        if self.seen is not None and signature is not None:
            self.seen.add_signature(item.id, item.url, signature_bytes(signature), published)
        return item


class EvidencePipeline:
    """Writes the raw capture of every article to be stored to a WARC file."""

    def __init__(self, writer: WarcEvidenceWriter) -> None:
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        settings = crawler.settings
        if not read(settings, "HOMEWARD_EVIDENCE"):
            raise NotConfigured("HOMEWARD_EVIDENCE is off")
        state = settings.get("HOMEWARD_STATE_PATH")
        if not state:
            raise NotConfigured("HOMEWARD_STATE_PATH is not set (the news spider sets it)")
        return cls(
            WarcEvidenceWriter(
                Path(state) / "evidence",
                max_bytes=read(settings, "HOMEWARD_WARC_MAX_BYTES"),
            )
        )

    def close_spider(self) -> None:
        self.writer.close()

    def process_item(self, item: PageItem) -> PageItem:
        if item.duplicate_of is None and not item.off_topic and item.extracted is not None:
            item.evidence = self.writer.write(
                Capture(
                    url=item.fetched_url,
                    status=item.status,
                    headers=item.headers,
                    body=item.body,
                    request_headers=item.request_headers,
                    captured_at=item.fetched_at,
                )
            )
        return item


def _new_version(stored: Article, fetched: Article, now: str) -> Article:
    """The stored article with the fetched text, its earlier text kept as a version."""
    earlier = Version(
        fetched_at=stored.fetched_at,
        replaced_at=now,
        title=stored.title,
        text=stored.text,
        evidence=stored.evidence,
    )
    return replace(
        stored,
        title=fetched.title or stored.title,
        text=fetched.text,
        authors=fetched.authors or stored.authors,
        names=fetched.names,
        places=fetched.places,
        years=fetched.years,
        evidence=fetched.evidence,
        fetched_at=fetched.fetched_at,
        versions=[*stored.versions, earlier],
        changed_at=now,
        removed_at=None,  # back again, in a new form
        revisited_at=now,
    )


class IndexPipeline(_SeenMixin):
    """Bulk writes to the archive; merges duplicates; spools what an outage refuses."""

    def __init__(
        self,
        archive_url: str,
        stats: Any,
        seen: SeenStore | None = None,
        spool_path: str | Path | None = None,
        batch_size: int = 100,
        flush_seconds: float = 2.0,
        intervals: tuple[float, ...] = revisit_intervals(DEFAULTS["HOMEWARD_REVISIT_DAYS"]),
    ) -> None:
        self.archive_url = archive_url
        self.shown_archive = shown_url(archive_url)  # for the log: no password
        self.intervals = intervals
        self.flush_seconds = flush_seconds
        self._last_flush = time.monotonic()
        self.stats = stats
        self.seen = seen
        self.spool = Spool(spool_path) if spool_path else None
        self.batch_size = batch_size
        self.archive: Any = None
        self.buffer: dict[str, tuple[Article, PageItem]] = {}
        self.off_topic: dict[str, Article] = {}  # kept apart for `homeward rescore`
        self.spooled_ids: set[str] = set()  # articles this run could not write

    @classmethod
    def from_crawler(cls, crawler: Any) -> IndexPipeline:
        settings = crawler.settings
        archive = settings.get("HOMEWARD_ARCHIVE")
        if not archive:
            raise NotConfigured("HOMEWARD_ARCHIVE is not set")
        state = settings.get("HOMEWARD_STATE_PATH")
        return cls(
            archive,
            crawler.stats,
            seen_store_for(crawler),
            Path(state) / "spool.jsonl" if state else None,
            read(settings, "HOMEWARD_INDEX_BATCH"),
            intervals=revisit_intervals(read(settings, "HOMEWARD_REVISIT_DAYS")),
        )

    # --- lifecycle --------------------------------------------------------------

    def open_spider(self) -> None:
        try:
            self.archive = open_archive(self.archive_url)
        except Exception as error:
            logger.error(
                "archive %s cannot be opened (%s): articles go to the spool %s",
                self.shown_archive,
                error,
                self.spool.path if self.spool else "(none: no state directory)",
            )
            self.archive = None
            return
        self._replay_spool()
        self._check_memory()

    def _check_memory(self) -> None:
        """What the seen store says is stored must be in the archive (a restored backup,
        an article deleted by hand): anything missing is forgotten and fetched again."""
        if self.seen is None or self.archive is None:
            return
        if self.spool is not None and self.spool.exists():
            return  # its articles are remembered as stored and not written yet
        try:
            missing = self.seen.forget_missing(self.archive.existing_ids)
        except Exception as error:  # an outage now: the spool keeps what comes
            logger.error(
                "archive %s: cannot check the crawl's memory: %s", self.shown_archive, error
            )
            return
        if missing:
            self.stats.set_value(REFETCH_MISSING, missing)
            logger.warning(
                "%d pages remembered as stored are not in archive %s: fetched again",
                missing,
                self.shown_archive,
            )

    def close_spider(self) -> None:
        self.flush()
        if self.archive is not None:
            try:
                self.archive.refresh()
                self.archive.close()
            except Exception as error:
                logger.error("archive %s: refresh/close failed: %s", self.shown_archive, error)

    # --- items ------------------------------------------------------------------

    def process_item(self, item: PageItem) -> PageItem:
        if item.revisit is not None:
            self._apply_revisit(item)
            return item
        if item.off_topic:
            try:
                self.off_topic[item.id] = to_article(item)
            except ArticleError as error:  # counted off-topic already; not kept, said so
                self.stats.inc_value("homeward/off-topic/not-kept")
                logger.info("off-topic page %s not kept: %s", item.url, error)
            self._flush_when_due()
            return item
        if item.duplicate_of is not None:
            self._merge_duplicate(item)
            return item
        self._store(item)
        return item

    def _store(self, item: PageItem) -> None:
        try:
            article = to_article(item)
        except ArticleError as error:
            count(self.stats, "failed/invalid", item.source, "failed")
            logger.warning("article from %s breaks the contract: %s", item.url, error)
            self._remember(item, FAILED, f"invalid: {error}")
            raise DropItem(f"invalid article: {item.url}: {error}") from None
        if item.replaces is not None:
            self._take_over(article, item)
        self.buffer[article.id] = (article, item)
        self._flush_when_due()

    def _flush_when_due(self) -> None:
        # By size for throughput, by age so progress and a stopped crawl lose little.
        if (
            len(self.buffer) + len(self.off_topic) >= self.batch_size
            or time.monotonic() - self._last_flush >= self.flush_seconds
        ):
            self.flush()

    def _merge_duplicate(self, item: PageItem) -> None:
        original = item.duplicate_of
        assert original is not None
        buffered = self.buffer.get(original)
        if buffered is not None:
            if item.url not in buffered[0].duplicates:
                buffered[0].duplicates.append(item.url)
        elif not self._link_in_archive(original, item.url):
            if original not in self.spooled_ids and self.archive is not None:
                # The archive answered and does not hold the original (state older than
                # the archive): the page is an article of its own, not a copy.
                item.duplicate_of = None
                self._store(item)
                return
            if self.spool is None:
                logger.error("no state directory: duplicate link %s not kept", item.url)
                self.stats.inc_value("homeward/failed/duplicate-link")
            else:
                self.spool.add_duplicate(original, item.url)
        count(self.stats, "duplicates", item.source)
        self._remember(item, DUPLICATE, f"copy of {original}")

    def _link_in_archive(self, original: str, copy_url: str) -> bool:
        """Merge the copy's URL into the stored original; False when the archive is down,
        failed (both: `self.archive` becomes None for this item) or has no such article."""
        if self.archive is None:
            return False
        try:
            return bool(self.archive.add_duplicate(original, copy_url))
        except Exception as error:
            logger.error("archive %s: add_duplicate failed: %s", self.shown_archive, error)
            self.spooled_ids.add(original)  # unknown: keep the link for the next run
            return False

    def _take_over(self, article: Article, item: PageItem) -> None:
        """`article` was published before the copy `item.replaces` and becomes the record:
        the copy's URL and its duplicates move to it, the copy's record goes."""
        old_id = item.replaces
        assert old_id is not None
        buffered = self.buffer.pop(old_id, None)
        old = buffered[0] if buffered else None
        if old is None and self.archive is not None:
            try:
                old = self.archive.get(old_id)
                if old is not None:
                    self.archive.delete(old_id)
            except Exception as error:
                logger.error("archive %s: cannot replace %s: %s", self.shown_archive, old_id, error)
                old = None
        count(self.stats, "duplicates", item.source)
        if old is None:
            return
        for url in [*old.duplicates, old.url]:
            if url not in article.duplicates and url != article.url:
                article.duplicates.append(url)
        if self.seen is not None:
            self.seen.mark(
                old.url, DUPLICATE, article_id=article.id, reason=f"copy of {article.id}"
            )
        if buffered is None:
            self.stats.inc_value("homeward/stored", -1)  # that record is gone again

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        self._flush_off_topic()
        if not self.buffer:
            return
        batch = list(self.buffer.values())
        self.buffer = {}
        if self.archive is None:
            self._spool_articles(batch)
            return
        try:
            report = self.archive.upsert([article for article, _ in batch])
        except Exception as error:
            logger.error(
                "archive %s failed (%s): %d articles go to the spool",
                self.shown_archive,
                error,
                len(batch),
            )
            self._spool_articles(batch)
            return
        refused = dict(report.failed)
        for article, item in batch:
            if article.id in refused:
                count(self.stats, "failed/archive", item.source, "failed")
                logger.warning("archive refused %s: %s", article.url, refused[article.id])
                self._remember(item, FAILED, f"archive: {refused[article.id]}")
            else:
                count(self.stats, "stored", item.source)
                self._remember(item, STORED)
                self._schedule_first_look(article, item)

    def _schedule_first_look(self, article: Article, item: PageItem, visits: int = 0) -> None:
        if self.seen is None:
            return
        etag, last_modified = _validators(item.headers)
        revisit = Revisit(
            item.url, article.id, item.source, text_sha(article.text), etag, last_modified, visits
        )
        self.seen.schedule_revisit(revisit, next_look(visits, self.intervals))

    # --- stored pages looked at again ---------------------------------------------------

    def _apply_revisit(self, item: PageItem) -> None:
        """Keep the earlier text as a version, or mark the article removed upstream. Read,
        change and write at once: when the archive cannot be read or written, nothing is
        concluded and the page is looked at again by the next crawl."""
        revisit = item.revisit
        assert revisit is not None
        try:
            if self.archive is None:
                raise RuntimeError("the archive could not be opened")
            stored = self.archive.get(revisit.article_id)
            if stored is None:  # deleted from the archive, or merged into another record
                count(self.stats, "revisit/no-longer-in-archive", item.source)
                if self.seen is not None:
                    self.seen.forget_revisit(revisit.url)
                return
            now = utc_now_iso()
            if item.gone:
                updated = replace(stored, removed_at=stored.removed_at or now, revisited_at=now)
            else:
                updated = _new_version(stored, to_article(item), now)
            report = self.archive.upsert([updated])
            if report.failed:
                raise RuntimeError(report.failed[0][1])
        except Exception as error:  # an outage must not stop the crawl; it is counted
            count(self.stats, "revisit/failed", item.source)
            logger.error(
                "archive %s: re-visit of %s not kept: %s", self.shown_archive, item.url, error
            )
            return
        if item.gone:
            count(self.stats, "revisit/removed", item.source)
            logger.info("removed upstream (%s): %s", item.gone, item.url)
            if self.seen is not None:
                self.seen.forget_revisit(revisit.url)
        else:
            count(self.stats, "revisit/changed", item.source)
            self._schedule_first_look(updated, item, visits=revisit.visits + 1)

    def _flush_off_topic(self) -> None:
        kept = list(self.off_topic.values())
        self.off_topic = {}
        if not kept:
            return
        try:
            if self.archive is None:
                raise RuntimeError("the archive could not be opened")
            self.archive.keep_off_topic(kept)
        except Exception as error:
            logger.error(
                "archive %s: off-topic pages go to the spool (%s)", self.shown_archive, error
            )
            if self.spool is None:
                logger.error("no state directory: %d off-topic pages not kept", len(kept))
                self.stats.inc_value("homeward/off-topic/not-kept", len(kept))
            else:
                self.spool.add_off_topic(kept)
            return
        self.stats.inc_value("homeward/off-topic/kept", len(kept))

    # --- the spool --------------------------------------------------------------

    def _spool_articles(self, batch: list[tuple[Article, PageItem]]) -> None:
        if self.spool is None:
            logger.error("no state directory: %d articles could not be spooled", len(batch))
            for _, item in batch:
                count(self.stats, "failed/no-spool", item.source, "failed")
                self._remember(item, FAILED, "archive down and no spool")
            return
        self.spool.add_articles(article for article, _ in batch)
        self.spooled_ids.update(article.id for article, _ in batch)
        for _, item in batch:
            count(self.stats, "spooled", item.source)
            self._remember(item, STORED, "spooled")

    def _replay_spool(self) -> None:
        """Write what an earlier crawl could not; keep the spool if this fails too."""
        if self.spool is None or not self.spool.exists():
            return
        contents = self.spool.read()
        if contents.set_aside:
            logger.warning(
                "%d spool line(s) were not whole records (a crash mid-write?); kept in %s.bad",
                contents.set_aside,
                self.spool.path,
            )
            self.stats.inc_value("homeward/spool/set-aside", contents.set_aside)
        try:
            report = self.archive.upsert(contents.articles)
            for original, copy in contents.duplicates:
                self.archive.add_duplicate(original, copy)
            if contents.off_topic:
                self.archive.keep_off_topic(contents.off_topic)
        except Exception as error:
            logger.error("archive %s: spool not written yet (%s)", self.shown_archive, error)
            return
        for article_id_, reason in report.failed:
            logger.warning("archive refused spooled article %s: %s", article_id_, reason)
        if report.failed:
            self.stats.inc_value("homeward/failed/spooled-refused", len(report.failed))
        self.stats.inc_value("homeward/spool/written", report.stored)
        self.spool.remove()

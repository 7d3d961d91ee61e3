"""The process pool the CPU-heavy stages share, and the calls a worker runs.

Decoding + extraction, language detection, MinHash and entity tagging run in a
pool of HOMEWARD_WORKERS processes, so extracting one page overlaps with the
next page's download and with the other stages (`await` keeps Scrapy's reactor
free while a worker works). The functions here are what a worker imports: plain
data in, plain data out.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, ClassVar, TypeVar

from homeward.processes import die_with_parent
from pipelines.decode import decode_html
from pipelines.entities import Entities, tag_many
from pipelines.entities.shared_tagger import connect as connect_shared_tagger
from pipelines.extract import Extracted, extract_article

__all__ = [
    "PageTooLarge",
    "PooledStage",
    "StageTimeout",
    "WorkerPool",
    "decode_and_extract",
    "default_workers",
    "tag_fields",
    "tag_fields_many",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")
EXTRACT_BUDGET = 60.0  # seconds one page may take to extract, in a worker
TAG_BUDGET = 60.0  # seconds one page may take to tag, in a worker
MAX_TAGGED_CHARS = 100_000
MAX_MARKUP = 2_000_000
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def default_workers() -> int:
    """One worker per CPU, at most 4 (more only adds memory: the reactor is then the limit)."""
    return min(os.cpu_count() or 1, 4)


class StageTimeout(Exception):
    """One page took a stage past its time budget (a page built to be slow)."""


class PageTooLarge(Exception):
    """More markup than any news article has: parsing it would cost a worker gigabytes."""


def decode_and_extract(body: bytes, content_type: str | None, url: str) -> Extracted | None:
    """Decode (charset checked against the bytes) and extract: one call in a worker.

    Pages are parsed whole, so memory grows with markup (about 70 bytes per byte):
    a page with more than MAX_MARKUP characters outside its scripts and styles is
    refused. In a worker, extraction has EXTRACT_BUDGET seconds: trafilatura takes
    minutes on some pathological pages, and a crawl must not wait on one page."""
    html = decode_html(body, content_type).text
    if len(html) > MAX_MARKUP:  # only a page this long can be over: no scan of the others
        markup = len(html) - sum(m.end() - m.start() for m in _SCRIPTS.finditer(html))
        if markup > MAX_MARKUP:
            raise PageTooLarge(f"{markup:,} characters of markup (at most {MAX_MARKUP:,})")
    return _within_budget(EXTRACT_BUDGET, lambda: extract_article(html, url))


def tag_fields(
    text: str,
    language: str | None,
    authors: list[str],
    fields: tuple[str, ...],
    shared_tagger: str | None = None,
) -> Entities:
    """The entity stage's call in a worker (the NER models load once per worker, on first
    use; English names from the crawl's shared CoreNLP tagger at `shared_tagger`, the
    address of its server, when there is one). Only the first MAX_TAGGED_CHARS
    characters are tagged (no news article is longer), within TAG_BUDGET seconds in a
    worker: a page of one 100,000-character line holds a CRF tagger for minutes."""
    return tag_fields_many([(text, language, authors)], fields, shared_tagger)[0]


def tag_fields_many(
    articles: list[tuple[str, str | None, list[str]]],
    fields: tuple[str, ...],
    shared_tagger: str | None = None,
) -> list[Entities]:
    """`tag_fields` for many (text, language, authors) at once, in one worker call:
    LAC then runs the sentences of all the Chinese ones together. The batch has the
    time budget of one page: a batch of ordinary articles takes a fraction of it."""
    if shared_tagger:
        connect_shared_tagger(shared_tagger)
    items = [(text[:MAX_TAGGED_CHARS], language) for text, language, _ in articles]
    bylines = [authors for _, _, authors in articles]
    return _within_budget(TAG_BUDGET, lambda: list(tag_many(items, authors=bylines, fields=fields)))


def _within_budget(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, interrupted with StageTimeout after `seconds` in a worker process
    (SIGALRM; inline, in the crawl's own thread, it runs unbounded)."""
    if multiprocessing.parent_process() is None:
        return work()

    def expire(signum: int, frame: FrameType | None) -> None:
        raise StageTimeout(f"over {seconds:.0f} s on one page")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class WorkerPool:
    """A process pool shared by the CPU stages of one crawl; `workers=0` runs inline.

    Workers are started by a fork server that has preloaded the stage modules,
    so starting one is cheap and forking never copies the reactor's threads.
    """

    _shared: ClassVar[dict[int, tuple[WorkerPool, int]]] = {}
    _lock = threading.Lock()

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._start()

    def _start(self) -> None:
        if self.workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                [
                    "pipelines.decode",
                    "pipelines.extract",
                    "pipelines.language",
                    "pipelines.entities",
                ]
            )
            # A worker dies with its parent, the fork server, which ends with the crawl:
            # a killed crawl leaves no worker behind.
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=die_with_parent,
            )

    @classmethod
    def acquire(cls, workers: int) -> WorkerPool:
        with cls._lock:
            pool, users = cls._shared.get(workers, (None, 0))
            if pool is None:
                pool = cls(workers)
            cls._shared[workers] = (pool, users + 1)
            return pool

    def release(self) -> None:
        with self._lock:
            pool, users = self._shared.get(self.workers, (self, 1))
            if users <= 1:
                self._shared.pop(self.workers, None)
                self.shutdown()
            else:
                self._shared[self.workers] = (pool, users - 1)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            return function(*args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, function, *args)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in lxml): start a new pool, retry once.
            logger.error("a worker process died; restarting the pool")
            self.shutdown()
            self._start()
            assert self._executor is not None
            return await loop.run_in_executor(self._executor, function, *args)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class PooledStage:
    """A stage whose work runs in the shared WorkerPool (opened with the spider)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self.pool: WorkerPool | None = None

    def open_spider(self) -> None:
        if self.pool is None:
            self.pool = WorkerPool.acquire(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        self.open_spider()
        assert self.pool is not None
        return await self.pool.run(function, *args)

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
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar, TypeVar

from pipelines.decode import decode_html
from pipelines.entities import Entities, tag_entities
from pipelines.extract import Extracted, extract_article

__all__ = [
    "PooledStage",
    "WorkerPool",
    "decode_and_extract",
    "default_workers",
    "tag_fields",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")


def default_workers() -> int:
    """One worker per CPU, at most 4 (more only adds memory: the reactor is then the limit)."""
    return min(os.cpu_count() or 1, 4)


def decode_and_extract(body: bytes, content_type: str | None, url: str) -> Extracted | None:
    """Decode (charset checked against the bytes) and extract: one call in a worker."""
    return extract_article(decode_html(body, content_type).text, url)


def tag_fields(
    text: str, language: str | None, authors: list[str], fields: tuple[str, ...]
) -> Entities:
    """The entity stage's call in a worker (the NER models load once per worker, on first
    use)."""
    return tag_entities(text, language, authors=authors, fields=fields)


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
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)

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

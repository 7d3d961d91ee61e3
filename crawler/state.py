"""What a crawl remembers between runs: the seen-URL store and where state lives.

Each archive has its own state directory, `<state root>/<archive key>/`, so two
archives crawled from one machine never share memory of what was stored:

    archive-identity  the identity of the archive this state belongs to
                    (Archive.identity); state kept for another archive at the same
                    address is moved to previous/<its identity>/ and never used
    seen.sqlite     every URL already stored, judged irrelevant, merged as a
                    duplicate or failed (with the time and number of attempts),
                    the dedupe stage's MinHash signatures, and the sources
                    already crawled once (their history is taken on the first)
    job/            Scrapy's JOBDIR: the pending request queue of a crawl that
                    was stopped (SIGTERM, Ctrl-C); the next crawl resumes it.
                    Removed when a crawl ends any other way.
    spool.jsonl     articles the archive could not take (outage); written first
                    on the next run (see crawler.item_pipelines.IndexPipeline)
    evidence/       WARC files with the raw captures (search.evidence)
    logs/           the last crawl's Scrapy log

The state root is HOMEWARD_STATE_DIR, else `user_data_dir("homeward")/state`.

Failed URLs are not given up at once: a URL that failed (HTTP error, timeout,
no extractable article) is retried by a later crawl after a back-off of
`retry_after * 2**(attempts-1)` (6 hours, 12 hours, … at most 7 days), and
never again after `MAX_ATTEMPTS` failures. Everything else in the store is
final: a recrawl never fetches a stored, irrelevant or duplicate URL again.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.homeward_settings import DEFAULTS, read
from crawler.summary import STATE_SET_ASIDE
from search.open import open_archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "FINAL_STATUSES",
    "MAX_ATTEMPTS",
    "SeenStore",
    "bind_to_archive",
    "open_seen_store",
    "seen_store_for",
]

logger = logging.getLogger(__name__)

STORED, IRRELEVANT, DUPLICATE, ALIAS, FAILED = (
    "stored",
    "irrelevant",
    "duplicate",
    "alias",
    "failed",
)
FINAL_STATUSES = frozenset({STORED, IRRELEVANT, DUPLICATE, ALIAS})
MAX_ATTEMPTS = 5
DEFAULT_RETRY_AFTER = DEFAULTS["HOMEWARD_RETRY_FAILED_AFTER"] * 3600
MAX_BACKOFF = 7 * 24 * 3600.0


SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    article_id TEXT,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS signatures (
    article_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    hashvalues BLOB NOT NULL,
    published REAL
);
CREATE TABLE IF NOT EXISTS revisits (
    url TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    source TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    visits INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS revisits_due ON revisits(due);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    first_crawled REAL NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Revisit:
    """A stored page to look at again: what it was (its text's hash, the validators the
    server gave) and how often it has been looked at."""

    url: str
    article_id: str
    source: str
    text_sha: str
    etag: str | None
    last_modified: str | None
    visits: int


def next_look(visits: int, intervals: tuple[float, ...], now: float | None = None) -> float:
    """When to look again after `visits` looks: the intervals in turn, then the last."""
    days = intervals[min(visits, len(intervals) - 1)]
    return (now if now is not None else time.time()) + days * 86400


class SeenStore:
    """SQLite record of URLs already dealt with, and of MinHash signatures.

    Thread-safe (one connection behind a lock) because Scrapy pipelines may run
    stages in a thread; writes are committed at once so a killed crawl loses
    nothing it reported as done.
    """

    def __init__(self, path: str | Path, retry_after: float = DEFAULT_RETRY_AFTER) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    # --- URLs ------------------------------------------------------------------

    def status(self, url: str) -> tuple[str, int, float] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT status, attempts, updated FROM seen WHERE url = ?", (url,)
            ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def should_skip(self, url: str, now: float | None = None) -> bool:
        """True if `url` needs no fetch: dealt with for good, or failed too recently."""
        row = self.status(url)
        if row is None:
            return False
        status, attempts, updated = row
        if status in FINAL_STATUSES:
            return True
        if attempts >= MAX_ATTEMPTS:
            return True
        backoff = min(self.retry_after * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
        return (now if now is not None else time.time()) < updated + backoff

    def is_stored(self, url: str) -> bool:
        row = self.status(url)
        return row is not None and row[0] == STORED

    def mark(
        self,
        url: str,
        status: str,
        article_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Remember `url`; a failure counts one more attempt, any other status is final."""
        now = time.time()
        with self._lock:
            if status == FAILED:
                self._db.execute(
                    "INSERT INTO seen (url, status, article_id, reason, attempts, updated) "
                    "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(url) DO UPDATE SET "
                    "status = excluded.status, reason = excluded.reason, "
                    "attempts = seen.attempts + 1, updated = excluded.updated "
                    "WHERE seen.status = 'failed'",
                    (url, status, article_id, reason, now),
                )
            else:
                self._db.execute(
                    "INSERT INTO seen (url, status, article_id, reason, attempts, updated) "
                    "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT(url) DO UPDATE SET "
                    "status = excluded.status, article_id = excluded.article_id, "
                    "reason = excluded.reason, updated = excluded.updated",
                    (url, status, article_id, reason, now),
                )

    def forget_missing(
        self, existing_ids: Callable[[list[str]], set[str]], chunk: int = 1000
    ) -> int:
        """Forget what this store says the archive holds but `existing_ids` (the archive's
        own answer) does not: such a URL is fetched again, and no page is merged into
        such a signature's article. The number of URLs forgotten."""
        forgotten = 0
        for rows in self._chunks(
            "SELECT url, article_id FROM seen WHERE status = 'stored' AND url > ? "
            "ORDER BY url LIMIT ?",
            chunk,
        ):
            held = existing_ids([article_id for _, article_id in rows if article_id])
            lost = [(url,) for url, article_id in rows if article_id not in held]
            with self._lock:
                self._db.executemany("DELETE FROM seen WHERE url = ?", lost)
                self._db.executemany("DELETE FROM revisits WHERE url = ?", lost)
            forgotten += len(lost)
        for rows in self._chunks(
            "SELECT article_id, article_id FROM signatures WHERE article_id > ? "
            "ORDER BY article_id LIMIT ?",
            chunk,
        ):
            held = existing_ids([article_id for article_id, _ in rows])
            self.remove_signatures(a for a, _ in rows if a not in held)
        return forgotten

    def _chunks(self, query: str, size: int) -> Iterator[list[Any]]:
        """Rows of `query` (keyed by its first column, `> ?` then `LIMIT ?`) in chunks."""
        last = ""
        while True:
            with self._lock:
                rows = self._db.execute(query, (last, size)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield rows

    def count(self, status: str | None = None) -> int:
        with self._lock:
            if status is None:
                return self._db.execute("SELECT count(*) FROM seen").fetchone()[0]
            return self._db.execute(
                "SELECT count(*) FROM seen WHERE status = ?", (status,)
            ).fetchone()[0]

    # --- re-visits of stored pages --------------------------------------------------

    def schedule_revisit(self, revisit: Revisit, due: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO revisits (url, article_id, source, text_sha, etag, "
                "last_modified, visits, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    revisit.url,
                    revisit.article_id,
                    revisit.source,
                    revisit.text_sha,
                    revisit.etag,
                    revisit.last_modified,
                    revisit.visits,
                    due,
                ),
            )

    def due_revisits(
        self, sources: Iterable[str], limit: int, now: float | None = None
    ) -> list[Revisit]:
        """The most overdue pages of these sources, at most `limit`."""
        names = list(sources)
        if not names or limit <= 0:
            return []
        marks = ",".join("?" * len(names))  # only "?" marks are formatted into the SQL
        query = (
            "SELECT url, article_id, source, text_sha, etag, last_modified, visits "  # noqa: S608
            f"FROM revisits WHERE due <= ? AND source IN ({marks}) ORDER BY due LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(
                query,
                [now if now is not None else time.time(), *names, limit],
            ).fetchall()
        return [Revisit(*row) for row in rows]

    def forget_revisit(self, url: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM revisits WHERE url = ?", (url,))

    def count_revisits(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM revisits").fetchone()[0])

    # --- sources ------------------------------------------------------------------

    def crawled_sources(self) -> set[str]:
        """Sources a crawl has already taken whole: later crawls of them are incremental."""
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT name FROM sources")}

    def mark_crawled(self, names: Iterable[str]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO sources (name, first_crawled) VALUES (?, ?)",
                [(name, time.time()) for name in names],
            )

    # --- dedupe signatures -----------------------------------------------------

    def add_signature(
        self, article_id: str, url: str, hashvalues: bytes, published: float | None = None
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO signatures (article_id, url, hashvalues, published) "
                "VALUES (?, ?, ?, ?)",
                (article_id, url, hashvalues, published),
            )

    def iter_signatures(self) -> Iterator[tuple[str, str, bytes, float | None]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT article_id, url, hashvalues, published FROM signatures"
            ).fetchall()
        yield from rows

    def remove_signatures(self, article_ids: Iterable[str]) -> None:
        with self._lock:
            self._db.executemany(
                "DELETE FROM signatures WHERE article_id = ?", [(i,) for i in article_ids]
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


IDENTITY_FILE = "archive-identity"
# What belongs to one archive's identity; the spool (articles still to write), the
# evidence and the logs stay: they are not memory of what an archive holds.
ARCHIVE_BOUND = ("seen.sqlite", "seen.sqlite-wal", "seen.sqlite-shm", "job")


def bind_to_archive(state_dir: Path, identity: str) -> Path | None:
    """Make `state_dir` the state of the archive named `identity`.

    State left by another archive at the same address (deleted and made again, or
    restored from elsewhere) would make the crawl skip pages that this archive never
    stored, so it is moved to `previous/<its identity>/` (kept, not deleted) and the
    crawl starts with no memory. Returns that folder when it moved anything. State made
    before archives had identities is adopted by the first archive that uses it.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    marker = state_dir / IDENTITY_FILE
    try:
        previous = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        previous = ""
    moved_to: Path | None = None
    if previous and previous != identity:
        aside = state_dir / "previous" / previous
        for name in ARCHIVE_BOUND:
            path = state_dir / name
            if path.exists():
                aside.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(aside / name, ignore_errors=True)
                path.rename(aside / name)
                moved_to = aside
    if previous != identity:
        temporary = marker.with_suffix(".part")
        temporary.write_text(identity + "\n", encoding="utf-8")
        temporary.replace(marker)
    return moved_to


def open_seen_store(settings: Any) -> SeenStore:
    """A new connection to the seen store of the archive the settings name."""
    state_dir = Path(settings.get("HOMEWARD_STATE_PATH") or "")
    if not settings.get("HOMEWARD_STATE_PATH"):
        raise NotConfigured("HOMEWARD_STATE_PATH is not set (the news spider sets it)")
    return SeenStore(
        state_dir / "seen.sqlite",
        retry_after=read(settings, "HOMEWARD_RETRY_FAILED_AFTER") * 3600,
    )


_STORES: weakref.WeakKeyDictionary[Any, SeenStore] = weakref.WeakKeyDictionary()


def seen_store_for(crawler: Crawler) -> SeenStore | None:
    """The one seen store of a crawl, shared by the spider and every component, closed
    when the engine stops; None when HOMEWARD_INCREMENTAL is off. Opened only after
    the state is bound to the archive the crawl writes to (`bind_to_archive`)."""
    if not read(crawler.settings, "HOMEWARD_INCREMENTAL"):
        return None
    store = _STORES.get(crawler)
    if store is None:
        _bind_to_crawl_archive(crawler)
        store = _STORES[crawler] = open_seen_store(crawler.settings)
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store


def _bind_to_crawl_archive(crawler: Crawler) -> None:
    settings = crawler.settings
    state_path, archive_url = settings.get("HOMEWARD_STATE_PATH"), settings.get("HOMEWARD_ARCHIVE")
    if not state_path or not archive_url:
        return
    try:
        with open_archive(archive_url) as archive:
            identity = archive.identity()
    except Exception as error:  # any failure to ask: the crawl spools; state is kept as is
        logger.warning(
            "archive %s cannot be asked its identity (%s); its crawl state is used as it is",
            archive_url,
            error,
        )
        return
    aside = bind_to_archive(Path(state_path), identity)
    if aside is not None:

        def record() -> None:  # stats exist from the spider's opening on
            crawler.stats.set_value(STATE_SET_ASIDE, str(aside))

        crawler.signals.connect(record, signal=signals.spider_opened, weak=False)
        logger.warning(
            "archive %s is not the archive this crawl state was kept for: that state was "
            "moved to %s and every page is taken again",
            archive_url,
            aside,
        )

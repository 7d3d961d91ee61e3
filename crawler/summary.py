"""Progress lines while a crawl runs, and the run summary read from Scrapy's stats.

Every drop and error in the crawler and the stages is a stats counter under
`homeward/` (see `count`): `homeward/fetched/<kind>`, `homeward/stored`,
`homeward/duplicates`, `homeward/irrelevant`, `homeward/failed/<reason>`,
`homeward/skipped/<why>`, and per source `homeward/source/<name>/<counter>`
(fetched, stored, duplicates, irrelevant, failed, unreachable, errors).
The run summary is computed from those counters only, so what the summary
says and what the stats dump in the log says cannot differ.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "FetchStatsMiddleware",
    "ProgressReporter",
    "RunSummary",
    "SourceSummary",
    "count",
    "format_summary",
    "summary_from_stats",
]

PREFIX = "homeward/"
SOURCE_PREFIX = "homeward/source/"
PROGRESS_MARK = "homeward-progress "
PER_SOURCE = ("fetched", "stored", "duplicates", "irrelevant", "failed", "unreachable")


def count(stats: Any, what: str, source: str | None = None, per_source: str | None = None) -> None:
    """Count one `homeward/<what>`, and for the source `homeward/source/<name>/<per_source>`
    (default: the first part of `what`, so `failed/http-500` counts as the source's `failed`)."""
    stats.inc_value(PREFIX + what)
    if source:
        stats.inc_value(f"{SOURCE_PREFIX}{source}/{per_source or what.split('/')[0]}")


@dataclass(slots=True)
class SourceSummary:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    irrelevant: int = 0
    failed: int = 0
    unreachable: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RunSummary:
    """What one crawl did. `fetched` counts every HTTP response (robots.txt, feeds,
    sitemaps, listings and articles; `fetched_by_kind` splits them)."""

    fetched: int = 0
    fetched_by_kind: dict[str, int] = field(default_factory=dict)
    stored: int = 0
    duplicates: int = 0
    irrelevant: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    spooled: int = 0
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    elapsed: float = 0.0
    finish_reason: str | None = None
    archive: str | None = None
    state_dir: str | None = None
    notes: list[str] = field(default_factory=list)  # things the user should act on
    run_id: str | None = None  # the run record this crawl left (search.runs)
    state: str | None = None  # its exit state: ok, stopped, timeout, failed

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def resumable(self) -> bool:
        """True when the crawl was stopped and the next crawl continues its queue."""
        return self.finish_reason == "shutdown"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        values = dict(data)
        values["sources"] = {
            name: SourceSummary(**counts) for name, counts in (data.get("sources") or {}).items()
        }
        return cls(**values)


def summary_from_stats(
    stats: dict[str, Any], source_names: list[str] | None = None, elapsed: float | None = None
) -> RunSummary:
    """The run summary from a Scrapy stats dict (crawler.stats.get_stats())."""
    summary = RunSummary(
        stored=int(stats.get(PREFIX + "stored", 0)),
        duplicates=int(stats.get(PREFIX + "duplicates", 0)),
        irrelevant=int(stats.get(PREFIX + "irrelevant", 0)),
        spooled=int(stats.get(PREFIX + "spooled", 0)),
        finish_reason=stats.get("finish_reason"),
    )
    for name in source_names or []:
        summary.sources[name] = SourceSummary()
    for key, value in stats.items():
        if not key.startswith(PREFIX):
            continue
        rest = key[len(PREFIX) :]
        if rest.startswith("fetched/"):
            summary.fetched_by_kind[rest[len("fetched/") :]] = int(value)
        elif rest.startswith("failed/"):
            summary.failed[rest[len("failed/") :]] = int(value)
        elif rest.startswith("skipped/"):
            summary.skipped[rest[len("skipped/") :]] = int(value)
        elif key.startswith(SOURCE_PREFIX):
            name, _, counter = key[len(SOURCE_PREFIX) :].rpartition("/")
            if not name:
                continue
            source = summary.sources.setdefault(name, SourceSummary())
            if counter == "errors":
                source.errors = list(value)
            elif counter in PER_SOURCE:
                setattr(source, counter, int(value))
    summary.fetched = sum(summary.fetched_by_kind.values())
    untagged = int(stats.get(PREFIX + "entities/no-english-model", 0))
    if untagged:
        summary.notes.append(
            f"{untagged} English articles were stored without person names: the spaCy model "
            "is not installed (see the crawl log for how to install it)"
        )
    if elapsed is None:
        start, finish = stats.get("start_time"), stats.get("finish_time")
        elapsed = (finish - start).total_seconds() if start and finish else 0.0
    summary.elapsed = round(elapsed, 2)
    return summary


def format_summary(summary: RunSummary) -> str:
    """The summary as a few lines for people (the CLI prints this)."""
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.fetched_by_kind.items()))
    lines = [
        f"fetched {summary.fetched} pages ({kinds or 'none'}) in {summary.elapsed:.1f}s",
        f"stored {summary.stored} articles, merged {summary.duplicates} duplicates, "
        f"{summary.irrelevant} off-topic, {summary.failed_total} failed",
    ]
    if summary.failed:
        lines.append(
            "failed: " + ", ".join(f"{reason} {n}" for reason, n in sorted(summary.failed.items()))
        )
    if summary.spooled:
        lines.append(
            f"{summary.spooled} articles could not be written to the archive and are kept in "
            "the spool; the next crawl writes them"
        )
    for name, source in summary.sources.items():
        line = (
            f"  {name}: fetched {source.fetched}, stored {source.stored}, "
            f"duplicates {source.duplicates}, off-topic {source.irrelevant}, "
            f"failed {source.failed}"
        )
        if source.errors:
            line += f"; UNREACHABLE or broken: {'; '.join(source.errors[:3])}"
        lines.append(line)
    if summary.resumable:
        lines.append("crawl stopped early: the next crawl resumes where this one stopped")
    lines.extend(f"note: {note}" for note in summary.notes)
    if summary.run_id:
        lines.append(f"run {summary.run_id}: {summary.state} (`homeward runs` lists past runs)")
    return "\n".join(lines)


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


class ProgressReporter:
    """Extension: a progress line on stderr every HOMEWARD_PROGRESS_INTERVAL seconds,
    and the run summary written to HOMEWARD_SUMMARY_FILE when the crawl ends."""

    def __init__(
        self,
        stats: Any,
        interval: float,
        fmt: str = "text",
        summary_file: str | None = None,
        archive: str | None = None,
        state_dir: str | None = None,
        stream: TextIO | None = None,
        contact: str | None = None,
    ) -> None:
        self.stats = stats
        self.interval = interval
        self.format = fmt
        self.summary_file = summary_file
        self.archive = archive
        self.state_dir = state_dir
        self.stream = stream or sys.stderr
        self.contact = contact
        self.started = time.monotonic()
        self.source_names: list[str] = []
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        settings = crawler.settings
        interval = settings.getfloat("HOMEWARD_PROGRESS_INTERVAL", 5.0)
        summary_file = settings.get("HOMEWARD_SUMMARY_FILE")
        if interval <= 0 and not summary_file:
            raise NotConfigured("no progress interval and no summary file")
        extension = cls(
            crawler.stats,
            interval,
            settings.get("HOMEWARD_PROGRESS_FORMAT", "text"),
            summary_file,
            settings.get("HOMEWARD_ARCHIVE"),
            settings.get("HOMEWARD_STATE_PATH"),
            contact=settings.get("HOMEWARD_CONTACT"),
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.source_names = [source.name for source in getattr(spider, "sources", [])]
        if self.interval > 0:
            self._loop = task.LoopingCall(self.report)
            self._loop.start(self.interval, now=False)

    def summary(self) -> RunSummary:
        summary = summary_from_stats(
            self.stats.get_stats(), self.source_names, time.monotonic() - self.started
        )
        summary.archive, summary.state_dir = self.archive, self.state_dir
        if not self.contact:
            summary.notes.append(
                "HOMEWARD_CONTACT is not set: set it to a URL or e-mail address so that "
                "site owners can reach you (it goes in the User-Agent)"
            )
        return summary

    def report(self) -> None:
        summary = self.summary()
        if self.format == "json":
            record = {
                "elapsed": summary.elapsed,
                "fetched": summary.fetched,
                "stored": summary.stored,
                "duplicates": summary.duplicates,
                "irrelevant": summary.irrelevant,
                "failed": summary.failed_total,
                "sources": {
                    name: {"fetched": s.fetched, "stored": s.stored}
                    for name, s in summary.sources.items()
                },
            }
            line = PROGRESS_MARK + json.dumps(record, ensure_ascii=False)
        else:
            line = progress_line(summary)
        print(line, file=self.stream, flush=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.summary_file:
            self.stats.set_value("finish_reason", reason)
            summary = self.summary()
            summary.finish_reason = reason
            with open(self.summary_file, "w", encoding="utf-8") as stream:
                json.dump(summary.to_dict(), stream, ensure_ascii=False, indent=1)


def progress_line(summary: RunSummary | dict[str, Any]) -> str:
    """One human progress line from a summary or a JSON progress record."""
    data = summary.to_dict() if isinstance(summary, RunSummary) else summary
    failed = data["failed"]
    failed_total = sum(failed.values()) if isinstance(failed, dict) else failed
    per_source = "; ".join(
        f"{name} {counts['fetched']}/{counts['stored']}"
        for name, counts in data.get("sources", {}).items()
    )
    return (
        f"[{data['elapsed']:.0f}s] fetched {data['fetched']}, stored {data['stored']}, "
        f"duplicates {data['duplicates']}, off-topic {data['irrelevant']}, failed {failed_total}"
        + (f" | per source fetched/stored: {per_source}" if per_source else "")
    )


class RunPartRecorder:
    """Extension: on a Scrapyd node, add this crawl's summary to the shared run record.

    A crawl spread over Scrapyd nodes (crawler.scrapyd) is one run: the coordinator
    records it, and each node's crawl adds its part (state, summary, job id) under
    `nodes[HOMEWARD_RUN_PART]` of that record in the shared archive when it ends;
    the coordinator adds the parts up. Not configured without HOMEWARD_RUN_ID and
    HOMEWARD_RUN_PART: a local crawl is recorded by `crawler.run.run_crawl`.
    """

    def __init__(self, stats: Any, run_id: str, part: str, archive: str | None) -> None:
        self.stats = stats
        self.run_id = run_id
        self.part = part
        self.archive = archive
        self.started = time.monotonic()
        self.source_names: list[str] = []
        self.job: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunPartRecorder:
        settings = crawler.settings
        run_id, part = settings.get("HOMEWARD_RUN_ID"), settings.get("HOMEWARD_RUN_PART")
        if not run_id or not part:
            raise NotConfigured("not a part of a distributed run")
        extension = cls(crawler.stats, run_id, part, settings.get("HOMEWARD_ARCHIVE"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.source_names = [source.name for source in getattr(spider, "sources", [])]
        self.job = getattr(spider, "_job", None)  # Scrapyd passes its job id as `_job`

    def part_record(self, reason: str) -> dict[str, Any]:
        from schedules.history import exit_state
        from search.runs import now_iso

        summary = summary_from_stats(
            self.stats.get_stats(), self.source_names, time.monotonic() - self.started
        )
        summary.finish_reason = reason
        summary.archive = self.archive
        return {
            "state": exit_state(reason),
            "job": self.job,
            "finished_at": now_iso(),
            "summary": summary.to_dict(),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        from schedules.history import RunLog
        from search.runs import RunRecord

        part = self.part_record(reason)

        def add_part(run: RunRecord) -> None:
            run.nodes.setdefault(self.part, {}).update(part)  # keep what the coordinator noted

        RunLog(self.archive).update(RunRecord(id=self.run_id, origin="scrapyd"), add_part)

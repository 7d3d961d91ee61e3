"""Scrapy extensions that follow a crawl from outside its item flow.

ProgressReporter prints progress and writes the run summary at the end;
RunPartRecorder adds a Scrapyd node's part to the shared run record;
JobDirCleanup forgets a finished crawl's resume queue."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.history import RunLog
from crawler.homeward_settings import POLICY, read
from crawler.summary import PROGRESS_MARK, RunSummary, progress_line, summary_from_stats
from homeward.paths import shown_url
from homeward.runs import RunRecord, exit_state, run_timestamp

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class _CrawlFollower:
    """What the progress reporter and the run-part recorder share: they watch the same
    stats from the spider's opening, and read the run summary from them."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.started = time.monotonic()
        self.source_names: list[str] = []

    def follow(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.source_names = [source.name for source in getattr(spider, "sources", [])]

    def spider_closed(self, spider: Spider, reason: str) -> None:
        raise NotImplementedError

    def current_summary(self) -> RunSummary:
        return summary_from_stats(
            self.stats.get_stats(), self.source_names, time.monotonic() - self.started
        )


class ProgressReporter(_CrawlFollower):
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
        policy: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(stats)
        self.policy = dict(policy or {})
        self.interval = interval
        self.format = fmt
        self.summary_file = summary_file
        self.archive = archive
        self.state_dir = state_dir
        self.stream = stream or sys.stderr
        self.contact = contact
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        settings = crawler.settings
        interval = read(settings, "HOMEWARD_PROGRESS_INTERVAL")
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
            policy={name: read(settings, name) for name in POLICY},
        )
        extension.follow(crawler)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        super().spider_opened(spider)
        if self.interval > 0:
            self._loop = task.LoopingCall(self.report)
            self._loop.start(self.interval, now=False)

    def summary(self) -> RunSummary:
        summary = self.current_summary()
        summary.archive = shown_url(self.archive) if self.archive else None
        summary.state_dir = self.state_dir
        summary.settings = dict(self.policy)
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


class RunPartRecorder(_CrawlFollower):
    """Extension: on a Scrapyd node, add this crawl's summary to the shared run record.

    A crawl spread over Scrapyd nodes (crawler.scrapyd) is one run: the coordinator
    records it, and each node's crawl adds its part (state, summary, job id) under
    `nodes[HOMEWARD_RUN_PART]` of that record in the shared archive when it ends;
    the coordinator adds the parts up. Not configured without HOMEWARD_RUN_ID and
    HOMEWARD_RUN_PART: a local crawl is recorded by `crawler.run.run_crawl`.
    """

    def __init__(self, stats: Any, run_id: str, part: str, archive: str | None) -> None:
        super().__init__(stats)
        self.run_id = run_id
        self.part = part
        self.archive = archive
        self.job: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunPartRecorder:
        settings = crawler.settings
        run_id, part = settings.get("HOMEWARD_RUN_ID"), settings.get("HOMEWARD_RUN_PART")
        if not run_id or not part:
            raise NotConfigured("not a part of a distributed run")
        extension = cls(crawler.stats, run_id, part, settings.get("HOMEWARD_ARCHIVE"))
        extension.follow(crawler)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        super().spider_opened(spider)
        self.job = getattr(spider, "_job", None)  # Scrapyd passes its job id as `_job`

    def part_record(self, reason: str) -> dict[str, Any]:
        summary = self.current_summary()
        summary.finish_reason = reason
        summary.archive = shown_url(self.archive) if self.archive else None
        return {
            "state": exit_state(reason),
            "job": self.job,
            "finished_at": run_timestamp(),
            "summary": summary.to_dict(),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:

        part = self.part_record(reason)

        def add_part(run: RunRecord) -> None:
            run.nodes.setdefault(self.part, {}).update(part)  # keep what the coordinator noted

        RunLog(self.archive).update(RunRecord(id=self.run_id, origin="scrapyd"), add_part)


class JobDirCleanup:
    """Extension: forget the JOBDIR queue once a crawl ends other than by a stop.

    Scrapy keeps the queue (and its seen-request file) so a stopped crawl can
    resume; after a crawl that finished, an old seen-request file would make
    the next crawl skip feeds and pages, so the directory goes.
    """

    def __init__(self, jobdir: str) -> None:
        self.jobdir = Path(jobdir)
        self.reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirCleanup:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured("no JOBDIR")
        extension = cls(jobdir)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        if self.reason is not None and self.reason != "shutdown":
            shutil.rmtree(self.jobdir, ignore_errors=True)
        elif self.reason == "shutdown":
            logger.info("crawl stopped; the next crawl resumes from %s", self.jobdir)

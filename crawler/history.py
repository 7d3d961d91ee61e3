"""Writing the run history: the start, end and exit state of every crawl.

`crawler.run.run_crawl` (every local crawl, from the CLI, the scheduler or the
demo), the scheduler (runs it skips) and the Scrapyd coordinator write through
`RunLog`. The history is a record of crawls, not a condition for them: when the
archive cannot take a record (an Elasticsearch outage) the crawl still runs,
its articles are spooled as usual, and a warning says which record is missing.
Each call opens the archive briefly, so no connection is held while a crawl runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from homeward.paths import resolve_archive_url
from homeward.runs import (
    FAILED,
    RUNNING,
    SKIPPED,
    RunChange,
    RunNotFound,
    RunRecord,
    new_run_id,
    run_timestamp,
)
from search.open import open_archive

__all__ = ["RunLog"]

logger = logging.getLogger("homeward.runs")


class RunLog:
    """Run records of one archive; every failure to write one is a warning."""

    def __init__(self, archive_url: str | None) -> None:
        self.archive_url = resolve_archive_url(archive_url)

    def _write(self, what: str, action: Any) -> Any:
        try:
            with open_archive(self.archive_url) as archive:
                return action(archive)
        except Exception as error:  # a history write must never stop or fail a crawl
            logger.warning(
                "could not record %s in the run history of %s: %s", what, self.archive_url, error
            )
            return None

    def start(
        self,
        *,
        run_id: str | None = None,
        origin: str = "manual",
        schedule: str | None = None,
        sources: Iterable[str] = (),
        sources_file: str | Path | None = None,
        nodes: Iterable[str] = (),
    ) -> RunRecord:
        """Record a crawl as running (before its process starts)."""
        run = RunRecord(
            id=run_id or new_run_id(),
            origin=origin,
            schedule=schedule,
            sources=list(sources),
            sources_file=str(sources_file) if sources_file else None,
            nodes={node: {"state": RUNNING} for node in nodes},
        )
        self._write(f"the start of run {run.id}", lambda archive: archive.record_run(run))
        return run

    def update(self, run: RunRecord, change: RunChange) -> RunRecord:
        """Apply `change` to the stored record (keeping what others wrote to it, such as
        Scrapyd nodes' parts); when the record is missing (its start could not be
        written), `run` with the change is stored whole."""

        def apply(archive: Any) -> RunRecord:
            try:
                return archive.update_run(run.id, change)
            except RunNotFound:
                change(run)
                archive.record_run(run)
                return run

        updated = self._write(f"run {run.id}", apply)
        if updated is None:  # not written: keep the caller's copy current all the same
            change(run)
            return run
        return updated

    def finish(
        self,
        run: RunRecord,
        state: str,
        summary: dict[str, Any] | None = None,
        message: str = "",
    ) -> RunRecord:
        """Record how a crawl ended: its exit state, summary and a message if it failed."""

        def change(record: RunRecord) -> None:
            record.state = state
            record.finished_at = run_timestamp()
            if summary is not None:
                record.summary = summary
            if message:
                record.message = message

        return self.update(run, change)

    def skipped(
        self,
        *,
        schedule: str,
        message: str,
        sources: Iterable[str] = (),
        sources_file: str | Path | None = None,
    ) -> RunRecord:
        """Record a scheduled crawl that did not start because the previous one still runs."""
        now = run_timestamp()
        run = RunRecord(
            id=new_run_id(),
            started_at=now,
            finished_at=now,
            state=SKIPPED,
            origin="schedule",
            schedule=schedule,
            sources=list(sources),
            sources_file=str(sources_file) if sources_file else None,
            message=message,
        )
        self._write(f"skipped run {run.id}", lambda archive: archive.record_run(run))
        return run

    def abandon(self, run_id: str, message: str) -> RunRecord | None:
        """Mark a run that is still recorded as running as failed: its process died
        (killed, or the machine went down) before it could record its end."""

        def change(record: RunRecord) -> None:
            if record.state == RUNNING:
                record.state = FAILED
                record.finished_at = run_timestamp()
                record.message = message

        def apply(archive: Any) -> RunRecord | None:
            try:
                return archive.update_run(run_id, change)
            except RunNotFound:
                return None

        return self._write(f"the end of abandoned run {run_id}", apply)

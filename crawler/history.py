"""Writing the run history: the start, end and exit state of every crawl.

`crawler.run.run_crawl` (every local crawl, from the CLI, the scheduler or the
demo), the scheduler (runs it skips) and the Scrapyd coordinator write through
`RunLog`. The history is a record of crawls, not a condition for them: when the
archive cannot take a record (an Elasticsearch outage) the crawl still runs,
its articles are spooled as usual, and a warning says which record is missing.
Each call opens the archive briefly, so no connection is held while a crawl runs.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from homeward.article import parse_published
from homeward.paths import resolve_archive_url, shown_url
from homeward.processes import alive_since
from homeward.runs import (
    FAILED,
    KILLED,
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
    """Run records of one archive; every failure to write one is a warning.

    With `unwritten` (a file in the crawl's state folder), a run's end that cannot be
    written (the archive is down: the very outage the crawl spooled around) is kept
    there and written by the next `write_unwritten`, so no record stays "running"."""

    def __init__(self, archive_url: str | None, unwritten: Path | None = None) -> None:
        self.archive_url = resolve_archive_url(archive_url)
        self.unwritten = unwritten

    def _write(self, what: str, action: Any) -> Any:
        try:
            with open_archive(self.archive_url) as archive:
                return action(archive)
        except Exception as error:  # a history write must never stop or fail a crawl
            logger.warning(
                "could not record %s in the run history of %s: %s",
                what,
                shown_url(self.archive_url),
                error,
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
            self._keep_unwritten(run)
            return run
        return updated

    def _keep_unwritten(self, run: RunRecord) -> None:
        if self.unwritten is None or run.state == RUNNING:
            return
        self.unwritten.parent.mkdir(parents=True, exist_ok=True)
        with self.unwritten.open("a", encoding="utf-8") as journal:
            journal.write(json.dumps(run.to_dict(), ensure_ascii=False) + "\n")

    def write_unwritten(self) -> int:
        """Write the run ends an outage kept out of the archive; the number written.
        What still cannot be written stays for the next time."""
        if self.unwritten is None or not self.unwritten.exists():
            return 0
        kept: list[str] = []
        written = 0
        for line in self.unwritten.read_text(encoding="utf-8").splitlines():
            try:
                ended = RunRecord.from_dict(json.loads(line))
            except (ValueError, TypeError) as error:  # a torn line: nothing to write
                logger.warning("unreadable run record in %s: %s", self.unwritten, error)
                continue

            def apply(archive: Any, ended: RunRecord = ended) -> RunRecord:
                def change(record: RunRecord) -> None:
                    record.state, record.finished_at = ended.state, ended.finished_at
                    record.summary, record.message = ended.summary, ended.message

                try:
                    return archive.update_run(ended.id, change)
                except RunNotFound:
                    archive.record_run(ended)
                    return ended

            if self._write(f"the end of run {ended.id}", apply) is None:
                kept.append(line)
            else:
                written += 1
        if kept:
            self.unwritten.write_text("\n".join(kept) + "\n", encoding="utf-8")
        else:
            self.unwritten.unlink()
        return written

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

    def settle_dead(self, limit: int = 50) -> list[RunRecord]:
        """Runs recorded as running on this machine whose process is gone (killed with
        its caller, or the machine went down) are marked killed: a record never stays
        "running" for ever. The records settled."""
        runs = self._write("the list of runs", lambda archive: archive.list_runs(limit=limit))
        settled = []
        for run in runs or []:
            if run.state != RUNNING or run.host != socket.gethostname() or run.pid is None:
                continue
            if alive_since(run.pid, parse_published(run.started_at)):
                continue
            message = f"its process (pid {run.pid}) ended without recording how: killed"
            if (record := self.abandon(run.id, message, state=KILLED)) is not None:
                settled.append(record)
        return settled

    def abandon(self, run_id: str, message: str, state: str = FAILED) -> RunRecord | None:
        """Mark a run that is still recorded as running as `state`: its process died
        (killed, or the machine went down) before it could record its end."""

        def change(record: RunRecord) -> None:
            if record.state == RUNNING:
                record.state = state
                record.finished_at = run_timestamp()
                record.message = message

        def apply(archive: Any) -> RunRecord | None:
            try:
                return archive.update_run(run_id, change)
            except RunNotFound:
                return None

        return self._write(f"the end of abandoned run {run_id}", apply)

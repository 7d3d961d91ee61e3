"""Run history: one record per crawl, and the source health read from those records.

Every crawl (manual, scheduled or spread over Scrapyd nodes) leaves a `RunRecord`
in the archive it fed, so the history lives next to the articles and every
machine writing to a shared Elasticsearch archive writes to one history. A
record is plain data stored whole (one JSON record in SQLite, one document in
Elasticsearch), like article sets; changes go through `Archive.update_run` as
one read-modify-write, so two Scrapyd nodes adding their parts at the same
moment cannot lose each other's summary.

Source health is computed from the records, never stored: a source is
*failing* when it failed (unreachable, broken feed, or the whole crawl failed)
or stored nothing in each of its last N finished runs.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from homeward.clock import utc_now, utc_now_iso

__all__ = [
    "EXIT_CODES",
    "FINISHED_STATES",
    "RUN_STATES",
    "RunChange",
    "RunNotFound",
    "RunRecord",
    "SourceHealth",
    "exit_state",
    "merge_summaries",
    "new_run_id",
    "run_timestamp",
    "shown_value",
    "source_health",
]

RUNNING, OK, FAILED, STOPPED, TIMEOUT, SKIPPED, KILLED = (
    "running",
    "ok",
    "failed",
    "stopped",
    "timeout",
    "skipped",
    "killed",
)
RUN_STATES = (RUNNING, OK, FAILED, STOPPED, TIMEOUT, SKIPPED, KILLED)
# States of a crawl that ran and ended: the ones source health is judged on.
FINISHED_STATES = frozenset({OK, FAILED, STOPPED, TIMEOUT, KILLED})
# `homeward crawl`'s exit status for each end, as shells and timeout(1) use them.
EXIT_CODES = {OK: 0, FAILED: 1, KILLED: 1, STOPPED: 130, TIMEOUT: 124}
ORIGINS = ("manual", "schedule", "scrapyd")
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
DEFAULT_UNHEALTHY_AFTER = 3
MAX_UNHEALTHY_AFTER = 1000  # as `homeward sources --unhealthy-after` allows
UNHEALTHY_ENV = "HOMEWARD_UNHEALTHY_AFTER"
MAX_RUNS = 10_000


class RunNotFound(LookupError):
    """No run record has this id."""


def run_timestamp() -> str:
    """Now with microseconds: two runs started in one second still sort apart."""
    return utc_now_iso("microseconds")


def new_run_id(when: datetime | None = None) -> str:
    """`20260514T020000Z-3fa2c1`: sorts by start time and is readable in a log line."""
    stamp = (when or utc_now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def exit_state(finish_reason: str | None, stopped_because: str | None = None) -> str:
    """A run's exit state from Scrapy's finish reason and why it was stopped, if it was.

    `stopped_because` is "timeout" (the schedule's time limit) or "stopped" (a signal,
    the scheduler shutting down); a crawl that finished before the stop took effect
    is still ok.
    """
    if finish_reason == "finished":
        return "ok"
    if finish_reason == "shutdown":
        return stopped_because or "stopped"
    if finish_reason == "closespider_timeout":
        return "timeout"
    return FAILED


def looks_like_run_id(value: str) -> bool:
    return bool(RUN_ID.match(value))


@dataclass(slots=True)
class RunRecord:
    """One crawl: when, how it ended, and what it did per source.

    `summary` is a `crawler.summary.RunSummary` as a dict (for a Scrapyd run, the
    nodes' summaries added up); `nodes` holds each Scrapyd node's own part
    (`{"state", "job", "summary", "finished_at"}`) keyed by the node's URL.
    """

    id: str
    started_at: str = field(default_factory=run_timestamp)
    state: str = RUNNING
    origin: str = "manual"
    schedule: str | None = None
    finished_at: str | None = None
    sources: list[str] = field(default_factory=list)
    sources_file: str | None = None
    host: str = field(default_factory=socket.gethostname)
    pid: int | None = field(default_factory=os.getpid)
    message: str = ""
    summary: dict[str, Any] | None = None
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def elapsed(self) -> float | None:
        """Seconds from start to end, None while running."""
        if not self.finished_at:
            return None
        start = datetime.fromisoformat(self.started_at)
        return round((datetime.fromisoformat(self.finished_at) - start).total_seconds(), 3)

    def source_counts(self, name: str) -> dict[str, Any] | None:
        """The per-source summary of `name` in this run, None when the run has none."""
        sources = (self.summary or {}).get("sources") or {}
        found = sources.get(name)
        return dict(found) if isinstance(found, Mapping) else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        """Unknown keys are ignored, so an older Homeward reads a newer record."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


RunChange = Callable[[RunRecord], None]


# --- adding up the summaries of several nodes ------------------------------------------

_COUNTS = ("fetched", "stored", "duplicates", "irrelevant", "spooled")
_BY_KEY = ("fetched_by_kind", "failed", "skipped")
_SOURCE_COUNTS = ("fetched", "stored", "duplicates", "irrelevant", "failed", "unreachable")


def merge_summaries(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One run summary (as a dict) from the summaries of the nodes that shared a crawl.

    Counters add up, per-source summaries are joined (a source is crawled by one
    node, but if two nodes ever report one source their counts add up too), the
    elapsed time is the slowest node's, and notes are kept once each.
    """
    merged: dict[str, Any] = {
        **dict.fromkeys(_COUNTS, 0),
        **{key: {} for key in _BY_KEY},
        "sources": {},
        "elapsed": 0.0,
        "finish_reason": None,
        "notes": [],
    }
    reasons: list[str] = []
    for part in parts:
        for key in _COUNTS:
            merged[key] += int(part.get(key) or 0)
        for key in _BY_KEY:
            for name, value in (part.get(key) or {}).items():
                merged[key][name] = merged[key].get(name, 0) + int(value)
        for name, counts in (part.get("sources") or {}).items():
            into = merged["sources"].setdefault(
                name, {**dict.fromkeys(_SOURCE_COUNTS, 0), "errors": []}
            )
            for key in _SOURCE_COUNTS:
                into[key] += int(counts.get(key) or 0)
            into["errors"].extend(counts.get("errors") or [])
        merged["elapsed"] = max(merged["elapsed"], float(part.get("elapsed") or 0.0))
        for note in part.get("notes") or []:
            if note not in merged["notes"]:
                merged["notes"].append(note)
        if part.get("finish_reason"):
            reasons.append(str(part["finish_reason"]))
    # "finished" only when every node finished; otherwise the first other reason.
    merged["finish_reason"] = next((r for r in reasons if r != "finished"), None) or (
        "finished" if reasons else None
    )
    return merged


# --- source health ------------------------------------------------------------------------


@dataclass(slots=True)
class SourceHealth:
    """How a source fared in its recent finished runs (newest first)."""

    name: str
    failing_streak: int = 0  # runs in a row, newest first, that failed or stored nothing
    runs_seen: int = 0  # finished runs of this source that were looked at
    unhealthy_after: int = DEFAULT_UNHEALTHY_AFTER
    last_run: str | None = None  # run id
    last_started: str | None = None
    last_state: str | None = None
    last_stored: int | None = None
    last_problem: str | None = None

    @property
    def status(self) -> str:
        """ "never crawled", "failing" (streak reached the threshold) or "ok"."""
        if not self.runs_seen:
            return "never crawled"
        return "failing" if self.failing_streak >= self.unhealthy_after else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}


def run_problem(run: RunRecord, name: str) -> str | None:
    """Why this run counts against the source, or None when the source did fine."""
    counts = run.source_counts(name)
    if counts is None:
        return f"the crawl {run.state}" + (f": {run.message}" if run.message else "")
    if counts.get("unreachable") or counts.get("errors"):
        errors = counts.get("errors") or []
        return "unreachable or broken" + (f": {errors[0]}" if errors else "")
    if not counts.get("stored"):
        return "stored nothing"
    return None


def source_health(
    name: str, runs: Iterable[RunRecord], unhealthy_after: int = DEFAULT_UNHEALTHY_AFTER
) -> SourceHealth:
    """Health of source `name` from runs that include it, newest first.

    Runs that did not crawl (skipped) or have not ended (running) say nothing
    about the source and are passed over.
    """
    health = SourceHealth(name=name, unhealthy_after=unhealthy_after)
    streak_open = True
    for run in runs:
        if not run.finished or name not in run.sources:
            continue
        problem = run_problem(run, name)
        if health.runs_seen == 0:
            counts = run.source_counts(name) or {}
            health.last_run, health.last_started = run.id, run.started_at
            health.last_state = run.state
            health.last_stored = int(counts["stored"]) if "stored" in counts else None
            health.last_problem = problem
        health.runs_seen += 1
        if streak_open and problem is not None:
            health.failing_streak += 1
        else:
            streak_open = False
    return health


def unhealthy_after_default() -> int:
    """HOMEWARD_UNHEALTHY_AFTER, else 3 runs; ValueError naming the variable when its
    value is not a whole number of runs (a typo must not quietly mean 3)."""
    value = os.environ.get(UNHEALTHY_ENV, "").strip()
    if not value:
        return DEFAULT_UNHEALTHY_AFTER
    # ASCII digits only, and few of them: "²" is a digit to str.isdigit but not to int(),
    # and a value of thousands of digits would stop int() with a message naming nothing.
    if not (value.isascii() and value.isdigit() and len(value) <= 4) or not (
        1 <= int(value) <= MAX_UNHEALTHY_AFTER
    ):
        raise ValueError(
            f"environment variable {UNHEALTHY_ENV}={shown_value(value)} is not a number of runs "
            f"(1 to {MAX_UNHEALTHY_AFTER}): how many runs in a row a source must fail or store "
            "nothing to be failing"
        )
    return int(value)


def shown_value(value: str, limit: int = 40) -> str:
    """A value for a message: quoted, and cut when it is long."""
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + f"… ({len(value)} characters)"


def sources_health(
    archive: Any, names: Iterable[str] | None = None, unhealthy_after: int | None = None
) -> list[SourceHealth]:
    """Health of each named source (default: every source of the recent runs), read
    from `archive`'s run history with one query per source."""
    threshold = unhealthy_after or unhealthy_after_default()
    if names is None:
        seen: dict[str, None] = {}
        for run in archive.list_runs(limit=200):
            seen.update(dict.fromkeys(run.sources))
        names = sorted(seen)
    # Skipped runs also carry the source, so look further back than the threshold.
    depth = max(threshold * 2, 10)
    return [
        source_health(name, archive.list_runs(source=name, limit=depth), threshold)
        for name in names
    ]

"""The scheduler behind `homeward schedule run`: APScheduler fires, each crawl its own process.

Each schedule becomes one APScheduler job with a cron trigger. When it fires,
`Runner.fire`:

1. takes the schedule's lock (`schedules.lock`, flock-based, so a killed crawl
   never leaves it stuck). If the previous crawl of the schedule still runs,
   this start is *skipped* and recorded as such in the run history;
2. if the lock was left by a crawl that died, marks that run as failed;
3. runs the crawl with `crawler.run.run_crawl`, which starts it as a child
   process, enforces the schedule's time limit (a clean stop, then a kill) and
   records the run; the lock's descriptor goes to the child with it;
4. logs the start and the end (state, counts, time).

Misfires: after the machine slept through a start, APScheduler sees the
missed times on waking; `coalesce` turns any number of them into one
catch-up run, and `catch_up = false` in the schedule file skips them instead.
Two triggers of one schedule may overlap in APScheduler (max_instances > 1) on
purpose: the lock, not APScheduler, decides, so the skipped start is recorded.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from alerts.run import deliver_after_run
from crawler.history import RunLog
from crawler.homeward_settings import SettingError
from crawler.run import CrawlError, run_crawl
from crawler.sources import SourcesError, load_sources
from crawler.summary import RunSummary, progress_line
from homeward.paths import archive_state_dir, resolve_archive_url, shown_url
from homeward.runs import FAILED, KILLED, SKIPPED, new_run_id
from schedules.config import Schedule
from schedules.lock import LockBusy, ScheduleLock

__all__ = ["Runner", "lock_path"]

logger = logging.getLogger("homeward.schedule")
CATCH_UP_NOTICE = 60.0  # seconds late after which a start is logged as a catch-up
MAX_INSTANCES = 3  # a start during a running crawl must reach `fire` to be recorded
Crawl = Callable[..., RunSummary]


def lock_path(schedule: Schedule, state_dir: str | Path | None = None) -> Path:
    """The schedule's lock file, in the state folder of the archive it feeds."""
    archive = resolve_archive_url(schedule.archive)
    return archive_state_dir(archive, state_dir) / "schedules" / f"{schedule.name}.lock"


class Runner:
    """Runs schedules: `start()`/`shutdown()` around APScheduler, or `fire(name)` once."""

    def __init__(
        self,
        schedules: Iterable[Schedule],
        *,
        state_dir: str | Path | None = None,
        settings_overrides: Mapping[str, Any] | None = None,
        crawl: Crawl | None = None,
        stop_grace: float | None = None,
    ) -> None:
        self.schedules = {schedule.name: schedule for schedule in schedules}
        self.state_dir = state_dir
        self.settings_overrides = dict(settings_overrides or {})
        self.stop_grace = stop_grace
        self.stopping = threading.Event()  # set: running crawls stop cleanly
        self._crawl = crawl
        self._scheduler: Any = None

    # --- one start --------------------------------------------------------------------

    def fire(self, name: str) -> str:
        """Run schedule `name` now (the job function); returns the run's exit state."""
        schedule = self.schedules[name]
        archive = resolve_archive_url(schedule.archive)
        history = RunLog(archive)
        run_id = new_run_id()
        lock = ScheduleLock(lock_path(schedule, self.state_dir))
        try:
            stale = lock.acquire(run_id)
        except LockBusy as busy:
            who = busy.holder.describe() if busy.holder else "another process"
            message = f"the previous crawl of schedule {name}, {who}, is still running"
            logger.warning("%s: start skipped: %s", name, message)
            sources_file, names = _sources_of(schedule)
            history.skipped(
                schedule=name, message=message, sources=names, sources_file=sources_file
            )
            return SKIPPED
        try:
            if stale is not None:
                message = (
                    f"the crawl process died (killed, or the machine went down) before it "
                    f"recorded its end; its lock was recovered by run {run_id}"
                )
                logger.warning(
                    "%s: recovered the lock left by %s: its crawl died", name, stale.describe()
                )
                history.abandon(stale.run_id, message, state=KILLED)
            return self._crawl_locked(schedule, archive, run_id, lock)
        finally:
            lock.release()

    def _crawl_locked(
        self, schedule: Schedule, archive: str, run_id: str, lock: ScheduleLock
    ) -> str:
        name = schedule.name
        crawl = self._crawl or run_crawl
        try:
            sources = schedule.sources_path()
            logger.info(
                "%s: run %s started: sources %s, archive %s, time limit %s",
                name,
                run_id,
                sources,
                shown_url(archive),
                f"{schedule.time_limit} s" if schedule.time_limit else "none",
            )
            extra = {"stop_grace": self.stop_grace} if self.stop_grace is not None else {}
            summary = crawl(
                sources,
                archive,
                state_dir=self.state_dir,
                settings_overrides=self.settings_overrides,
                progress=lambda record: logger.debug("%s: %s", name, progress_line(record)),
                time_limit=schedule.time_limit,
                stop=self.stopping,
                origin="schedule",
                schedule=name,
                run_id=run_id,
                keep_fds=(lock.fd,) if lock.fd is not None else (),
                **extra,
            )
        except (SourcesError, SettingError) as error:
            # No crawl started, but an unattended failure must still leave a record.
            history = RunLog(archive)
            history.finish(
                history.start(run_id=run_id, origin="schedule", schedule=name),
                FAILED,
                message=str(error),
            )
            logger.error("%s: run %s failed: %s", name, run_id, error)
            return FAILED
        except CrawlError as error:
            logger.error("%s: run %s failed: %s", name, run_id, error)
            return FAILED
        except Exception:
            logger.exception("%s: run %s failed", name, run_id)
            return FAILED
        state = summary.state or "ok"
        deliver_after_run(
            archive, summary.run_id, report=lambda line: logger.info("%s: %s", name, line)
        )
        logger.info(
            "%s: run %s ended %s in %.1f s: fetched %d, stored %d, duplicates %d, "
            "off-topic %d, failed %d",
            name,
            run_id,
            state,
            summary.elapsed,
            summary.fetched,
            summary.stored,
            summary.duplicates,
            summary.irrelevant,
            summary.failed_total,
        )
        return state

    def fire_once(self, name: str, *, jitter: bool = False) -> str:
        """`homeward schedule run --once NAME` (what cron and systemd timers call): wait
        the schedule's random jitter if asked, then fire in this thread."""
        schedule = self.schedules[name]
        if jitter and schedule.jitter:
            delay = random.uniform(0, schedule.jitter)
            logger.info("%s: jitter: starting in %.0f s", name, delay)
            if self.stopping.wait(delay):
                return "stopped"
        return self.fire(name)

    # --- the long-running scheduler --------------------------------------------------------

    def start(self) -> None:
        """Start APScheduler in the background with one job per enabled schedule."""
        enabled = [s for s in self.schedules.values() if s.enabled]
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=MAX_INSTANCES * len(enabled))},
            job_defaults={"coalesce": True, "max_instances": MAX_INSTANCES},
        )
        for schedule in enabled:
            scheduler.add_job(
                self.fire,
                trigger=schedule.trigger(),
                args=[schedule.name],
                id=schedule.name,
                name=schedule.name,
                # None: a start missed while the machine slept runs on waking, however
                # late; coalesce makes it one run. 1 s: missed starts are dropped.
                misfire_grace_time=None if schedule.catch_up else 1,
            )
        scheduler.add_listener(self._on_submitted, EVENT_JOB_SUBMITTED)
        scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        scheduler.start()
        self._scheduler = scheduler
        for schedule in enabled:
            logger.info(
                "%s: %s (%s), next run %s",
                schedule.name,
                schedule.cron.expression,
                schedule.timezone,
                self.next_run_time(schedule.name),
            )

    def next_run_time(self, name: str) -> datetime | None:
        job = self._scheduler.get_job(name) if self._scheduler else None
        return job.next_run_time if job else self.schedules[name].next_run()

    def run_now(self, name: str) -> None:
        """Make the job fire now, through the scheduler (as a trigger would)."""
        job = self._scheduler.get_job(name)
        job.modify(next_run_time=datetime.now(job.trigger.timezone))
        self._scheduler.wakeup()

    def pause(self) -> None:
        self._scheduler.pause()

    def resume(self) -> None:
        self._scheduler.resume()

    def shutdown(self) -> None:
        """Stop scheduling, stop running crawls cleanly (they record "stopped") and wait."""
        self.stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    def run_forever(self) -> None:
        """`homeward schedule run`: start, then wait for SIGTERM or Ctrl-C to shut down."""
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            logger.info("signal %s: stopping running crawls and the scheduler", signum)
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            while not stop.wait(1.0):
                pass
        finally:
            self.shutdown()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _on_submitted(self, event: Any) -> None:
        times = event.scheduled_run_times
        schedule = self.schedules.get(event.job_id)
        if not times or schedule is None or not schedule.catch_up:
            return  # without catch-up, a late start is dropped (and logged by _on_missed)
        late = (datetime.now(times[-1].tzinfo) - times[-1]).total_seconds()
        if late > CATCH_UP_NOTICE:
            logger.warning(
                "%s: catching up the start due at %s (%.0f s late: the machine slept or was "
                "off); one run for the missed starts",
                event.job_id,
                times[-1].isoformat(timespec="minutes"),
                late,
            )

    def _on_missed(self, event: Any) -> None:
        logger.warning(
            "%s: the start due at %s was missed and is skipped (catch_up = false)",
            event.job_id,
            event.scheduled_run_time,
        )


def _sources_of(schedule: Schedule) -> tuple[Path | None, list[str]]:
    """The schedule's sources file and names, for a skipped run's record (best effort)."""
    try:
        path = schedule.sources_path()
        return path, [source.name for source in load_sources(path)]
    except (SourcesError, OSError):
        return None, []

"""Run one crawl and return its summary: what `homeward crawl` and `homeward demo` call.

`run_crawl` starts the crawl in a child process (`python -m crawler …`):
Twisted's reactor cannot be restarted in a process, so a CLI, a scheduler or a
test that crawls twice would fail on the second crawl if it ran in-process; a
child also keeps the crawler's signal handlers and worker pool out of the
caller. The child prints JSON progress records on stderr (turned into calls of
`progress`, or into progress lines on the caller's stderr) and writes the run
summary to a file the parent reads.

Stopping: Ctrl-C or SIGTERM to the caller is passed to the child, which stops
cleanly (the articles in hand are written, the queue is kept in JOBDIR) and
still reports its summary; the next crawl resumes. A second signal forces the
stop, as in Scrapy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.history import RunLog
from crawler.homeward_settings import environment_settings
from crawler.sources import load_sources
from crawler.spiders.news import NewsSpider
from crawler.summary import PROGRESS_MARK, RunSummary, format_summary, progress_line
from homeward.paths import ARCHIVE_ENV, archive_state_dir, resolve_archive_url
from homeward.processes import parent_death_signal, tree_memory
from homeward.runs import FAILED, KILLED, OK, exit_state

__all__ = ["CrawlError", "RunSummary", "format_summary", "main", "run_crawl"]

REPO_ROOT = Path(__file__).resolve().parent.parent
ProgressCallback = Callable[[dict[str, Any]], None]


STOP_GRACE = 120.0  # seconds a stopped crawl may take to write what it has
WATCH_INTERVAL = 0.2
MEMORY_EVERY = 5  # sample the process tree's memory every this many watch intervals
ORPHAN_GRACE = 60.0  # seconds an orphaned crawl may take to stop cleanly
LEFTOVER_GRACE = 2.0  # seconds to read what a crawl wrote before its leftovers go
logger = logging.getLogger("homeward.crawl")


class CrawlError(RuntimeError):
    """The crawl process failed before it could report a summary."""


def run_crawl(
    sources_path: str | Path,
    archive_url: str | None,
    *,
    state_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    time_limit: float | None = None,
    stop: threading.Event | None = None,
    origin: str = "manual",
    schedule: str | None = None,
    run_id: str | None = None,
    keep_fds: Sequence[int] = (),
    stop_grace: float = STOP_GRACE,
) -> RunSummary:
    """Crawl the sources in `sources_path` into the archive at `archive_url`.

    `progress` is called with a dict (elapsed, fetched, stored, duplicates,
    irrelevant, failed, per-source fetched/stored) every
    HOMEWARD_PROGRESS_INTERVAL seconds; without it, progress lines go to stderr.
    The environment's HOMEWARD_ variables and sources.toml are validated first, so a
    SettingError (naming the variable) or a SourcesError (naming the source and
    line) is raised here before anything starts.

    Every crawl leaves a run record in the archive (crawler.history): "running"
    before the child starts, then its exit state and summary. The state is "ok",
    "stopped" (a signal, or `stop` set), "timeout" (`time_limit` seconds passed) or
    "failed"; a stop or a time limit ends the crawl as Ctrl-C does (cleanly, the
    next crawl resumes), and kills it if it has not ended `stop_grace` seconds
    later. `origin`, `schedule` and `run_id` label the record; `keep_fds` stay
    open in the child (the scheduler's lock: held for exactly as long as the
    crawl lives). The summary carries the record's `run_id` and `state`.
    """
    environment_settings()  # a bad HOMEWARD_ variable is refused before anything starts
    sources = load_sources(sources_path)
    state_folder = archive_state_dir(
        resolve_archive_url(archive_url), state_dir or os.environ.get("HOMEWARD_STATE_DIR")
    )
    history = RunLog(archive_url, unwritten=state_folder / "runs-unwritten.jsonl")
    history.write_unwritten()  # ends of earlier runs an archive outage kept out
    history.settle_dead()  # earlier runs whose process was killed before it could say so
    run = history.start(
        run_id=run_id,
        origin=origin,
        schedule=schedule,
        sources=[source.name for source in sources],
        sources_file=Path(sources_path).resolve(),
    )
    watchdog: _Watchdog | None = None
    state: str | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="homeward-run-") as scratch:
            summary_file = Path(scratch) / "summary.json"
            child = _start_child(
                sources_path, archive_url, state_dir, settings_overrides, summary_file, keep_fds
            )
            watchdog = _Watchdog(child, time_limit, stop, stop_grace)
            tail: list[str] = []
            with _forward_signals(child), watchdog:
                _wait_for(child, progress, tail)
            if not summary_file.exists():
                log = state_folder / "logs"
                if child.returncode < 0 and watchdog.reason is None:
                    state = KILLED
                raise CrawlError(
                    f"the crawl process {_how_it_ended(child.returncode)} without a summary "
                    "(the articles it had written are kept; the next crawl resumes its "
                    f"queue); see {log / 'crawl.log'}\n" + "\n".join(tail[-20:])
                )
            summary = RunSummary.from_dict(json.loads(summary_file.read_text(encoding="utf-8")))
    except BaseException as error:
        reason = watchdog.reason if watchdog else None
        message = (
            str(error) if isinstance(error, CrawlError) else f"{type(error).__name__}: {error}"
        )
        history.finish(run, reason or state or FAILED, message=message[:4000])
        raise
    summary.run_id = run.id
    summary.peak_memory_mb = round(watchdog.peak_memory / 2**20, 1)
    summary.state = exit_state(summary.finish_reason, watchdog.reason)
    if summary.state == OK and not summary.stored and _no_source_answered(summary):
        summary.state = FAILED
        summary.notes.append("no source answered: nothing could be fetched (see the errors above)")
    history.finish(run, summary.state, summary.to_dict())
    return summary


def _no_source_answered(summary: RunSummary) -> bool:
    """Every source failed before giving a single page (unreachable, refused, broken)."""
    return bool(summary.sources) and all(
        source.errors and not source.fetched for source in summary.sources.values()
    )


def _how_it_ended(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def _wait_for(
    child: subprocess.Popen[str], progress: ProgressCallback | None, tail: list[str]
) -> None:
    """Relay the crawl's stderr until it ends. The wait is on the process, not on its
    stderr: processes it left behind (a killed crawl's workers) may hold the pipe open,
    and are killed with its process group once it has ended."""
    assert child.stderr is not None
    stream = child.stderr

    def relay() -> None:
        with contextlib.suppress(ValueError, OSError):  # the pipe closed under us
            for line in stream:
                _handle_line(line.rstrip("\n"), progress, tail)

    reader = threading.Thread(target=relay, name="crawl-stderr", daemon=True)
    reader.start()
    child.wait()
    reader.join(LEFTOVER_GRACE)  # the last progress lines and the summary's warnings
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # whatever of its group is left
    reader.join(LEFTOVER_GRACE)


def _start_child(
    sources_path: str | Path,
    archive_url: str | None,
    state_dir: str | Path | None,
    settings_overrides: Mapping[str, Any] | None,
    summary_file: Path,
    keep_fds: Sequence[int],
) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "crawler",
        "--sources",
        str(Path(sources_path).resolve()),
        "--summary",
        str(summary_file),
    ]

    if state_dir:
        command += ["--state-dir", str(Path(state_dir).expanduser().resolve())]
    for name, value in (settings_overrides or {}).items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    env = dict(os.environ)
    if archive_url:  # in the environment, not in `ps`: the URL may hold a password
        env[ARCHIVE_ENV] = archive_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    # A session of its own: Ctrl-C in a terminal reaches only this process, which
    # passes it on once (Scrapy takes a second one as "stop now, uncleanly").
    # It stops (cleanly, as on SIGTERM) if its caller dies: never an orphan crawl.
    return subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        start_new_session=True,
        pass_fds=tuple(keep_fds),
        preexec_fn=parent_death_signal(signal.SIGTERM),
    )


class _Watchdog:
    """Measures the crawl's process tree (its peak memory, as proportional set size)
    while it runs, and ends the crawl when its time limit passes or `stop` is set:
    SIGTERM first (a clean stop, as Ctrl-C: the articles in hand are written, the queue
    is kept), then, if it has not ended `grace` seconds later, SIGKILL to its whole
    process group."""

    def __init__(
        self,
        child: subprocess.Popen[str],
        time_limit: float | None,
        stop: threading.Event | None,
        grace: float,
    ) -> None:
        self.child = child
        self.time_limit = time_limit
        self.stop = stop
        self.grace = grace
        self.reason: str | None = None  # "timeout" or "stopped" once it acted
        self.peak_memory = 0  # bytes, the crawl and every process under it
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="crawl-watchdog", daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._ended.set()
        if self._thread.is_alive():
            self._thread.join()

    def _measure(self) -> None:
        self.peak_memory = max(self.peak_memory, tree_memory(self.child.pid))

    def _watch(self) -> None:
        deadline = time.monotonic() + self.time_limit if self.time_limit else None
        ticks = 0
        self._measure()
        while not self._ended.wait(WATCH_INTERVAL):
            ticks += 1
            if ticks % MEMORY_EVERY == 0:
                self._measure()
            if self.stop is not None and self.stop.is_set():
                self.reason = "stopped"
            elif deadline is not None and time.monotonic() >= deadline:
                self.reason = "timeout"
                logger.warning(
                    "time limit of %s s reached: stopping the crawl (the next one resumes)",
                    self.time_limit,
                )
            else:
                continue
            if self.child.poll() is None:
                self.child.send_signal(signal.SIGTERM)
            if not self._ended.wait(self.grace) and self.child.poll() is None:
                logger.warning("the crawl did not stop within %s s: killing it", self.grace)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.child.pid, signal.SIGKILL)
            return


def _handle_line(line: str, progress: ProgressCallback | None, tail: list[str]) -> None:
    if line.startswith(PROGRESS_MARK):
        record = json.loads(line[len(PROGRESS_MARK) :])
        if progress is not None:
            progress(record)
        else:
            print(progress_line(record), file=sys.stderr, flush=True)
        return
    tail.append(line)
    del tail[:-50]
    print(line, file=sys.stderr, flush=True)


class _forward_signals:
    """Pass SIGINT/SIGTERM on to the child while it runs (main thread only)."""

    def __init__(self, child: subprocess.Popen[str]) -> None:
        self.child = child
        self.previous: dict[int, Any] = {}

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        if self.child.poll() is None:
            self.child.send_signal(signum)

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._forward)

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


# --- the child process ----------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m crawler --sources FILE [--archive URL] [--state-dir DIR]
    [--summary FILE] [--set NAME=JSON ...]`: one crawl in this process."""
    parser = argparse.ArgumentParser(prog="python -m crawler", description=main.__doc__)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--archive")
    parser.add_argument("--state-dir")
    parser.add_argument("--summary")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON")
    parser.add_argument("--progress", choices=("json", "text"), default=None)
    args = parser.parse_args(argv)

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {"HOMEWARD_SOURCES": args.sources}
    if args.archive:
        overrides["HOMEWARD_ARCHIVE"] = args.archive
    if args.state_dir:
        overrides["HOMEWARD_STATE_DIR"] = args.state_dir
    if args.summary:
        overrides["HOMEWARD_SUMMARY_FILE"] = args.summary
        overrides["HOMEWARD_PROGRESS_FORMAT"] = "json"
    if args.progress:
        overrides["HOMEWARD_PROGRESS_FORMAT"] = args.progress
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        overrides[name] = json.loads(value)
    settings.setdict(overrides, priority="cmdline")
    _log_to_file(settings)

    _end_when_orphaned()
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider)
    process.start()
    if args.summary and Path(args.summary).exists():
        summary = RunSummary.from_dict(json.loads(Path(args.summary).read_text(encoding="utf-8")))
        if not args.summary or args.progress == "text":
            print(format_summary(summary), file=sys.stderr)
    return 0


def _end_when_orphaned(grace: float = ORPHAN_GRACE) -> None:
    """A crawl whose caller died gets SIGTERM (the parent-death signal set at its start)
    and stops cleanly; if that clean stop hangs (a worker stuck on a page), this ends
    it `grace` seconds later, with its process group when it leads one: nobody is left
    to send the second signal."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        time.sleep(grace)
        logger.error("the caller is gone and the crawl did not stop in %s s: ending it", grace)
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _log_to_file(settings: Any) -> None:
    """Scrapy's log goes to the archive's state dir (logs/crawl.log) unless LOG_FILE is
    set; stderr is kept for progress lines and warnings that matter."""
    if settings.get("LOG_FILE"):
        return

    state = archive_state_dir(
        resolve_archive_url(settings.get("HOMEWARD_ARCHIVE")), settings.get("HOMEWARD_STATE_DIR")
    )
    (state / "logs").mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(state / "logs" / "crawl.log"), priority="cmdline")
    settings.set("LOG_FILE_APPEND", False, priority="cmdline")


if __name__ == "__main__":
    sys.exit(main())

"""`homeward schedule run|list|install`, `homeward runs` and `homeward sources`.

Kept apart from cli/main.py (which registers them) because they share the
schedule loading, logging set-up and run-history tables, and nothing else.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from schedules.config import Schedule, ScheduleError, default_schedules_dir, load_schedules
from schedules.install import (
    InstallError,
    crontab_block,
    install_crontab,
    install_systemd,
    invocation,
    systemd_units,
)
from schedules.lock import ScheduleLock
from schedules.runner import Runner, lock_path

SCHEDULES_HELP = (
    "Folder of schedule files (*.toml). Default: $HOMEWARD_SCHEDULES, then ./schedules, "
    "then the schedules that ship with Homeward (nightly.toml)."
)
GOOD_STATES = ("ok", "skipped", "stopped")


def schedules_option(function: Any) -> Any:
    return click.option(
        "--schedules",
        "schedules_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=SCHEDULES_HELP,
    )(function)


def _load(schedules_dir: Path | None, names: tuple[str, ...] = ()) -> tuple[Path, list[Schedule]]:
    folder = schedules_dir or default_schedules_dir()
    try:
        schedules = load_schedules(folder)
    except ScheduleError as error:
        raise click.UsageError(str(error)) from error
    known = {schedule.name for schedule in schedules}
    for name in names:
        if name not in known:
            raise click.UsageError(
                f"no schedule {name!r} in {folder}; there: {', '.join(sorted(known))}"
            )
    chosen = [s for s in schedules if not names or s.name in names]
    return folder, chosen


def _setup_logging(log_file: Path | None, verbose: bool) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.group()
def schedule() -> None:
    """Crawls on a timetable: run the scheduler, list schedules, install them in cron/systemd."""


@schedule.command("run")
@schedules_option
@click.option("--once", "once", metavar="NAME", help="Run this schedule's crawl now and exit.")
@click.option(
    "--jitter", is_flag=True, help="With --once: first wait the schedule's random jitter."
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append the log (starts, ends, skips) to this file.",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where crawl state lives (as for `homeward crawl`).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log crawl progress too.")
def schedule_run(
    schedules_dir: Path | None,
    once: str | None,
    jitter: bool,
    log_file: Path | None,
    state_dir: Path | None,
    verbose: bool,
) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C.

    Each start runs the crawl as its own process, never two of one schedule at a
    time (a start during a running crawl is skipped and recorded), within the
    schedule's time limit; a start missed while the machine slept runs once on
    waking. Every start and end is logged and recorded (`homeward runs`).
    """
    _, schedules = _load(schedules_dir, (once,) if once else ())
    if jitter and not once:
        raise click.UsageError("--jitter goes with --once (the scheduler applies jitter itself)")
    _setup_logging(log_file, verbose)
    runner = Runner(schedules, state_dir=state_dir)
    if once:
        state = runner.fire_once(once, jitter=jitter)
        if state not in GOOD_STATES:
            raise click.exceptions.Exit(1)
        return
    enabled = [s for s in schedules if s.enabled]
    if not enabled:
        raise click.UsageError("every schedule has enabled = false; nothing to run")
    runner.run_forever()


@schedule.command("list")
@schedules_option
@click.option("--json", "as_json", is_flag=True, help="Print the schedules as JSON.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where crawl state lives (to see which crawls run now).",
)
def schedule_list(schedules_dir: Path | None, as_json: bool, state_dir: Path | None) -> None:
    """Show each schedule with its next run time, and the crawl running now if any."""
    folder, schedules = _load(schedules_dir)
    rows: list[dict[str, Any]] = []
    for item in schedules:
        upcoming = item.next_run() if item.enabled else None
        holder = ScheduleLock(lock_path(item, state_dir)).holder()
        rows.append(
            {
                "name": item.name,
                "file": str(item.path),
                "cron": item.cron.expression,
                "timezone": item.timezone,
                "next_run": upcoming.isoformat() if upcoming else None,
                "enabled": item.enabled,
                "sources": str(item.sources) if item.sources else None,
                "archive": item.archive,
                "jitter": item.jitter,
                "time_limit": item.time_limit,
                "catch_up": item.catch_up,
                "running": holder.describe() if holder else None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(rows)} schedule(s) in {folder}")
    for row in rows:
        when = row["next_run"][:16].replace("T", " ") if row["next_run"] else "disabled"
        limit = f", time limit {_duration(row['time_limit'])}" if row["time_limit"] else ""
        jitter = f" (+ up to {_duration(row['jitter'])})" if row["jitter"] else ""
        click.echo(f"  {row['name']}: {row['cron']} {row['timezone']}; next run {when}{jitter}")
        click.echo(
            f"      sources {row['sources'] or 'default'}, archive {row['archive'] or 'default'}"
            f"{limit}"
        )
        if row["running"]:
            click.echo(f"      running now: {row['running']}")


@schedule.command("install")
@click.argument("names", nargs=-1)
@schedules_option
@click.option(
    "--via",
    type=click.Choice(["cron", "systemd"]),
    default="cron",
    show_default=True,
    help="A crontab line, or a systemd user timer and service.",
)
@click.option("--print", "print_only", is_flag=True, help="Show the entry; install nothing.")
def schedule_install(
    names: tuple[str, ...], schedules_dir: Path | None, via: str, print_only: bool
) -> None:
    """Let the system's scheduler start the schedules (NAMES, default: all enabled).

    Each start runs `homeward schedule run --once NAME`: the same lock, time limit,
    run record and log as the built-in scheduler. Installing again replaces the entry.
    """
    folder, schedules = _load(schedules_dir, names)
    schedules = [s for s in schedules if s.enabled or names]
    try:
        if via == "cron":
            blocks = [crontab_block(s, invocation(s, folder, jitter=True)) for s in schedules]
            if print_only:
                click.echo("\n".join(blocks))
                return
            install_crontab(schedules, blocks)
            click.echo(f"installed {len(blocks)} crontab entr{'y' if len(blocks) == 1 else 'ies'}")
            return
        units: dict[str, str] = {}
        for item in schedules:
            units.update(systemd_units(item, invocation(item, folder, jitter=False)))
        if print_only:
            for file_name, content in units.items():
                click.echo(f"# {file_name}\n{content}")
            return
        written = install_systemd(units)
        click.echo("wrote and enabled " + ", ".join(str(path) for path in written))
    except InstallError as error:
        raise click.ClickException(str(error)) from error


# --- runs and sources -----------------------------------------------------------------------


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"

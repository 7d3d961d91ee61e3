"""`homeward schedule install`: hand a schedule to cron or to a systemd user timer.

For people who prefer the system's scheduler to a long-running `homeward
schedule run`. Either way the system starts `homeward schedule run --once NAME`,
which does what the built-in scheduler does for one start: the lock (no two
crawls of a schedule at once), the time limit, the run record and the log.

* cron: one line per schedule in the user's crontab, between marker comments
  so that installing again replaces it. cron knows only the machine's time
  zone, so a schedule in another zone must use systemd. The schedule's jitter
  is waited by the command itself (`--jitter`).
* systemd: `homeward-NAME.service` (oneshot) and `homeward-NAME.timer` in
  ~/.config/systemd/user, with `OnCalendar=` in the schedule's time zone,
  `RandomizedDelaySec=` for the jitter and `Persistent=true` for one catch-up
  run after the machine was off or asleep.

The HOMEWARD_* variables set when installing (archive, state folder, contact,
Elasticsearch index) are written into the entry: cron and systemd start
commands with an almost empty environment.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tzlocal import get_localzone_name

from schedules.config import Schedule
from schedules.runner import lock_path

__all__ = [
    "InstallError",
    "crontab_block",
    "crontab_line",
    "install_crontab",
    "install_systemd",
    "systemd_units",
]

PASSED_ENV = (
    "HOMEWARD_ARCHIVE",
    "HOMEWARD_SOURCES",
    "HOMEWARD_STATE_DIR",
    "HOMEWARD_CONTACT",
    "HOMEWARD_ES_INDEX",
    "HOMEWARD_UNHEALTHY_AFTER",
)
STOP_TIMEOUT = 150  # seconds systemd waits on stop: the crawl's clean-stop grace and some
MARK = "# homeward schedule {name}"
END_MARK = "# end homeward schedule {name}"


class InstallError(RuntimeError):
    """The entry could not be installed; the message says what to do by hand."""


@dataclass(frozen=True, slots=True)
class Invocation:
    """How the system scheduler starts one schedule: where, with what, which command."""

    argv: list[str]
    workdir: Path
    env: dict[str, str]
    log_file: Path


def invocation(
    schedule: Schedule,
    schedules_dir: Path,
    *,
    jitter: bool,
    state_dir: Path | None = None,
    env: dict[str, str] | None = None,
    workdir: Path | None = None,
) -> Invocation:
    environment = env if env is not None else dict(os.environ)
    passed = {name: environment[name] for name in PASSED_ENV if environment.get(name)}
    if state_dir is not None:
        passed["HOMEWARD_STATE_DIR"] = str(state_dir)
    log_file = lock_path(schedule, passed.get("HOMEWARD_STATE_DIR")).with_suffix(".log")
    argv = [
        *homeward_command(),
        "schedule",
        "run",
        "--once",
        schedule.name,
        "--schedules",
        str(Path(schedules_dir).resolve()),
        "--log-file",
        str(log_file),
    ]
    if jitter and schedule.jitter:
        argv.append("--jitter")
    return Invocation(argv, (workdir or Path.cwd()).resolve(), passed, log_file)


def homeward_command() -> list[str]:
    """The `homeward` of this installation, by absolute path (cron has no useful PATH)."""
    beside = Path(sys.executable).with_name("homeward")  # the venv's bin, not resolved
    if beside.exists():
        return [str(beside.absolute())]
    found = shutil.which("homeward")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "cli.main"]


# --- cron -------------------------------------------------------------------------------


def crontab_line(schedule: Schedule, call: Invocation) -> str:
    """One crontab line: the schedule's cron time, then cd, variables and the command."""
    _check_cron_zone(schedule)
    assignments = [f"{name}={shlex.quote(value)}" for name, value in sorted(call.env.items())]
    command = " ".join(
        [f"cd {shlex.quote(str(call.workdir))}", "&&", *assignments]
        + [shlex.quote(arg) for arg in call.argv]
    )
    # In a crontab command an unescaped % ends the command (the rest is its stdin).
    return f"{schedule.cron.expression} {command.replace('%', chr(92) + '%')}"


def crontab_block(schedule: Schedule, call: Invocation) -> str:
    """The line between marker comments, so installing again replaces it."""
    return "\n".join(
        [
            MARK.format(name=schedule.name) + f" ({schedule.path}; log: {call.log_file})",
            crontab_line(schedule, call),
            END_MARK.format(name=schedule.name),
        ]
    )


def _check_cron_zone(schedule: Schedule) -> None:
    if schedule.timezone == "local":
        return

    if get_localzone_name() != schedule.timezone:
        raise InstallError(
            f"{schedule.path}: key 'timezone': cron runs in this machine's time zone "
            f"({get_localzone_name()}), not {schedule.timezone}; install with --via systemd "
            'or run `homeward schedule run`, or set timezone = "local"'
        )


def replace_blocks(crontab: str, names: list[str], blocks: list[str]) -> str:
    """`crontab` without the blocks of `names`, with `blocks` appended."""
    kept: list[str] = []
    skipping: str | None = None
    for line in crontab.splitlines():
        if skipping is None:
            opened = next((n for n in names if _is_mark(line, MARK.format(name=n))), None)
            if opened is not None:
                skipping = opened
                continue
            kept.append(line)
        elif line.strip() == END_MARK.format(name=skipping):
            skipping = None
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join([*kept, *([""] if kept else []), *blocks]) + "\n"


def _is_mark(line: str, mark: str) -> bool:
    return line.strip() == mark or line.startswith(mark + " (")


def install_crontab(schedules: list[Schedule], blocks: list[str], crontab: str = "crontab") -> str:
    """Put the blocks into the user's crontab (replacing earlier ones); returns the result."""
    if shutil.which(crontab) is None:
        raise InstallError(
            f"`{crontab}` is not installed; install cron, or use --via systemd, or add the "
            "line shown by `homeward schedule install --print` to your scheduler"
        )
    listed = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    current = listed.stdout if listed.returncode == 0 else ""  # 1: no crontab yet
    updated = replace_blocks(current, [s.name for s in schedules], blocks)
    written = subprocess.run(
        [crontab, "-"], input=updated, capture_output=True, text=True, check=False
    )
    if written.returncode != 0:
        raise InstallError(f"`{crontab} -` refused the new crontab: {written.stderr.strip()}")
    return updated


# --- systemd -----------------------------------------------------------------------------


def unit_name(schedule: Schedule) -> str:
    return f"homeward-{re.sub(r'[^A-Za-z0-9_.-]', '-', schedule.name)}"


def systemd_units(schedule: Schedule, call: Invocation) -> dict[str, str]:
    """`{file name: content}` of the service and timer units of one schedule."""
    name = unit_name(schedule)
    environment = [
        f"Environment={_unit_quote(f'{key}={value}')}" for key, value in sorted(call.env.items())
    ]
    service = [
        "[Unit]",
        f"Description=Homeward crawl, schedule {schedule.name}",
        f"Documentation=file://{_unit_escape(str(schedule.path))}",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"WorkingDirectory={_unit_escape(str(call.workdir))}",
        *environment,
        "ExecStart=" + " ".join(_unit_quote(arg) for arg in call.argv),
        # The command enforces the schedule's time limit itself (a clean stop first).
        "TimeoutStartSec=infinity",
        # SIGTERM to the runner only: it stops the crawl cleanly; the rest after the grace.
        "KillMode=mixed",
        f"TimeoutStopSec={STOP_TIMEOUT}",
        "",
    ]
    calendar = schedule.cron.on_calendar()
    if schedule.timezone != "local":
        calendar += f" {schedule.timezone}"
    timer = [
        "[Unit]",
        f"Description=Homeward crawl timer, schedule {schedule.name} "
        f"({_unit_escape(schedule.cron.expression)})",
        "",
        "[Timer]",
        f"OnCalendar={calendar}",
        *([f"RandomizedDelaySec={schedule.jitter}"] if schedule.jitter else []),
        # One catch-up start after the machine was off or asleep at the time.
        f"Persistent={'true' if schedule.catch_up else 'false'}",
        "AccuracySec=1min",
        f"Unit={name}.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ]
    return {f"{name}.service": "\n".join(service), f"{name}.timer": "\n".join(timer)}


def _unit_escape(text: str) -> str:
    """Specifiers (%) and variables ($) taken literally in a unit file."""
    return text.replace("%", "%%").replace("$", "$$")


def _unit_quote(arg: str) -> str:
    escaped = _unit_escape(arg)
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./$-]+", escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def user_unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def install_systemd(units: dict[str, str], directory: Path | None = None) -> list[Path]:
    """Write the units, reload the user's systemd and enable the timers."""
    folder = directory or user_unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, content in units.items():
        path = folder / file_name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    timers = [name for name in units if name.endswith(".timer")]
    commands = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", *timers],
    ]
    for command in commands:
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            result = None
        if result is None or result.returncode != 0:
            why = result.stderr.strip() if result is not None else "systemctl is not installed"
            raise InstallError(
                f"wrote {', '.join(str(p) for p in written)}, but `{' '.join(command)}` "
                f"failed ({why}); run it yourself once a user session with systemd is up "
                "(and `loginctl enable-linger` so timers run while you are logged out)"
            )
    return written

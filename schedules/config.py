"""Schedule definitions: one TOML file per schedule in a schedules folder.

```toml
# schedules/nightly.toml: the schedule's name is the file's name, "nightly"
cron = "0 2 * * *"        # minute hour day-of-month month day-of-week (crontab syntax)
timezone = "local"        # or an IANA zone such as "Europe/Berlin"
sources = "../sources.toml"   # optional; relative to this file; default as `homeward crawl`
archive = "http://es:9200"    # optional; default $HOMEWARD_ARCHIVE, then the embedded one
jitter = "5m"             # optional; start up to this much later (many machines, one site)
time_limit = "6h"         # optional; stop the crawl cleanly after this long
catch_up = true           # optional; after the machine slept through a start: one late run
enabled = true            # optional
```

Files are written by hand and read by a process nobody watches, so every
mistake is reported up front with the file, the line and the key
(`schedules/nightly.toml, line 2: key 'cron': hour 25 is out of range 0-23`).

The cron field is parsed here rather than by APScheduler, for two reasons:
APScheduler 3 numbers weekdays from Monday (crontab: 0 = Sunday), and the same
parsed schedule must become an APScheduler trigger, a crontab line and a
systemd `OnCalendar=` that all fire at the same minutes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from tzlocal import get_localzone

from homeward.paths import default_sources_path
from homeward.tomlfile import TomlSyntaxError, key_lines, parse_toml

__all__ = [
    "SCHEDULE_KEYS",
    "CronSpec",
    "Schedule",
    "ScheduleError",
    "default_schedules_dir",
    "load_schedule",
    "load_schedules",
    "parse_cron",
    "parse_duration",
]

SHIPPED_DIR = Path(__file__).resolve().parent
SCHEDULES_ENV = "HOMEWARD_SCHEDULES"
SCHEDULE_KEYS = (
    "cron",
    "timezone",
    "sources",
    "archive",
    "jitter",
    "time_limit",
    "catch_up",
    "enabled",
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")

# crontab fields: name, lowest, highest, names for values (month and weekday)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, WEEKDAYS),
)
ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
SYSTEMD_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
# APScheduler 3 names weekdays too; names avoid its Monday-first numbering.
APS_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class ScheduleError(ValueError):
    """A schedule file cannot be used; the message names the file, line and key."""

    def __init__(self, path: str | Path, key: str | None, message: str, line: int | None = None):
        self.path = str(path)
        self.key = key
        self.line = line
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: key '{key}': {message}" if key else f"{where}: {message}")


# --- cron -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CronSpec:
    """A parsed crontab time: each field the set of values it allows, None for `*`."""

    expression: str
    minute: frozenset[int] | None
    hour: frozenset[int] | None
    day: frozenset[int] | None
    month: frozenset[int] | None
    weekday: frozenset[int] | None  # 0 = Sunday, as in crontab

    def fields(self) -> tuple[frozenset[int] | None, ...]:
        return (self.minute, self.hour, self.day, self.month, self.weekday)

    def aps_kwargs(self) -> dict[str, str]:
        """Keyword arguments for APScheduler 3's CronTrigger (weekdays as names)."""

        def listed(values: frozenset[int] | None) -> str:
            return "*" if values is None else ",".join(str(v) for v in sorted(values))

        weekday = (
            "*" if self.weekday is None else ",".join(APS_WEEKDAYS[v] for v in sorted(self.weekday))
        )
        return {
            "minute": listed(self.minute),
            "hour": listed(self.hour),
            "day": listed(self.day),
            "month": listed(self.month),
            "day_of_week": weekday,
            "second": "0",
        }

    def on_calendar(self) -> str:
        """The same times as a systemd `OnCalendar=` expression (without a time zone)."""

        def listed(values: frozenset[int] | None, width: int = 2) -> str:
            return "*" if values is None else ",".join(f"{v:0{width}d}" for v in sorted(values))

        weekday = (
            ""
            if self.weekday is None
            else ",".join(SYSTEMD_WEEKDAYS[v] for v in sorted(self.weekday)) + " "
        )
        date = f"*-{listed(self.month)}-{listed(self.day)}"
        return f"{weekday}{date} {listed(self.hour)}:{listed(self.minute)}:00"


def parse_cron(expression: str) -> CronSpec:
    """A crontab time (`0 2 * * *`, `*/15 8-18 * * mon-fri`, `@daily`); ValueError says
    which field is wrong and why."""
    text = ALIASES.get(expression.strip().lower(), expression.strip())
    parts = text.split()
    if len(parts) != 5:
        raise ValueError(
            f"{expression!r} has {len(parts)} fields; a cron time has 5: "
            'minute hour day-of-month month day-of-week (e.g. "0 2 * * *")'
        )
    values = [_cron_field(part, *spec) for part, spec in zip(parts, FIELDS, strict=True)]
    if values[4] is not None:
        values[4] = frozenset(v % 7 for v in values[4])  # 7 is Sunday too
    if values[2] is not None and values[4] is not None:
        raise ValueError(
            f"{expression!r} restricts both the day of month and the day of week; cron "
            "runs when either matches, systemd and APScheduler when both do, so restrict "
            "only one of them"
        )
    return CronSpec(" ".join(parts), *values)


def _cron_field(
    text: str, name: str, low: int, high: int, names: tuple[str, ...]
) -> frozenset[int] | None:
    if text == "*":
        return None
    allowed: set[int] = set()
    for item in text.split(","):
        body, _, step_text = item.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(f"{name}: step {step_text!r} in {item!r} is not a whole number")
            step = int(step_text)
        if body == "*":
            first, last = low, high
        else:
            start, dash, end = body.partition("-")
            first = _cron_value(start, name, low, high, names)
            last = _cron_value(end, name, low, high, names) if dash else first
            if step_text and not dash:
                last = high  # `5/15` as cronie reads it: from 5, every 15
            if first > last:
                raise ValueError(f"{name}: range {body!r} runs backwards")
        allowed.update(range(first, last + 1, step))
    full = set(range(low, high + 1))
    if name == "day of week":
        full = set(range(0, 7))
        allowed = {v % 7 for v in allowed}
    return None if allowed >= full else frozenset(allowed)


def _cron_value(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> int:
    lowered = text.lower()
    if names and lowered in names:
        return names.index(lowered) + (1 if name == "month" else 0)
    if not text.isdigit():
        hint = f" or a name ({', '.join(names)})" if names else ""
        raise ValueError(f"{name}: {text!r} is not a number{hint}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is out of range {low}-{high}")
    return value


# --- durations ------------------------------------------------------------------------------


def parse_duration(value: object) -> int:
    """Seconds from `90`, `"90s"`, `"15m"`, `"6h"`, `"1h30m"` or `"2d"`."""
    if isinstance(value, bool):
        raise ValueError('is true/false; give a duration such as "30m" or "6h"')
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("is negative")
        return int(value)
    if isinstance(value, str):
        match = _DURATION.match(value.strip().lower())
        if match and any(match.groups()):
            days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
            return days * 86400 + hours * 3600 + minutes * 60 + seconds
    raise ValueError(f'{value!r} is not a duration; write e.g. 90, "90s", "15m" or "6h"')


# --- schedules -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schedule:
    """One schedule file: when to crawl which sources into which archive."""

    name: str
    path: Path
    cron: CronSpec
    timezone: str = "local"
    sources: Path | None = None  # None: the default sources.toml, found when it fires
    archive: str | None = None  # None: $HOMEWARD_ARCHIVE, then the embedded archive
    jitter: int = 0
    time_limit: int | None = None
    catch_up: bool = True
    enabled: bool = True
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def tzinfo(self) -> tzinfo | None:
        """The schedule's zone; None for "local" (the machine's zone)."""
        return None if self.timezone == "local" else ZoneInfo(self.timezone)

    def trigger(self) -> Any:
        """The APScheduler trigger: the cron times in the schedule's zone, with jitter."""
        return CronTrigger(
            **self.cron.aps_kwargs(),
            timezone=self.tzinfo() or get_localzone(),
            jitter=self.jitter or None,
        )

    def next_run(self, now: datetime | None = None) -> datetime | None:
        """When it fires next (without jitter), as an aware datetime."""
        zone = self.tzinfo() or get_localzone()
        trigger = CronTrigger(**self.cron.aps_kwargs(), timezone=zone)
        return trigger.get_next_fire_time(None, now or datetime.now(zone))

    def sources_path(self) -> Path:
        """The sources file: the schedule's own, else the default `homeward crawl` uses."""
        if self.sources is not None:
            return self.sources
        return default_sources_path().resolve()


def default_schedules_dir() -> Path:
    """$HOMEWARD_SCHEDULES, then ./schedules when it holds schedule files, then the
    schedules that ship with Homeward (nightly.toml)."""
    configured = os.environ.get(SCHEDULES_ENV)
    if configured:
        return Path(configured)
    here = Path("schedules")
    return here if here.is_dir() and any(here.glob("*.toml")) else SHIPPED_DIR


def load_schedules(directory: str | Path) -> list[Schedule]:
    """Every `*.toml` schedule in `directory`, by name; ScheduleError on the first bad one."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ScheduleError(
            folder, None, f"no such folder; pass --schedules DIR or set {SCHEDULES_ENV}"
        )
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ScheduleError(
            folder, None, "holds no schedule files (*.toml); copy schedules/nightly.toml there"
        )
    return [load_schedule(path) for path in files]


def load_schedule(path: str | Path) -> Schedule:
    """The schedule in one file; its name is the file name without `.toml`."""
    path = Path(path)
    name = path.stem
    if not _NAME.match(name):
        raise ScheduleError(
            path, None, "rename the file: a schedule name is letters, digits, '-', '_' or '.'"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScheduleError(path, None, f"cannot read it: {error}") from None
    try:
        data = parse_toml(text)
    except TomlSyntaxError as error:
        raise ScheduleError(path, None, f"not valid TOML: {error.message}", error.line) from None
    lines = key_lines(text)

    def fail(key: str, message: str) -> ScheduleError:
        return ScheduleError(path, key, message, lines.get(key))

    unknown = sorted(set(data) - set(SCHEDULE_KEYS))
    if unknown:
        raise fail(unknown[0], f"unknown key; known keys: {', '.join(SCHEDULE_KEYS)}")
    if "cron" not in data:
        raise ScheduleError(path, "cron", 'missing; add e.g. cron = "0 2 * * *" (02:00 daily)')
    values: dict[str, Any] = {}
    for key in ("cron", "timezone", "sources", "archive"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise fail(key, "must be a non-empty text in quotes")
    try:
        values["cron"] = parse_cron(data["cron"])
    except ValueError as error:
        raise fail("cron", str(error)) from None
    zone = data.get("timezone", "local").strip()
    if zone != "local":
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise fail(
                "timezone", f'{zone!r} is not a time zone; use "local" or e.g. "Europe/Berlin"'
            ) from None
    values["timezone"] = zone
    if "sources" in data:
        sources = (path.parent / Path(data["sources"]).expanduser()).resolve()
        if not sources.is_file():
            raise fail(
                "sources", f"{sources} does not exist (relative paths start at {path.parent})"
            )
        values["sources"] = sources
    if "archive" in data:
        archive = data["archive"].strip()
        if not re.match(r"^(sqlite|https?):", archive):
            raise fail(
                "archive",
                f"{archive!r} is not an archive URL; use sqlite:///path/archive.sqlite or "
                "http://host:9200",
            )
        values["archive"] = archive
    for key in ("jitter", "time_limit"):
        if key in data:
            try:
                values[key] = parse_duration(data[key])
            except ValueError as error:
                raise fail(key, str(error)) from None
    if values.get("time_limit") == 0:
        raise fail("time_limit", "is zero; remove it for no limit")
    for key in ("catch_up", "enabled"):
        if key in data:
            if not isinstance(data[key], bool):
                raise fail(key, "must be true or false (without quotes)")
            values[key] = data[key]
    return Schedule(name=name, path=path.resolve(), lines=lines, **values)

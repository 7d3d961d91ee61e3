"""Every HOMEWARD_ setting of the crawler in one table: default, parser, meaning.

Kept apart from crawler/settings.py (the Scrapy settings module, which applies
this table when Scrapy loads it) so that `homeward crawl` and the scheduler can
check the environment before a crawl starts, without loading Scrapy's settings.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from crawler.workers import default_workers
from homeward.runs import shown_value
from pipelines.dedupe import DEFAULT_THRESHOLD as DEFAULT_DEDUPE_THRESHOLD
from pipelines.relevance import relevance_options
from search.evidence import DEFAULT_MAX_BYTES as DEFAULT_WARC_MAX_BYTES

__all__ = [
    "DEFAULTS",
    "HOMEWARD_SETTINGS",
    "MAX_DAYS",
    "MAX_DEPTH",
    "MAX_PAGES_PER_SOURCE",
    "MAX_WORKERS",
    "POLICY",
    "Setting",
    "SettingError",
    "environment_settings",
    "read",
    "revisit_intervals",
]


class SettingError(ValueError):
    """A HOMEWARD_ setting has a value that cannot be used; the message names it."""


def _text(raw: str) -> str | None:
    return raw.strip() or None


# Bounds `homeward crawl` puts on its options (cli/crawl.py), kept for the environment too.
MAX_WORKERS = 64
MAX_PAGES_PER_SOURCE = 10_000_000
MAX_DEPTH = 10_000
MAX_DAYS = 36_500  # a hundred years: an age window or a revisit interval


def _number(raw: str, kind: Callable[[str], Any]) -> Any:
    text = raw.strip()
    described = "a whole number" if kind is int else "a number"
    # ASCII digits only for a whole number: "1.5" and "1e3" are not, nor "²" (a digit
    # to str.isdigit, not to int()).
    if kind is int and not (text.isascii() and text.lstrip("+-").isdigit()):
        raise ValueError(f"is not {described}")
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"is not {described}") from None
    if kind is float and not math.isfinite(value):  # nan, inf, and 1e999 (which is inf)
        raise ValueError("is not a finite number")
    return value


def _count_up_to(most: int) -> Callable[[str], int]:
    """A parser of a whole number from 0 to `most`."""

    def _count(raw: str) -> int:
        text = raw.strip()
        # Too many digits is too large before int() reads them (it stops at 4,300 digits,
        # with a message naming nothing).
        if text.isascii() and text.isdigit() and len(text.lstrip("0")) > len(str(most)):
            raise ValueError(f"must be at most {most:,}")
        value: int = _number(text, int)
        if value < 0:
            raise ValueError("must be 0 or more")
        if value > most:
            raise ValueError(f"must be at most {most:,}")
        return value

    return _count


def _amount_up_to(most: int | None = None) -> Callable[[str], float]:
    """A parser of a finite number, 0 or more (and at most `most`)."""

    def _amount(raw: str) -> float:
        value: float = _number(raw, float)
        if not value >= 0:
            raise ValueError("must be 0 or more")
        if most is not None and value > most:
            raise ValueError(f"must be at most {most:,}")
        return value

    return _amount


_amount = _amount_up_to()


def _fraction(raw: str) -> float:
    value: float = _number(raw, float)
    if not 0 < value <= 1:
        raise ValueError("must be above 0 and at most 1")
    return value


def _switch(raw: str) -> bool:
    lowered = raw.strip().casefold()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false (1/0, yes/no, on/off)")


def revisit_intervals(text: str) -> tuple[float, ...]:
    """ "1,7,30,180" -> (1.0, 7.0, 30.0, 180.0): days before each look at a stored page."""
    try:
        days = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError("is not a list of days such as 1,7,30,180") from None
    if not days or any(not 0 <= day <= MAX_DAYS for day in days):  # also refuses nan, inf
        raise ValueError(
            f"is not a list of days such as 1,7,30,180 (each 0 or more, at most {MAX_DAYS:,})"
        )
    return days


def _day_list(raw: str) -> str:
    return ",".join(f"{day:g}" for day in revisit_intervals(raw))


def _date(raw: str) -> str:
    try:
        return date.fromisoformat(raw.strip()).isoformat()
    except ValueError:
        raise ValueError("is not a date (YYYY-MM-DD)") from None


def _lexicon(raw: str) -> str:
    relevance_options(lexicon=raw.strip())  # ValueError names the file and what is wrong
    return raw.strip()


def _progress_format(raw: str) -> str:
    if raw not in ("text", "json"):
        raise ValueError('must be "text" or "json"')
    return raw


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str


HOMEWARD_SETTINGS: tuple[Setting, ...] = (
    Setting("HOMEWARD_SOURCES", "sources.toml", str, "path of sources.toml"),
    Setting(
        "HOMEWARD_ARCHIVE",
        None,
        _text,
        "archive URL (sqlite:///… or http://host:9200); default the embedded archive "
        "in the user's data folder",
    ),
    Setting(
        "HOMEWARD_STATE_DIR",
        None,
        _text,
        "root of crawl state; default user_data_dir('homeward')/state, one folder per archive",
    ),
    Setting(
        "HOMEWARD_CONTACT",
        None,
        _text,
        "a URL or e-mail address put in the User-Agent so site owners can reach whoever "
        "runs the crawl. Please set it.",
    ),
    Setting(
        "HOMEWARD_RELEVANCE_THRESHOLD",
        None,
        _amount,
        "minimum topic score to keep an article; default the relevance stage's own",
    ),
    Setting(
        "HOMEWARD_LEXICON",
        None,
        _lexicon,
        "the topic lexicon (a TOML file in the format of pipelines/lexicon/topic.toml); "
        "default the one that ships",
    ),
    Setting(
        "HOMEWARD_KEEP_OFF_TOPIC",
        True,
        _switch,
        "keep pages judged off-topic (text and score, compressed) so that "
        "`homeward rescore` can promote them after a lexicon or threshold change",
    ),
    Setting("HOMEWARD_ENTITIES", True, _switch, "tag names, places and years"),
    Setting(
        "HOMEWARD_MAX_AGE_DAYS",
        30.0,
        _amount_up_to(MAX_DAYS),
        "once a source has been crawled, skip its feed and sitemap entries published or "
        "modified longer ago; 0 = no limit (a source's first crawl takes its whole "
        "history; entries without a date are kept)",
    ),
    Setting(
        "HOMEWARD_SINCE",
        None,
        _date,
        "backfill: take feed and sitemap entries published on or after this date "
        "(YYYY-MM-DD) instead of the age window, and follow listing pages' pagination "
        "HOMEWARD_BACKFILL_DEPTH pages deep",
    ),
    Setting(
        "HOMEWARD_BACKFILL_DEPTH",
        25,
        _count_up_to(MAX_DEPTH),
        "pagination steps followed from a listing page during a backfill (--since)",
    ),
    Setting(
        "HOMEWARD_PAGES_PER_SOURCE",
        500,
        _count_up_to(MAX_PAGES_PER_SOURCE),
        "most article pages requested per source per crawl; 0 = no limit",
    ),
    Setting(
        "HOMEWARD_MAX_DEPTH",
        2,
        _count_up_to(MAX_DEPTH),
        "pagination steps followed from a listing page of sources.toml (article links "
        "are followed on every page seen)",
    ),
    Setting(
        "HOMEWARD_REVISIT_DAYS",
        "1,7,30,180",
        _day_list,
        "days after which a stored page is looked at again, one interval per visit "
        "(then the last one, again and again), to see whether it changed or disappeared",
    ),
    Setting(
        "HOMEWARD_REVISITS_PER_RUN",
        1000,
        _count_up_to(MAX_PAGES_PER_SOURCE),
        "most stored pages looked at again in one crawl (the most overdue first); 0 = none",
    ),
    Setting(
        "HOMEWARD_ALLOW_PRIVATE_ADDRESSES",
        False,
        _switch,
        "fetch discovered links, entries and redirects that lead to private, loopback or "
        "other special network addresses (an intranet crawled on purpose); the hosts "
        "sources.toml names are fetched either way",
    ),
    Setting("HOMEWARD_INCREMENTAL", True, _switch, "skip URLs the seen store knows"),
    Setting("HOMEWARD_RESUME", True, _switch, "keep a JOBDIR queue so a stopped crawl resumes"),
    Setting(
        "HOMEWARD_RETRY_FAILED_AFTER",
        6.0,
        _amount,
        "hours before a failed URL is tried again; doubles with each failure, at most "
        "7 days, 5 attempts",
    ),
    Setting(
        "HOMEWARD_WORKERS",
        default_workers(),
        _count_up_to(MAX_WORKERS),
        "processes for the CPU stages (extraction, language, entities); 0 runs them in "
        "the crawler's process; default one per CPU, at most 4",
    ),
    Setting(
        "HOMEWARD_INDEX_BATCH",
        100,
        _count_up_to(100_000),
        "articles per bulk write to the archive",
    ),
    Setting(
        "HOMEWARD_DEDUPE_THRESHOLD",
        DEFAULT_DEDUPE_THRESHOLD,
        _fraction,
        "estimated Jaccard similarity above which two texts are one article",
    ),
    Setting("HOMEWARD_EVIDENCE", True, _switch, "keep WARC captures"),
    Setting(
        "HOMEWARD_WARC_MAX_BYTES",
        DEFAULT_WARC_MAX_BYTES,
        _count_up_to(2**40),
        "size after which a new WARC file is started",
    ),
    Setting(
        "HOMEWARD_PROGRESS_INTERVAL",
        5.0,
        _amount,
        "seconds between progress lines on stderr; 0 = off",
    ),
    Setting(
        "HOMEWARD_PROGRESS_FORMAT",
        "text",
        _progress_format,
        '"text" (for people) or "json" (read by crawler.run)',
    ),
    Setting(
        "HOMEWARD_SUMMARY_FILE",
        None,
        _text,
        "where to write the run summary as JSON at the end",
    ),
    Setting(
        "HOMEWARD_RUN_ID",
        None,
        _text,
        "on a Scrapyd node: the run record this crawl is a part of (set by "
        "`homeward crawl --scrapyd`)",
    ),
    Setting(
        "HOMEWARD_RUN_PART",
        None,
        _text,
        "on a Scrapyd node: the name of this part (the node's URL)",
    ),
)

DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in HOMEWARD_SETTINGS}

# The settings that decide what a crawl takes: recorded in every run summary, so a
# run's figures can be read against the policy it ran under.
POLICY = (
    "HOMEWARD_MAX_AGE_DAYS",
    "HOMEWARD_SINCE",
    "HOMEWARD_PAGES_PER_SOURCE",
    "HOMEWARD_MAX_DEPTH",
    "HOMEWARD_RELEVANCE_THRESHOLD",
    "HOMEWARD_LEXICON",
    "HOMEWARD_KEEP_OFF_TOPIC",
    "HOMEWARD_ENTITIES",
    "HOMEWARD_WORKERS",
    "HOMEWARD_DEDUPE_THRESHOLD",
    "HOMEWARD_ALLOW_PRIVATE_ADDRESSES",
)


def read(settings: Any, name: str) -> Any:
    """A HOMEWARD_ setting from Scrapy's settings, typed and defaulted by the table (so a
    component built without the project's settings module, as in tests, agrees)."""
    default = DEFAULTS[name]
    if isinstance(default, bool):
        return settings.getbool(name, default)
    if isinstance(default, int):
        return settings.getint(name, default)
    if isinstance(default, float):
        return settings.getfloat(name, default)
    return settings.get(name, default)


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every HOMEWARD_ setting the environment gives (an empty value counts as unset),
    parsed; SettingError names the first variable whose value cannot be used."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in HOMEWARD_SETTINGS:
        raw = environ.get(setting.name)
        if raw is None or not raw.strip():
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise SettingError(
                f"environment variable {setting.name}={shown_value(raw)} {error} "
                f"({setting.name}: {setting.help})"
            ) from None
    return values

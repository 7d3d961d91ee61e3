"""Progress lines while a crawl runs, and the run summary read from Scrapy's stats.

Every drop and error in the crawler and the stages is a stats counter under
`homeward/` (see `count`): `homeward/fetched/<kind>`, `homeward/stored`,
`homeward/duplicates`, `homeward/irrelevant`, `homeward/failed/<reason>`,
`homeward/skipped/<why>`, and per source `homeward/source/<name>/<counter>`
(fetched, stored, duplicates, irrelevant, failed, unreachable, errors).
The run summary is computed from those counters only, so what the summary
says and what the stats dump in the log says cannot differ.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "PROGRESS_MARK",
    "RunSummary",
    "SourceSummary",
    "count",
    "format_summary",
    "progress_line",
    "summary_from_stats",
]

PREFIX = "homeward/"
SOURCE_PREFIX = "homeward/source/"
PROGRESS_MARK = "homeward-progress "
PER_SOURCE = ("fetched", "stored", "duplicates", "irrelevant", "failed", "unreachable", "skipped")
AGE_CUTOFF = PREFIX + "age-cutoff"  # the date before which entries count as old
FIRST_CRAWL = PREFIX + "first-crawl"  # sources crawled for the first time: history taken
STATE_SET_ASIDE = PREFIX + "state/set-aside"  # crawl state of another archive, moved away
REFETCH_MISSING = PREFIX + "state/missing"  # remembered as stored, not in the archive
UNTAGGED_SLOW = PREFIX + "entities/timeout"  # stored without tags: tagging ran too long

# Why the crawler did not take a page, link or entry, as a person reads it. Every
# `homeward/skipped/<reason>` counter is printed; one missing here is printed by name.
SKIP_REASONS = {
    "old": "feed and sitemap entries published before {cutoff} ({window})",
    "seen": "article links already stored, off-topic, merged or failed in an earlier crawl",
    "limit": "article links over the limit of {limit} per source "
    "(--pages-per-source or HOMEWARD_PAGES_PER_SOURCE)",
    "robots": "article pages disallowed by the site's robots.txt",
    "discovery-ignored": "feeds, sitemaps or listing pages disallowed by robots.txt",
    "alias": "pages that are another address of an article already taken "
    "(redirect or rel=canonical)",
    "depth": "pagination links deeper than {depth} pages (--max-depth or HOMEWARD_MAX_DEPTH)",
    "offsite-link": "listing-page links to other sites",
    "not-article-link": "listing-page links that do not look like articles "
    "(sections, tags, authors)",
    "no-link": "feed entries without a link",
    "bad-url": "feed or sitemap entries whose address is not an http(s) URL",
    "ignored": "requests dropped by a downloader middleware",
    "private-address": "links, entries and redirects to private, loopback or other special "
    "network addresses that no source of sources.toml names "
    "(HOMEWARD_ALLOW_PRIVATE_ADDRESSES=true takes them)",
}


def count(stats: Any, what: str, source: str | None = None, per_source: str | None = None) -> None:
    """Count one `homeward/<what>`, and for the source `homeward/source/<name>/<per_source>`
    (default: the first part of `what`, so `failed/http-500` counts as the source's `failed`)."""
    stats.inc_value(PREFIX + what)
    if source:
        stats.inc_value(f"{SOURCE_PREFIX}{source}/{per_source or what.split('/')[0]}")


@dataclass(slots=True)
class SourceSummary:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    irrelevant: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RunSummary:
    """What one crawl did. `fetched` counts every HTTP response (robots.txt, feeds,
    sitemaps, listings and articles; `fetched_by_kind` splits them)."""

    fetched: int = 0
    fetched_by_kind: dict[str, int] = field(default_factory=dict)
    stored: int = 0
    duplicates: int = 0
    irrelevant: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    revisits: dict[str, int] = field(default_factory=dict)  # unchanged, changed, removed, failed
    spooled: int = 0
    spool_written: int = 0  # articles an earlier crawl spooled, written by this one
    spool_set_aside: int = 0  # spool lines that were not whole records (torn by a crash)
    off_topic_kept: int = 0  # off-topic pages kept for `homeward rescore`
    off_topic_not_kept: int = 0  # off-topic pages that could not be kept (counted, logged)
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    elapsed: float = 0.0
    finish_reason: str | None = None
    archive: str | None = None
    state_dir: str | None = None
    notes: list[str] = field(default_factory=list)  # things the user should act on
    settings: dict[str, Any] = field(default_factory=dict)  # the policy it ran under
    age_cutoff: str | None = None  # entries published before this date were skipped as old
    first_crawl: list[str] = field(default_factory=list)  # sources whose history was taken
    run_id: str | None = None  # the run record this crawl left (homeward.runs)
    state: str | None = None  # its exit state: ok, stopped, timeout, failed, killed
    peak_memory_mb: float | None = None  # the whole process tree's, sampled by the caller

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def resumable(self) -> bool:
        """True when the crawl was stopped and the next crawl continues its queue."""
        return self.finish_reason == "shutdown"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        values = dict(data)
        values["sources"] = {
            name: SourceSummary(**counts) for name, counts in (data.get("sources") or {}).items()
        }
        return cls(**values)


def summary_from_stats(
    stats: dict[str, Any], source_names: list[str] | None = None, elapsed: float | None = None
) -> RunSummary:
    """The run summary from a Scrapy stats dict (crawler.stats.get_stats())."""
    summary = RunSummary(
        stored=int(stats.get(PREFIX + "stored", 0)),
        duplicates=int(stats.get(PREFIX + "duplicates", 0)),
        irrelevant=int(stats.get(PREFIX + "irrelevant", 0)),
        spooled=int(stats.get(PREFIX + "spooled", 0)),
        spool_written=int(stats.get(PREFIX + "spool/written", 0)),
        spool_set_aside=int(stats.get(PREFIX + "spool/set-aside", 0)),
        off_topic_kept=int(stats.get(PREFIX + "off-topic/kept", 0)),
        off_topic_not_kept=int(stats.get(PREFIX + "off-topic/not-kept", 0)),
        finish_reason=stats.get("finish_reason"),
        age_cutoff=stats.get(AGE_CUTOFF),
        first_crawl=list(stats.get(FIRST_CRAWL) or []),
    )
    for name in source_names or []:
        summary.sources[name] = SourceSummary()
    for key, value in stats.items():
        if not key.startswith(PREFIX):
            continue
        rest = key[len(PREFIX) :]
        if rest.startswith("fetched/"):
            summary.fetched_by_kind[rest[len("fetched/") :]] = int(value)
        elif rest.startswith("failed/"):
            summary.failed[rest[len("failed/") :]] = int(value)
        elif rest.startswith("skipped/"):
            summary.skipped[rest[len("skipped/") :]] = int(value)
        elif rest.startswith("revisit/"):
            summary.revisits[rest[len("revisit/") :]] = int(value)
        elif key.startswith(SOURCE_PREFIX):
            name, _, counter = key[len(SOURCE_PREFIX) :].rpartition("/")
            if not name:
                continue
            source = summary.sources.setdefault(name, SourceSummary())
            if counter == "errors":
                source.errors = list(value)
            elif counter in PER_SOURCE:
                setattr(source, counter, int(value))
    summary.fetched = sum(summary.fetched_by_kind.values())
    untagged = int(stats.get(PREFIX + "entities/no-english-model", 0))
    if untagged:
        summary.notes.append(
            f"{untagged} English articles were stored without person names: the spaCy model "
            "is not installed (see the crawl log for how to install it)"
        )
    if slow := int(stats.get(UNTAGGED_SLOW, 0)):
        summary.notes.append(
            f"{slow} articles were stored without names, places and years: tagging them "
            "took over its time budget (pages built to be slow; see the crawl log)"
        )
    if aside := stats.get(STATE_SET_ASIDE):
        summary.notes.append(
            "this archive is not the one the crawl state here was kept for (it was deleted "
            f"and made again, or is another index): that state was moved to {aside}, "
            "and every page was taken again"
        )
    if missing := int(stats.get(REFETCH_MISSING, 0)):
        summary.notes.append(
            f"{missing} pages remembered as stored were not in the archive: they are fetched again"
        )
    if elapsed is None:
        start, finish = stats.get("start_time"), stats.get("finish_time")
        elapsed = (finish - start).total_seconds() if start and finish else 0.0
    summary.elapsed = round(elapsed, 2)
    return summary


def format_summary(summary: RunSummary) -> str:
    """The summary as a few lines for people (the CLI prints this)."""
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.fetched_by_kind.items()))
    memory = f", peak memory {summary.peak_memory_mb:.0f} MB" if summary.peak_memory_mb else ""
    lines = [
        f"fetched {summary.fetched} pages ({kinds or 'none'}) in {summary.elapsed:.1f}s{memory}",
        f"stored {summary.stored} articles, merged {summary.duplicates} duplicates, "
        f"{summary.irrelevant} off-topic, {summary.failed_total} failed",
    ]
    if summary.off_topic_kept:
        lines.append(
            f"{summary.off_topic_kept} off-topic pages kept (text and score, compressed): "
            "`homeward rescore` promotes those that pass after a lexicon or threshold change"
        )
    if summary.off_topic_not_kept:
        lines.append(
            f"{summary.off_topic_not_kept} off-topic pages could not be kept for a second "
            "look (see the crawl log)"
        )
    if summary.failed:
        lines.append(
            "failed: " + ", ".join(f"{reason} {n}" for reason, n in sorted(summary.failed.items()))
        )
    if summary.first_crawl:
        limit = summary.settings.get("HOMEWARD_PAGES_PER_SOURCE")
        bound = f"at most {limit} pages each" if limit else "no page limit"
        lines.append(
            f"first crawl of {', '.join(summary.first_crawl)}: everything their feeds and "
            f"sitemaps list was taken, whatever its age ({bound}); later crawls take "
            "what is new"
        )
    if since := summary.settings.get("HOMEWARD_SINCE"):
        lines.append(f"backfill: entries published since {since}, listing pages paged deeper")
    if summary.revisits:
        looked = summary.revisits
        lines.append(
            f"looked again at {sum(looked.values())} stored pages: "
            f"{looked.get('unchanged', 0)} unchanged, "
            f"{looked.get('changed', 0)} changed (the earlier text is kept as a version), "
            f"{looked.get('removed', 0)} removed upstream (kept, marked removed), "
            f"{looked.get('failed', 0)} not reached (looked at again next time)"
            + (
                f", {looked['no-longer-in-archive']} no longer in the archive (not looked at again)"
                if looked.get("no-longer-in-archive")
                else ""
            )
        )
    lines.extend(skipped_lines(summary))
    if summary.spool_written:
        lines.append(
            f"wrote {summary.spool_written} articles that an earlier crawl had kept in the "
            "spool (the archive was unreachable then)"
        )
    if summary.spool_set_aside:
        lines.append(
            f"{summary.spool_set_aside} spool line(s) were not whole records (torn by a crash "
            "or a full disk) and were set aside in spool.jsonl.bad; the rest was written"
        )
    if summary.spooled:
        lines.append(
            f"{summary.spooled} articles could not be written to the archive and are kept in "
            "the spool; the next crawl writes them"
        )
    if summary.sources:
        lines.append("per source:")
    for name, source in summary.sources.items():
        line = (
            f"  {name}: fetched {source.fetched}, stored {source.stored}, "
            f"duplicates {source.duplicates}, off-topic {source.irrelevant}, "
            f"failed {source.failed}, not taken {source.skipped}"
        )
        if source.errors:
            line += f"; UNREACHABLE or broken: {'; '.join(source.errors[:3])}"
        lines.append(line)
    if summary.resumable:
        lines.append("crawl stopped early: the next crawl resumes where this one stopped")
    lines.extend(f"note: {note}" for note in summary.notes)
    if summary.run_id:
        lines.append(f"run {summary.run_id}: {summary.state} (`homeward runs` lists past runs)")
    return "\n".join(lines)


def skipped_lines(summary: RunSummary) -> list[str]:
    """One line per reason the crawler did not take something, largest first."""
    settings = summary.settings
    days = settings.get("HOMEWARD_MAX_AGE_DAYS")
    since = settings.get("HOMEWARD_SINCE")
    values = {
        "cutoff": summary.age_cutoff or "the age window",
        "window": f"the --since date {since}"
        if since
        else f"older than {days:g} days; --since DATE backfills them, or "
        "--max-age-days 0 / HOMEWARD_MAX_AGE_DAYS=0"
        if isinstance(days, int | float)
        else "outside the age window",
        "limit": settings.get("HOMEWARD_PAGES_PER_SOURCE", "?"),
        "depth": settings.get("HOMEWARD_MAX_DEPTH", "?"),
    }
    reasons = sorted(summary.skipped.items(), key=lambda item: (-item[1], item[0]))
    lines = []
    for reason, number in reasons:
        if number:
            explained = SKIP_REASONS.get(reason, reason).format(**values)
            lines.append(f"  {number} {explained}")
    if lines:
        total = sum(summary.skipped.values())
        lines.insert(0, f"not taken: {total}, by reason:")
    return lines


def progress_line(summary: RunSummary | dict[str, Any]) -> str:
    """One human progress line from a summary or a JSON progress record."""
    data = summary.to_dict() if isinstance(summary, RunSummary) else summary
    failed = data["failed"]
    failed_total = sum(failed.values()) if isinstance(failed, dict) else failed
    per_source = "; ".join(
        f"{name} {counts['fetched']}/{counts['stored']}"
        for name, counts in data.get("sources", {}).items()
    )
    return (
        f"[{data['elapsed']:.0f}s] fetched {data['fetched']}, stored {data['stored']}, "
        f"duplicates {data['duplicates']}, off-topic {data['irrelevant']}, failed {failed_total}"
        + (f" | per source fetched/stored: {per_source}" if per_source else "")
    )

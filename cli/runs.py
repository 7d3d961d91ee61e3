"""`homeward runs` and `homeward sources`: the run history and each source's health."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cli.options import archive_option, opened_archive, text_value
from cli.terminal import clean_for_terminal, shorten
from crawler.sources import SourcesError, load_sources
from homeward.paths import SOURCES_ENV, default_sources_path, shown_url
from homeward.runs import (
    MAX_UNHEALTHY_AFTER,
    RunRecord,
    SourceHealth,
    sources_health,
    unhealthy_after_default,
)


@click.command()
@click.option(
    "--source",
    help="Only runs that crawled this source (its name in sources.toml).",
    callback=text_value,
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the run records as JSON.")
@archive_option
def runs(source: str | None, limit: int, as_json: bool, archive_url: str | None) -> None:
    """The run history: every crawl (manual, scheduled or on Scrapyd), newest first."""
    with opened_archive(archive_url) as archive:
        found = archive.list_runs(source=source, limit=limit)
    if as_json:
        click.echo(json.dumps([run.to_dict() for run in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no runs recorded" + (f" for source {source!r}" if source else ""))
        return
    for run in found:
        click.echo(_run_line(run, source))


def _run_line(run: RunRecord, source: str | None) -> str:
    started = _local(run.started_at)
    label = run.schedule or run.origin
    if run.origin == "scrapyd":
        label = f"scrapyd ×{len(run.nodes)}"
    took = f"{run.elapsed:.0f}s" if run.elapsed is not None else "-"
    figures: dict[str, Any] = run.summary or {}
    if source is not None:  # this source's share of the run
        counts = run.source_counts(source) or {}
        figures = {**counts, "failed": {"all": counts.get("failed", 0)}}
    failed = figures.get("failed") or {}
    failed_total = sum(failed.values()) if isinstance(failed, dict) else int(failed)
    text = (
        f"fetched {figures.get('fetched', 0)}, stored {figures.get('stored', 0)}, "
        f"dup {figures.get('duplicates', 0)}, off-topic {figures.get('irrelevant', 0)}, "
        f"failed {failed_total}"
        if run.summary
        else ""
    )
    line = f"{run.id}  {started}  {label:<12} {run.state:<8} {took:>6}  {text}"
    if run.message:
        line += f"\n    {shorten(clean_for_terminal(run.message), 150)}"
    for alert in (run.summary or {}).get("alerts") or []:
        line += f"\n    {shorten(clean_for_terminal(str(alert)), 150)}"
    return line


@click.command("sources")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="List the sources of this sources.toml (default: $HOMEWARD_SOURCES, else the "
    "sources crawled into the archive, else as for `homeward crawl`).",
)
@click.option(
    "--unhealthy-after",
    type=click.IntRange(1, MAX_UNHEALTHY_AFTER),
    help="Runs in a row a source must fail or store nothing to be marked failing "
    "(default: $HOMEWARD_UNHEALTHY_AFTER, then 3).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the sources' health as JSON.")
@click.option("--check", is_flag=True, help="Exit with status 1 when a source is failing.")
@archive_option
def sources(
    sources_file: Path | None,
    unhealthy_after: int | None,
    as_json: bool,
    check: bool,
    archive_url: str | None,
) -> None:
    """Each source with its health: failing when it failed or stored nothing in its
    last N runs. The sources are those of --sources or $HOMEWARD_SOURCES when given;
    otherwise those the archive was crawled from (as the web's /sources page shows), and
    before any crawl those `homeward crawl` would read."""
    chosen = sources_file or (
        Path(os.environ[SOURCES_ENV]) if os.environ.get(SOURCES_ENV) else None
    )
    named = (_names_in(chosen), f"in {chosen}") if chosen is not None else None
    try:
        threshold = unhealthy_after or unhealthy_after_default()
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    with opened_archive(archive_url) as archive:
        names, origin = named or crawled_sources(archive)
        health = sources_health(archive, names, threshold)
    failing = [h for h in health if h.status == "failing"]
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in health], ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"{len(health)} source(s) {origin}; failing = failed or stored nothing "
            f"{threshold} runs in a row"
        )
        for item in health:
            click.echo(_health_line(item))
    if check and failing:
        raise click.exceptions.Exit(1)


RUNS_LOOKED_AT = 200  # as many runs as the web's /sources page reads


def crawled_sources(archive: Any) -> tuple[list[str], str]:
    """The sources the archive was crawled from, and a heading saying so.

    Used when no file is named, so that `homeward sources` and the web's /sources agree
    (after `homeward demo`, which crawls two sources of its own and not the shipped
    list): the sources of the newest run's file while it is still there (a source
    added to it shows as never crawled), then every other source the recent runs
    crawled. An archive never crawled into gets the file `homeward crawl` would read.
    """
    runs = archive.list_runs(limit=RUNS_LOOKED_AT)
    if not runs:
        path = default_sources_path()
        return _names_in(path), f"in {path} (nothing crawled into this archive yet)"
    names: dict[str, None] = {}
    origin = f"crawled into {shown_url(archive.url)}"
    newest_file = runs[0].sources_file
    if newest_file and Path(newest_file).is_file():
        try:
            names.update(dict.fromkeys(source.name for source in load_sources(Path(newest_file))))
            origin += f" (newest run from {clean_for_terminal(newest_file)})"
        except SourcesError:
            pass  # changed since into something unreadable: the run history still says
    for run in runs:
        names.update(dict.fromkeys(run.sources))
    return list(names), origin


def _names_in(path: Path) -> list[str]:
    """The source names of a sources.toml; a file that cannot be read is bad usage."""
    try:
        return [source.name for source in load_sources(path)]
    except SourcesError as error:
        raise click.UsageError(str(error)) from error


def _health_line(health: SourceHealth) -> str:
    name = clean_for_terminal(health.name)
    if health.status == "never crawled":
        return f"  {'never crawled':<13} {name}"
    last = f"last run {_local(health.last_started)} {health.last_state}"
    if health.last_stored is not None:
        last += f", stored {health.last_stored}"
    line = f"  {health.status.upper() if health.status == 'failing' else 'ok':<13} {name}: {last}"
    if health.failing_streak:
        problem = clean_for_terminal(health.last_problem or "")
        line += (
            f"\n      {health.failing_streak} bad run(s) in a row; last: {shorten(problem, 120)}"
        )
    return line


def _local(iso: str | None) -> str:
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")

"""The `homeward` command: thin adapters from the shell to the archive and the crawler.

Exit status: 0 success, 1 a failure with a message (archive unreachable, bad
import line), 2 bad usage (including a query syntax error, which names the token).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from homeward.article import ArticleError, read_jsonl
from homeward.terminal import clean_for_terminal, shorten
from search.backend import Archive, ArchiveError, SearchResult, open_archive
from search.export import WRITERS
from search.query import MAX_LIMIT, SORTS, QuerySyntaxError, SearchRequest, build_request

ARCHIVE_HELP = (
    "Archive URL: sqlite:///path/archive.sqlite or http://host:9200 (Elasticsearch). "
    "Default: $HOMEWARD_ARCHIVE, then archive.sqlite in the user's data folder."
)
IMPORT_PROGRESS_EVERY = 1000


def archive_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--archive", "archive_url", metavar="URL", help=ARCHIVE_HELP)(function)


def query_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The query and filters `search` and `export` share (and the web API mirrors)."""
    options = [
        click.argument("query", required=False, default=""),
        click.option("--person", multiple=True, help="Only articles naming this person."),
        click.option("--place", multiple=True, help="Only articles mentioning this place."),
        click.option("--year", multiple=True, help="Only articles mentioning this year."),
        click.option("--language", multiple=True, help="ISO 639-1 code, e.g. en or zh."),
        click.option("--source", multiple=True, help="Only articles from this source."),
        click.option("--since", metavar="DATE", help="Published on or after (YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Published on or before (YYYY-MM-DD)."),
        click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextmanager
def opened_archive(url: str | None) -> Iterator[Archive]:
    try:
        archive = open_archive(url)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    try:
        yield archive
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    finally:
        archive.close()


def make_request(**kwargs: Any) -> SearchRequest:
    try:
        return build_request(**kwargs)
    except QuerySyntaxError as error:
        raise click.UsageError(f"query error: {error}") from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="homeward")
def main() -> None:
    """Homeward: crawl, search and export news on child abduction and trafficking."""


# --- search ---------------------------------------------------------------------


@main.command()
@query_options
@click.option("--limit", type=click.IntRange(0, MAX_LIMIT), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many hits.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: total, hits, facets.")
@archive_option
def search(
    query: str,
    person: tuple[str, ...],
    place: tuple[str, ...],
    year: tuple[str, ...],
    language: tuple[str, ...],
    source: tuple[str, ...],
    since: str | None,
    until: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
    archive_url: str | None,
) -> None:
    """Search the archive. QUERY uses words, "phrases", OR, -word, (groups) and
    person: place: year: language: source: filters."""
    request = make_request(
        query=query,
        person=person,
        place=place,
        year=year,
        language=language,
        source=source,
        since=since,
        until=until,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    with opened_archive(archive_url) as archive:
        result = archive.search(request)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print_result_table(result, offset)


def print_result_table(result: SearchResult, offset: int) -> None:
    width = max(60, min(shutil.get_terminal_size().columns, 160))
    click.echo(f"{result.total} article(s)")
    for number, hit in enumerate(result.hits, start=offset + 1):
        article = hit.article
        date = (article.published or "")[:10].ljust(10)
        language = (article.language or "--").ljust(2)
        source = shorten(clean_for_terminal(article.source or ""), 18).ljust(18)
        title_width = max(20, width - 42)
        title = shorten(clean_for_terminal(article.title), title_width)
        click.echo(f"{number:>4}. {date}  {language}  {source}  {title}")
        click.echo(f"      {shorten(clean_for_terminal(article.url), width - 6)}")
    for name in ("names", "places", "years"):
        buckets = result.facets.get(name) or []
        if buckets:
            listed = ", ".join(f"{clean_for_terminal(str(v))} ({c})" for v, c in buckets[:8])
            click.echo(f"{name}: {shorten(listed, width - len(name) - 2)}")


# --- export ---------------------------------------------------------------------


@main.command()
@query_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(WRITERS)),
    required=True,
    help="csv (UTF-8 with BOM, spreadsheet-safe) or jsonl (one article per line).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@archive_option
def export(
    query: str,
    person: tuple[str, ...],
    place: tuple[str, ...],
    year: tuple[str, ...],
    language: tuple[str, ...],
    source: tuple[str, ...],
    since: str | None,
    until: str | None,
    sort: str,
    output_format: str,
    output: Path | None,
    archive_url: str | None,
) -> None:
    """Export every article matching QUERY and the filters, newest first."""
    request = make_request(
        query=query,
        person=person,
        place=place,
        year=year,
        language=language,
        source=source,
        since=since,
        until=until,
        sort=sort,
        facets=False,
        highlight=False,
    )
    writer = WRITERS[output_format]
    with opened_archive(archive_url) as archive:
        if output is None:
            count = writer(archive.iter_articles(request), sys.stdout)
        else:
            partial = output.with_name(output.name + ".part")
            with partial.open("w", encoding="utf-8", newline="") as handle:
                count = writer(archive.iter_articles(request), handle)
            partial.replace(output)
    click.echo(f"exported {count} article(s)" + (f" to {output}" if output else ""), err=True)


# --- import ---------------------------------------------------------------------


@main.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@archive_option
def import_(file: IO[str], archive_url: str | None) -> None:
    """Load Article records from a JSON-lines FILE ('-' for standard input).

    Used to move an archive between backends (export --format jsonl, then import).
    A bad line is reported with its number and skipped; the rest are stored.
    """
    name = getattr(file, "name", "<stdin>")
    stored = 0
    failures: list[str] = []
    with opened_archive(archive_url) as archive:
        batch = []
        for number, line in enumerate(file, start=1):
            try:
                batch.extend(read_jsonl([line], source=f"{name}, line {number}"))
            except ArticleError as error:
                failures.append(str(error).replace(", line 1:", ":"))
                continue
            if len(batch) >= IMPORT_PROGRESS_EVERY:
                stored += _store(archive, batch, failures)
                batch = []
                click.echo(f"  {stored} stored…", err=True)
        stored += _store(archive, batch, failures)
        archive.refresh()
        total = archive.count()
    for failure in failures[:20]:
        click.echo(f"error: {failure}", err=True)
    if len(failures) > 20:
        click.echo(f"… and {len(failures) - 20} more errors", err=True)
    click.echo(f"imported {stored} article(s) into {archive.url}; it now holds {total}")
    if failures:
        raise click.exceptions.Exit(1)


def _store(archive: Archive, batch: list[Any], failures: list[str]) -> int:
    if not batch:
        return 0
    report = archive.upsert(batch)
    failures.extend(f"article {article_id}: {reason}" for article_id, reason in report.failed)
    return report.stored


# --- stats ----------------------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@archive_option
def stats(as_json: bool, archive_url: str | None) -> None:
    """How many articles the archive holds, per language, source and year."""
    with opened_archive(archive_url) as archive:
        result = archive.search(SearchRequest(limit=0, highlight=False))
        location = archive.url
    counts = {
        "archive": location,
        "articles": result.total,
        "language": dict(result.facets["language"]),
        "source": dict(result.facets["source"]),
        "years": {str(year): count for year, count in sorted(result.facets["years"])},
    }
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    click.echo(f"{counts['articles']} article(s) in {location}")
    for heading in ("language", "source", "years"):
        click.echo(f"{heading}:")
        for value, count in counts[heading].items():
            click.echo(f"  {clean_for_terminal(str(value))}: {count}")


# --- commands whose issues have not landed yet ----------------------------------------


def _not_yet(command: str, issue: str) -> None:
    raise click.ClickException(f"`homeward {command}` is not available yet ({issue}).")


@main.command()
@click.option("--sources", type=click.Path(dir_okay=False, path_type=Path), default=None)
@archive_option
def crawl(sources: Path | None, archive_url: str | None) -> None:
    """Crawl the sources into the archive and print a run summary."""
    _not_yet("crawl", "it arrives with the crawler")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@archive_option
def serve(host: str, port: int, archive_url: str | None) -> None:
    """Serve the web search page and JSON API."""
    _not_yet("serve", "it arrives with the web interface")


@main.group()
def schedule() -> None:
    """Nightly crawls: run, list and install schedules."""


@schedule.command("run")
def schedule_run() -> None:
    """Run the scheduler in the foreground."""
    _not_yet("schedule run", "it arrives with scheduled crawls")


@main.command()
@archive_option
def demo(archive_url: str | None) -> None:
    """Import the bundled sample articles into the archive and run a search."""
    from homeward.demo import run_demo

    run_demo(archive_url)


if __name__ == "__main__":  # pragma: no cover
    main()

"""The `homeward` command: thin adapters from the shell to the archive and the crawler.

Exit status: 0 success, 1 a failure with a message (archive unreachable, bad
import line), 2 bad usage (including a query syntax error, which names the token).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from homeward.article import Article, ArticleError, read_jsonl
from homeward.terminal import clean_for_terminal, shorten
from search.backend import (
    Archive,
    ArchiveError,
    SearchResult,
    open_archive,
    resolve_archive_url,
)
from search.export import REPORT_TYPES, WRITERS, search_job, set_job
from search.query import MAX_LIMIT, SORTS, QuerySyntaxError, SearchRequest, build_request

ARCHIVE_HELP = (
    "Archive URL: sqlite:///path/archive.sqlite or http://host:9200 (Elasticsearch). "
    "Default: $HOMEWARD_ARCHIVE, then archive.sqlite in the user's data folder."
)
IMPORT_PROGRESS_EVERY = 1000
SHIPPED_SOURCES = Path(__file__).resolve().parent.parent / "sources.toml"


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
    limit: int,
    offset: int,
    as_json: bool,
    archive_url: str | None,
    **filters: Any,
) -> None:
    """Search the archive. QUERY uses words, "phrases", OR, -word, (groups) and
    person: place: year: language: source: filters."""
    request = make_request(query=query, limit=limit, offset=offset, **filters)
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
    type=click.Choice(list(WRITERS)),
    required=True,
    help="; ".join(f"{name}: {fmt.help}" for name, fmt in WRITERS.items()) + ".",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output; required for report).",
)
@click.option(
    "--report-format",
    type=click.Choice(sorted(REPORT_TYPES)),
    help="For --format report: html or pdf (default: from the --output extension).",
)
@click.option(
    "--mask-names",
    is_flag=True,
    help="Replace people's names with initials in text and fields (for sharing).",
)
@click.option(
    "--set",
    "set_ref",
    metavar="NAME_OR_ID",
    help="Export this article set (with its notes) instead of a search.",
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
    report_format: str | None,
    mask_names: bool,
    set_ref: str | None,
    archive_url: str | None,
) -> None:
    """Export every article matching QUERY and the filters (newest first), or a set."""
    filters = {
        "person": person,
        "place": place,
        "year": year,
        "language": language,
        "source": source,
    }
    searching = bool(query or since or until or any(filters.values()))
    if set_ref and searching:
        raise click.UsageError("export either a set (--set) or a search, not both")
    options = {
        "mask_names": mask_names,
        "report_format": _report_format(output_format, output, report_format),
    }
    writer = WRITERS[output_format].write
    with opened_archive(archive_url) as archive:
        if set_ref:
            found = archive.find_set(set_ref)
            if found is None:
                raise click.ClickException(f"no set with the id or name {set_ref!r}")
            job = set_job(archive, found, **options)
        else:
            request = make_request(
                query=query,
                **filters,
                since=since,
                until=until,
                sort=sort,
                facets=False,
                highlight=False,
            )
            described = {name: list(values) for name, values in filters.items() if values}
            dates = (("since", since), ("until", until))
            described |= {name: [value] for name, value in dates if value}
            job = search_job(archive, request, described, **options)
        if output is None:
            count = writer(job, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            partial = output.with_name(output.name + ".part")
            try:
                with partial.open("wb") as handle:
                    count = writer(job, handle)
                partial.replace(output)
            finally:
                partial.unlink(missing_ok=True)
    click.echo(f"exported {count} article(s)" + (f" to {output}" if output else ""), err=True)


def _report_format(output_format: str, output: Path | None, chosen: str | None) -> str:
    """html or pdf: as chosen, else from the output file's extension."""
    if output_format != "report":
        if chosen:
            raise click.UsageError("--report-format applies only to --format report")
        return "html"
    if output is None:
        raise click.UsageError("--format report needs --output FILE (.html or .pdf)")
    by_extension = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(output.suffix.lower())
    if chosen and by_extension and chosen != by_extension:
        raise click.UsageError(f"--report-format {chosen} does not match {output.name}")
    if not (chosen or by_extension):
        raise click.UsageError(
            f"cannot tell html from pdf by {output.name!r}; name it .html or .pdf "
            "or add --report-format"
        )
    return chosen or by_extension or "html"


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
        batch: list[Article] = []
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
    breakdown: dict[str, dict[str, int]] = {
        "language": {str(value): count for value, count in result.facets["language"]},
        "source": {str(value): count for value, count in result.facets["source"]},
        "years": {str(year): count for year, count in sorted(result.facets["years"])},
    }
    if as_json:
        payload = {"archive": location, "articles": result.total, **breakdown}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} article(s) in {location}")
    for heading, counts in breakdown.items():
        click.echo(f"{heading}:")
        for value, count in counts.items():
            click.echo(f"  {clean_for_terminal(value)}: {count}")


# --- retag -------------------------------------------------------------------------


@main.command()
@archive_option
def retag(archive_url: str | None) -> None:
    """Re-run entity tagging (names, places, years) over every stored article.

    For after a model or gazetteer update: nothing is fetched again. Progress goes
    to standard error.
    """
    from pipelines.entities import EntityModelError
    from pipelines.retag import retag_articles

    with opened_archive(archive_url) as archive:
        total = archive.count()
        done = 0

        def counted(articles: Iterable[Article]) -> Iterator[Article]:
            nonlocal done
            for article in articles:
                yield article
                done += 1
                if done % IMPORT_PROGRESS_EVERY == 0:
                    click.echo(f"  {done}/{total} retagged…", err=True)

        try:
            report = archive.upsert(counted(retag_articles(archive.iter_articles())))
        except EntityModelError as error:
            raise click.ClickException(str(error)) from error
        archive.refresh()
    for article_id, reason in report.failed[:20]:
        click.echo(f"error: article {article_id}: {reason}", err=True)
    click.echo(f"retagged {report.stored} of {total} article(s) in {archive.url}")
    if report.failed:
        raise click.exceptions.Exit(1)


# --- commands whose issues have not landed yet ----------------------------------------


def _not_yet(command: str, issue: str) -> None:
    raise click.ClickException(f"`homeward {command}` is not available yet ({issue}).")


@main.command()
@click.option(
    "--sources",
    type=click.Path(dir_okay=False, path_type=Path),
    help="sources.toml to crawl (default: $HOMEWARD_SOURCES, then ./sources.toml, "
    "then the sources.toml that ships with Homeward).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where crawl state lives (seen URLs, resume queue, WARC evidence); "
    "default: a folder per archive under the user's data folder.",
)
@click.option(
    "--scrapyd",
    "scrapyd_nodes",
    metavar="URL[,URL...]",
    help="Deploy to these Scrapyd nodes and split the sources among them; they all write "
    "to the (Elasticsearch) archive. See docs/scaling.md.",
)
@archive_option
def crawl(
    sources: Path | None,
    as_json: bool,
    state_dir: Path | None,
    scrapyd_nodes: str | None,
    archive_url: str | None,
) -> None:
    """Crawl the sources into the archive and print a run summary.

    Progress goes to standard error while it runs. Ctrl-C stops it cleanly; the
    next crawl resumes where it stopped. Pages already stored or judged off-topic
    are never fetched again. Every crawl is recorded (`homeward runs`).
    """
    from crawler.run import CrawlError, run_crawl
    from crawler.sources import SourcesError
    from crawler.summary import format_summary

    sources_path = sources or default_sources_path()
    try:
        if scrapyd_nodes:
            if state_dir:
                raise click.UsageError("--state-dir is for local crawls; nodes keep their own")
            summary = _crawl_on_scrapyd(sources_path, archive_url, scrapyd_nodes)
        else:
            summary = run_crawl(sources_path, resolve_archive_url(archive_url), state_dir=state_dir)
    except SourcesError as error:
        raise click.UsageError(str(error)) from error
    except CrawlError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_summary(summary))


def _crawl_on_scrapyd(sources_path: Path, archive_url: str | None, nodes: str) -> Any:
    from crawler.scrapyd import ScrapydError, crawl_on_scrapyd, parse_node_urls

    try:
        return crawl_on_scrapyd(
            sources_path,
            resolve_archive_url(archive_url),
            parse_node_urls(nodes),
            report=lambda line: click.echo(line, err=True),
        )
    except ScrapydError as error:
        raise click.ClickException(str(error)) from error


def default_sources_path() -> Path:
    """$HOMEWARD_SOURCES, then sources.toml here, then the list that ships with Homeward."""
    configured = os.environ.get("HOMEWARD_SOURCES")
    if configured:
        return Path(configured)
    here = Path("sources.toml")
    return here if here.exists() else SHIPPED_SOURCES


@main.command()
@click.argument("article_id")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the captured page to (default: standard output).",
)
@click.option("--headers", is_flag=True, help="Print the captured HTTP headers instead.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The crawl state folder, if not the default.",
)
@archive_option
def evidence(
    article_id: str,
    output: Path | None,
    headers: bool,
    state_dir: Path | None,
    archive_url: str | None,
) -> None:
    """Write out the page exactly as it was captured when ARTICLE_ID was stored.

    The body is checked against the SHA-256 recorded with the article.
    """
    from crawler.state import archive_state_dir
    from pipelines.evidence import EvidenceError, read_capture

    url = resolve_archive_url(archive_url)
    with opened_archive(url) as archive:
        article = archive.get(article_id)
    if article is None:
        raise click.ClickException(f"no article {article_id!r} in {url}")
    if article.evidence is None:
        raise click.ClickException(f"article {article_id} has no evidence capture")
    folder = archive_state_dir(url, state_dir) / "evidence"
    try:
        captured_headers, body = read_capture(article.evidence, search_dirs=[folder])
    except EvidenceError as error:
        raise click.ClickException(str(error)) from error
    if headers:
        for name, value in captured_headers:
            click.echo(f"{clean_for_terminal(name)}: {clean_for_terminal(value)}")
        return
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(body)
        click.echo(f"wrote {len(body)} bytes to {output}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@archive_option
def serve(host: str, port: int, archive_url: str | None) -> None:
    """Serve the web search page and JSON API (see docs/web.md).

    Only this computer can connect unless --host names another address; then the
    access token in HOMEWARD_TOKEN is required for every page and API call.
    """
    import uvicorn

    from search.web import create_app
    from search.web.security import TOKEN_ENV, is_loopback

    token = os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise click.UsageError(
            f"--host {host} would let other machines read the archive; set {TOKEN_ENV} to "
            "an access token (16+ random characters) first, or serve on 127.0.0.1"
        )
    try:
        app = create_app(archive_url, token=token)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(f"Homeward at {where} (archive {app.state.archive.url}); Ctrl-C stops it", err=True)
    uvicorn.run(app, host=host, port=port, server_header=False, proxy_headers=False)


@main.command()
@click.option(
    "--serve/--no-serve",
    "then_serve",
    default=True,
    show_default=True,
    help="Serve the archive in the browser afterwards, as `homeward serve` does.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="Port to serve on.")
@archive_option
@click.pass_context
def demo(ctx: click.Context, then_serve: bool, port: int, archive_url: str | None) -> None:
    """Serve the bundled sample news web, crawl it into the archive, show searches,
    then serve the archive at http://127.0.0.1:8000/ (Ctrl-C stops it)."""
    from homeward.demo import run_demo

    url = run_demo(archive_url)
    if then_serve:
        ctx.invoke(serve, host="127.0.0.1", port=port, archive_url=url)


if __name__ == "__main__":  # pragma: no cover
    # `python -m homeward.cli`: run the imported module's group, which has every command.
    from homeward.cli import main as cli_main

    cli_main()
else:
    # `schedule`, `runs` and `sources` live in homeward/cli_runs.py, which imports from here.
    from homeward import cli_runs

    cli_runs.register(main)

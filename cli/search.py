"""`homeward search` and `homeward stats`: read the archive from the shell."""

from __future__ import annotations

import json
import shutil
from typing import Any

import click

from cli.options import (
    MAX_WINDOW,
    archive_option,
    check_window,
    make_request,
    opened_archive,
    query_options,
)
from cli.terminal import clean_for_terminal, is_terminal, shorten
from homeward.paths import shown_url
from search.archive import SearchResult
from search.query import MAX_LIMIT, SearchRequest


@click.command()
@query_options
@click.option("--limit", type=click.IntRange(0, MAX_LIMIT), default=20, show_default=True)
@click.option(
    "--offset",
    type=click.IntRange(0, MAX_WINDOW),
    default=0,
    help=f"Skip this many hits (offset + limit at most {MAX_WINDOW:,}; export takes all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: total, hits, facets.")
@click.option(
    "--wide",
    is_flag=True,
    help="Never cut titles and URLs to the terminal's width (output that is not a "
    "terminal, a pipe or a file, is never cut).",
)
@archive_option
def search(
    query: str,
    limit: int,
    offset: int,
    as_json: bool,
    wide: bool,
    archive_url: str | None,
    **filters: Any,
) -> None:
    """Search the archive. QUERY uses words, "phrases", OR, -word, (groups) and
    person: place: year: language: source: filters."""
    check_window(offset, limit)
    request = make_request(query=query, limit=limit, offset=offset, **filters)
    with opened_archive(archive_url) as archive:
        result = archive.search(request)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print_result_table(result, offset, cut=is_terminal() and not wide)


def print_result_table(result: SearchResult, offset: int, cut: bool = True) -> None:
    """Two lines a hit: number, date, language, source, title; then the article id (what
    `homeward evidence` and the web's /articles/<id> take) and the URL. With `cut`,
    titles and URLs are shortened to the terminal's width, marked with "…"."""
    width = max(60, min(shutil.get_terminal_size().columns, 160))

    def fit(text: str, columns: int) -> str:
        return shorten(text, columns) if cut else text

    click.echo(f"{result.total} article(s)")
    for number, hit in enumerate(result.hits, start=offset + 1):
        article = hit.article
        date = (article.published or "")[:10].ljust(10)
        language = (article.language or "--").ljust(2)
        source = shorten(clean_for_terminal(article.source or ""), 18).ljust(18)
        title_width = max(20, width - 42)
        title = fit(clean_for_terminal(article.title), title_width)
        click.echo(f"{number:>4}. {date}  {language}  {source}  {title}")
        url = clean_for_terminal(article.url)
        shown_id = clean_for_terminal(article.id)
        click.echo(f"      {shown_id}  {fit(url, max(20, width - 8 - len(shown_id)))}")
    for name in ("names", "places", "years"):
        buckets = result.facets.get(name) or []
        if buckets:
            listed = ", ".join(f"{clean_for_terminal(str(v))} ({c})" for v, c in buckets[:8])
            click.echo(f"{name}: {fit(listed, width - len(name) - 2)}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@archive_option
def stats(as_json: bool, archive_url: str | None) -> None:
    """How many articles the archive holds, per language, source and year."""
    with opened_archive(archive_url) as archive:
        result = archive.search(SearchRequest(limit=0, highlight=False))
        location = shown_url(archive.url)
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

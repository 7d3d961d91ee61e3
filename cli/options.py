"""Options and helpers every command module shares: the archive option, the query options
that `search` and `export` share (and the web API mirrors), and error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from homeward.article import UPSTREAM_STATUSES
from search.archive import Archive, ArchiveError
from search.open import open_archive
from search.query import SORTS, QuerySyntaxError, SearchRequest, build_request

ARCHIVE_HELP = (
    "Archive URL: sqlite:///path/archive.sqlite or http://host:9200 (Elasticsearch). "
    "Default: $HOMEWARD_ARCHIVE, then archive.sqlite in the user's data folder."
)


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
        click.option(
            "--status",
            multiple=True,
            type=click.Choice(UPSTREAM_STATUSES),
            help="Only articles whose page is now live, changed upstream, or removed.",
        ),
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

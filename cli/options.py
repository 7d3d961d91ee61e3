"""Options and helpers every command module shares: the archive option, the query options
that `search` and `export` share (and the web API mirrors), and error translation."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from exports.job import ExportTargetError, check_target, write_file
from homeward.article import LONE_SURROGATE, UPSTREAM_STATUSES
from search.archive import Archive, ArchiveError
from search.open import open_archive
from search.query import SORTS, QuerySyntaxError, SearchRequest, build_request

ARCHIVE_HELP = (
    "Archive URL: sqlite:///path/archive.sqlite or http://host:9200 (Elasticsearch). "
    "Default: $HOMEWARD_ARCHIVE, then archive.sqlite in the user's data folder."
)


# Searches page through the first 10,000 hits, on both archives: Elasticsearch refuses
# to go further (index.max_result_window), and web/params.py keeps the same limit.
MAX_WINDOW = 10_000


def text_value(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A click callback: refuse text that is not valid UTF-8 (a shell passes undecodable
    bytes through as lone surrogates, which no archive can store or search)."""
    values = value if isinstance(value, tuple) else (value,)
    for item in values:
        if isinstance(item, str) and LONE_SURROGATE.search(item):
            raise click.BadParameter(f"{shown_bytes(item)} is not valid UTF-8 text")
    return value


def shown_bytes(text: str) -> str:
    """Text with undecodable bytes shown as \\xNN, for a message about them."""
    raw = text.encode("utf-8", "surrogateescape") if not _UNPAIRED.search(text) else None
    if raw is None:
        return repr(text)
    return repr(raw)[1:]


# A surrogate that surrogateescape cannot turn back into a byte (not U+DC80-U+DCFF).
_UNPAIRED = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def _archive_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter(
            "is empty; give an archive URL, or leave the option out for the default"
        )
    return value


def archive_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--archive", "archive_url", metavar="URL", help=ARCHIVE_HELP, callback=_archive_url
    )(function)


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses nan and inf (click's range checks let nan through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number is not None and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def query_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The query and filters `search` and `export` share (and the web API mirrors)."""

    def many(name: str, help: str) -> Callable[..., Any]:
        return click.option(name, multiple=True, help=help, callback=text_value)

    options = [
        click.argument("query", required=False, default="", callback=text_value),
        many("--person", "Only articles naming this person."),
        many("--place", "Only articles mentioning this place."),
        many("--year", "Only articles mentioning this year."),
        many("--language", "ISO 639-1 code, e.g. en or zh."),
        many("--source", "Only articles from this source."),
        click.option(
            "--status",
            multiple=True,
            type=click.Choice(UPSTREAM_STATUSES),
            help="Only articles whose page is now live, changed upstream, or removed.",
        ),
        click.option(
            "--since",
            metavar="DATE",
            help="Published on or after (YYYY-MM-DD).",
            callback=text_value,
        ),
        click.option(
            "--until",
            metavar="DATE",
            help="Published on or before (YYYY-MM-DD).",
            callback=text_value,
        ),
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
    note = getattr(archive, "read_only_note", None)  # an SQLite file it may not write
    if note:
        click.echo(f"note: {note}; searching and exporting work, writing does not", err=True)
    try:
        yield archive
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    finally:
        archive.close()


def check_window(offset: int, limit: int) -> None:
    """Refuse a page past the first MAX_WINDOW hits, naming both options."""
    if offset + limit > MAX_WINDOW:
        raise click.UsageError(
            f"--offset {offset:,} with --limit {limit:,} reaches past hit {MAX_WINDOW:,}: "
            f"offset + limit must stay within {MAX_WINDOW:,} (Elasticsearch pages no "
            "further, and both archives keep its limit); narrow the search or use "
            "`homeward export` for every hit"
        )


OUTPUT_HINT = "'--output' / '-o'"


def check_output(path: Path) -> None:
    """Refuse, before any work, an --output that is not a regular file in a folder that
    exists (a link, a device, a FIFO), as a usage error naming it."""
    try:
        check_target(path)
    except ExportTargetError as error:
        raise click.BadParameter(str(error), param_hint=OUTPUT_HINT) from error


def write_output(path: Path, write: Callable[[IO[bytes]], int]) -> int:
    """Write --output whole or not at all (exports/job.py write_file: a new file renamed
    over it when complete); a failure is one message naming the path."""
    try:
        return write_file(path, write)
    except ExportTargetError as error:
        raise click.ClickException(str(error)) from error


def make_request(**kwargs: Any) -> SearchRequest:
    try:
        return build_request(**kwargs)
    except QuerySyntaxError as error:
        raise click.UsageError(f"query error: {error}") from error

"""`homeward import` and `homeward retag`: bulk work on stored articles, nothing fetched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import click

from cli.options import archive_option, opened_archive
from homeward.article import Article, ArticleError, json_record
from homeward.paths import shown_url
from pipelines.entities import EntityModelError
from pipelines.retag import retag_articles
from search.archive import BULK_CHUNK, Archive, ArchiveError
from search.triage import TriageError, TriageMark

IMPORT_PROGRESS_EVERY = 1000
# A line longer than this is refused unread: no article is that long, and a file with no
# line breaks (a binary read by mistake) must not be held in memory whole.
MAX_LINE_BYTES = 64 * 1024 * 1024
ERRORS_SHOWN = 20


@click.command("import")
@click.argument("file", type=click.File("rb"))
@archive_option
def import_(file: BinaryIO, archive_url: str | None) -> None:
    """Load Article records from a JSON-lines FILE ('-' for standard input).

    Used to move an archive between backends (export --format jsonl, then import);
    the triage mark an exported line carries (its `triage` object) comes along. A bad
    line is reported with its number and skipped; the rest are stored, and the exit
    status is 1 when any line was refused.
    """
    name = getattr(file, "name", "-")
    name = "<stdin>" if name in ("-", "<stdin>") or not isinstance(name, str) else name
    stored = 0
    failures: list[str] = []
    with opened_archive(archive_url) as archive:
        batch: list[tuple[Article, TriageMark | None]] = []
        try:
            for number, line in _numbered_lines(file):
                try:
                    entry = _parse_line(line, number)
                except ArticleError as error:
                    failures.append(f"{name}, line {number}: {error}")
                    continue
                if entry is not None:
                    batch.append(entry)
                # One write per BULK_CHUNK: each is one transaction, so `stored` is exact
                # even when a write fails (a full disk) part-way through the file.
                if len(batch) >= BULK_CHUNK:
                    before, stored = stored, stored + _store(archive, batch, failures)
                    batch = []
                    if stored // IMPORT_PROGRESS_EVERY > before // IMPORT_PROGRESS_EVERY:
                        click.echo(f"  {stored} stored…", err=True)
            stored += _store(archive, batch, failures)
            archive.refresh()
            total = archive.count()
        except ArchiveError as error:
            _print_failures(failures)
            raise click.ClickException(
                f"{error}; {stored} article(s) of {name} were stored before it"
            ) from error
        except OSError as error:
            _print_failures(failures)
            reason = error.strerror or str(error)
            raise click.ClickException(
                f"cannot read {name}: {reason}; {stored} article(s) were stored before it"
            ) from error
    _print_failures(failures)
    click.echo(f"imported {stored} article(s) into {shown_url(archive.url)}; it now holds {total}")
    if failures:
        click.echo(f"{len(failures)} line(s) or article(s) refused; exit status 1", err=True)
        raise click.exceptions.Exit(1)


def _numbered_lines(file: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line over MAX_LINE_BYTES, whose
    rest is read and dropped in pieces."""
    number = 0
    while True:
        line = file.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = file.readline(MAX_LINE_BYTES)
        yield number, None


def _parse_line(raw: bytes | None, number: int) -> tuple[Article, TriageMark | None] | None:
    """The article on one line, with the triage mark an export gave it; None for a blank
    line; ArticleError naming the problem."""
    if raw is None:
        raise ArticleError(f"longer than {MAX_LINE_BYTES:,} bytes; not read")
    try:
        # A byte-order mark, as some Windows editors write, starts the first line only.
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at byte {error.start + 1} of "
            "the line); save the file as UTF-8"
        ) from None
    if not line.strip():
        return None
    data = json_record(line)
    triage = data.pop("triage", None) if isinstance(data, dict) else None
    article = Article.from_dict(data)
    return article, _exported_mark(article.id, triage)


def _exported_mark(article_id: str, triage: Any) -> TriageMark | None:
    """The mark of an exported line (`{"verdict", "note", "marked_at"}`), if any."""
    if triage is None:
        return None
    if not isinstance(triage, dict) or not isinstance(triage.get("verdict"), str):
        raise ArticleError("field 'triage': expected an object with a verdict, as exported")
    try:
        return TriageMark.new(
            article_id,
            triage["verdict"],
            str(triage.get("note") or ""),
            str(triage.get("marked_at") or ""),
        )
    except TriageError as error:
        raise ArticleError(f"field 'triage': {error}") from None


def _print_failures(failures: list[str]) -> None:
    for failure in failures[:ERRORS_SHOWN]:
        click.echo(f"error: {failure}", err=True)
    if len(failures) > ERRORS_SHOWN:
        click.echo(f"… and {len(failures) - ERRORS_SHOWN} more errors", err=True)


def _store(
    archive: Archive, batch: list[tuple[Article, TriageMark | None]], failures: list[str]
) -> int:
    if not batch:
        return 0
    report = archive.upsert(article for article, _ in batch)
    failures.extend(f"article {article_id}: {reason}" for article_id, reason in report.failed)
    refused = {article_id for article_id, _ in report.failed}
    for article, mark in batch:
        if mark is not None and article.id not in refused:
            archive.set_mark(mark)
    return report.stored


@click.command()
@archive_option
def retag(archive_url: str | None) -> None:
    """Re-run entity tagging (names, places, years) over every stored article.

    For after a model or gazetteer update: nothing is fetched again. Progress goes
    to standard error.
    """
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
    click.echo(f"retagged {report.stored} of {total} article(s) in {shown_url(archive.url)}")
    if report.failed:
        raise click.exceptions.Exit(1)

"""`homeward import` and `homeward retag`: bulk work on stored articles, nothing fetched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import click

from cli.options import archive_option, opened_archive
from homeward.article import Article, ArticleError, read_jsonl
from pipelines.entities import EntityModelError
from pipelines.retag import retag_articles
from search.archive import Archive

IMPORT_PROGRESS_EVERY = 1000


@click.command("import")
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
    click.echo(f"retagged {report.stored} of {total} article(s) in {archive.url}")
    if report.failed:
        raise click.exceptions.Exit(1)

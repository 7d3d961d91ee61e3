"""`homeward marks`: triage marks, a reader's *relevant* / *not about this topic* on an
article (search/triage.py); `homeward rescore` measures the relevance stage by them."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from cli.options import archive_option, opened_archive, text_value
from cli.terminal import clean_for_terminal, shorten
from exports.formats import cell_text
from search.triage import VERDICTS, TriageError, TriageMark, counts

# A CSV cell may hold a whole article's text: far more than the csv module's default.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


@click.group()
def marks() -> None:
    """Triage marks: mark articles relevant or not about this topic. Marks are shown on
    the web page, travel with exports (the `triage` column) and feed `homeward rescore`."""


@marks.command("add")
@click.argument("article_id", callback=text_value)
@click.argument("verdict", callback=text_value, metavar="relevant|off-topic")
@click.option("--note", default="", callback=text_value, help="Why (kept with the mark).")
@archive_option
def add(article_id: str, verdict: str, note: str, archive_url: str | None) -> None:
    """Mark ARTICLE_ID relevant or off-topic (not about this topic); replaces its mark."""
    try:
        mark = TriageMark.new(article_id, verdict, note)
    except TriageError as error:
        raise click.UsageError(str(error)) from error
    with opened_archive(archive_url) as archive:
        if archive.get(article_id) is None:
            raise click.ClickException(f"no article with id {article_id!r} in this archive")
        archive.set_mark(mark)
    click.echo(f"marked {article_id} {mark.wording}")


@marks.command("remove")
@click.argument("article_id", callback=text_value)
@archive_option
def remove(article_id: str, archive_url: str | None) -> None:
    """Forget ARTICLE_ID's mark."""
    with opened_archive(archive_url) as archive:
        if not archive.clear_mark(article_id):
            raise click.ClickException(f"article {article_id!r} has no triage mark")
    click.echo(f"removed the mark of {article_id}")


@marks.command("list")
@click.option("--verdict", type=click.Choice(VERDICTS), help="Only marks of this kind.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@archive_option
def list_(verdict: str | None, as_json: bool, archive_url: str | None) -> None:
    """Every mark, oldest first, with the article's title."""
    with opened_archive(archive_url) as archive:
        shown = [m for m in archive.iter_marks() if verdict is None or m.verdict == verdict]
        for mark in shown:
            article = archive.get(mark.article_id)
            if as_json:
                line = {**mark.to_dict(), "url": article.url if article else None}
                click.echo(json.dumps(line, ensure_ascii=False))
                continue
            title = article.title or article.url if article else "(no longer in the archive)"
            click.echo(
                f"{mark.article_id}  {mark.wording:20}  {mark.marked_at[:10]}  "
                f"{shorten(clean_for_terminal(title), 70)}"
                + (f"  — {shorten(clean_for_terminal(mark.note), 60)}" if mark.note else "")
            )
    if not as_json:
        tally = counts(shown)
        click.echo(
            f"{len(shown)} mark(s): {tally['relevant']} relevant, "
            f"{tally['off-topic']} not about this topic"
        )


@marks.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@archive_option
def import_(file: Path, archive_url: str | None) -> None:
    """Take the marks of a CSV or JSONL export (its `id` and `triage` columns) into this
    archive; rows without a mark and marks of articles this archive lacks are counted
    and left out."""
    try:
        rows = list(_marks_in(file))
    except (TriageError, ValueError, KeyError, csv.Error) as error:
        raise click.ClickException(f"{file}: {error}") from error
    found = [mark for mark in rows if mark is not None]
    unmarked = len(rows) - len(found)
    taken = missing = 0
    with opened_archive(archive_url) as archive:
        present = archive.existing_ids(mark.article_id for mark in found)
        for mark in found:
            if mark.article_id not in present:
                missing += 1
                continue
            archive.set_mark(mark)
            taken += 1
    click.echo(
        f"{taken} mark(s) taken from {file.name}"
        + (f"; {missing} left out: their articles are not in this archive" if missing else "")
        + (f"; {unmarked} row(s) had no mark" if unmarked else "")
    )


def _marks_in(file: Path) -> Iterator[TriageMark | None]:
    """The marks an export carries: JSONL lines with a `triage` object, or CSV rows with
    `triage` (and `triage_note`, `triage_marked_at`) columns; None for a row without one."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.read(1)
        handle.seek(0 if first != "\ufeff" else 1)
        if first == "{":
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _mark_of(_json_line(line, number))
            return
        csv.field_size_limit(min(CSV_FIELD_LIMIT, sys.maxsize))
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise ValueError("not a Homeward export: no `id` column (CSV) or JSON lines")
        if "triage" not in reader.fieldnames:
            raise ValueError("this export has no `triage` column (exported before marks?)")
        for row in reader:
            verdict = (row.get("triage") or "").strip()
            yield (
                TriageMark.new(
                    cell_text(row["id"]),
                    verdict,
                    cell_text(row.get("triage_note") or ""),
                    row.get("triage_marked_at") or "",
                )
                if verdict
                else None
            )


def _json_line(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number} is not JSON ({error.msg})") from None
    if not isinstance(record, dict) or "id" not in record:
        raise ValueError(f"line {number} is not an exported article (no id)")
    return record


def _mark_of(record: dict[str, Any]) -> TriageMark | None:
    triage = record.get("triage")
    if not isinstance(triage, dict) or not triage.get("verdict"):
        return None
    return TriageMark.new(
        str(record["id"]),
        str(triage["verdict"]),
        str(triage.get("note") or ""),
        str(triage.get("marked_at") or ""),
    )

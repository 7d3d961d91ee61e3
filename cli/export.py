"""`homeward export`: a search or a set to csv, jsonl, xlsx or a report, streamed."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click

from cli.options import (
    archive_option,
    check_output,
    make_request,
    opened_archive,
    query_options,
    text_value,
    write_output,
)
from cli.terminal import clean_for_terminal
from exports.formats import REPORT_TYPES, WRITERS
from exports.job import ExportJob, search_job, set_job
from search.masking import initials, masked_names


@click.command()
@query_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(WRITERS)),
    help="; ".join(f"{name}: {fmt.help}" for name, fmt in WRITERS.items())
    + " (required unless --list).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="File to write, replaced only when the export is complete; a regular file, never "
    "a link, device or pipe ('-' or none: standard output; a report needs a file or "
    "--report-format).",
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
    "--list",
    "list_names",
    is_flag=True,
    help="With --mask-names: list the names that would be masked (each with its "
    "initials and how many articles name it) and export nothing, for a review first.",
)
@click.option(
    "--set",
    "set_ref",
    metavar="NAME_OR_ID",
    help="Export this article set (with its notes) instead of a search.",
    callback=text_value,
)
@archive_option
def export(
    query: str,
    person: tuple[str, ...],
    place: tuple[str, ...],
    year: tuple[str, ...],
    language: tuple[str, ...],
    source: tuple[str, ...],
    status: tuple[str, ...],
    since: str | None,
    until: str | None,
    sort: str,
    output_format: str,
    output: Path | None,
    report_format: str | None,
    mask_names: bool,
    list_names: bool,
    set_ref: str | None,
    archive_url: str | None,
) -> None:
    """Export every article matching QUERY and the filters (newest first), or a set."""
    if list_names and not mask_names:
        raise click.UsageError("--list lists the names --mask-names would mask: add --mask-names")
    if list_names and (output is not None or report_format):
        raise click.UsageError("--list writes no file: leave out --output and --report-format")
    if output_format is None and not list_names:
        raise click.UsageError("Missing option '--format'.")
    if output is not None and str(output) == "-":
        output = None  # standard output
    filters = {
        "person": person,
        "place": place,
        "year": year,
        "language": language,
        "source": source,
        "status": status,
    }
    searching = bool(query or since or until or any(filters.values()))
    if set_ref and searching:
        raise click.UsageError("export either a set (--set) or a search, not both")
    options = {
        "mask_names": mask_names,
        "report_format": _report_format(output_format or "csv", output, report_format),
    }
    if output is not None:  # a missing folder or a device is named now, not after the search
        check_output(output)
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
        if list_names:
            _list_masked(job)
            return
        writer = WRITERS[output_format or "csv"].write
        if output is None:
            count = _to_stdout(job, writer)
        else:
            count = write_output(output, lambda handle: writer(job, handle))
    click.echo(f"exported {count} article(s)" + (f" to {output}" if output else ""), err=True)


def _list_masked(job: ExportJob) -> None:
    """Each name the export would mask, its initials and its number of articles."""
    counts: dict[str, int] = {}
    articles = 0
    for article in job.source():
        articles += 1
        for name in masked_names(article.names):
            counts[name] = counts.get(name, 0) + 1
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        shown = clean_for_terminal(name)
        click.echo(f"{shown}\t{clean_for_terminal(initials(name))}\t{count}")
    click.echo(
        f"{len(counts)} name(s) in {articles} article(s) would be masked (name, initials, "
        "articles); nothing was exported",
        err=True,
    )


def _to_stdout(job: ExportJob, writer: Callable[[ExportJob, IO[bytes]], int]) -> int:
    """Stream to standard output; a closed pipe (`| head`) ends quietly, a full disk
    with a message."""
    try:
        count = writer(job, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except OSError as error:
        # What is still buffered cannot be written either: drop it, so that Python's own
        # flush at exit does not fail again with a traceback-like report.
        with contextlib.suppress(OSError, ValueError):  # no file descriptor: nothing to do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        if isinstance(error, BrokenPipeError):
            raise click.exceptions.Exit(1) from None
        raise click.ClickException(
            f"cannot write to standard output: {error.strerror or error}"
        ) from None
    return count


def _report_format(output_format: str, output: Path | None, chosen: str | None) -> str:
    """html or pdf: as chosen, else from the output file's extension."""
    if output_format != "report":
        if chosen:
            raise click.UsageError("--report-format applies only to --format report")
        return "html"
    if output is None:
        if chosen:
            return chosen
        raise click.UsageError(
            "--format report needs --output FILE (.html or .pdf), or --report-format "
            "with -o - for standard output"
        )
    by_extension = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(output.suffix.lower())
    if chosen and by_extension and chosen != by_extension:
        raise click.UsageError(f"--report-format {chosen} does not match {output.name}")
    if not (chosen or by_extension):
        raise click.UsageError(
            f"cannot tell html from pdf by {output.name!r}; name it .html or .pdf "
            "or add --report-format"
        )
    return chosen or by_extension or "html"

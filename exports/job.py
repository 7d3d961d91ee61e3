"""What an export is: the articles of a search or a set, with how it describes itself.

Every format (exports/formats.py) and the report read one ExportJob, so a
search exported from the CLI, the web page or the API is the same export."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from exports.masking import mask_article, mask_text
from homeward.article import Article
from homeward.clock import utc_now_iso
from search.archive import Archive
from search.query import SearchRequest, Segment, highlight_terms
from search.sets import ArticleSet
from search.triage import TriageMark


@dataclass(slots=True)
class ExportJob:
    """One export: where its articles come from and how it describes itself.

    `source` returns a fresh iterator each time it is called: a report reads the
    articles twice (counts and charts first, entries second) rather than holding them.
    Every writer reads articles through `marked_entries()` (or `entries()`), so masking
    names is done once.
    """

    source: Callable[[], Iterator[Article]]
    title: str = "Search export"
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    exported_at: str = field(default_factory=utc_now_iso)
    notes: Mapping[str, str] | None = None  # article id → note, when exporting a set
    set_note: str = ""
    set_name: str = ""  # the set's name when exporting a set (its report names it, not a query)
    mask_names: bool = False
    highlight: list[Segment] = field(default_factory=list)  # query words, for excerpts
    report_format: str = "html"
    marks: Mapping[str, TriageMark] = field(default_factory=dict)  # article id → its mark

    def marked_entries(self) -> Iterator[tuple[Article, str, TriageMark | None]]:
        """Each article with its note and its triage mark, names masked when asked (in
        the mark's note too, with the names of the article before masking)."""
        for article in self.source():
            note = (self.notes or {}).get(article.id, "")
            mark = self.marks.get(article.id)
            if self.mask_names:
                note = mask_text(note, article.names)
                if mark is not None and mark.note:
                    mark = dataclasses.replace(mark, note=mask_text(mark.note, article.names))
                article = mask_article(article)
            yield article, note, mark

    def entries(self) -> Iterator[tuple[Article, str]]:
        """Each article with its note, names masked when asked."""
        return ((article, note) for article, note, _ in self.marked_entries())

    def articles(self) -> Iterator[Article]:
        return (article for article, _ in self.entries())


def search_job(
    archive: Archive, request: SearchRequest, filters: dict[str, list[str]], **options: Any
) -> ExportJob:
    """Export every article a search matches (newest first), excerpts around its words."""
    query = request.raw_query
    return ExportJob(
        source=lambda: archive.iter_articles(request),
        title=f"Search: {query}" if query else "Search export",
        query=query,
        filters=filters,
        highlight=highlight_terms(request.tree()),
        marks=every_mark(archive),
        **options,
    )


def set_job(archive: Archive, article_set: ArticleSet, **options: Any) -> ExportJob:
    """Export a set's articles in the order they were added, with its notes."""
    return ExportJob(
        source=lambda: archive.iter_set_articles(article_set),
        title=article_set.name,
        notes={item.article_id: item.note for item in article_set.items},
        set_note=article_set.note,
        set_name=article_set.name,
        marks=every_mark(archive),
        **options,
    )


def every_mark(archive: Archive) -> dict[str, TriageMark]:
    """The archive's triage marks by article: people make them, so there are few (no
    more than people can read), and an export looks each article's up once."""
    return {mark.article_id: mark for mark in archive.iter_marks()}


# --- writing an export to a file ---------------------------------------------------------


class ExportTargetError(ValueError):
    """An export cannot be written where it was asked to go; the message names the path."""


_NOT_REGULAR = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(path: Path) -> None:
    """Refuse, before any work, a path an export must not be written to: one in a folder
    that does not exist, or anything there but a regular file (a symbolic link, a
    device, a FIFO, a folder), which renaming the export over it would replace."""
    folder = path.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise ExportTargetError(f"{path}: the folder {folder} {what}")
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise ExportTargetError(f"{path}: {error.strerror}") from None
    for test, kind in _NOT_REGULAR:
        if test(status.st_mode):
            raise ExportTargetError(
                f"{path} is {kind}; an export is written only to a regular file "
                "(a new one, or one it replaces). Use -o - for standard output."
            )


def write_file(path: Path, write: Callable[[IO[bytes]], int]) -> int:
    """Run `write` into a new file beside `path` (a unique name in the same folder) and
    rename it over `path` only when it finished: a failed or interrupted export leaves
    no partial file and never touches what was there. Returns what `write` returns;
    ExportTargetError names the path when it cannot be written (a full disk included)."""
    check_target(path)
    mode = _new_file_mode(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
    except OSError as error:
        raise ExportTargetError(f"cannot write {path}: {error.strerror}") from None
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            count = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        check_target(path)  # nothing but a regular file may have appeared there since
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise ExportTargetError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        _remove(temporary)
        raise
    return count


def _new_file_mode(path: Path) -> int:
    """The permissions the export gets: those of the file it replaces, else what a new
    file gets under the umask (mkstemp's own 0600 would hide it from its group)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; set it straight back
        os.umask(umask)
        return 0o666 & ~umask


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)

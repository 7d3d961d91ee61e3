"""The evidence copy of an article: its captured page and its WARC record.

The capture is read back with `search.evidence.read_capture`, which checks
the body against the SHA-256 stored with the article, so what the page shows
(and what an advocate downloads and hands over) is what was fetched.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from homeward.article import Evidence
from homeward.paths import archive_state_dir
from search.evidence import EvidenceError, locate_warc, read_capture

# What a WARC file that is not what the article's record says may raise as it is read.
UNREADABLE = (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError, StopIteration)
# What a captured page may be served as; anything else is shown as plain text.
SHOWN_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def evidence_dirs(archive_url: str) -> list[Path]:
    """Where a moved state directory keeps this archive's WARC files (see crawler.state)."""
    return [archive_state_dir(archive_url, os.environ.get("HOMEWARD_STATE_DIR")) / "evidence"]


def checked_warc(evidence: Evidence, search_dirs: Iterable[Path]) -> Path:
    """The WARC file of a capture, once its record says something readable: an imported
    or hand-edited article may say anything (an offset of 10**19, a file name that is a
    number), and that is an EvidenceError naming the field, shown as such, never a 500."""
    if not isinstance(evidence.warc_file, str) or not evidence.warc_file:
        raise EvidenceError(f"the evidence names no WARC file ({evidence.warc_file!r})")
    if not isinstance(evidence.sha256, str):
        raise EvidenceError(f"the evidence has no SHA-256 to check ({evidence.sha256!r})")
    offset = evidence.warc_offset
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise EvidenceError(f"the evidence gives no usable offset ({str(offset)[:40]!r})")
    try:
        path = locate_warc(evidence, search_dirs)
        size = path.stat().st_size
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise EvidenceError(f"WARC file {evidence.warc_file!r} cannot be opened: {error}") from None
    if offset >= size:
        raise EvidenceError(
            f"{path} at offset {offset:,}: the file ends at {size:,} bytes, "
            "so the record is not there"
        )
    return path


def captured_page(evidence: Evidence, search_dirs: Iterable[Path]) -> tuple[str, bytes]:
    """The media type (with its charset) to serve the capture as, and its body."""
    search_dirs = list(search_dirs)
    checked_warc(evidence, search_dirs)
    try:
        headers, body = read_capture(evidence, search_dirs)
    except UNREADABLE as error:
        raise _unreadable(evidence, error) from None
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "text/html")
    if content_type.split(";")[0].strip().lower() not in SHOWN_TYPES:
        content_type = "text/plain; charset=utf-8"
    return content_type, body


def warc_record(evidence: Evidence, search_dirs: Iterable[Path]) -> bytes:
    """The response record's bytes exactly as stored (one gzip member in a .warc.gz),
    after checking its body against the SHA-256: a valid WARC file on its own."""
    search_dirs = list(search_dirs)
    path = checked_warc(evidence, search_dirs)
    try:
        read_capture(evidence, search_dirs)  # raises if the body does not match its SHA-256
        with path.open("rb") as stream:
            stream.seek(evidence.warc_offset)
            records = ArchiveIterator(stream)
            next(iter(records))
            length = records.get_record_length()
            stream.seek(evidence.warc_offset)
            return stream.read(length)
    except UNREADABLE as error:
        raise _unreadable(evidence, error) from None


def _unreadable(evidence: Evidence, error: BaseException) -> EvidenceError:
    return EvidenceError(
        f"{evidence.warc_file} at offset {evidence.warc_offset:,} is not a readable WARC "
        f"record ({type(error).__name__}: {error})"
    )

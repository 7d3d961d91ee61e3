"""The evidence copy of an article: its captured page and its WARC record.

The capture is read back with `search.evidence.read_capture`, which checks
the body against the SHA-256 stored with the article, so what the page shows
(and what an advocate downloads and hands over) is what was fetched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from homeward.article import Evidence
from homeward.paths import archive_state_dir
from search.evidence import locate_warc, read_capture

# What a captured page may be served as; anything else is shown as plain text.
SHOWN_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def evidence_dirs(archive_url: str) -> list[Path]:
    """Where a moved state directory keeps this archive's WARC files (see crawler.state)."""
    return [archive_state_dir(archive_url, os.environ.get("HOMEWARD_STATE_DIR")) / "evidence"]


def captured_page(evidence: Evidence, search_dirs: Iterable[Path]) -> tuple[str, bytes]:
    """The media type (with its charset) to serve the capture as, and its body."""
    headers, body = read_capture(evidence, search_dirs)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "text/html")
    if content_type.split(";")[0].strip().lower() not in SHOWN_TYPES:
        content_type = "text/plain; charset=utf-8"
    return content_type, body


def warc_record(evidence: Evidence, search_dirs: Iterable[Path]) -> bytes:
    """The response record's bytes exactly as stored (one gzip member in a .warc.gz),
    after checking its body against the SHA-256: a valid WARC file on its own."""
    search_dirs = list(search_dirs)
    path = locate_warc(evidence, search_dirs)
    read_capture(evidence, search_dirs)  # raises if the body does not match its SHA-256
    with path.open("rb") as stream:
        stream.seek(evidence.warc_offset)
        records = ArchiveIterator(stream)
        next(iter(records))
        length = records.get_record_length()
        stream.seek(evidence.warc_offset)
        return stream.read(length)

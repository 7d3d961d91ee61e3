"""Evidence stage: the raw HTTP capture of every stored article, kept in WARC files.

Pages about missing children disappear (a takedown, a paywall, a site closing);
the archive must still show what was published and when it was fetched. Each
stored article gets a WARC `response` record (status line, headers and the
body exactly as the crawler received it) and a `request` record, appended to a
gzip WARC file in the evidence directory; a new file is started once the
current one passes `max_bytes`, so files stay easy to copy and hand over.
The article's `evidence` field says where the record sits (file, offset), the
SHA-256 of the body and the capture time; `read_capture` reads it back.

WARC is the web archives' standard (ISO 28500): the files open in pywb,
ReplayWeb.page and every other web-archive tool, not only in Homeward.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from homeward.article import Evidence

__all__ = ["Capture", "EvidenceError", "WarcEvidenceWriter", "read_capture"]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# The body is stored decoded (Scrapy undoes gzip/br), so these headers would lie.
_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_REASONS = {200: "OK", 203: "Non-Authoritative Information", 206: "Partial Content"}


class EvidenceError(LookupError):
    """A capture cannot be read back; the message names the WARC file and offset."""


@dataclass(slots=True)
class Capture:
    """One HTTP exchange as fetched: what `WarcEvidenceWriter.write` records."""

    url: str
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes
    request_headers: Sequence[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"
    captured_at: str | None = None  # ISO datetime; now when None


class WarcEvidenceWriter:
    """Appends captures to rotating gzip WARC files in `directory`.

    Each record is flushed as soon as it is written, so a crawl killed midway
    leaves complete records for every article it reported as stored.
    """

    def __init__(
        self, directory: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, prefix: str = "homeward"
    ) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._writer: WARCWriter | None = None
        self._serial = 0

    def _open_next(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
            path = self.directory / name
            if not path.exists():
                break
        self._path = path
        self._file = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True)

    def write(self, capture: Capture) -> Evidence:
        """Append the capture's response and request records; where they went."""
        if self._file is None or self._file.tell() >= self.max_bytes:
            self._open_next()
        assert self._file is not None and self._writer is not None and self._path is not None
        captured_at = capture.captured_at or datetime.now(UTC).replace(microsecond=0).isoformat()
        warc_date = _warc_date(captured_at)
        digest = hashlib.sha256(capture.body).hexdigest()

        headers = [(k, v) for k, v in capture.headers if k.lower() not in _DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(capture.body))))
        reason = _REASONS.get(capture.status, "")
        http_headers = StatusAndHeaders(
            f"{capture.status} {reason}".strip(), headers, protocol="HTTP/1.1"
        )
        response = self._writer.create_warc_record(
            capture.url,
            "response",
            payload=BytesIO(capture.body),
            length=len(capture.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": warc_date, "WARC-Payload-Digest": f"sha256:{digest}"},
        )
        offset = self._file.tell()
        self._writer.write_record(response)

        request_line = f"{capture.method} {_request_target(capture.url)} HTTP/1.1"
        request = self._writer.create_warc_record(
            capture.url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                request_line, list(capture.request_headers), is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Date": warc_date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._writer.write_record(request)
        self._file.flush()
        return Evidence(
            captured_at=captured_at,
            sha256=digest,
            warc_file=str(self._path.resolve()),
            warc_offset=offset,
            status=capture.status,
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        self._writer = None

    def __enter__(self) -> WarcEvidenceWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


WARC_SUFFIXES = (".warc.gz", ".warc")


def locate_warc(evidence: Evidence, search_dirs: Iterable[str | Path] = ()) -> Path:
    """The WARC file of a capture: its recorded path, else its name in `search_dirs`
    (the state directory was moved or copied elsewhere). Only WARC files are opened:
    an archive record naming another file never gets it read."""
    path = Path(evidence.warc_file)
    if not path.name.endswith(WARC_SUFFIXES):
        raise EvidenceError(f"{evidence.warc_file} is not a WARC file")
    if path.is_file():
        return path
    for directory in search_dirs:
        if (candidate := Path(directory) / path.name).is_file():
            return candidate
    raise EvidenceError(f"WARC file {evidence.warc_file} not found")


def read_capture(
    evidence: Evidence, search_dirs: Iterable[str | Path] = ()
) -> tuple[list[tuple[str, str]], bytes]:
    """The HTTP headers (status line first, as `("status", "200 OK")`) and body of a capture.

    `search_dirs` are looked in for the WARC file's name when its recorded path
    no longer exists (the state directory was moved or copied elsewhere).
    The body's SHA-256 is checked against the evidence: a changed file is an error.
    """
    path = locate_warc(evidence, search_dirs)
    with path.open("rb") as stream:
        stream.seek(evidence.warc_offset)
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                break
            body = record.content_stream().read()
            http = record.http_headers
            if http is None:  # the offset is not where a captured HTTP response starts
                break
            headers = [("status", http.statusline), *http.headers]
            if hashlib.sha256(body).hexdigest() != evidence.sha256:
                raise EvidenceError(
                    f"{path} at offset {evidence.warc_offset}: body does not match its SHA-256"
                )
            return headers, body
    raise EvidenceError(f"{path} has no response record at offset {evidence.warc_offset}")


def _warc_date(iso: str) -> str:
    parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

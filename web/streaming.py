"""Exports as HTTP downloads that stream, whatever their size.

The writers in exports/job.py push bytes into a file; a web response pulls
them. A writer runs in its own thread and hands chunks over a small bounded
queue, so memory stays constant (the writer waits while the client is slow) and
a client that goes away stops the writer instead of leaving it blocked.
"""

from __future__ import annotations

import io
import itertools
import queue
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from exports.formats import WRITERS, file_type
from exports.job import ExportJob

CHUNK = 64 * 1024
QUEUE_CHUNKS = 16
_DONE = object()


class ClientGone(Exception):
    """The download was abandoned; the writer stops."""


class _QueueWriter(io.RawIOBase):
    """A write-only file whose bytes go, in chunks, to a queue."""

    def __init__(self, chunks: queue.Queue[object], cancelled: threading.Event) -> None:
        self._chunks = chunks
        self._cancelled = cancelled
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self._send()
        return len(data)

    def finish(self) -> None:
        if self._buffer:
            self._send()

    def _send(self) -> None:
        chunk = bytes(self._buffer)
        self._buffer.clear()
        while True:
            if self._cancelled.is_set():
                raise ClientGone
            try:
                self._chunks.put(chunk, timeout=0.5)
                return
            except queue.Full:
                continue


def stream(write: Callable[[IO[bytes]], object]) -> Iterator[bytes]:
    """The bytes `write` produces, as an iterator a StreamingResponse can send."""
    chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    cancelled = threading.Event()

    def run() -> None:
        writer = _QueueWriter(chunks, cancelled)
        try:
            write(writer)  # type: ignore[arg-type]
            writer.finish()
            outcome: object = _DONE
        except ClientGone:
            return
        except BaseException as error:  # handed to the response, which logs it
            outcome = error
        while not cancelled.is_set():
            try:
                chunks.put(outcome, timeout=0.5)
                return
            except queue.Full:
                continue

    thread = threading.Thread(target=run, name="homeward-export", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        cancelled.set()


def download_name(title: str, extension: str, when: datetime | None = None) -> str:
    """`homeward-<title>-<date>.<ext>`, ASCII only, so every browser and OS accepts it."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60] or "export"
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d")
    return f"homeward-{slug}-{stamp}.{extension}"


def unicode_download_name(title: str, extension: str, when: datetime | None = None) -> str:
    """`homeward-<title>-<date>.<ext>` keeping the title's own letters (山西拐卖案, Durán):
    only letters and digits survive, so no path, quote or control gets through."""
    cleaned = unicodedata.normalize("NFC", title)
    slug = re.sub(r"[\W_]+", "-", cleaned).strip("-").lower()[:60].strip("-") or "export"
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d")
    return f"homeward-{slug}-{stamp}.{extension}"


def content_disposition(title: str, extension: str, when: datetime | None = None) -> str:
    """An attachment named after the set or the search: the ASCII name for old clients
    and, when the title is not ASCII, `filename*` with the UTF-8 name (RFC 6266, RFC 8187)."""
    fallback = download_name(title, extension, when)
    unicode_name = unicode_download_name(title, extension, when)
    header = f'attachment; filename="{fallback}"'
    if unicode_name != fallback:
        header += f"; filename*=UTF-8''{quote(unicode_name, safe='')}"
    return header


def export_response(job: ExportJob, format_name: str) -> StreamingResponse:
    """The download; its first chunk is made before the response starts, so an export
    that fails at once (a query the archive refuses) is an error answer with its
    status, never a 200 with an empty file."""
    media_type, extension = file_type(format_name, job.report_format)
    writer = WRITERS[format_name].write
    chunks = stream(lambda out: writer(job, out))
    first = next(chunks, b"")
    return StreamingResponse(
        itertools.chain([first], chunks),
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(job.title, extension)},
    )

"""WARC evidence: every stored article's raw capture can be read back, byte for byte."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from search.evidence import Capture, EvidenceError, WarcEvidenceWriter, read_capture

GBK_BODY = "<html><body><p>广东警方破获拐卖儿童案</p></body></html>".encode("gbk")


def capture(number: int) -> Capture:
    return Capture(
        url=f"http://news.example/story-{number}.html",
        status=200,
        headers=[("Content-Type", "text/html; charset=gbk"), ("Content-Encoding", "gzip")],
        body=GBK_BODY + str(number).encode(),
        request_headers=[("User-Agent", "Homeward/0.1")],
        captured_at="2026-05-14T08:00:00+00:00",
    )


def test_write_and_read_back(tmp_path: Path) -> None:
    with WarcEvidenceWriter(tmp_path) as writer:
        first = writer.write(capture(1))
        second = writer.write(capture(2))
    assert first.warc_file == second.warc_file and second.warc_offset > first.warc_offset
    assert first.sha256 == hashlib.sha256(GBK_BODY + b"1").hexdigest()
    assert first.status == 200 and first.captured_at == "2026-05-14T08:00:00+00:00"

    headers, body = read_capture(second)
    assert body == GBK_BODY + b"2"
    assert headers[0] == ("status", "200 OK")
    assert ("Content-Type", "text/html; charset=gbk") in headers
    # the body is stored decoded, so no Content-Encoding may claim otherwise
    assert all(name != "Content-Encoding" for name, _ in headers)


def test_each_capture_is_a_response_and_a_request_record(tmp_path: Path) -> None:
    with WarcEvidenceWriter(tmp_path) as writer:
        evidence = writer.write(capture(1))
    with open(evidence.warc_file, "rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(stream)
        ]
    assert records == [
        ("response", "http://news.example/story-1.html"),
        ("request", "http://news.example/story-1.html"),
    ]


def test_files_rotate(tmp_path: Path) -> None:
    with WarcEvidenceWriter(tmp_path, max_bytes=100) as writer:
        files = {writer.write(capture(n)).warc_file for n in range(3)}
    assert len(files) == 3
    assert all(name.endswith(".warc.gz") for name in files)


def test_moved_file_is_found_and_tampering_detected(tmp_path: Path) -> None:
    with WarcEvidenceWriter(tmp_path / "old") as writer:
        evidence = writer.write(capture(1))
    moved = tmp_path / "new"
    moved.mkdir()
    Path(evidence.warc_file).rename(moved / Path(evidence.warc_file).name)
    with pytest.raises(EvidenceError, match="not found"):
        read_capture(evidence)
    assert read_capture(evidence, [moved])[1] == GBK_BODY + b"1"
    with pytest.raises(EvidenceError, match="SHA-256"):
        read_capture(replace(evidence, sha256="0" * 64), [moved])

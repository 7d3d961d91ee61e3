"""Bad input, as a new user types it, through the real `homeward` command: never a traceback.

Each case feeds one bad thing (an import line, an option, a sources.toml, a schedule
file, a query, an environment variable) to the command and asserts three things:
the exit status is not 0 (2 for bad usage, 1 for a failure, where the case says
which), nothing escaped as an exception or printed a "Traceback", and the message
names the bad input. Import cases put the bad line between two good ones and check
that both good ones are stored. Most cases run through Click's CliRunner on a fresh
SQLite archive; a few run `python -m cli` as a real process (undecodable bytes in
argv, a full disk, a closed pipe, a read-only archive), and a few run on
Elasticsearch (conftest's node: with CI=true a missing node fails the suite).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from web_fixtures import CAPTURED_PAGE, hostile_article

from cli.main import main
from crawler.homeward_settings import HOMEWARD_SETTINGS, environment_settings
from homeward.article import Article
from homeward.paths import archive_state_dir, shown_url
from search.open import open_archive

ROOT = Path(__file__).resolve().parent.parent


def good(number: int, **extra: Any) -> str:
    record = {"url": f"https://x.test/{number}", "title": f"good {number}", "text": "fine"}
    return json.dumps({**record, **extra}, ensure_ascii=False)


def bad(**fields: Any) -> str:
    """A record that is fine but for `fields` (None drops a field)."""
    record: dict[str, Any] = {"url": "https://x.test/bad", "title": "bad", "text": "bad"}
    record.update(fields)
    return json.dumps({k: v for k, v in record.items() if v is not DROP}, ensure_ascii=False)


DROP = object()
EVIDENCE = {
    "captured_at": "2024-05-01T08:00:00Z",
    "sha256": "ab" * 32,
    "warc_file": "a.warc.gz",
    "warc_offset": 0,
}
VERSION = {"replaced_at": "2024-05-01T08:00:00Z", "title": "t", "text": "x"}


def invoke(args: list[str], *, input: str | bytes | None = None, env: dict | None = None) -> Result:
    return CliRunner().invoke(main, args, input=input, env=env)


def assert_refused(result: Result, needles: tuple[str, ...] = (), exit_code: int | None = None):
    escaped = None if isinstance(result.exception, SystemExit) else result.exception
    assert escaped is None, "".join(traceback.format_exception(escaped))
    assert "Traceback" not in result.output, result.output
    if exit_code is None:
        assert result.exit_code != 0, result.output
    else:
        assert result.exit_code == exit_code, result.output
    for needle in needles:
        assert needle in result.output, f"{needle!r} not in:\n{result.output}"


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No case may touch the user's own archive or crawl state, or really serve: a bad
    --port or HOMEWARD_TOKEN let through would otherwise start a server on 0.0.0.0."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HOMEWARD_ARCHIVE", raising=False)
    monkeypatch.delenv("HOMEWARD_ES_INDEX", raising=False)

    def serve(app: Any, **options: Any) -> None:
        raise AssertionError(f"bad input reached the server: {options}")

    monkeypatch.setattr("uvicorn.run", serve)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


# --- import: one bad line between two good ones -------------------------------------------

NESTED = 100_000
IMPORT_LINES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    # not JSON, or not an object
    ("prose", "not json", ("not valid JSON",)),
    ("open-brace", "{", ("not valid JSON",)),
    ("close-brace", "}", ("not valid JSON",)),
    ("single-quotes", "{'url': 'https://x.test/q'}", ("not valid JSON",)),
    (
        "trailing-comma",
        '{"url": "https://x.test/c", "title": "t", "text": "x",}',
        ("not valid JSON",),
    ),
    (
        "raw-tab-in-string",
        '{"url": "https://x.test/t", "title": "a\tb", "text": "x"}',
        ("not valid JSON",),
    ),
    ("raw-nul", '{"url": "https://x.test/n", "title": "a\x00b", "text": "x"}', ("not valid JSON",)),
    ("list", "[]", ("must be a JSON object", "a list")),
    ("null", "null", ("must be a JSON object", "null")),
    ("number", "42", ("must be a JSON object",)),
    ("string", '"an article"', ("must be a JSON object",)),
    ("true", "true", ("must be a JSON object",)),
    ("nan", bad()[:-1] + ', "relevance": NaN}', ("NaN",)),
    ("infinity", bad()[:-1] + ', "relevance": Infinity}', ("Infinity",)),
    ("minus-infinity", bad()[:-1] + ', "relevance": -Infinity}', ("Infinity",)),
    ("float-overflow", bad()[:-1] + ', "relevance": 1e400}', ("field 'relevance'",)),
    ("int-5000-digits", bad()[:-1] + ', "relevance": ' + "9" * 5000 + "}", ("too long",)),
    ("year-5000-digits", bad()[:-1] + ', "years": [' + "1" * 5000 + "]}", ("too long",)),
    ("nested-arrays", "[" * NESTED + "]" * NESTED, ("JSON nested too deep",)),
    ("nested-objects", '{"a":' * NESTED + "1" + "}" * NESTED, ("JSON nested too deep",)),
    (
        "nested-in-field",
        bad()[:-1] + ', "names": ' + "[" * NESTED + "]" * NESTED + "}",
        ("nested too deep",),
    ),
    ("nested-shallow-in-field", bad(names=[[["x"]]]), ("field 'names'",)),
    # text that is not text
    (
        "surrogate-title",
        bad()[:-1] + ', "site_name": "\\ud800"}',
        ("field 'site_name'", "surrogate"),
    ),
    (
        "surrogate-low",
        '{"url": "https://x.test/s", "title": "a\\udc00b", "text": "x"}',
        ("field 'title'",),
    ),
    ("surrogate-in-list", bad()[:-1] + ', "names": ["ok", "\\udfff"]}', ("field 'names[1]'",)),
    ("surrogate-in-place", bad()[:-1] + ', "places": [{"name": "\\ud83d"}]}', ("places[0].name",)),
    (
        "surrogate-in-key",
        '{"url": "https://x.test/k", "title": "t", "text": "x", "\\ud800": 1}',
        ("surrogate",),
    ),
    ("invalid-utf8-ff", b"\xff\xfe{}", ("not valid UTF-8", "0xff")),
    (
        "invalid-utf8-truncated",
        b'{"url": "https://x.test/u", "title": "\xe6\x8b", "text": "x"}',
        ("not valid UTF-8",),
    ),
    (
        "invalid-utf8-overlong",
        b'{"url": "https://x.test/o", "title": "\xc0\xaf", "text": "x"}',
        ("not valid UTF-8",),
    ),
    (
        "invalid-utf8-surrogate",
        b'{"url": "https://x.test/e", "title": "\xed\xa0\x80", "text": "x"}',
        ("not valid UTF-8",),
    ),
    (
        "latin-1",
        '{"url": "https://x.test/l", "title": "café", "text": "x"}'.encode("latin-1"),
        ("not valid UTF-8", "0xe9"),
    ),
    (
        "utf-16",
        '{"url": "https://x.test/w", "title": "t", "text": "x"}'.encode("utf-16"),
        ("not valid UTF-8",),
    ),
    ("binary", bytes(range(256)).replace(b"\n", b""), ("not valid UTF-8",)),
    # required fields
    ("no-url", json.dumps({"title": "t", "text": "x"}), ("field 'url' is missing",)),
    ("no-title", bad(title=DROP), ("field 'title' is missing",)),
    ("no-text", bad(text=DROP), ("field 'text' is missing",)),
    ("url-number", bad(url=5), ("field 'url'",)),
    ("url-empty", bad(url=""), ("field 'url'",)),
    ("url-list", bad(url=["https://x.test/1"]), ("field 'url'",)),
    ("id-empty", bad(id=""), ("field 'id' is empty",)),
    ("id-number", bad(id=7), ("field 'id'",)),
    ("id-too-long", bad(id="x" * 600), ("field 'id'", "512 bytes")),
    ("title-number", bad(title=5), ("field 'title'",)),
    ("title-null", bad(title=None), ("field 'title'",)),
    ("text-list", bad(text=["a"]), ("field 'text'",)),
    ("unknown-field", bad(body="x"), ("unknown field(s) body",)),
    # plain fields with the wrong value
    ("language-word", bad(language="english"), ("field 'language'",)),
    ("language-upper", bad(language="EN"), ("field 'language'",)),
    ("language-newline", bad(language="en\n"), ("field 'language'",)),
    ("language-number", bad(language=5), ("field 'language'",)),
    ("published-word", bad(published="yesterday"), ("field 'published'",)),
    ("published-month-13", bad(published="2024-13-45"), ("field 'published'",)),
    ("published-feb-30", bad(published="2024-02-30"), ("field 'published'",)),
    ("published-number", bad(published=20240101), ("field 'published'",)),
    ("fetched-at-word", bad(fetched_at="soon"), ("field 'fetched_at'",)),
    ("changed-at-word", bad(changed_at="later"), ("field 'changed_at'",)),
    ("removed-at-number", bad(removed_at=5), ("field 'removed_at'",)),
    ("revisited-at-word", bad(revisited_at="x"), ("field 'revisited_at'",)),
    ("source-number", bad(source=5), ("field 'source'",)),
    ("site-name-list", bad(site_name=[]), ("field 'site_name'",)),
    ("relevance-word", bad(relevance="high"), ("field 'relevance'",)),
    ("relevance-true", bad(relevance=True), ("field 'relevance'",)),
    ("relevance-list", bad(relevance=[1]), ("field 'relevance'",)),
    # a lone value where a list belongs: refused, naming the field
    ("places-string", bad(places="Shanxi"), ("field 'places'", '["Shanxi"]')),
    ("names-string", bad(names="Wang Min"), ("field 'names'", '["Wang Min"]')),
    ("authors-string", bad(authors="A. Writer"), ("field 'authors'",)),
    ("years-string", bad(years="1997"), ("field 'years'",)),
    ("years-number", bad(years=1997), ("field 'years'", "[1997]")),
    ("duplicates-string", bad(duplicates="https://x.test/d"), ("field 'duplicates'",)),
    ("relevance-terms-string", bad(relevance_terms="abduction"), ("field 'relevance_terms'",)),
    ("versions-string", bad(versions="abc"), ("field 'versions'",)),
    ("places-object", bad(places={"name": "Shanxi"}), ("field 'places'",)),
    ("names-object", bad(names={}), ("field 'names'",)),
    ("years-false", bad(years=False), ("field 'years'",)),
    # lists of the wrong things
    ("years-float", bad(years=[1997.5]), ("field 'years'",)),
    ("years-bool", bad(years=[True]), ("field 'years'",)),
    ("years-out-of-range", bad(years=[99999]), ("field 'years'",)),
    ("years-text", bad(years=["1997"]), ("field 'years'",)),
    ("years-huge", bad(years=[10**30]), ("field 'years'",)),
    ("names-number", bad(names=[1]), ("field 'names'",)),
    ("places-number", bad(places=[1]), ("places[0]",)),
    ("places-unknown-key", bad(places=[{"nom": "x"}]), ("places[0]", "nom")),
    ("places-empty-name", bad(places=[{"name": ""}]), ("places[0]", "'name'")),
    ("places-lat-word", bad(places=[{"name": "x", "lat": "north"}]), ("places[0]", "'lat'")),
    ("places-lat-91", bad(places=[{"name": "x", "lat": 91}]), ("places[0]", "'lat'")),
    ("places-lon-181", bad(places=[{"name": "x", "lon": -181}]), ("places[0]", "'lon'")),
    ("places-lat-inf", bad()[:-1] + ', "places": [{"name": "x", "lat": 1e999}]}', ("'lat'",)),
    ("places-country-number", bad(places=[{"name": "x", "country": 5}]), ("'country'",)),
    ("evidence-string", bad(evidence="x"), ("field 'evidence'",)),
    ("evidence-empty", bad(evidence={}), ("field 'evidence'", "missing")),
    ("evidence-offset-word", bad(evidence={**EVIDENCE, "warc_offset": "x"}), ("warc_offset",)),
    ("evidence-offset-negative", bad(evidence={**EVIDENCE, "warc_offset": -1}), ("warc_offset",)),
    ("evidence-status-word", bad(evidence={**EVIDENCE, "status": "ok"}), ("'status'",)),
    ("evidence-unknown-key", bad(evidence={**EVIDENCE, "size": 1}), ("size",)),
    ("evidence-date-word", bad(evidence={**EVIDENCE, "captured_at": "nope"}), ("captured_at",)),
    ("evidence-sha-number", bad(evidence={**EVIDENCE, "sha256": 5}), ("'sha256'",)),
    ("versions-number", bad(versions=[1]), ("field 'versions'",)),
    ("versions-title-number", bad(versions=[{**VERSION, "title": 1}]), ("'title'",)),
    ("versions-date-word", bad(versions=[{**VERSION, "replaced_at": "nope"}]), ("replaced_at",)),
    ("versions-fetched-number", bad(versions=[{**VERSION, "fetched_at": 5}]), ("'fetched_at'",)),
    ("versions-unknown-key", bad(versions=[{**VERSION, "diff": "x"}]), ("diff",)),
]


@pytest.mark.parametrize(
    ("line", "needles"), [c[1:] for c in IMPORT_LINES], ids=[c[0] for c in IMPORT_LINES]
)
def test_a_bad_import_line_is_named_and_the_good_ones_are_kept(tmp_path, sqlite_url, line, needles):
    raw = line if isinstance(line, bytes) else line.encode("utf-8")
    source = tmp_path / "in.jsonl"
    source.write_bytes(good(1).encode() + b"\n" + raw + b"\n" + good(2).encode() + b"\n")
    result = invoke(["import", str(source), "--archive", sqlite_url])
    assert_refused(result, (f"{source}, line 2: ", *needles), exit_code=1)
    assert "line 1:" not in result.output and "line 3:" not in result.output
    assert "imported 2 article(s)" in result.output and "it now holds 2" in result.output


def test_binary_on_standard_input_is_refused_line_by_line(sqlite_url):
    noise = bytes(range(256)) * 40  # 40 line breaks among bytes that are not UTF-8
    result = invoke(
        ["import", "-", "--archive", sqlite_url], input=noise + b"\n" + good(1).encode()
    )
    assert_refused(result, ("<stdin>, line 2: not valid UTF-8", "more errors"), exit_code=1)
    assert "imported 1 article(s)" in result.output


def test_many_bad_lines_are_counted_not_all_printed(tmp_path, sqlite_url):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(["oops"] * 30 + [good(1)]), encoding="utf-8")
    result = invoke(["import", str(source), "--archive", sqlite_url])
    assert_refused(result, ("line 20: not valid JSON", "… and 10 more errors"), exit_code=1)
    assert "line 21:" not in result.output and "imported 1 article(s)" in result.output


def test_an_over_long_line_is_refused_unread(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.setattr("cli.archive.MAX_LINE_BYTES", 1000)
    source = tmp_path / "in.jsonl"
    source.write_text(good(1) + "\n" + "x" * 5000 + "\n" + good(2) + "\n", encoding="utf-8")
    result = invoke(["import", str(source), "--archive", sqlite_url])
    assert_refused(result, ("line 2: longer than 1,000 bytes",), exit_code=1)
    assert "imported 2 article(s)" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", 0, id="empty"),
        pytest.param(b"\xef\xbb\xbf" + good(1).encode() + b"\n", 1, id="byte-order-mark"),
        pytest.param(good(1).encode() + b"\r\n" + good(2).encode() + b"\r\n", 2, id="crlf"),
        pytest.param(b"\n\n" + good(1).encode() + b"\n   \n", 1, id="blank-lines"),
        pytest.param(good(1, names=None, places=None).encode(), 1, id="null-lists"),
        pytest.param(good(1, title="\\ud83d\\ude00 paired").encode(), 1, id="paired-surrogates"),
    ],
)
def test_good_input_is_taken(tmp_path, sqlite_url, content, expected):
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    result = invoke(["import", str(source), "--archive", sqlite_url])
    assert result.exit_code == 0, result.output
    assert f"imported {expected} article(s)" in result.output


# --- options and arguments -----------------------------------------------------------------


def many(flag: str, count: int) -> list[str]:
    return [part for i in range(count) for part in (flag, f"value {i}")]


A = "{archive}"
OPTIONS: list[tuple[str, list[str], int, tuple[str, ...]]] = [
    # search paging: no OverflowError, no Elasticsearch result-window error later
    ("offset-10^30", ["search", "--offset", str(10**30)], 2, ("--offset",)),
    ("offset-2^63", ["search", "--offset", str(2**63)], 2, ("--offset",)),
    ("offset-negative", ["search", "--offset", "-1"], 2, ("--offset",)),
    ("offset-word", ["search", "--offset", "ten"], 2, ("--offset", "ten")),
    ("offset-float", ["search", "--offset", "1.5"], 2, ("--offset",)),
    ("offset-exponent", ["search", "--offset", "1e3"], 2, ("--offset",)),
    ("offset-empty", ["search", "--offset", ""], 2, ("--offset",)),
    ("offset-window", ["search", "--offset", "9995", "--limit", "10"], 2, ("10,000", "export")),
    ("offset-10000", ["search", "--offset", "10000", "--limit", "1"], 2, ("10,000",)),
    ("limit-negative", ["search", "--limit", "-1"], 2, ("--limit",)),
    ("limit-too-big", ["search", "--limit", "1001"], 2, ("--limit",)),
    ("limit-10^30", ["search", "--limit", str(10**30)], 2, ("--limit",)),
    ("limit-word", ["search", "--limit", "all"], 2, ("--limit",)),
    # filters
    ("1000-persons", ["search", *many("--person", 1000)], 2, ("person values: 1,000, at most 50",)),
    ("101-places", ["search", *many("--place", 101)], 2, ("place values: 101",)),
    (
        "1000-persons-export",
        ["export", "--format", "jsonl", *many("--person", 1000)],
        2,
        ("person values",),
    ),
    ("year-word", ["search", "--year", "abc"], 2, ("year",)),
    ("year-huge", ["search", "--year", "9" * 40], 2, ("year",)),
    ("year-negative", ["search", "--year", "-5"], 2, ("year",)),
    ("since-month-13", ["search", "--since", "2024-13-01"], 2, ("--since", "2024-13-01")),
    ("since-word", ["search", "--since", "yesterday"], 2, ("--since",)),
    ("since-year-99999", ["search", "--since", "99999-01-01"], 2, ("--since",)),
    ("until-hour-99", ["search", "--until", "2024-01-01T99:00"], 2, ("--until",)),
    ("language-word", ["search", "--language", "english"], 2, ("language",)),
    ("language-empty", ["search", "--language", ""], 2, ("language",)),
    ("status-unknown", ["search", "--status", "dead"], 2, ("--status",)),
    ("sort-unknown", ["search", "--sort", "random"], 2, ("--sort",)),
    ("unknown-option", ["search", "--colour"], 2, ("--colour",)),
    # the query language
    ("query-unclosed-quote", ["search", '"unclosed'], 2, ("unclosed quote",)),
    ("query-empty-field", ["search", "person:"], 2, ("person:",)),
    ("query-empty-parens", ["search", "()"], 2, ("parentheses",)),
    ("query-year-word", ["search", "year:abc"], 2, ("year:",)),
    ("query-language-word", ["search", "language:english"], 2, ("language:",)),
    ("query-export-year", ["export", "--format", "jsonl", "year:19"], 2, ("year:",)),
    ("query-5000-parens", ["search", "(" * 5000 + "a" + ")" * 5000], 2, ("query",)),
    ("query-100k-chars", ["search", "a " * 50_000], 2, ("query",)),
    ("query-1200-or", ["search", " OR ".join(f"person:p{i}" for i in range(1200))], 2, ("query",)),
    ("query-export-deep", ["export", "--format", "csv", "(" * 3000], 2, ("query",)),
    # archive URLs
    ("archive-empty", ["stats", "--archive", ""], 2, ("--archive", "empty")),
    ("archive-ipv6-unclosed", ["stats", "--archive", "http://[::1"], 1, ("http://[::1",)),
    ("archive-no-host", ["stats", "--archive", "http://"], 1, ("http://", "no host")),
    ("archive-only-port", ["stats", "--archive", "http://:9200"], 1, ("no host",)),
    ("archive-port-99999", ["stats", "--archive", "http://127.0.0.1:99999"], 1, ("99999",)),
    ("archive-port-word", ["stats", "--archive", "http://127.0.0.1:abc"], 1, ("abc",)),
    ("archive-space-host", ["stats", "--archive", "http://a b:9200"], 1, ("space",)),
    ("archive-ftp", ["stats", "--archive", "ftp://x/y"], 1, ("unknown scheme 'ftp'",)),
    ("archive-no-scheme", ["stats", "--archive", "archive.sqlite"], 1, ("unknown scheme",)),
    ("archive-sqlite-no-file", ["stats", "--archive", "sqlite://"], 1, ("names no file",)),
    (
        "archive-sqlite-folder-url",
        ["stats", "--archive", "sqlite:///{tmp}/"],
        1,
        ("names no file",),
    ),
    ("archive-sqlite-folder", ["stats", "--archive", "sqlite:///{tmp}"], 1, ("is a folder",)),
    (
        "archive-sqlite-text",
        ["stats", "--archive", "sqlite:///{tmp}/notes.txt"],
        1,
        ("not a readable",),
    ),
    (
        "archive-sqlite-fifo",
        ["stats", "--archive", "sqlite:///{tmp}/pipe"],
        1,
        ("not a regular file",),
    ),
    (
        "archive-sqlite-under-file",
        ["stats", "--archive", "sqlite:///{tmp}/notes.txt/a.sqlite"],
        1,
        ("folder",),
    ),
    (
        "archive-sqlite-option",
        ["stats", "--archive", "sqlite:///{tmp}/a.sqlite?mode=rw"],
        1,
        ("mode=rw",),
    ),
    (
        "archive-control-char",
        ["stats", "--archive", "sqlite:///{tmp}/a\x01.sqlite"],
        1,
        ("control",),
    ),
    ("archive-refused-es", ["search", "--archive", "http://127.0.0.1:9"], 1, ("127.0.0.1:9",)),
    # export targets: only regular files, in folders that exist
    (
        "export-missing-folder",
        ["export", "--format", "csv", "-o", "{tmp}/missing/x.csv"],
        2,
        ("does not exist",),
    ),
    ("export-folder", ["export", "--format", "csv", "-o", "{tmp}"], 2, ("directory",)),
    ("export-fifo", ["export", "--format", "csv", "-o", "{tmp}/pipe"], 2, ("named pipe",)),
    ("export-symlink", ["export", "--format", "jsonl", "-o", "{tmp}/link"], 2, ("symbolic link",)),
    (
        "export-dangling-symlink",
        ["export", "--format", "jsonl", "-o", "{tmp}/dangling"],
        2,
        ("symbolic link",),
    ),
    (
        "export-under-file",
        ["export", "--format", "jsonl", "-o", "{tmp}/notes.txt/x"],
        2,
        ("not a folder",),
    ),
    ("export-no-format", ["export"], 2, ("--format",)),
    ("export-format-unknown", ["export", "--format", "docx"], 2, ("docx",)),
    ("export-report-no-output", ["export", "--format", "report"], 2, ("--output",)),
    ("export-report-txt", ["export", "--format", "report", "-o", "{tmp}/r.txt"], 2, ("r.txt",)),
    (
        "export-report-format-csv",
        ["export", "--format", "csv", "--report-format", "pdf"],
        2,
        ("--report-format",),
    ),
    (
        "export-report-mismatch",
        ["export", "--format", "report", "--report-format", "pdf", "-o", "{tmp}/r.html"],
        2,
        ("r.html",),
    ),
    (
        "export-set-missing",
        ["export", "--format", "jsonl", "--set", "no such set"],
        1,
        ("no such set",),
    ),
    (
        "export-set-and-query",
        ["export", "--format", "jsonl", "--set", "s", "word"],
        2,
        ("not both",),
    ),
    ("export-offset", ["export", "--format", "jsonl", "--offset", "5"], 2, ("--offset",)),
    # serve and demo: a port that cannot be bound is a usage error, before uvicorn starts
    ("serve-port-99999", ["serve", "--port", "99999"], 2, ("--port", "99999")),
    ("serve-port-65536", ["serve", "--port", "65536"], 2, ("--port",)),
    ("serve-port-negative", ["serve", "--port", "-1"], 2, ("--port",)),
    ("serve-port-zero", ["serve", "--port", "0"], 2, ("--port",)),
    ("serve-port-word", ["serve", "--port", "http"], 2, ("--port",)),
    ("serve-port-10^30", ["serve", "--port", str(10**30)], 2, ("--port",)),
    ("demo-port-99999", ["demo", "--port", "99999"], 2, ("--port",)),
    ("serve-open-host", ["serve", "--host", "0.0.0.0"], 2, ("HOMEWARD_TOKEN",)),
    ("serve-empty-host", ["serve", "--host", ""], 2, ("HOMEWARD_TOKEN",)),
    # runs, sources, rescore, schedules
    ("runs-limit-zero", ["runs", "--limit", "0"], 2, ("--limit",)),
    ("runs-limit-huge", ["runs", "--limit", str(10**30)], 2, ("--limit",)),
    ("runs-limit-word", ["runs", "--limit", "many"], 2, ("--limit",)),
    ("sources-unhealthy-zero", ["sources", "--unhealthy-after", "0"], 2, ("--unhealthy-after",)),
    ("sources-unhealthy-huge", ["sources", "--unhealthy-after", "1001"], 2, ("--unhealthy-after",)),
    ("sources-missing-file", ["sources", "--sources", "{tmp}/missing.toml"], 2, ("missing.toml",)),
    ("sources-folder", ["sources", "--sources", "{tmp}"], 2, ("directory",)),
    (
        "rescore-threshold-negative",
        ["rescore", "--dry-run", "--threshold", "-1"],
        2,
        ("--threshold",),
    ),
    (
        "rescore-threshold-nan",
        ["rescore", "--dry-run", "--threshold", "nan"],
        2,
        ("--threshold", "nan"),
    ),
    ("rescore-threshold-inf", ["rescore", "--dry-run", "--threshold", "inf"], 2, ("--threshold",)),
    (
        "rescore-threshold-word",
        ["rescore", "--dry-run", "--threshold", "high"],
        2,
        ("--threshold",),
    ),
    (
        "rescore-lexicon-missing",
        ["rescore", "--dry-run", "--lexicon", "{tmp}/none.toml"],
        2,
        ("none.toml",),
    ),
    ("rescore-lexicon-folder", ["rescore", "--dry-run", "--lexicon", "{tmp}"], 2, ("directory",)),
    (
        "rescore-lexicon-garbage",
        ["rescore", "--dry-run", "--lexicon", "{tmp}/notes.txt"],
        2,
        ("notes.txt",),
    ),
    ("rescore-state-dir-file", ["rescore", "--state-dir", "{tmp}/notes.txt"], 2, ("--state-dir",)),
    ("schedules-missing", ["schedule", "list", "--schedules", "{tmp}/none"], 2, ("none",)),
    ("schedules-file", ["schedule", "list", "--schedules", "{tmp}/notes.txt"], 2, ("notes.txt",)),
    (
        "schedule-run-unknown",
        ["schedule", "run", "--once", "nope", "--schedules", "{tmp}/schedules"],
        2,
        ("nope",),
    ),
    (
        "schedule-install-unknown",
        ["schedule", "install", "nope", "--print", "--schedules", "{tmp}/schedules"],
        2,
        ("nope",),
    ),
    (
        "schedule-jitter-alone",
        ["schedule", "run", "--jitter", "--schedules", "{tmp}/schedules"],
        2,
        ("--jitter",),
    ),
    ("schedule-via-unknown", ["schedule", "install", "--via", "launchd"], 2, ("launchd",)),
    ("crawl-pages-negative", ["crawl", "--pages-per-source", "-1"], 2, ("--pages-per-source",)),
    ("crawl-since-word", ["crawl", "--since", "yesterday"], 2, ("--since",)),
    (
        "crawl-since-and-age",
        ["crawl", "--since", "2024-01-01", "--max-age-days", "3"],
        2,
        ("--max-age-days",),
    ),
    # crawl: numbers that are not numbers, or past any sensible bound (the crawl is
    # replaced by a tripwire in this test: nothing here may reach it)
    ("crawl-max-age-nan", ["crawl", "--max-age-days", "nan"], 2, ("--max-age-days", "nan")),
    ("crawl-max-age-inf", ["crawl", "--max-age-days", "inf"], 2, ("--max-age-days", "inf")),
    ("crawl-max-age-1e300", ["crawl", "--max-age-days", "1e300"], 2, ("--max-age-days",)),
    ("crawl-max-age-36501", ["crawl", "--max-age-days", "36501"], 2, ("--max-age-days",)),
    (
        "crawl-threshold-nan",
        ["crawl", "--relevance-threshold", "nan"],
        2,
        ("--relevance-threshold", "nan"),
    ),
    (
        "crawl-threshold-inf",
        ["crawl", "--relevance-threshold", "inf"],
        2,
        ("--relevance-threshold",),
    ),
    ("crawl-workers-10^30", ["crawl", "--workers", str(10**30)], 2, ("--workers",)),
    ("crawl-workers-65", ["crawl", "--workers", "65"], 2, ("--workers", "64")),
    ("crawl-pages-10^30", ["crawl", "--pages-per-source", str(10**30)], 2, ("--pages-per-source",)),
    (
        "crawl-pages-10^7+1",
        ["crawl", "--pages-per-source", "10000001"],
        2,
        ("--pages-per-source", "10000000"),
    ),
    ("crawl-depth-10^30", ["crawl", "--max-depth", str(10**30)], 2, ("--max-depth",)),
    ("crawl-depth-10001", ["crawl", "--max-depth", "10001"], 2, ("--max-depth", "10000")),
    ("crawl-scrapyd-ipv6", ["crawl", "--scrapyd", "http://[::1"], 1, ("http://[::1",)),
    (
        "crawl-scrapyd-ipv6-second",
        ["crawl", "--scrapyd", "http://a:6800,https://[fe80::1/x"],
        1,
        ("https://[fe80::1/x",),
    ),
    ("crawl-scrapyd-port", ["crawl", "--scrapyd", "http://a:99999"], 1, ("http://a:99999",)),
    ("crawl-scrapyd-port-word", ["crawl", "--scrapyd", "http://a:port"], 1, ("http://a:port",)),
    ("unknown-command", ["frobnicate"], 2, ("frobnicate",)),
    ("import-missing-file", ["import", "{tmp}/none.jsonl"], 2, ("none.jsonl",)),
    ("import-folder", ["import", "{tmp}"], 2, ("directory",)),
    ("import-no-file", ["import"], 2, ("FILE",)),
    ("extract-missing-file", ["extract", "{tmp}/none.html"], 2, ("none.html",)),
    ("extract-folder", ["extract", "{tmp}"], 2, ("directory",)),
    ("extract-no-file", ["extract"], 2, ("PAGE",)),
    # the command fetches nothing: an address is named, with how to save the page
    ("extract-address", ["extract", "https://news.example/a"], 2, ("is an address", "curl -o")),
    ("evidence-unknown-id", ["evidence", "no-such-id"], 1, ("no-such-id",)),
    ("evidence-undecodable-id", ["evidence", "\udcff"], 2, ("ARTICLE_ID", "\\xff")),
    ("evidence-lone-surrogate-id", ["evidence", "a\ud800"], 2, ("not valid UTF-8",)),
    # evidence -o: what an export may not be written to, an evidence capture may not either
    (
        "evidence-output-missing-folder",
        ["evidence", "some-id", "-o", "{tmp}/missing/page.html"],
        2,
        ("does not exist", "--output"),
    ),
    ("evidence-output-fifo", ["evidence", "some-id", "-o", "{tmp}/pipe"], 2, ("named pipe",)),
    ("evidence-output-symlink", ["evidence", "some-id", "-o", "{tmp}/link"], 2, ("symbolic link",)),
    (
        "evidence-output-dangling-symlink",
        ["evidence", "some-id", "-o", "{tmp}/dangling"],
        2,
        ("symbolic link",),
    ),
    (
        "evidence-output-under-file",
        ["evidence", "some-id", "-o", "{tmp}/notes.txt/page.html"],
        2,
        ("not a folder",),
    ),
    ("evidence-output-folder", ["evidence", "some-id", "-o", "{tmp}"], 2, ("directory",)),
]
TAKES_ARCHIVE = {
    "search", "export", "stats", "import", "runs", "sources", "rescore", "evidence", "serve",
    "demo", "crawl", "retag",
}  # fmt: skip


@pytest.fixture
def places(tmp_path: Path) -> Path:
    """Things a path may name: a text file, a FIFO, links, a schedules folder."""
    (tmp_path / "notes.txt").write_text("just some notes [\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(tmp_path / "notes.txt")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "schedules").mkdir()
    (tmp_path / "schedules" / "nightly.toml").write_text('cron = "0 2 * * *"\n', encoding="utf-8")
    return tmp_path


def fill(args: list[str], tmp_path: Path, archive: str) -> list[str]:
    return [arg.replace("{tmp}", str(tmp_path)).replace("{archive}", archive) for arg in args]


@pytest.mark.parametrize(
    ("args", "exit_code", "needles"), [c[1:] for c in OPTIONS], ids=[c[0] for c in OPTIONS]
)
def test_a_bad_option_or_argument_is_named(
    places, sqlite_url, monkeypatch, args, exit_code, needles
):
    def tripwire(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"bad input reached the crawl: {args} {kwargs}")

    monkeypatch.setattr("cli.crawl.run_crawl", tripwire)
    monkeypatch.setattr("cli.crawl.crawl_on_scrapyd", tripwire)
    args = fill(args, places, sqlite_url)
    if args[0] in TAKES_ARCHIVE and "--archive" not in args:
        args += ["--archive", sqlite_url]
    result = invoke(args)
    assert_refused(result, tuple(fill(list(needles), places, sqlite_url)), exit_code)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_refuses_to_replace_a_device(tmp_path, sqlite_url):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    result = invoke(["export", "--format", "jsonl", "-o", str(device), "--archive", sqlite_url])
    assert_refused(result, ("is a device",), exit_code=2)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_writes_only_complete_regular_files(tmp_path, sqlite_url):
    assert invoke(["import", "-", "--archive", sqlite_url], input=good(1)).exit_code == 0
    target = tmp_path / "out.jsonl"
    target.write_text("old contents", encoding="utf-8")
    target.chmod(0o640)
    result = invoke(["export", "--format", "jsonl", "-o", str(target), "--archive", sqlite_url])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "good 1"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's permissions
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    to_stdout = invoke(["export", "--format", "jsonl", "-o", "-", "--archive", sqlite_url])
    assert to_stdout.exit_code == 0 and '"title": "good 1"' in to_stdout.stdout
    assert not (Path.cwd() / "-").exists()


def test_a_failed_export_leaves_the_old_file_and_no_temporary(tmp_path, sqlite_url, monkeypatch):
    assert invoke(["import", "-", "--archive", sqlite_url], input=good(1)).exit_code == 0
    target = tmp_path / "out.csv"
    target.write_text("old contents", encoding="utf-8")

    def broken(job, out):
        out.write(b"half an export")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        "exports.formats.WRITERS", {"csv": type("W", (), {"write": broken, "help": ""})}
    )
    monkeypatch.setattr("cli.export.WRITERS", {"csv": type("W", (), {"write": broken, "help": ""})})
    result = invoke(["export", "--format", "csv", "-o", str(target), "--archive", sqlite_url])
    assert_refused(result, (str(target), "No space left on device"), exit_code=1)
    assert target.read_text(encoding="utf-8") == "old contents"
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_evidence_is_written_whole_and_only_to_a_regular_file(tmp_path, sqlite_url):
    state = tmp_path / "state"
    article = hostile_article(archive_state_dir(sqlite_url, state) / "evidence")
    with open_archive(sqlite_url) as archive:
        assert archive.upsert([article]).stored == 1
    out = tmp_path / "out"
    out.mkdir()
    target = out / "page.html"
    target.write_text("old contents", encoding="utf-8")
    target.chmod(0o640)
    (out / "link.html").symlink_to(target)
    command = ["evidence", article.id, "--state-dir", str(state), "--archive", sqlite_url]
    refused = invoke([*command, "-o", str(out / "link.html")])
    assert_refused(refused, ("symbolic link",), exit_code=2)
    assert target.read_text(encoding="utf-8") == "old contents"
    written = invoke([*command, "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_bytes() == CAPTURED_PAGE
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's permissions
    assert sorted(p.name for p in out.iterdir()) == ["link.html", "page.html"]  # no .part


# --- sources.toml, through `homeward sources` ---------------------------------------------

ONE = '[[sources]]\nname = "One"\nfeeds = ["https://one.test/rss"]\n'
SOURCES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    ("not-toml", "[[sources]\nname = 1", ("not valid TOML",)),
    ("empty", "", ("no [[sources]]",)),
    ("only-comments", "# nothing here\n", ("no [[sources]]",)),
    ("sources-string", 'sources = "one"\n', ("no [[sources]]",)),
    ("sources-table", '[sources]\nname = "One"\n', ("sources",)),
    ("unknown-top-level", ONE + "[settings]\ndepth = 3\n", ("line 4", "settings")),
    ("no-name", '[[sources]]\nfeeds = ["https://one.test/rss"]\n', ("line 1", "has no name")),
    (
        "name-number",
        '[[sources]]\nname = 5\nfeeds = ["https://one.test/rss"]\n',
        ("line 2", "name"),
    ),
    ("name-empty", '[[sources]]\nname = ""\nfeeds = ["https://one.test/rss"]\n', ("name",)),
    ("name-twice", ONE + ONE, ("line 4", "listed twice")),
    ("unknown-key", ONE + 'feed = ["https://one.test/rss"]\n', ("line 4", "unknown key 'feed'")),
    ("no-urls", '[[sources]]\nname = "One"\n', ("lists no feeds",)),
    ("feeds-number", '[[sources]]\nname = "One"\nfeeds = 5\n', ("line 3", "'feeds'")),
    ("feeds-list-of-numbers", '[[sources]]\nname = "One"\nfeeds = [1]\n', ("'feeds'",)),
    (
        "feeds-ftp",
        '[[sources]]\nname = "One"\nfeeds = ["ftp://one.test/rss"]\n',
        ("line 3", "ftp://"),
    ),
    ("feeds-no-scheme", '[[sources]]\nname = "One"\nfeeds = ["one.test/rss"]\n', ("one.test/rss",)),
    (
        "feeds-ipv6-unclosed",
        '[[sources]]\nname = "One"\npages = ["http://[::1/x"]\n',
        ("http://[::1/x",),
    ),
    (
        "feeds-port-99999",
        '[[sources]]\nname = "One"\nsitemaps = ["http://one.test:99999/s"]\n',
        ("99999",),
    ),
    (
        "feeds-javascript",
        '[[sources]]\nname = "One"\npages = ["javascript:alert(1)"]\n',
        ("javascript:",),
    ),
    (
        "feeds-nested",
        '[[sources]]\nname = "One"\nfeeds = [["https://one.test/rss"]]\n',
        ("'feeds'",),
    ),
    ("duplicate-key", ONE + 'name = "Two"\n', ("not valid TOML",)),
    ("nested-too-deep", "a = " + "[" * 100_000 + "]" * 100_000, ("nested too deep",)),
    ("number-5000-digits", "a = " + "9" * 5000, ("too long",)),
    ("not-utf8", b'[[sources]]\nname = "Caf\xe9"\n', ("cannot read it",)),
    ("utf-16", ONE.encode("utf-16"), ("sources.toml",)),
    ("binary", bytes(range(256)), ("sources.toml",)),
]


@pytest.mark.parametrize(
    ("content", "needles"), [c[1:] for c in SOURCES], ids=[c[0] for c in SOURCES]
)
def test_a_bad_sources_file_is_named_with_its_line(tmp_path, sqlite_url, content, needles):
    path = tmp_path / "sources.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = invoke(["sources", "--sources", str(path), "--archive", sqlite_url])
    assert_refused(result, (str(path), *needles), exit_code=2)


# --- schedule files, through `homeward schedule list` ---------------------------------------

SCHEDULES: list[tuple[str, str, tuple[str, ...]]] = [
    ("not-toml", "cron = ", ("not valid TOML",)),
    ("no-cron", 'timezone = "UTC"\n', ("cron",)),
    ("cron-minute-61", 'cron = "61 2 * * *"\n', ("61",)),
    ("cron-word", 'cron = "every night"\n', ("cron",)),
    ("cron-number", "cron = 5\n", ("cron",)),
    ("timezone-unknown", 'cron = "0 2 * * *"\ntimezone = "Mars/Olympus"\n', ("Mars/Olympus",)),
    ("jitter-word", 'cron = "0 2 * * *"\njitter = "soon"\n', ("jitter",)),
    ("time-limit-negative", 'cron = "0 2 * * *"\ntime_limit = -5\n', ("time_limit",)),
    ("unknown-key", 'cron = "0 2 * * *"\nretries = 3\n', ("retries",)),
    ("nested-too-deep", "a = " + "[" * 100_000 + "]" * 100_000, ("nested too deep",)),
]


@pytest.mark.parametrize(
    ("content", "needles"), [c[1:] for c in SCHEDULES], ids=[c[0] for c in SCHEDULES]
)
def test_a_bad_schedule_file_is_named(tmp_path, content, needles):
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / "nightly.toml").write_text(content, encoding="utf-8")
    result = invoke(["schedule", "list", "--schedules", str(folder)])
    assert_refused(result, ("nightly.toml", *needles), exit_code=2)


# --- environment variables ----------------------------------------------------------------

# Garbage for each kind of crawler setting (crawler/homeward_settings.py), by its parser.
GARBAGE = {
    "_amount": ["abc", "-1", "nan", "inf", "Infinity", "1e999"],
    "_count": ["abc", "-1", "9" * 5000, str(10**30), "1.5", "²"],
    "_fraction": ["0", "1.5", "half"],
    "_switch": ["maybe", "2"],
    "_date": ["2024-13-01", "yesterday"],
    "_day_list": ["a,b", "-1", ",", "inf", "1,nan", "1,7,1e999", "1e300"],
    "_progress_format": ["xml"],
    "_lexicon": ["/nonexistent/lexicon.toml"],
}
CRAWL_SETTINGS = [
    pytest.param(setting.name, value, id=f"{setting.name}={value[:12]}")
    for setting in HOMEWARD_SETTINGS
    for value in GARBAGE.get(setting.parse.__name__, [])
]


@pytest.mark.parametrize(("name", "value"), CRAWL_SETTINGS)
def test_a_bad_crawl_setting_stops_the_crawl_before_it_starts(tmp_path, sqlite_url, name, value):
    sources = tmp_path / "sources.toml"
    sources.write_text(ONE.replace("https://one.test", "http://127.0.0.1:9"), encoding="utf-8")
    result = invoke(
        ["crawl", "--sources", str(sources), "--archive", sqlite_url], env={name: value}
    )
    assert_refused(result, (name,), exit_code=2)


# The bounds `homeward crawl` puts on its options hold for the environment too.
BOUNDS = [
    ("HOMEWARD_WORKERS", 64),
    ("HOMEWARD_PAGES_PER_SOURCE", 10_000_000),
    ("HOMEWARD_MAX_DEPTH", 10_000),
    ("HOMEWARD_BACKFILL_DEPTH", 10_000),
    ("HOMEWARD_MAX_AGE_DAYS", 36_500),
    ("HOMEWARD_INDEX_BATCH", 100_000),
    ("HOMEWARD_REVISITS_PER_RUN", 10_000_000),
]


@pytest.mark.parametrize(("name", "most"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_crawl_settings_keep_the_bounds_of_the_crawl_options(tmp_path, sqlite_url, name, most):
    assert environment_settings({name: str(most)})[name] == most
    sources = tmp_path / "sources.toml"
    sources.write_text(ONE.replace("https://one.test", "http://127.0.0.1:9"), encoding="utf-8")
    result = invoke(
        ["crawl", "--sources", str(sources), "--archive", sqlite_url], env={name: str(most + 1)}
    )
    assert_refused(result, (name, f"at most {most:,}"), exit_code=2)


# A value thousands of characters long is named by its start and its length, not printed.
LONG = {
    "_amount": "9" * 5000,
    "_count": "9" * 5000,
    "_fraction": "9" * 5000,
    "_switch": "y" * 5000,
    "_date": "2" * 5000,
    "_day_list": "1," * 2500 + "x",
    "_progress_format": "x" * 5000,
}
LONG_SETTINGS = {s.parse.__name__: s.name for s in HOMEWARD_SETTINGS if s.parse.__name__ in LONG}


@pytest.mark.parametrize(("parser", "name"), sorted(LONG_SETTINGS.items()))
def test_a_long_bad_setting_is_cut_in_the_message(tmp_path, sqlite_url, parser, name):
    value = LONG[parser]
    sources = tmp_path / "sources.toml"
    sources.write_text(ONE.replace("https://one.test", "http://127.0.0.1:9"), encoding="utf-8")
    result = invoke(
        ["crawl", "--sources", str(sources), "--archive", sqlite_url], env={name: value}
    )
    assert_refused(result, (name, value[:40] + "'…", f"({len(value)} characters)"), 2)
    assert value[:41] not in result.output and len(result.output) < 1000, result.output


ENVIRONMENT: list[tuple[str, list[str], dict[str, str], int, tuple[str, ...]]] = [
    ("archive-ftp", ["stats"], {"HOMEWARD_ARCHIVE": "ftp://x/y"}, 1, ("ftp://x/y",)),
    ("archive-ipv6", ["stats"], {"HOMEWARD_ARCHIVE": "http://[::1"}, 1, ("http://[::1",)),
    ("archive-blank", ["stats"], {"HOMEWARD_ARCHIVE": "   "}, 1, ("unknown scheme",)),
    ("archive-port", ["search"], {"HOMEWARD_ARCHIVE": "http://127.0.0.1:99999"}, 1, ("99999",)),
    ("archive-folder", ["stats"], {"HOMEWARD_ARCHIVE": "sqlite:///{tmp}"}, 1, ("is a folder",)),
    (
        "archive-text-file",
        ["import", "-"],
        {"HOMEWARD_ARCHIVE": "sqlite:///{tmp}/notes.txt"},
        1,
        ("notes.txt",),
    ),
    (
        "unhealthy-word",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "two"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "unhealthy-zero",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "0"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "unhealthy-negative",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "-1"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "unhealthy-5000-digits",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "9" * 5000},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER", "5000 characters"),
    ),
    (
        "unhealthy-superscript",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "²"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "unhealthy-1001",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "1001"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "unhealthy-exponent",
        ["sources"],
        {"HOMEWARD_UNHEALTHY_AFTER": "1e3"},
        2,
        ("HOMEWARD_UNHEALTHY_AFTER",),
    ),
    (
        "sources-missing",
        ["sources"],
        {"HOMEWARD_SOURCES": "{tmp}/none.toml"},
        2,
        ("none.toml", "HOMEWARD_SOURCES"),
    ),
    ("sources-folder", ["sources"], {"HOMEWARD_SOURCES": "{tmp}"}, 2, ("Is a directory",)),
    (
        "sources-garbage",
        ["sources"],
        {"HOMEWARD_SOURCES": "{tmp}/notes.txt"},
        2,
        ("notes.txt", "not valid TOML"),
    ),
    (
        "schedules-missing",
        ["schedule", "list"],
        {"HOMEWARD_SCHEDULES": "{tmp}/none"},
        2,
        ("HOMEWARD_SCHEDULES",),
    ),
    (
        "schedules-file",
        ["schedule", "list"],
        {"HOMEWARD_SCHEDULES": "{tmp}/notes.txt"},
        2,
        ("notes.txt",),
    ),
    (
        "token-short",
        ["serve", "--host", "0.0.0.0"],
        {"HOMEWARD_TOKEN": "x"},
        2,
        ("HOMEWARD_TOKEN",),
    ),
    (
        "token-repeated",
        ["serve", "--host", "0.0.0.0"],
        {"HOMEWARD_TOKEN": "a" * 32},
        2,
        ("HOMEWARD_TOKEN",),
    ),
    (
        "lexicon-missing",
        ["rescore", "--dry-run"],
        {"HOMEWARD_LEXICON": "{tmp}/none.toml"},
        2,
        ("HOMEWARD_LEXICON",),
    ),
    (
        "lexicon-garbage",
        ["rescore", "--dry-run"],
        {"HOMEWARD_LEXICON": "{tmp}/notes.txt"},
        2,
        ("HOMEWARD_LEXICON",),
    ),
    (
        "lexicon-folder",
        ["rescore", "--dry-run"],
        {"HOMEWARD_LEXICON": "{tmp}"},
        2,
        ("HOMEWARD_LEXICON",),
    ),
    (
        "threshold-word",
        ["rescore", "--dry-run"],
        {"HOMEWARD_RELEVANCE_THRESHOLD": "high"},
        2,
        ("HOMEWARD_RELEVANCE_THRESHOLD",),
    ),
    (
        "threshold-nan",
        ["rescore", "--dry-run"],
        {"HOMEWARD_RELEVANCE_THRESHOLD": "nan"},
        2,
        ("HOMEWARD_RELEVANCE_THRESHOLD",),
    ),
    (
        "threshold-inf",
        ["rescore", "--dry-run"],
        {"HOMEWARD_RELEVANCE_THRESHOLD": "inf"},
        2,
        ("HOMEWARD_RELEVANCE_THRESHOLD", "finite"),
    ),
    (
        "threshold-5000-digits",
        ["rescore", "--dry-run"],
        {"HOMEWARD_RELEVANCE_THRESHOLD": "9" * 5000},
        2,
        ("HOMEWARD_RELEVANCE_THRESHOLD", "5000 characters"),
    ),
    (
        "keep-off-topic",
        ["rescore", "--dry-run"],
        {"HOMEWARD_KEEP_OFF_TOPIC": "perhaps"},
        2,
        ("HOMEWARD_KEEP_OFF_TOPIC",),
    ),
]


@pytest.mark.parametrize(
    ("args", "env", "exit_code", "needles"),
    [c[1:] for c in ENVIRONMENT],
    ids=[c[0] for c in ENVIRONMENT],
)
def test_a_bad_environment_variable_is_named(places, sqlite_url, args, env, exit_code, needles):
    env = {name: value.replace("{tmp}", str(places)) for name, value in env.items()}
    if "HOMEWARD_ARCHIVE" not in env and args[0] in TAKES_ARCHIVE:
        args = [*args, "--archive", sqlite_url]
    result = invoke(args, input=good(1), env=env)
    assert_refused(result, tuple(fill(list(needles), places, sqlite_url)), exit_code)


# --- Elasticsearch: index names and the result window ------------------------------------

BAD_INDEX_NAMES = [
    "Homeward", "has space", "_hidden", "-dash", "+plus", ".", "..", ".dot", "a,b", "a*",
    "a?", "a:b", "a#b", "a/b", 'a"b', "a|b", "a<b", "a\\b", "x" * 250,
]  # fmt: skip


@pytest.mark.parametrize("name", BAD_INDEX_NAMES, ids=[n[:12] for n in BAD_INDEX_NAMES])
def test_a_bad_es_index_name_is_named_before_any_request(es_url, name):
    result = invoke(["stats", "--archive", es_url], env={"HOMEWARD_ES_INDEX": name})
    assert_refused(result, ("HOMEWARD_ES_INDEX", "cannot name an Elasticsearch index"), 1)


@pytest.fixture
def es_archive(es_url: str, monkeypatch: pytest.MonkeyPatch):
    from search.backends.elastic import ElasticArchive

    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("HOMEWARD_ES_INDEX", alias)
    yield es_url
    archive = ElasticArchive(es_url, alias=alias)
    archive.drop()
    archive.close()


@pytest.mark.parametrize(
    "paging",
    [["--offset", "9990", "--limit", "20"], ["--offset", "10000", "--limit", "1"]],
    ids=["past-window", "at-window"],
)
def test_paging_past_elasticsearchs_window_is_a_usage_error(es_archive, paging):
    result = invoke(["search", "word", *paging, "--archive", es_archive])
    assert_refused(result, ("offset + limit must stay within 10,000", "export"), exit_code=2)


def test_import_into_elasticsearch_keeps_the_good_lines(es_archive):
    lines = "\n".join([good(1), bad(places="Shanxi"), "[" * NESTED, good(2)])
    result = invoke(["import", "-", "--archive", es_archive], input=lines)
    assert_refused(result, ("line 2: field 'places'", "line 3: JSON nested too deep"), 1)
    assert "imported 2 article(s)" in result.output and "it now holds 2" in result.output


# --- passwords in archive URLs: shown as *** in every message -------------------------------

SECRET = "s3cret-Pa55"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://elastic:pw@127.0.0.1:9200", "http://elastic:***@127.0.0.1:9200"),
        ("https://elastic:p@ss:w@rd@es.test/x?y=1", "https://elastic:***@es.test/x?y=1"),
        ("http://elastic:p%40ss@[::1", "http://elastic:***@[::1"),
        ("http://elastic:@es.test", "http://elastic:***@es.test"),
        ("http://elastic@es.test", "http://elastic@es.test"),
        ("http://es.test:9200/a@b", "http://es.test:9200/a@b"),
        ("sqlite:///data/a@b.sqlite", "sqlite:///data/a@b.sqlite"),
        ("HTTP://u:pw@es.test", "HTTP://u:***@es.test"),
        ("not a url u:pw@x", "not a url u:pw@x"),
    ],
)
def test_shown_url_hides_the_password(url, shown):
    assert shown_url(url) == shown


@pytest.mark.parametrize(
    "target",
    ["127.0.0.1:9", "127.0.0.1:99999", "[::1", "a b:9200", ""],
    ids=["refused", "port", "ipv6", "space", "no-host"],
)
@pytest.mark.parametrize("command", [["stats"], ["search", "word"], ["import", "-"]])
def test_a_password_in_a_bad_archive_url_is_never_shown(target, command):
    url = f"http://elastic:{SECRET}@{target}"
    for how in ("option", "environment"):
        args, env = ([*command, "--archive", url], None)
        if how == "environment":
            args, env = (command, {"HOMEWARD_ARCHIVE": url})
        result = invoke(args, input=good(1), env=env)
        assert_refused(result, ("elastic:***@",), exit_code=1)
        assert SECRET not in result.output, result.output


def test_a_password_in_a_working_archive_url_is_never_shown(es_archive):
    url = es_archive.replace("://", f"://elastic:{SECRET}@", 1)  # the test node ignores it
    outputs = [
        invoke(["import", "-", "--archive", url], input=good(1)),
        invoke(["stats", "--archive", url]),
        invoke(["stats", "--json", "--archive", url]),
        invoke(["evidence", "no-such-id", "--archive", url]),
    ]
    for result in outputs:
        assert "elastic:***@" in result.output and SECRET not in result.output, result.output
    assert [result.exit_code for result in outputs] == [0, 0, 0, 1]


# --- Elasticsearch refusing: index blocks and mappings, one message each ----------------------


@pytest.mark.parametrize(
    ("block", "command", "needles"),
    [
        ("write", ["import", "-"], ("refused to store articles", "index write", "blocks.write")),
        ("read_only", ["import", "-"], ("refused to store articles", "index read-only")),
        ("read", ["search", "word"], ("refused to search", "index read")),
        ("read", ["export", "--format", "jsonl"], ("refused to read articles", "index read")),
        ("metadata", ["stats"], ("refused to open the archive", "403")),
    ],
    ids=["write-import", "read-only-import", "read-search", "read-export", "metadata-stats"],
)
def test_an_index_block_is_one_message_not_a_traceback(es_archive, block, command, needles):
    from search.backends.elastic import ElasticArchive

    archive = ElasticArchive(es_archive)  # the alias of HOMEWARD_ES_INDEX, created now
    assert archive.upsert([Article.from_json(good(0))]).stored == 1
    archive.refresh()
    setting = f"index.blocks.{block}"
    archive.client.indices.put_settings(index=archive.index_name, settings={setting: True})
    try:
        lines = "\n".join(good(n) for n in range(1, 50))
        result = invoke([*command, "--archive", es_archive], input=lines)
    finally:
        archive.client.indices.put_settings(index=archive.index_name, settings={setting: None})
        archive.close()
    assert_refused(result, (es_archive, *needles), exit_code=1)
    assert result.output.count("Error:") == 1 and "error: article" not in result.output, (
        result.output
    )


def test_a_read_only_index_can_still_be_searched_and_exported(es_archive):
    from search.backends.elastic import ElasticArchive

    archive = ElasticArchive(es_archive)
    archive.upsert([Article.from_json(good(1, text="abduction case"))])
    archive.refresh()
    archive.client.indices.put_settings(
        index=archive.index_name, settings={"index.blocks.read_only": True}
    )
    try:
        searched = invoke(["search", "abduction", "--json", "--archive", es_archive])
        exported = invoke(["export", "--format", "jsonl", "--archive", es_archive])
    finally:
        archive.client.indices.put_settings(
            index=archive.index_name, settings={"index.blocks.read_only": None}
        )
        archive.close()
    assert searched.exit_code == 0 and json.loads(searched.stdout)["total"] == 1, searched.output
    assert exported.exit_code == 0 and '"abduction case"' in exported.stdout, exported.output


def test_a_mapping_elasticsearch_refuses_is_named(es_url, monkeypatch):
    from elasticsearch import Elasticsearch

    from search.backends.elastic.articles import INDEX_VERSION, MAPPING, SETTINGS

    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("HOMEWARD_ES_INDEX", alias)
    # An index an older or foreign program made: `versions` is a keyword there.
    mapping = {**MAPPING, "properties": {**MAPPING["properties"], "versions": {"type": "keyword"}}}
    client = Elasticsearch(es_url)
    index = f"{alias}-v{INDEX_VERSION}"  # of this version: an older one is upgraded first
    client.indices.create(index=index, settings=SETTINGS, mappings=mapping, aliases={alias: {}})
    try:
        result = invoke(["stats", "--archive", es_url])
    finally:
        client.indices.delete(index=index)
        client.close()
    assert_refused(result, (es_url, "open the archive", "mapping [versions]"), exit_code=1)


# --- real processes: bytes in argv, full disks, closed pipes, read-only archives -----------


def run_cli(
    args: list[str | bytes],
    *,
    stdin: bytes | None = None,
    env: dict[str, str | bytes] | None = None,
    prefix: tuple[str, ...] = (),
    **options: Any,
) -> subprocess.CompletedProcess[bytes]:
    environment: dict[str | bytes, str | bytes] = {**os.environ, **(env or {})}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        input=stdin,
        env=environment,
        stdout=options.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
        **options,
    )


def no_traceback(process: subprocess.CompletedProcess[bytes]) -> str:
    output = (process.stdout or b"").decode("utf-8", "replace") + process.stderr.decode(
        "utf-8", "replace"
    )
    assert "Traceback" not in output and "Exception ignored" not in output, output
    return output


@pytest.mark.parametrize(
    "args",
    [
        [b"search", b"caf\xe9"],
        [b"search", b"--person", b"\xff\xfe"],
        [b"export", b"--format", b"jsonl", b"--place", b"\xc3"],
        [b"runs", b"--source", b"\xed\xa0\x80"],
        [b"export", b"--format", b"jsonl", b"--set", b"\x80"],
        [b"evidence", b"\xff"],
    ],
    ids=["query", "person", "place", "runs-source", "set", "evidence-id"],
)
def test_undecodable_bytes_in_arguments_are_named(sqlite_url, args):
    process = run_cli([*args, b"--archive", sqlite_url.encode()])
    output = no_traceback(process)
    assert process.returncode == 2, output
    assert "is not valid UTF-8 text" in output and "\\x" in output


def test_an_undecodable_archive_variable_is_named(tmp_path):
    process = run_cli(["stats"], env={"HOMEWARD_ARCHIVE": f"sqlite:///{tmp_path}/caf\udce9"})
    output = no_traceback(process)
    assert process.returncode == 1 and "not valid UTF-8" in output, output


def test_binary_piped_into_import_keeps_the_good_line(sqlite_url):
    noise = (bytes(range(256)) * 4).replace(b"\n", b"")
    process = run_cli(
        ["import", "-", "--archive", sqlite_url], stdin=good(1).encode() + b"\n" + noise
    )
    output = no_traceback(process)
    assert process.returncode == 1, output
    assert "<stdin>, line 2: not valid UTF-8" in output and "imported 1 article(s)" in output


def limit_file_size(limit: int) -> Callable[[], None]:
    """For preexec_fn: files may grow to `limit` bytes, and a write past it fails (EFBIG)
    instead of killing the process with SIGXFSZ: a full disk, for this process only."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_import_is_one_message_with_what_was_stored(tmp_path):
    url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    text = "abducted child found after twenty years " * 25  # 1 KB an article
    lines = "\n".join(good(n, text=f"{text} {n}") for n in range(8000))
    process = run_cli(
        ["import", "-", "--archive", url],
        stdin=lines.encode(),
        preexec_fn=limit_file_size(3 * 1024 * 1024),
    )
    output = no_traceback(process)
    assert process.returncode == 1, output
    assert "disk full" in output or "cannot write archive" in output, output
    assert output.count("Error:") == 1, output
    stored = int(output.split(" article(s) of <stdin> were stored before it")[0].split()[-1])
    assert 0 < stored < 8000
    held = invoke(["stats", "--json", "--archive", url])
    assert json.loads(held.output)["articles"] == stored  # the figure is exact


@pytest.mark.parametrize(
    ("query", "where"),
    [([], "cannot write {target}"), (["fine"], "cannot read archive")],
    ids=["writing-the-export", "sorting-in-temporary-files"],
)
def test_a_full_disk_during_export_leaves_no_partial_file(tmp_path, sqlite_url, query, where):
    # The whole archive is read in date order from its index, and the export passes the
    # limit; 1,000 hits of a search, of 3 KB each, are sorted by relevance in a temporary
    # file, which passes the limit first.
    lines = "\n".join(good(n, text="fine " + "x" * 3000) for n in range(1000))
    assert invoke(["import", "-", "--archive", sqlite_url], input=lines).exit_code == 0
    target = tmp_path / "out" / "all.jsonl"
    target.parent.mkdir()
    process = run_cli(
        ["export", *query, "--format", "jsonl", "-o", str(target), "--archive", sqlite_url],
        preexec_fn=limit_file_size(512 * 1024),
    )
    output = no_traceback(process)
    assert process.returncode == 1 and where.format(target=target) in output, output
    assert list(target.parent.iterdir()) == []


def test_export_to_a_full_standard_output_is_one_message(sqlite_url):
    assert invoke(["import", "-", "--archive", sqlite_url], input=good(1)).exit_code == 0
    with open("/dev/full", "wb") as full:
        process = run_cli(["export", "--format", "jsonl", "--archive", sqlite_url], stdout=full)
    output = no_traceback(process)
    assert process.returncode == 1 and "cannot write to standard output" in output, output


def test_export_into_a_closed_pipe_ends_quietly(sqlite_url):
    lines = "\n".join(good(n, text="y" * 1000) for n in range(300))
    assert invoke(["import", "-", "--archive", sqlite_url], input=lines).exit_code == 0
    command = [sys.executable, "-m", "cli", "export", "--format", "jsonl", "--archive", sqlite_url]
    export = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None
    export.stdout.read(100)
    export.stdout.close()  # as `| head -c 100` does
    _, errors = export.communicate(timeout=120)
    assert b"Traceback" not in errors and b"Exception ignored" not in errors, errors
    assert export.returncode != 0


def without_write_permission() -> tuple[str, ...]:
    """A prefix that runs a command unable to write what its permissions forbid: nothing
    as an ordinary user; as root (whom chmod does not stop), setpriv dropping the
    capabilities that let root ignore permissions."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    drop = "-dac_override,-dac_read_search"
    return (setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--")


@pytest.mark.parametrize("locked", ["folder", "file"])
def test_a_read_only_archive_can_be_searched_shown_and_exported(tmp_path, locked):
    folder = tmp_path / "shared"
    folder.mkdir()
    url = f"sqlite:///{folder / 'archive.sqlite'}"
    lines = "\n".join([good(1, text="abduction case"), good(2, text="other")])
    assert invoke(["import", "-", "--archive", url], input=lines).exit_code == 0
    (folder / "archive.sqlite").chmod(0o444)
    if locked == "folder":
        folder.chmod(0o555)
    prefix = without_write_permission()
    try:
        searched = run_cli(["search", "abduction", "--json", "--archive", url], prefix=prefix)
        output = no_traceback(searched)
        assert searched.returncode == 0, output
        assert json.loads(searched.stdout)["total"] == 1
        assert "read-only" in searched.stderr.decode()  # the note
        stats = run_cli(["stats", "--json", "--archive", url], prefix=prefix)
        assert json.loads(stats.stdout)["articles"] == 2, no_traceback(stats)
        out = tmp_path / "out.jsonl"
        exported = run_cli(
            ["export", "--format", "jsonl", "-o", str(out), "--archive", url], prefix=prefix
        )
        assert exported.returncode == 0, no_traceback(exported)
        assert len(out.read_text(encoding="utf-8").splitlines()) == 2
        refused = run_cli(["import", "-", "--archive", url], stdin=good(3).encode(), prefix=prefix)
        output = no_traceback(refused)
        assert refused.returncode == 1 and "read-only" in output and "not written" in output, output
    finally:
        folder.chmod(0o755)


def test_mode_ro_opens_an_archive_read_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    assert invoke(["import", "-", "--archive", url], input=good(1)).exit_code == 0
    assert (
        json.loads(invoke(["stats", "--json", "--archive", url + "?mode=ro"]).output)["articles"]
        == 1
    )
    result = invoke(["import", "-", "--archive", url + "?mode=ro"], input=good(2))
    assert_refused(result, ("read-only", "not written"), exit_code=1)

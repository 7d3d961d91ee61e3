"""`homeward extract`: what a crawl would read from one saved page, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import extract as extract_command
from cli.main import main
from crawler.workers import MAX_MARKUP
from pipelines.extract import Extracted

PAGES = Path(__file__).resolve().parent / "pages"
RIVERSIDE = PAGES / "en_riverside_herald_abduction.html"


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["extract", *args], input=input)


def test_a_saved_page_shows_its_fields_then_its_text() -> None:
    result = run(str(RIVERSIDE), "--url", "https://riverside-herald.example/news/boy-found")
    assert result.exit_code == 0, result.output
    head, _, text = result.output.partition("\n\n")
    assert head.splitlines() == [
        "Title: Boy, 7, abducted outside Millbrook school found safe after 30-hour search",
        "Published: 2024-03-14T08:30:00+00:00",
        "Authors: Sarah Okafor, Tom Lindqvist",
        "Site: Riverside Herald",
        "Language: en",
        "URL: https://riverside-herald.example/news/boy-found",
    ]
    assert "Daniel Hartley was led away from the gates of St Anne's Primary School" in text
    assert "All rights reserved" not in text  # the page's footer is no text


def test_json_gives_the_record_and_standard_input_reads_the_page() -> None:
    result = run("-", "--json", input=RIVERSIDE.read_bytes())
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert set(record) == {
        "url",
        "title",
        "published",
        "authors",
        "site_name",
        "language",
        "description",
        "text",
    }
    assert record["url"] is None  # no --url given
    assert record["authors"] == ["Sarah Okafor", "Tom Lindqvist"]
    assert "Daniel Hartley" in record["text"]


def test_the_charset_is_checked_against_the_bytes_as_in_a_crawl() -> None:
    """A GBK page that declares no charset is read as a crawl reads it, not as mojibake."""
    result = run(str(PAGES / "decode_undeclared_gbk.html"), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["language"] == "zh"
    assert record["title"] == "周口警方破获拐卖儿童案 解救被拐儿童3名"
    assert "河南省周口市公安局成功破获一起拐卖儿童案" in record["text"]


def test_the_address_dates_the_article_and_names_the_site(tmp_path: Path) -> None:
    page = tmp_path / "boy-found.html"
    page.write_text(
        "<html><head><title>Boy found safe | Millbrook Post</title></head><body><article>"
        "<h1>Boy found safe</h1><p>Police said the seven-year-old boy was found safe in a parked"
        " car on Thursday.</p><p>Detectives thanked the volunteers who searched the fields for"
        " two days and nights near the town.</p></article></body></html>",
        encoding="utf-8",
    )
    bare = json.loads(run(str(page), "--json").output)
    assert bare["published"] is None and bare["site_name"] is None
    addressed = run(str(page), "--json", "--url", "https://millbrookpost.example/2019/05/04/boy")
    record = json.loads(addressed.output)
    assert record["published"] == "2019-05-04"
    assert record["site_name"] == "millbrookpost.example"
    assert record["url"] == "https://millbrookpost.example/2019/05/04/boy"


def test_scraped_text_cannot_write_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stage already drops control characters; the command does not count on it. A
    field that still held an escape sequence (a title that rewrites the terminal's own
    title, a text that clears the screen) is printed without it."""
    hostile = Extracted(
        url="",
        title="Boy found \x1b]0;pwned\x07safe",
        authors=["Jane \x1b[31mDoe"],
        text="Daniel Hartley was found\x1b[2J safe.\nA man was \u202earrested.",
    )
    monkeypatch.setattr(extract_command, "decode_and_extract", lambda *args: hostile)
    result = run(str(RIVERSIDE))
    assert result.exit_code == 0, result.output
    assert not set(result.output) & {"\x1b", "\x07", "\u202e"}
    assert "Title: Boy found ]0;pwned safe" in result.output
    assert "Authors: Jane [31mDoe" in result.output
    assert "A man was arrested." in result.output


def test_a_page_without_an_article_is_an_error_naming_it(tmp_path: Path) -> None:
    page = tmp_path / "not-found.html"
    page.write_text("<html><head><title>Page not found</title></head><body><p>404</p>")
    result = run(str(page))
    assert result.exit_code == 1
    assert f"{page}: no article found" in result.output


def test_a_page_too_large_for_any_article_is_refused_naming_it(tmp_path: Path) -> None:
    """The crawl's own limit: more markup than any news article has is not parsed (a
    missing file, a folder or an address are refused in tests/test_bad_input.py)."""
    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<div>x</div>" * (MAX_MARKUP // 12 + 1) + "</body></html>")
    result = run(str(page))
    assert result.exit_code == 1
    assert f"{page}: too large to read" in result.output

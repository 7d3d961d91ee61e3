"""The CLI as people pipe it: `homeward search` keeps whole URLs and shows article ids
off a terminal, and `homeward sources` lists the sources the archive was crawled from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BACKENDS
from fastapi.testclient import TestClient

from cli import search as search_command
from cli.main import main
from cli.terminal import is_terminal
from homeward.article import article_id
from homeward.paths import SHIPPED_SOURCES, SOURCES_ENV
from homeward.runs import RunRecord, new_run_id, run_timestamp
from search.open import open_archive
from web.app import create_app

LONG_URL = "https://news.example/" + "/".join(f"section-{n}" for n in range(30)) + "?id=42"
SHIPPED_COUNT = 14
both = pytest.mark.parametrize("archive_url", BACKENDS, indirect=True)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def one_long_url(archive_url: str) -> str:
    record = {"url": LONG_URL, "title": "Trafficking ring " + "long title " * 30, "text": "x"}
    assert run("import", "-", "--archive", archive_url, input=json.dumps(record)).exit_code == 0
    return archive_url


def test_piped_table_has_whole_urls_and_article_ids(one_long_url, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("search", "", "--archive", one_long_url)  # CliRunner's output is no terminal
    assert result.exit_code == 0
    assert LONG_URL in result.output and "…" not in result.output
    identifier = article_id(LONG_URL)
    assert f"      {identifier}  {LONG_URL}" in result.output
    evidence = run("evidence", identifier, "--archive", one_long_url)
    assert "has no evidence capture" in evidence.output  # found by that id


def test_a_terminal_gets_a_table_cut_to_its_width_unless_wide(one_long_url, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(search_command, "is_terminal", lambda: True)
    cut = run("search", "", "--archive", one_long_url).output
    assert LONG_URL not in cut and "…" in cut and article_id(LONG_URL) in cut
    assert all(len(line) <= 80 for line in cut.splitlines())
    wide = run("search", "", "--wide", "--archive", one_long_url).output
    assert LONG_URL in wide and "…" not in wide


def test_is_terminal_tells_a_terminal_from_a_pipe(tmp_path):
    leader, follower = os.openpty()
    read_end, write_end = os.pipe()
    try:
        with open(follower, "w", closefd=False) as tty, open(write_end, "w", closefd=False) as pipe:
            assert is_terminal(tty) and not is_terminal(pipe)
        with (tmp_path / "out.txt").open("w") as file:
            assert not is_terminal(file)
    finally:
        for descriptor in (leader, follower, read_end, write_end):
            os.close(descriptor)


# --- homeward sources -------------------------------------------------------------------------


def record(url: str, sources: list[str], sources_file: Path | None) -> None:
    with open_archive(url) as archive:
        archive.record_run(
            RunRecord(
                id=new_run_id(),
                state="ok",
                finished_at=run_timestamp(),
                sources=sources,
                sources_file=str(sources_file) if sources_file else None,
                summary={"stored": 3, "sources": {name: {"stored": 3} for name in sources}},
            )
        )


def listed(url: str, *args: str) -> dict[str, str]:
    result = run("sources", "--json", "--archive", url, *args)
    assert result.exit_code == 0, result.output
    return {item["name"]: item["status"] for item in json.loads(result.output)}


@pytest.fixture
def no_sources_setting(monkeypatch, tmp_path):
    """As after `homeward demo` in a fresh folder: no $HOMEWARD_SOURCES, no ./sources.toml."""
    monkeypatch.delenv(SOURCES_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


@both
@pytest.mark.usefixtures("no_sources_setting")
def test_after_the_demo_sources_lists_what_was_crawled_as_the_web_does(archive_url, tmp_path):
    scratch = tmp_path / "demo-scratch" / "sources.toml"  # the demo deletes its own file
    record(archive_url, ["Harbour Herald", "海港日报"], scratch)
    assert listed(archive_url) == {"Harbour Herald": "ok", "海港日报": "ok"}
    text = run("sources", "--archive", archive_url).output
    assert text.startswith("2 source(s) crawled into ") and "never crawled" not in text
    with TestClient(create_app(archive_url), base_url="http://127.0.0.1") as client:
        page = client.get("/sources").text
    assert "Harbour Herald" in page and "海港日报" in page and "BBC News" not in page
    # a file named on the command line is still listed whole
    shipped = listed(archive_url, "--sources", str(SHIPPED_SOURCES))
    assert len(shipped) == SHIPPED_COUNT and set(shipped.values()) == {"never crawled"}


@both
@pytest.mark.usefixtures("no_sources_setting")
def test_the_newest_runs_file_adds_its_sources_not_yet_crawled(archive_url, tmp_path):
    sources = tmp_path / "mine.toml"
    sources.write_text(
        '[[sources]]\nname = "Old"\nfeeds = ["https://old.example/rss"]\n\n'
        '[[sources]]\nname = "Added later"\nfeeds = ["https://new.example/rss"]\n'
    )
    record(archive_url, ["Gone"], None)
    record(archive_url, ["Old"], sources)
    assert listed(archive_url) == {"Old": "ok", "Added later": "never crawled", "Gone": "ok"}
    assert f"(newest run from {sources})" in run("sources", "--archive", archive_url).output


@pytest.mark.usefixtures("no_sources_setting")
def test_an_archive_never_crawled_into_lists_the_file_crawl_would_read(archive_url):
    statuses = listed(archive_url)
    assert len(statuses) == SHIPPED_COUNT and set(statuses.values()) == {"never crawled"}
    assert (
        "nothing crawled into this archive yet" in run("sources", "--archive", archive_url).output
    )


def test_homeward_sources_env_still_wins(archive_url, tmp_path, monkeypatch):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[sources]]\nname = "Mine"\nfeeds = ["https://mine.example/rss"]\n')
    monkeypatch.setenv(SOURCES_ENV, str(mine))
    record(archive_url, ["Harbour Herald"], None)
    assert listed(archive_url) == {"Mine": "never crawled"}

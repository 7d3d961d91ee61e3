"""Run history: the records on both backends, source health, and every crawl leaving one.

The contract tests run against both archives (the `archive` fixture); the crawl
test runs a real crawl of the fixture sites (tests/mockserver.py).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_crawl import FAST, MockServer

from cli.main import main
from crawler.history import RunLog
from crawler.run import run_crawl
from homeward.runs import (
    RunNotFound,
    RunRecord,
    exit_state,
    merge_summaries,
    new_run_id,
    run_timestamp,
    source_health,
    sources_health,
)
from search.open import open_archive


def run(state: str = "ok", sources: dict[str, dict] | None = None, **fields) -> RunRecord:
    """A finished run record with per-source counts."""
    sources = sources if sources is not None else {"A": {"stored": 2}}
    summary = {"stored": sum(c.get("stored", 0) for c in sources.values()), "sources": sources}
    return RunRecord(
        id=new_run_id(),
        state=state,
        finished_at=run_timestamp(),
        sources=list(sources) or ["A"],
        summary=summary,
        **fields,
    )


# --- contract: both backends ----------------------------------------------------------------


def test_runs_are_listed_newest_first_and_filtered_by_source(archive) -> None:
    first = run(sources={"A": {"stored": 1}, "B": {"stored": 0}})
    second = run(sources={"B": {"stored": 3}})
    third = run(sources={"华南日报": {"stored": 5}})
    for record in (first, second, third):
        archive.record_run(record)
    assert [r.id for r in archive.list_runs()] == [third.id, second.id, first.id]
    assert [r.id for r in archive.list_runs(limit=2)] == [third.id, second.id]
    assert [r.id for r in archive.list_runs(source="B")] == [second.id, first.id]
    assert [r.id for r in archive.list_runs(source="华南日报")] == [third.id]
    assert archive.list_runs(source="b") == []  # names are exact, as in sources.toml
    assert archive.get_run(second.id) == second
    assert archive.get_run(new_run_id()) is None
    assert archive.get_run("not-a-run-id") is None


def test_record_run_replaces_and_update_run_changes_one_record(archive) -> None:
    record = RunRecord(
        id=new_run_id(), sources=["A"], nodes={"http://n1:6800": {"state": "running"}}
    )
    archive.record_run(record)
    record.message = "replaced whole"
    archive.record_run(record)
    assert archive.get_run(record.id).message == "replaced whole"

    def finish(stored: RunRecord) -> None:
        stored.state = "ok"
        stored.finished_at = run_timestamp()

    updated = archive.update_run(record.id, finish)
    assert updated.state == "ok" and updated.elapsed is not None
    assert archive.get_run(record.id) == updated
    assert len(archive.list_runs()) == 1
    with pytest.raises(RunNotFound):
        archive.update_run(new_run_id(), finish)


def test_concurrent_node_parts_are_all_kept(archive) -> None:
    """Scrapyd nodes finishing together add their parts to one record: none is lost."""
    record = RunRecord(id=new_run_id(), origin="scrapyd")
    archive.record_run(record)
    nodes = [f"http://node{i}:6800" for i in range(6)]

    def add(node: str) -> None:
        archive.update_run(record.id, lambda r: r.nodes.__setitem__(node, {"state": "ok"}))

    threads = [threading.Thread(target=add, args=(node,)) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(archive.get_run(record.id).nodes) == sorted(nodes)


def test_run_records_keep_any_summary_counter(archive) -> None:
    """Summaries are stored whole: a counter the mapping never heard of is kept."""
    record = run()
    record.summary = {**(record.summary or {}), "a_new_counter": {"x": 1}, "notes": ["n"]}
    archive.record_run(record)
    assert archive.get_run(record.id).summary == record.summary


@pytest.mark.elasticsearch
def test_drop_removes_the_runs_index(es_url: str) -> None:
    import uuid

    from search.backends.elastic import ElasticArchive

    archive = ElasticArchive(es_url, alias=f"homeward-test-{uuid.uuid4().hex[:12]}")
    archive.record_run(run())
    assert archive.client.indices.exists(index=archive.runs_index_name)
    archive.drop()
    assert not archive.client.indices.exists(index=archive.runs_index_name)
    archive.close()


def test_an_archive_of_schema_2_gains_the_runs_table(tmp_path: Path) -> None:
    import sqlite3

    from search.backends.sqlite import SqliteArchive
    from search.backends.sqlite.archive import MIGRATIONS

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)  # an archive as schema 2 left it
    for migration in MIGRATIONS[:2]:
        db.executescript(migration)
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    archive = SqliteArchive(path)
    record = run()
    archive.record_run(record)
    assert archive.list_runs() == [record]
    assert archive.count_off_topic() == 0  # and every later table
    archive.close()


# --- summaries and health ---------------------------------------------------------------------


def test_node_summaries_add_up() -> None:
    a = {
        "fetched": 10,
        "fetched_by_kind": {"feed": 1, "article": 9},
        "stored": 5,
        "duplicates": 1,
        "irrelevant": 2,
        "failed": {"http-404": 1},
        "sources": {"A": {"fetched": 10, "stored": 5, "errors": []}},
        "elapsed": 4.0,
        "finish_reason": "finished",
        "notes": ["set HOMEWARD_CONTACT"],
    }
    b = {
        "fetched": 3,
        "fetched_by_kind": {"feed": 1, "article": 2},
        "stored": 0,
        "failed": {"http-404": 2, "timeout": 1},
        "sources": {"B": {"fetched": 3, "unreachable": 1, "errors": ["boom"]}},
        "elapsed": 9.5,
        "finish_reason": "shutdown",
        "notes": ["set HOMEWARD_CONTACT"],
    }
    merged = merge_summaries([a, b])
    assert merged["fetched"] == 13 and merged["stored"] == 5 and merged["duplicates"] == 1
    assert merged["fetched_by_kind"] == {"feed": 2, "article": 11}
    assert merged["failed"] == {"http-404": 3, "timeout": 1}
    assert merged["sources"]["B"]["errors"] == ["boom"] and merged["sources"]["A"]["stored"] == 5
    assert merged["elapsed"] == 9.5 and merged["notes"] == ["set HOMEWARD_CONTACT"]
    assert merged["finish_reason"] == "shutdown"
    assert merge_summaries([a, a])["finish_reason"] == "finished"


def test_exit_states() -> None:
    assert exit_state("finished") == "ok"
    assert exit_state("finished", "timeout") == "ok"  # it ended before the stop mattered
    assert exit_state("shutdown") == "stopped"
    assert exit_state("shutdown", "timeout") == "timeout"
    assert exit_state("closespider_timeout") == "timeout"
    assert exit_state("cancelled") == "failed"


def test_source_health_counts_bad_runs_in_a_row() -> None:
    good = run(sources={"A": {"stored": 2}})
    empty = run(sources={"A": {"stored": 0}})
    broken = run(sources={"A": {"stored": 0, "unreachable": 1, "errors": ["DNS lookup failed"]}})
    crashed = run(state="failed", sources={}, message="crawl process died")
    skipped = run(state="skipped", sources={})
    newest_first = [broken, skipped, empty, crashed, good, empty]
    health = source_health("A", newest_first, unhealthy_after=3)
    assert health.failing_streak == 3 and health.status == "failing"
    assert health.runs_seen == 5  # the skipped run is passed over
    assert health.last_run == broken.id and health.last_problem.startswith("unreachable")
    assert source_health("A", newest_first, unhealthy_after=4).status == "ok"
    assert source_health("A", [good, empty, empty, empty]).status == "ok"  # newest was fine
    assert source_health("A", []).status == "never crawled"
    assert source_health("A", [run(sources={"B": {"stored": 1}})]).status == "never crawled"


# --- commands ----------------------------------------------------------------------------------


def test_runs_and_sources_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "Steady"\nfeeds = ["https://steady.example/rss"]\n\n'
        '[[sources]]\nname = "Silent"\nfeeds = ["https://silent.example/rss"]\n\n'
        '[[sources]]\nname = "New"\nfeeds = ["https://new.example/rss"]\n'
    )
    with open_archive(url) as archive:
        for _ in range(3):
            archive.record_run(
                run(sources={"Steady": {"stored": 4}, "Silent": {"stored": 0}}, schedule="nightly")
            )
    runner = CliRunner()
    listed = runner.invoke(main, ["runs", "--json", "--source", "Silent", "--archive", url])
    assert listed.exit_code == 0, listed.output
    records = json.loads(listed.output)
    assert len(records) == 3 and all(r["schedule"] == "nightly" for r in records)
    text = runner.invoke(main, ["runs", "--archive", url, "--limit", "2"])
    assert text.exit_code == 0 and text.output.count("nightly") == 2

    health = runner.invoke(main, ["sources", "--sources", str(sources), "--archive", url, "--json"])
    assert health.exit_code == 0, health.output
    status = {item["name"]: item["status"] for item in json.loads(health.output)}
    assert status == {"Steady": "ok", "Silent": "failing", "New": "never crawled"}
    lenient = runner.invoke(
        main,
        ["sources", "--sources", str(sources), "--archive", url, "--unhealthy-after", "4"],
    )
    assert "FAILING" not in lenient.output and "never crawled" in lenient.output
    check = runner.invoke(main, ["sources", "--sources", str(sources), "--archive", url, "--check"])
    assert check.exit_code == 1 and "FAILING" in check.output and "Silent" in check.output


def test_homeward_unhealthy_after_sets_the_failing_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "Silent"\nfeeds = ["https://silent.example/rss"]\n')
    with open_archive(url) as archive:
        for _ in range(2):  # two empty runs: fine by the default of 3, failing by 2
            archive.record_run(run(sources={"Silent": {"stored": 0}}))
    runner = CliRunner()

    def status(*flags: str) -> str:
        args = ["sources", "--sources", str(sources), "--archive", url, "--json", *flags]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        (item,) = json.loads(result.output)
        return item["status"]

    monkeypatch.delenv("HOMEWARD_UNHEALTHY_AFTER", raising=False)
    assert status() == "ok"
    monkeypatch.setenv("HOMEWARD_UNHEALTHY_AFTER", "2")
    assert status() == "failing"
    text = runner.invoke(main, ["sources", "--sources", str(sources), "--archive", url])
    assert "stored nothing 2 runs in a row" in text.output and "FAILING" in text.output
    assert status("--unhealthy-after", "3") == "ok"  # the option wins over the variable
    with open_archive(url) as archive:
        assert sources_health(archive, ["Silent"])[0].status == "failing"
    monkeypatch.setenv("HOMEWARD_UNHEALTHY_AFTER", "two")  # a typo is named, never taken as 3
    refused = runner.invoke(main, ["sources", "--sources", str(sources), "--archive", url])
    assert refused.exit_code == 2
    assert "HOMEWARD_UNHEALTHY_AFTER='two' is not a number of runs" in refused.output
    refused = runner.invoke(main, ["serve", "--archive", url])
    assert refused.exit_code == 2 and "HOMEWARD_UNHEALTHY_AFTER='two'" in refused.output


def test_history_writes_never_fail_a_crawl(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An archive that cannot take the record gives a warning, not an exception."""
    history = RunLog("http://127.0.0.1:1")  # nothing listens there
    record = history.start(sources=["A"])
    finished = history.finish(record, "ok", {"stored": 1})
    assert finished.state == "ok" and finished.summary == {"stored": 1}
    assert "could not record" in caplog.text and "127.0.0.1:1" in caplog.text


# --- every crawl leaves a record ---------------------------------------------------------------


def test_a_manual_crawl_leaves_a_run_record(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    server = MockServer(tmp_path / "requests.jsonl")
    request.addfinalizer(server.stop)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "华南日报"\nfeeds = ["{server.urls["b"]}/rss.xml"]\n\n'
        '[[sources]]\nname = "Gone"\nfeeds = ["http://127.0.0.1:1/feed.xml"]\n'
    )
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    summary = run_crawl(sources, url, state_dir=tmp_path / "state", settings_overrides=FAST)
    assert summary.state == "ok" and summary.run_id
    with open_archive(url) as archive:
        record = archive.get_run(summary.run_id)
        stored = archive.count()
    assert record is not None and record.origin == "manual" and record.state == "ok"
    assert record.sources == ["华南日报", "Gone"] and record.sources_file == str(sources)
    assert record.finished_at and record.elapsed is not None and record.elapsed > 0
    assert record.summary["stored"] == summary.stored == stored > 0
    assert record.source_counts("华南日报")["stored"] == stored
    assert record.source_counts("Gone")["unreachable"] == 1
    health = source_health("Gone", [record], unhealthy_after=1)
    assert health.status == "failing" and "unreachable" in health.last_problem


def test_the_sources_page_shows_health_escaped(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from web import create_app

    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    hostile = '<script>alert("x")</script> News'
    recorded = [run(sources={hostile: {"stored": 0}, "Steady": {"stored": 2}}) for _ in range(3)]
    with open_archive(url) as archive:
        for record in recorded:
            archive.record_run(record)
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        page = client.get("/sources")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    failing_row = page.text.split('<tr class="failing">')[1].split("</tr>")[0]
    assert "&lt;script&gt;" in failing_row and "stored nothing" in failing_row
    assert all(f"<code>{record.id}</code>" in page.text for record in recorded)  # last runs
    assert 'href="/sources"' in page.text

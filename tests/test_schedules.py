"""Schedules: definitions, the APScheduler runner (real crawls of the fixture sites), the
lock, time limits, missed starts, and the crontab/systemd entries.

Crawls run for real: Scrapy in a child process against tests/mockserver.py. A schedule
is made to fire "now" through APScheduler itself (`Runner.run_now`), so the trigger,
executor, lock and run record are the ones a nightly start uses.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_crawl import FAST, MockServer

from cli.main import main
from crawler.summary import RunSummary
from homeward.paths import archive_state_dir
from homeward.runs import RunRecord
from schedules.config import (
    ScheduleError,
    default_schedules_dir,
    load_schedule,
    load_schedules,
    parse_cron,
    parse_duration,
)
from schedules.lock import ScheduleLock
from schedules.runner import Runner, lock_path
from search.open import open_archive

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "schedules"
QUICK = {**FAST, "CONCURRENT_REQUESTS": 2, "HOMEWARD_WORKERS": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """The fixture sites; generated articles take 0.3 s each, so a crawl lasts a while."""
    instance = MockServer(tmp_path_factory.mktemp("mockserver") / "requests.jsonl", delay=0.3)
    yield instance
    instance.stop()


def write_schedule(folder: Path, name: str = "nightly", **keys: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    keys.setdefault("cron", "0 3 * * *")
    lines = [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def generated_sources(path: Path, server: MockServer, articles: int) -> Path:
    path.write_text(
        f'[[sources]]\nname = "Generated"\n'
        f'feeds = ["{server.urls["a"]}/gen/feed.xml?n={articles}"]\n',
        encoding="utf-8",
    )
    return path


def runs_of(archive_url: str) -> list[RunRecord]:
    with open_archive(archive_url) as archive:
        return archive.list_runs()


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# --- schedule files --------------------------------------------------------------------------


def test_the_shipped_nightly_schedule() -> None:
    (nightly,) = load_schedules(SHIPPED)
    assert nightly.name == "nightly" and nightly.enabled
    assert nightly.cron.expression == "0 2 * * *" and nightly.timezone == "local"
    assert nightly.sources is None and nightly.archive is None  # the defaults
    assert nightly.time_limit == 6 * 3600 and nightly.jitter == 300 and nightly.catch_up
    upcoming = nightly.next_run(datetime(2026, 5, 14, 1, 59, tzinfo=UTC))
    assert (upcoming.hour, upcoming.minute) == (2, 0)


@pytest.mark.parametrize(
    ("text", "key", "line", "says"),
    [
        ('cron = "0 25 * * *"\n', "cron", 1, "hour 25 is out of range 0-23"),
        ('cron = "0 2 * *"\n', "cron", 1, "has 4 fields"),
        ('cron = "0 2 1 * mon"\n', "cron", 1, "restrict only one"),
        ('cron = "0 2 * * *"\ncrom = "x"\n', "crom", 2, "unknown key; known keys: cron"),
        ('cron = "0 2 * * *"\ntimezone = "Mars/Olympus"\n', "timezone", 2, "not a time zone"),
        ('cron = "0 2 * * *"\n\ntime_limit = "6 hours"\n', "time_limit", 3, "not a duration"),
        ('cron = "0 2 * * *"\njitter = true\n', "jitter", 2, "true/false"),
        ('cron = "0 2 * * *"\ncatch_up = "yes"\n', "catch_up", 2, "true or false"),
        ('cron = "0 2 * * *"\nsources = "missing.toml"\n', "sources", 2, "does not exist"),
        ('cron = "0 2 * * *"\narchive = "postgres://x"\n', "archive", 2, "not an archive URL"),
        ("timezone = 'local'\n", "cron", None, "missing; add e.g. cron"),
    ],
)
def test_bad_schedule_files_name_the_file_line_and_key(
    tmp_path: Path, text: str, key: str, line: int | None, says: str
) -> None:
    path = tmp_path / "nightly.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError) as raised:
        load_schedule(path)
    message = str(raised.value)
    assert message.startswith(str(path) + (f", line {line}" if line else ""))
    assert f"key '{key}'" in message and says in message
    assert raised.value.key == key


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "weekly.toml"
    path.write_text('cron = "0 2 * * 0"\njitter = \n', encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"weekly.toml, line 2: not valid TOML"):
        load_schedule(path)


def test_durations() -> None:
    assert parse_duration(90) == 90
    assert parse_duration("90s") == parse_duration("90") == 90
    assert parse_duration("1h30m") == 5400 and parse_duration("2d") == 172800
    for bad in ("", "h", "-5m", "6 hours", -1):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_cron_weekdays_count_from_sunday() -> None:
    """crontab's 0 is Sunday (APScheduler 3 would read it as Monday)."""
    spec = parse_cron("30 2 * * 0")
    schedule_path = Path("unused.toml")
    from schedules.config import Schedule

    schedule = Schedule(name="weekly", path=schedule_path, cron=spec, timezone="UTC")
    upcoming = schedule.next_run(datetime(2026, 5, 14, tzinfo=UTC))  # a Thursday
    assert upcoming.strftime("%A %H:%M") == "Sunday 02:30"
    assert parse_cron("0 0 * * 7").weekday == frozenset({0})
    assert parse_cron("0 0 * * mon-fri").weekday == frozenset({1, 2, 3, 4, 5})
    assert parse_cron("@daily").expression == "0 0 * * *"
    assert parse_cron("*/15 * * * *").minute == frozenset({0, 15, 30, 45})


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize(
    ("cron", "zone"),
    [
        ("0 2 * * *", "UTC"),
        ("*/20 8-18 * * mon-fri", "UTC"),
        ("5 4 1,15 */2 *", "UTC"),
        ("30 2 * * 0", "Europe/Berlin"),
    ],
)
def test_on_calendar_fires_when_apscheduler_does(cron: str, zone: str) -> None:
    """systemd's own parser gives the same next three starts as the APScheduler trigger."""
    from schedules.config import Schedule

    schedule = Schedule(name="x", path=Path("x.toml"), cron=parse_cron(cron), timezone=zone)
    expression = f"{schedule.cron.on_calendar()} {zone}"
    result = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=3", expression],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC", "LC_ALL": "C"},
        check=True,
    )
    found = re.findall(
        r"(?:Next elapse|Iter\. #\d): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", result.stdout
    )
    systemd_times = [datetime.fromisoformat(f"{t}+00:00") for t in found]
    expected: list[datetime] = []
    trigger, now = schedule.trigger(), datetime.now(UTC)
    for _ in range(3):
        now = trigger.get_next_fire_time(None, now)
        expected.append(now.astimezone(UTC))
        now += timedelta(seconds=1)
    assert systemd_times == expected


# --- the runner: real crawls ----------------------------------------------------------------


def test_a_schedule_fires_a_real_crawl_and_a_start_during_it_is_skipped(
    tmp_path: Path, server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="homeward.schedule")
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = generated_sources(tmp_path / "sources.toml", server, 12)
    write_schedule(tmp_path / "schedules", sources=str(sources), archive=archive)
    (schedule,) = load_schedules(tmp_path / "schedules")
    state = tmp_path / "state"
    runner = Runner([schedule], state_dir=state, settings_overrides=QUICK)
    lock = ScheduleLock(lock_path(schedule, state))
    runner.start()
    try:
        started = time.monotonic()
        runner.run_now("nightly")
        holder = wait_for(lock.holder, 20, "the scheduled crawl to start")
        wait_for(
            lambda: any("/gen/article/" in p for p in server.paths("a")), 30, "articles fetched"
        )
        runner.run_now("nightly")  # the same schedule again while its crawl runs
        skipped = wait_for(
            lambda: [r for r in runs_of(archive) if r.state == "skipped"], 20, "a skipped run"
        )
        assert lock.holder() == holder, "the running crawl was disturbed"
        finished = wait_for(
            lambda: [r for r in runs_of(archive) if r.id == holder.run_id and r.finished],
            90,
            "the crawl to end",
        )
        elapsed = time.monotonic() - started
        next_run = runner.next_run_time("nightly")
    finally:
        runner.shutdown()
    (record,) = finished
    assert record.state == "ok" and record.origin == "schedule" and record.schedule == "nightly"
    assert record.summary["stored"] == 12 and record.source_counts("Generated")["stored"] == 12
    (skip,) = skipped
    assert skip.schedule == "nightly" and skip.sources == ["Generated"]
    assert holder.run_id in skip.message and "still running" in skip.message
    assert lock.holder() is None
    assert (next_run.hour, next_run.minute) == (3, 0)  # back on its cron times
    log = caplog.text
    assert f"run {holder.run_id} started" in log and f"run {holder.run_id} ended ok" in log
    assert "start skipped" in log
    assert elapsed < 60


def test_a_killed_scheduler_leaves_no_crawl_and_no_lock_behind(
    tmp_path: Path, server: MockServer
) -> None:
    """Kill the scheduler: its crawl stops too (parent-death signal, a clean stop), the
    lock is free at once, and the next start records the dead run as killed."""
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = generated_sources(tmp_path / "sources.toml", server, 40)
    folder = tmp_path / "schedules"
    write_schedule(folder, sources=str(sources), archive=archive)
    state = tmp_path / "state"
    command = [sys.executable, "-m", "cli.main", "schedule", "run", "--once", "nightly",
               "--schedules", str(folder), "--state-dir", str(state)]  # fmt: skip
    scheduler = subprocess.Popen(
        command, cwd=REPO, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)}
    )
    (schedule,) = load_schedules(folder)
    lock = ScheduleLock(lock_path(schedule, state))
    try:
        holder = wait_for(lock.holder, 30, "the crawl to take the lock")
        wait_for(lambda: "/gen/feed.xml" in " ".join(server.paths("a")), 30, "the crawl")
        crawl_pid = int(
            wait_for(
                lambda: Path(f"/proc/{scheduler.pid}/task/{scheduler.pid}/children").read_text(),
                10,
                "the crawl process",
            ).split()[0]
        )
        scheduler.send_signal(signal.SIGKILL)
        scheduler.wait(timeout=10)
        wait_for(lambda: not Path(f"/proc/{crawl_pid}").exists(), 60, "the orphaned crawl's end")
        wait_for(lambda: lock.holder() is None, 10, "the lock to be dropped")
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    killed = next(r for r in runs_of(archive) if r.id == holder.run_id)
    assert killed.state == "running"  # nobody was left to record its end

    runner = Runner([schedule], state_dir=state, settings_overrides=QUICK)
    assert runner.fire("nightly") == "ok"
    records = {r.id: r for r in runs_of(archive)}
    assert records[holder.run_id].state == "killed"
    assert "killed" in records[holder.run_id].message
    assert [r.state for r in records.values()].count("ok") == 1
    assert lock.holder() is None


def test_the_time_limit_stops_a_crawl_cleanly(tmp_path: Path, server: MockServer) -> None:
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = generated_sources(tmp_path / "sources.toml", server, 60)
    write_schedule(tmp_path / "schedules", sources=str(sources), archive=archive, time_limit=6)
    (schedule,) = load_schedules(tmp_path / "schedules")
    state = tmp_path / "state"
    overrides = {**QUICK, "CONCURRENT_REQUESTS": 1}
    started = time.monotonic()
    outcome = Runner([schedule], state_dir=state, settings_overrides=overrides).fire("nightly")
    elapsed = time.monotonic() - started
    assert outcome == "timeout"
    assert elapsed < 6 + 20, "the stop took too long"
    (record,) = runs_of(archive)
    assert record.state == "timeout" and record.summary["finish_reason"] == "shutdown"
    assert record.summary["stored"] < 60
    assert (archive_state_dir(archive, state) / "job").exists()  # the next run resumes


def fake_crawl(calls: list[dict[str, Any]]) -> Callable[..., RunSummary]:
    def crawl(sources: Path, archive: str, **kwargs: Any) -> RunSummary:
        calls.append(kwargs)
        return RunSummary(run_id=kwargs["run_id"], state="ok", finish_reason="finished")

    return crawl


@pytest.mark.parametrize("catch_up", [True, False])
def test_starts_missed_while_asleep_make_one_catch_up_run(
    tmp_path: Path, catch_up: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """The machine slept three hours through three hourly starts: on waking, one run
    (or none with catch_up = false), not a burst of three. The minute is chosen away from
    now, so the last missed start is never a few seconds old (that one would just run)."""
    caplog.set_level(logging.INFO, logger="homeward.schedule")
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "A"\nfeeds = ["https://a.example/rss"]\n')
    write_schedule(
        tmp_path / "schedules",
        cron=f"{(datetime.now().astimezone().minute + 30) % 60} * * * *",
        sources=str(sources),
        archive=f"sqlite:///{tmp_path / 'archive.sqlite'}",
        catch_up=catch_up,
    )
    calls: list[dict[str, Any]] = []
    runner = Runner(load_schedules(tmp_path / "schedules"), crawl=fake_crawl(calls))
    runner.start()
    try:
        job = runner._scheduler.get_job("nightly")
        job.modify(next_run_time=datetime.now(UTC) - timedelta(hours=3))
        runner._scheduler.wakeup()
        if catch_up:
            wait_for(lambda: calls, 10, "the catch-up run")
        time.sleep(1.0)  # room for a burst, had there been one
        next_run = runner.next_run_time("nightly")
    finally:
        runner.shutdown()
    assert len(calls) == (1 if catch_up else 0)
    assert next_run > datetime.now(UTC)
    assert ("catching up" in caplog.text) == catch_up
    assert ("was missed and is skipped" in caplog.text) == (not catch_up)


# --- installing in cron or systemd -----------------------------------------------------------

CRON_FIELD = re.compile(r"^[\d*/,\-a-z]+$")


def test_schedule_install_print_gives_a_working_crontab_line(tmp_path: Path) -> None:
    archive = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "Gone"\nfeeds = ["http://127.0.0.1:1/feed.xml"]\n')
    folder = tmp_path / "my schedules"  # a space, to prove the quoting
    write_schedule(folder, cron="15 3 * * mon-fri", sources=str(sources), archive=archive,
                   jitter="1s")  # fmt: skip
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main,
        ["schedule", "install", "--print", "--schedules", str(folder)],
        env={"HOMEWARD_STATE_DIR": str(state), "HOMEWARD_CONTACT": "ops@example.org"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("# homeward schedule nightly (")
    assert lines[-1] == "# end homeward schedule nightly"
    (entry,) = [line for line in lines if not line.startswith("#")]
    fields = entry.split(None, 5)
    assert all(CRON_FIELD.match(field) for field in fields[:5]), fields
    assert parse_cron(" ".join(fields[:5])) == parse_cron("15 3 * * mon-fri")
    command = fields[5]
    assert "%" not in command.replace("\\%", "")
    assert "--jitter" in shlex.split(command)
    subprocess.run(["sh", "-n", "-c", command], check=True)  # valid shell

    # Run it as cron would: /bin/sh, almost no environment, from another folder.
    cron_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    done = subprocess.run(
        ["/bin/sh", "-c", command], cwd="/", env=cron_env, capture_output=True, timeout=120
    )
    # Its only source is unreachable: the run ran, and says it failed (exit status 1).
    assert done.returncode == 1, done.stderr.decode()[-2000:]
    (record,) = runs_of(archive)
    assert record.origin == "schedule" and record.schedule == "nightly"
    assert record.state == "failed"
    assert record.source_counts("Gone")["unreachable"] == 1
    assert "no source answered" in " ".join(record.summary["notes"])
    log = next(state.rglob("nightly.log")).read_text()
    assert f"run {record.id} started" in log and f"run {record.id} ended failed" in log


def test_a_crontab_cannot_follow_another_time_zone(tmp_path: Path) -> None:
    write_schedule(tmp_path, timezone="Pacific/Auckland")
    result = CliRunner().invoke(
        main, ["schedule", "install", "--print", "--schedules", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "key 'timezone'" in result.output and "--via systemd" in result.output


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_schedule_install_print_gives_valid_systemd_units(tmp_path: Path) -> None:
    folder = tmp_path / "schedules"
    write_schedule(folder, cron="30 2 * * 0", timezone="Europe/Berlin", jitter="10m",
                   time_limit="2h")  # fmt: skip
    result = CliRunner().invoke(
        main, ["schedule", "install", "--print", "--via", "systemd", "--schedules", str(folder)]
    )
    assert result.exit_code == 0, result.output
    units = dict(
        re.findall(
            r"^# (homeward-nightly\.\w+)\n(.*?)(?=^# homeward-|\Z)", result.output, re.S | re.M
        )
    )
    assert set(units) == {"homeward-nightly.service", "homeward-nightly.timer"}
    timer = units["homeward-nightly.timer"]
    assert "OnCalendar=Sun *-*-* 02:30:00 Europe/Berlin" in timer
    assert "RandomizedDelaySec=600" in timer and "Persistent=true" in timer
    assert "--jitter" not in units["homeward-nightly.service"]  # systemd adds the delay
    unit_dir = tmp_path / "units"
    unit_dir.mkdir()
    for name, content in units.items():
        (unit_dir / name).write_text(content)
    verified = subprocess.run(
        ["systemd-analyze", "verify", *(str(unit_dir / name) for name in units)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    problems = [
        line
        for line in verified.stderr.splitlines()
        if "homeward-nightly" in line and "network-online.target" not in line
    ]
    assert not problems, problems


def test_installing_twice_replaces_the_crontab_entry(tmp_path: Path) -> None:
    """With a stand-in `crontab` (the real one would change this machine's)."""
    from schedules.install import crontab_block, install_crontab, invocation

    store = tmp_path / "crontab.txt"
    store.write_text("MAILTO=ops@example.org\n17 * * * * backup.sh\n")
    fake = tmp_path / "bin" / "crontab"
    fake.parent.mkdir()
    fake.write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then cat "{store}"; else cat > "{store}"; fi\n'
    )
    fake.chmod(0o755)
    write_schedule(tmp_path / "s", cron="0 2 * * *")
    (schedule,) = load_schedules(tmp_path / "s")
    block = crontab_block(schedule, invocation(schedule, tmp_path / "s", jitter=True))
    install_crontab([schedule], [block], crontab=str(fake))
    install_crontab([schedule], [block], crontab=str(fake))
    text = store.read_text()
    assert text.startswith("MAILTO=ops@example.org\n17 * * * * backup.sh\n")
    assert text.count("# homeward schedule nightly") == 1 and text.count(" schedule run ") == 1


def test_schedule_list_shows_the_next_run(tmp_path: Path) -> None:
    write_schedule(tmp_path, "weekly", cron="0 4 * * 6", timezone="UTC", time_limit="3h")
    write_schedule(tmp_path, "paused", cron="0 4 * * *", enabled=False)
    runner = CliRunner()
    result = runner.invoke(main, ["schedule", "list", "--schedules", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    upcoming = datetime.fromisoformat(rows["weekly"]["next_run"])
    assert upcoming.strftime("%A %H:%M") == "Saturday 04:00" and upcoming > datetime.now(UTC)
    assert rows["paused"]["next_run"] is None and rows["weekly"]["time_limit"] == 10800
    text = runner.invoke(main, ["schedule", "list", "--schedules", str(tmp_path)])
    assert "weekly: 0 4 * * 6 UTC; next run" in text.output and "disabled" in text.output
    bad = runner.invoke(main, ["schedule", "list", "--schedules", str(tmp_path / "none")])
    assert bad.exit_code == 2 and "no such folder" in bad.output


def test_homeward_schedules_is_the_default_schedules_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # where ./schedules holds the shipped nightly.toml
    mine = tmp_path / "mine"
    write_schedule(mine, "weekly", cron="0 4 * * 6", timezone="UTC")
    write_schedule(mine, "hourly", cron="5 * * * *")
    runner = CliRunner()

    def listed() -> list[str]:
        result = runner.invoke(main, ["schedule", "list", "--json"])
        assert result.exit_code == 0, result.output
        return [row["name"] for row in json.loads(result.output)]

    monkeypatch.delenv("HOMEWARD_SCHEDULES", raising=False)
    assert listed() == ["nightly"]
    monkeypatch.setenv("HOMEWARD_SCHEDULES", str(mine))
    assert default_schedules_dir() == mine
    assert listed() == ["hourly", "weekly"]
    text = runner.invoke(main, ["schedule", "list"])
    assert f"2 schedule(s) in {mine}" in text.output
    other = tmp_path / "other"
    write_schedule(other, "other")
    flag = runner.invoke(main, ["schedule", "list", "--schedules", str(other), "--json"])
    assert [row["name"] for row in json.loads(flag.output)] == ["other"]  # --schedules wins
    monkeypatch.setenv("HOMEWARD_SCHEDULES", str(tmp_path / "none"))
    missing = runner.invoke(main, ["schedule", "list"])
    assert missing.exit_code == 2
    assert "no such folder; pass --schedules DIR or set HOMEWARD_SCHEDULES" in missing.output

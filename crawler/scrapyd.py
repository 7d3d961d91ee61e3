"""`homeward crawl --scrapyd URL[,URL...]`: one crawl spread over Scrapyd nodes.

The coordinator (this module, on any machine):

1. checks that every node answers and that the archive is one they can all
   write to (Elasticsearch: an embedded SQLite file lives on one machine);
2. builds the project egg (the crawler and the layers below it: pipelines,
   search, homeward, with their data files) and deploys it to every node
   with Scrapyd's `addversion.json`;
3. splits the sources among the nodes, balanced by their number of start URLs,
   and schedules one `news` job per node (`schedule.json`) with its share of
   sources.toml as the spider argument `sources_toml`, and the settings
   HOMEWARD_ARCHIVE, HOMEWARD_RUN_ID and HOMEWARD_RUN_PART;
4. records the run (state "running") in the shared archive's run history; each
   node's crawl adds its own summary to that record when it ends
   (`crawler.extensions.RunPartRecorder`), so no node must be reachable from the
   coordinator for anything but Scrapyd's API;
5. polls the jobs until all have finished, merges near-duplicates that
   different nodes stored (`crawler.merge`), adds the nodes' summaries up and
   records the run's end.

Scrapyd-client's `ScrapydClient` talks to the API; the egg is built here rather
than with `scrapyd-deploy`, which writes a setup.py into the project folder.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests
from scrapyd_client.exceptions import ErrorResponse, MalformedResponse
from scrapyd_client.pyclient import ScrapydClient, _process_response

from crawler.history import RunLog
from crawler.merge import merge_node_duplicates
from crawler.sources import Source, load_sources
from crawler.summary import RunSummary
from homeward.paths import resolve_archive_url, shown_url
from homeward.runs import FAILED, OK, RUNNING, RunRecord, merge_summaries, new_run_id
from search.open import open_archive

__all__ = [
    "PACKAGES",
    "ScrapydError",
    "build_egg",
    "crawl_on_scrapyd",
    "parse_node_urls",
    "sources_toml",
    "split_sources",
]

logger = logging.getLogger("homeward.scrapyd")

PROJECT = "homeward"
SPIDER = "news"
# What a node runs: the crawler and the floors below it (docs/architecture.md).
PACKAGES = ("homeward", "pipelines", "search", "crawler")
REPO_ROOT = Path(__file__).resolve().parent.parent
EGG_EXCLUDE = ("__pycache__", "*.pyc")
POLL_INTERVAL = 2.0
REQUEST_TIMEOUT = 30.0
# A node's part is written when its spider closes, before Scrapyd sees the job end;
# this is only the slack for the write to become visible.
PART_WAIT = 10.0
STATE_ORDER = (OK, "stopped", "timeout", FAILED)  # a run is as bad as its worst part


class ScrapydError(RuntimeError):
    """A node could not be used; the message names its URL and says what to do."""


# --- nodes ------------------------------------------------------------------------------


def parse_node_urls(value: str) -> list[str]:
    """`http://a:6800,http://b:6800` as a list of base URLs (no trailing slash, no repeats)."""
    urls: list[str] = []
    for part in value.split(","):
        url = part.strip().rstrip("/")
        if not url:
            continue
        try:
            parsed = urlparse(url)
            parsed.port  # noqa: B018 - reading it checks it: a number from 0 to 65535
        except ValueError as error:  # a broken [IPv6] host, a port out of range
            raise ScrapydError(
                f"Scrapyd node {shown_url(part.strip())!r} is not a valid URL ({error}); "
                "write e.g. http://10.0.0.5:6800"
            ) from None
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ScrapydError(
                f"Scrapyd node {shown_url(part.strip())!r} is not a URL; "
                "write e.g. http://10.0.0.5:6800"
            )
        if url not in urls:
            urls.append(url)
    if not urls:
        raise ScrapydError("--scrapyd names no node; write e.g. http://10.0.0.5:6800")
    return urls


class Node:
    """One Scrapyd node, through scrapyd-client's API client."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shown = shown_url(url)  # for messages: a password in the URL as ***
        self.client = ScrapydClient(url)

    def call(self, what: str, action: Callable[[], Any]) -> Any:
        """Run one API call; every failure becomes a ScrapydError naming the node."""
        try:
            return action()
        except requests.RequestException as error:
            raise ScrapydError(
                f"Scrapyd node {self.shown}: cannot {what} ({type(error).__name__}); is scrapyd "
                "running there and reachable from this machine?"
            ) from error
        except (ErrorResponse, MalformedResponse) as error:
            raise ScrapydError(f"Scrapyd node {self.shown}: cannot {what}: {error}") from error

    def check(self) -> None:
        self.call("read its status", self.client.daemonstatus)

    def add_version(self, version: str, egg: Path) -> None:
        def post() -> dict[str, Any]:
            with egg.open("rb") as stream:
                response = requests.post(
                    f"{self.url}/addversion.json",
                    data={"project": PROJECT, "version": version},
                    files={"egg": (egg.name, stream)},
                    auth=self.client.auth,
                    timeout=REQUEST_TIMEOUT,
                )

            return dict(_process_response(response))

        self.call("deploy the project egg", post)

    def schedule(self, args: list[tuple[str, str]]) -> str:
        return str(
            self.call("schedule the crawl", lambda: self.client.schedule(PROJECT, SPIDER, args))
        )

    def job_state(self, job: str) -> str:
        """ "pending", "running", "finished" or "" (unknown) for one job."""
        status = self.call("read the job's status", lambda: self.client.status(job, PROJECT))
        # Scrapyd 1.5+ answers "currstate"; some clients document "currentstate".
        return str(status.get("currstate") or status.get("currentstate") or "")

    def cancel(self, job: str) -> None:
        self.call("cancel the job", lambda: self.client.cancel(PROJECT, job))

    def log_url(self, job: str) -> str:
        return f"{self.url}/logs/{PROJECT}/{SPIDER}/{job}.log"


# --- the egg ----------------------------------------------------------------------------

_SETUP = """\
from setuptools import setup

setup(
    name={project!r},
    version={version!r},
    packages={packages!r},
    package_data={package_data!r},
    entry_points={{"scrapy": ["settings = crawler.settings"]}},
    zip_safe=True,
)
"""


def build_egg(directory: str | Path, version: str) -> Path:
    """Build the project egg in `directory` and return its path.

    The packages are copied to a scratch folder with a setup.py of their own, so
    the project folder is left as it was. Data files (the topic lexicon,
    templates) go in as package data; they are read with importlib.resources,
    which works inside the zipped egg Scrapyd runs from.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="homeward-egg-") as scratch:
        root = Path(scratch)
        for package in PACKAGES:
            shutil.copytree(
                REPO_ROOT / package, root / package, ignore=shutil.ignore_patterns(*EGG_EXCLUDE)
            )
        packages = sorted(
            ".".join(init.parent.relative_to(root).parts) for init in root.rglob("__init__.py")
        )
        package_data: dict[str, list[str]] = {}
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix == ".py":
                continue
            owner = path.parent
            while not (owner / "__init__.py").exists():
                owner = owner.parent
            name = ".".join(owner.relative_to(root).parts)
            package_data.setdefault(name, []).append(str(path.relative_to(owner)))
        (root / "setup.py").write_text(
            _SETUP.format(
                project=PROJECT, version=version, packages=packages, package_data=package_data
            ),
            encoding="utf-8",
        )
        result = subprocess.run(
            [sys.executable, "setup.py", "-q", "bdist_egg", "--dist-dir", str(out)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ScrapydError(f"building the project egg failed:\n{result.stderr[-3000:]}")
    eggs = sorted(out.glob(f"{PROJECT}-{version}-*.egg"))
    if not eggs:
        raise ScrapydError(f"building the project egg left no egg in {out}")
    return eggs[-1]


# --- splitting the sources ----------------------------------------------------------------


def split_sources(sources: Sequence[Source], parts: int) -> list[list[Source]]:
    """`parts` shares of similar size (by start URLs; largest first to the lightest
    share). Deterministic, so a source lands on the same node run after run as long
    as the list and the nodes stay the same (its seen store lives on that node)."""
    shares: list[list[Source]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for source in sorted(sources, key=lambda s: (-len(s.start_urls()), s.name)):
        lightest = min(range(parts), key=lambda i: (loads[i], i))
        shares[lightest].append(source)
        loads[lightest] += len(source.start_urls())
    return shares


def sources_toml(sources: Sequence[Source]) -> str:
    """sources.toml text for a list of sources (what a node's spider parses)."""
    blocks = []
    for source in sources:
        lines = ["[[sources]]", f"name = {json.dumps(source.name, ensure_ascii=False)}"]
        for key in ("feeds", "sitemaps", "pages"):
            urls = getattr(source, key)
            if urls:
                lines.append(f"{key} = {json.dumps(list(urls), ensure_ascii=False)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- the run --------------------------------------------------------------------------------


@dataclass(slots=True)
class Job:
    node: Node
    sources: list[Source]
    job: str = ""
    state: str = "pending"


def crawl_on_scrapyd(
    sources_path: str | Path,
    archive_url: str | None,
    node_urls: Sequence[str],
    *,
    settings_overrides: Mapping[str, Any] | None = None,
    poll_interval: float = POLL_INTERVAL,
    time_limit: float | None = None,
    report: Callable[[str], None] | None = None,
) -> RunSummary:
    """Crawl `sources_path` on the Scrapyd nodes into the shared archive; the run summary
    (the nodes' summaries added up) carries the run record's id and state.

    `time_limit` cancels the jobs still running after that many seconds (state
    "timeout"). `report` receives one line per step (deploys, jobs, ends).
    """
    say = report or (lambda line: logger.info("%s", line))
    archive = resolve_archive_url(archive_url)
    if urlparse(archive).scheme not in ("http", "https"):
        raise ScrapydError(
            f"archive {shown_url(archive)}: Scrapyd nodes need an Elasticsearch archive they "
            "can all reach (--archive http://host:9200); an embedded SQLite archive lives on "
            "one machine"
        )
    sources = load_sources(sources_path)
    nodes = [Node(url) for url in node_urls]
    for node in nodes:
        node.check()
    shares = split_sources(sources, len(nodes))
    jobs = [Job(node, share) for node, share in zip(nodes, shares, strict=True) if share]
    history = RunLog(archive)
    run = history.start(
        run_id=new_run_id(),
        origin="scrapyd",
        sources=[source.name for source in sources],
        sources_file=Path(sources_path).resolve(),
        nodes=[job.node.url for job in jobs],
    )
    try:
        _deploy_and_schedule(jobs, run, archive, settings_overrides or {}, say)
        history.update(run, lambda record: _note_jobs(record, jobs))
        timed_out = _wait(jobs, poll_interval, time_limit, say)
    except BaseException as error:
        for job in jobs:
            if job.job and job.state != "finished":
                try:
                    job.node.cancel(job.job)
                except ScrapydError as cancel_error:
                    logger.warning("%s", cancel_error)
        state = "stopped" if isinstance(error, KeyboardInterrupt) else FAILED
        history.finish(run, state, message=str(error)[:4000] or type(error).__name__)
        raise
    try:
        return _gather(history, run, jobs, archive, timed_out, say)
    except Exception as error:
        history.finish(run, FAILED, message=f"gathering the nodes' results failed: {error}")
        raise


def _deploy_and_schedule(
    jobs: list[Job],
    run: RunRecord,
    archive: str,
    overrides: Mapping[str, Any],
    say: Callable[[str], None],
) -> None:
    version = time.strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(prefix="homeward-eggs-") as scratch:
        egg = build_egg(scratch, version)
        for job in jobs:
            job.node.add_version(version, egg)
            say(f"deployed {egg.name} to {job.node.shown}")
    for job in jobs:
        settings = {
            "HOMEWARD_ARCHIVE": archive,
            "HOMEWARD_RUN_ID": run.id,
            "HOMEWARD_RUN_PART": job.node.url,
            **overrides,
        }
        args = [("_version", version), ("sources_toml", sources_toml(job.sources))]
        args += [("setting", f"{name}={_setting_text(value)}") for name, value in settings.items()]
        job.job = job.node.schedule(args)
        names = ", ".join(source.name for source in job.sources)
        say(f"{job.node.shown}: job {job.job} crawls {len(job.sources)} source(s): {names}")


def _setting_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _note_jobs(record: RunRecord, jobs: list[Job]) -> None:
    for job in jobs:
        part = record.nodes.setdefault(job.node.url, {"state": RUNNING})
        part.setdefault("job", job.job)
        part["sources"] = [source.name for source in job.sources]


def _wait(
    jobs: list[Job], interval: float, time_limit: float | None, say: Callable[[str], None]
) -> bool:
    """Poll until every job finished; True when the time limit cancelled some."""
    deadline = time.monotonic() + time_limit if time_limit else None
    while True:
        for job in jobs:
            if job.state == "finished":
                continue
            state = job.node.job_state(job.job)
            if state and state != job.state:
                job.state = state
                say(f"{job.node.shown}: job {job.job} {state}")
        if all(job.state == "finished" for job in jobs):
            return False
        if deadline is not None and time.monotonic() >= deadline:
            for job in jobs:
                if job.state != "finished":
                    say(f"{job.node.shown}: time limit reached, stopping job {job.job}")
                    job.node.cancel(job.job)  # Scrapyd sends SIGTERM: a clean stop
            _wait(jobs, interval, None, say)
            return True
        time.sleep(interval)


def _gather(
    history: RunLog,
    run: RunRecord,
    jobs: list[Job],
    archive: str,
    timed_out: bool,
    say: Callable[[str], None],
) -> RunSummary:
    """Read the nodes' parts from the run record, merge cross-node copies, record the end."""
    deadline = time.monotonic() + PART_WAIT
    while True:
        with open_archive(archive) as opened:
            record = opened.get_run(run.id) or run
        missing = [job for job in jobs if "summary" not in record.nodes.get(job.node.url, {})]
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    problems = [
        f"{job.node.shown}: job {job.job} ended without a summary; "
        f"see {shown_url(job.node.log_url(job.job))}"
        for job in missing
    ]
    parts = [record.nodes[job.node.url] for job in jobs if job not in missing]
    merged = merge_summaries(part["summary"] for part in parts)
    with open_archive(archive) as opened:
        copies = merge_node_duplicates(opened, run.started_at)
    if copies:
        merged["duplicates"] += len(copies)
        merged["stored"] -= sum(merge.copy_new for merge in copies)
        merged["notes"].append(
            f"{len(copies)} copies stored by different nodes were merged into their originals"
        )
        say(f"merged {len(copies)} copies stored by different nodes")
    states = [part.get("state") or FAILED for part in parts] + [FAILED] * len(missing)
    state = max(states, key=lambda s: STATE_ORDER.index(s) if s in STATE_ORDER else 3)
    if timed_out and state in (OK, "stopped"):
        state = "timeout"
    history.finish(run, state, merged, message="; ".join(problems))
    summary = RunSummary.from_dict(merged)
    summary.archive = shown_url(archive)
    summary.run_id, summary.state = run.id, state
    return summary

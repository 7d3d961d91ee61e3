"""An Elasticsearch node SIGKILLed in the middle of a crawl loses nothing.

A node of its own (scripts/elasticsearch.sh on free ports) takes a slow crawl of the
fixture web; the node's JVM is killed with SIGKILL while articles arrive. The crawl
goes on and spools what it cannot write; after the node is started again, the next
crawl writes the spool and the run record of the outage crawl gets its end.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_crawl import FAST, MockServer, articles
from test_elasticsearch_script import free_port, node_folder, run

from crawler.run import run_crawl
from search.open import open_archive

ARTICLES = 40


@pytest.fixture
def own_node(es_url: str) -> Iterator[dict[str, str]]:
    """A second node, started and stopped by the project's script (es_url: the suite
    has Elasticsearch at all, so the distribution is already downloaded)."""
    env = {
        "HOMEWARD_ES_PORT": str(free_port()),
        "HOMEWARD_ES_TRANSPORT_PORT": str(free_port()),
        "HOMEWARD_ES_HEAP": "384m",
    }
    started = run("start", env=env, timeout=400)
    assert started.returncode == 0, started.stderr
    env["url"] = started.stdout.strip()
    yield env
    run("stop", env=env, timeout=120)
    shutil.rmtree(node_folder(env["HOMEWARD_ES_PORT"]), ignore_errors=True)


def node_pid(env: dict[str, str]) -> int:
    status = run("status", env=env)  # running <url> Elasticsearch <version> pid <pid> …
    assert status.returncode == 0, status.stderr
    return int(status.stdout.split(" pid ")[1].split()[0])


def test_a_node_killed_mid_crawl_loses_no_article(
    own_node: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = own_node["url"]
    monkeypatch.setenv("HOMEWARD_ES_INDEX", "homeward-outage-test")
    server = MockServer(tmp_path / "requests.jsonl", delay=0.3)
    try:
        sources = tmp_path / "sources.toml"
        feed = f"{server.urls['a']}/gen/feed.xml?n={ARTICLES}"
        sources.write_text(f'[[sources]]\nname = "Generated"\nfeeds = ["{feed}"]\n')
        state = tmp_path / "state"
        overrides = {**FAST, "CONCURRENT_REQUESTS": 2, "HOMEWARD_INDEX_BATCH": 5}
        outcome: dict[str, object] = {}

        def crawl() -> None:
            outcome["summary"] = run_crawl(
                sources, url, state_dir=state, settings_overrides=overrides
            )

        crawler = threading.Thread(target=crawl)
        crawler.start()
        while sum("/gen/article/" in p for p in server.paths("a")) < 12:
            assert crawler.is_alive(), "the crawl ended before the node was killed"
            threading.Event().wait(0.1)
        os.kill(node_pid(own_node), signal.SIGKILL)
        crawler.join(timeout=300)
        first = outcome["summary"]
        assert first.spooled > 0, first.to_dict()  # what the dead node could not take

        assert run("start", env=own_node, timeout=400).returncode == 0
        second = run_crawl(sources, url, state_dir=state, settings_overrides=FAST)
        stored = articles(url)
        print(
            f"node killed: first crawl stored {first.stored}, spooled {first.spooled}; "
            f"the next wrote {second.spool_written} from the spool; {len(stored)} in the archive"
        )
        assert len(stored) == ARTICLES  # none lost, none twice (ids are the URLs')
        with open_archive(url) as archive:
            assert archive.count() == ARTICLES
            runs = {run.id: run for run in archive.list_runs()}
        assert runs[first.run_id].state == first.state != "running"
    finally:
        server.stop()

"""A cluster loses nothing when a data node dies in the middle of a crawl.

A cluster of its own (`scripts/elasticsearch.sh cluster start`, three nodes on free
ports) takes a slow crawl of the fixture web. The node holding the primary copy of
the articles is killed with SIGKILL while articles arrive: its replica on another
node takes over, so the crawl goes on without spooling, every article is stored
once, and searches are answered while the node is still down.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_crawl import FAST, MockServer, articles
from test_elasticsearch_script import es_request, node_folder, run

from crawler.run import run_crawl
from search.backends.elastic import ElasticArchive
from search.open import open_archive
from search.query import build_request

ARTICLES = 40
NODES = 3


def free_port_run(count: int, taken: range = range(0)) -> int:
    """The first of `count` consecutive free loopback ports, none in `taken` (the
    script numbers a cluster's nodes from its first port)."""
    for _ in range(200):
        first = random.randint(20_000, 60_000)
        if set(range(first, first + count)) & set(taken):
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports found")


def cluster(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return run("cluster", *args, env=env, timeout=timeout)


@pytest.fixture
def own_cluster(es_url: str) -> Iterator[dict[str, str]]:
    """A cluster started and stopped by the project's script (es_url: the suite has
    Elasticsearch at all, so the distribution is already downloaded)."""
    http = free_port_run(NODES)
    env = {
        "HOMEWARD_ES_CLUSTER_PORT": str(http),
        "HOMEWARD_ES_CLUSTER_TRANSPORT_PORT": str(free_port_run(NODES, range(http, http + NODES))),
        "HOMEWARD_ES_CLUSTER_HEAP": "384m",
    }
    try:
        started = cluster("start", "--nodes", str(NODES), env=env, timeout=400)
        assert started.returncode == 0, started.stderr
        env["url"] = started.stdout.strip()
        yield env
    finally:
        cluster("stop", env=env)
        port = env["HOMEWARD_ES_CLUSTER_PORT"]
        shutil.rmtree(node_folder(port).with_name(f"cluster-{port}"), ignore_errors=True)


def node_pids(env: dict[str, str]) -> dict[str, int]:
    """The running nodes' JVMs by URL, from `cluster status`."""
    lines = cluster("status", env=env).stdout.splitlines()  # running <url> … pid <pid> …
    return {
        line.split()[1]: int(line.split(" pid ")[1].split()[0])
        for line in lines
        if line.startswith("running ")
    }


def primary_node_url(url: str, alias: str) -> str:
    """The URL of the node holding the primary shard behind `alias` (nodes are named
    homeward-<HTTP port> by the script)."""
    shards = es_request(f"{url}/_cat/shards/{alias}?format=json&h=prirep,node")
    (name,) = [shard["node"] for shard in shards if shard["prirep"] == "p"]
    return f"http://127.0.0.1:{name.removeprefix('homeward-')}"


def test_a_data_node_killed_mid_crawl_loses_nothing_and_searches_go_on(
    own_cluster: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HOMEWARD_ES_CLUSTER_PORT, _TRANSPORT_PORT and _HEAP placed and sized every node.
    http, transport = (
        int(own_cluster[f"HOMEWARD_ES_CLUSTER_{k}"]) for k in ("PORT", "TRANSPORT_PORT")
    )
    nodes = es_request(f"{own_cluster['url']}/_nodes/http,transport,jvm")["nodes"].values()
    assert sorted(int(n["http"]["publish_address"].rsplit(":", 1)[1]) for n in nodes) == list(
        range(http, http + NODES)
    )
    assert sorted(int(n["transport"]["publish_address"].rsplit(":", 1)[1]) for n in nodes) == list(
        range(transport, transport + NODES)
    )
    assert {n["jvm"]["mem"]["heap_max_in_bytes"] for n in nodes} == {384 * 2**20}
    alias = f"homeward-cluster-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("HOMEWARD_ES_INDEX", alias)
    ElasticArchive(own_cluster["url"], alias=alias).close()  # made by Homeward, as a crawl would
    health = es_request(
        f"{own_cluster['url']}/_cluster/health/{alias}?wait_for_status=green&timeout=60s"
    )
    assert health["status"] == "green", health
    settings = es_request(f"{own_cluster['url']}/{alias}/_settings/index.number_of_replicas")
    assert [index["settings"]["index"]["number_of_replicas"] for index in settings.values()] == [
        "1"
    ]
    victim = primary_node_url(own_cluster["url"], alias)
    pids = node_pids(own_cluster)
    assert len(pids) == NODES
    entry = next(url for url in sorted(pids) if url != victim)  # the crawl's --archive

    server = MockServer(tmp_path / "requests.jsonl", delay=0.3)
    reader = open_archive(entry)
    try:
        sources = tmp_path / "sources.toml"
        feed = f"{server.urls['a']}/gen/feed.xml?n={ARTICLES}"
        sources.write_text(f'[[sources]]\nname = "Generated"\nfeeds = ["{feed}"]\n')
        overrides = {**FAST, "CONCURRENT_REQUESTS": 2, "HOMEWARD_INDEX_BATCH": 5}
        outcome: dict[str, object] = {}

        def crawl() -> None:
            outcome["summary"] = run_crawl(
                sources, entry, state_dir=tmp_path / "state", settings_overrides=overrides
            )

        crawler = threading.Thread(target=crawl)
        crawler.start()
        # Each copy of a shard refreshes on its own: counts are read after a refresh.
        before = 0
        while before < 5:  # the first articles are in before the node dies
            assert crawler.is_alive(), "the crawl ended before the node was killed"
            threading.Event().wait(0.2)
            reader.refresh()
            before = reader.count()
        os.kill(pids[victim], signal.SIGKILL)
        reader.refresh()
        during = reader.search(build_request("abducted", limit=1)).total
        crawler.join(timeout=300)
        summary = outcome["summary"]

        reader.refresh()
        found = reader.search(build_request("abducted", limit=ARTICLES)).total
        stored = articles(entry)
        print(
            f"killed {victim} (primary) with {before} articles in; searches meanwhile found "
            f"{during}, then {found}; the crawl stored {summary.stored}, spooled "
            f"{summary.spooled}; {len(stored)} in the archive"
        )
        assert during >= before  # the replica answered for the dead primary
        assert summary.spooled == 0, summary.to_dict()  # writes went on: nothing waited
        assert summary.stored == ARTICLES
        assert len(stored) == reader.count() == found == ARTICLES  # none lost, none twice
        assert victim not in node_pids(own_cluster)  # all this with the node still down
        assert cluster("status", env=own_cluster).returncode == 3
    finally:
        reader.close()
        server.stop()


def test_cluster_commands_check_their_arguments(tmp_path: Path) -> None:
    port = free_port_run(NODES)
    env = {"HOMEWARD_CACHE": str(tmp_path / "cache"), "HOMEWARD_ES_CLUSTER_PORT": str(port)}
    url = cluster("url", env=env)
    assert (url.returncode, url.stdout) == (0, f"http://127.0.0.1:{port}\n")
    status = cluster("status", env=env)
    assert status.returncode == 3
    assert status.stdout.splitlines()[0] == f"stopped http://127.0.0.1:{port}"
    assert len(status.stdout.splitlines()) == 3  # the default size
    too_few = cluster("start", "--nodes", "1", env=env)
    assert too_few.returncode == 1
    assert "--nodes must be a number from 2 to 9, got '1'" in too_few.stderr
    assert cluster("stop", "--nodes", "3", env=env).returncode == 2  # only start takes it
    bad = cluster("url", env={**env, "HOMEWARD_ES_CLUSTER_PORT": "65530"})
    assert bad.returncode == 1 and "HOMEWARD_ES_CLUSTER_PORT" in bad.stderr

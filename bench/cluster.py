"""Elasticsearch loading and search on a small cluster next to one node, in one run.

Called by `bench/run.py --es URL --cluster`: the node at URL is measured first, then a
cluster of `--cluster NODES` nodes (default 3) on this machine (scripts/elasticsearch.sh cluster,
384 MB heap each), started for the run and stopped after it unless it was running
already. Each side gets the same generated articles: loading is bench/run.py's
`es_loading` (Homeward's `Archive.upsert` against a bare `streaming_bulk` into one
shard without replica), search is bench/search.py's query mix at the same size.

On one machine the cluster's nodes share its cores and disk, and Homeward's index
there keeps a replica (one more copy of every write), so these figures show what the
same code costs on a cluster, not what a cluster of real machines gains.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.search import generate, latencies, load, percentile
from search.backends.elastic import ElasticArchive

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "elasticsearch.sh"
SLICE = 20_000  # articles generated and loaded at a time, to bound memory

Loading = Callable[[str, int], tuple[float, float]]  # bench/run.py's es_loading


@dataclass(slots=True)
class Figures:
    name: str
    homeward_rate: float  # docs/s through Archive.upsert
    bare_rate: float  # docs/s through a bare streaming_bulk
    p50: float  # search latency, ms
    p95: float


def script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), "cluster", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextmanager
def running_cluster(nodes: int) -> Iterator[str]:
    """The cluster's URL; a cluster this started is stopped afterwards."""
    already = script("status").returncode == 0
    started = script("start", "--nodes", str(nodes))
    if started.returncode != 0:
        raise SystemExit(f"could not start the cluster:\n{started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        if not already:
            script("stop")


def search_latency(url: str, count: int) -> tuple[float, float]:
    """(p50 ms, p95 ms) of bench/search.py's query mix over `count` articles."""
    archive = ElasticArchive(url, alias=f"homeward-bench-{uuid.uuid4().hex[:8]}")
    try:
        for start in range(0, count, SLICE):
            load(archive, list(generate(min(SLICE, count - start), seed=start + 1)))
        timings = latencies(archive, rounds=3)
    finally:
        archive.drop()
        archive.close()
    return percentile(timings, 0.5), percentile(timings, 0.95)


def figures(name: str, url: str, loading: Loading, count: int) -> Figures:
    homeward_rate, bare_rate = loading(url, count)
    return Figures(name, homeward_rate, bare_rate, *search_latency(url, count))


def measure(single: str, loading: Loading, count: int, nodes: int) -> list[Figures]:
    """One node, then the cluster, one after the other (never at the same time)."""
    rows = [figures("one node", single, loading, count)]
    with running_cluster(nodes) as url:
        rows.append(figures(f"{nodes}-node cluster", url, loading, count))
    return rows


def table(rows: list[Figures], count: int) -> str:
    one = rows[0]
    lines = [
        f"Elasticsearch, one node and a cluster on this machine, {count:,} articles",
        f"{'':<16} {'Homeward docs/s':>15} {'bare docs/s':>12} {'ratio':>6} "
        f"{'vs one node':>11} {'search p50 ms':>13} {'p95 ms':>7}",
    ]
    for row in rows:
        lines.append(
            f"{row.name:<16} {row.homeward_rate:>15,.0f} {row.bare_rate:>12,.0f} "
            f"{row.homeward_rate / row.bare_rate:>5.2f}x "
            f"{row.homeward_rate / one.homeward_rate:>10.2f}x {row.p50:>13.1f} {row.p95:>7.1f}"
        )
    lines.append(
        "Homeward's index auto-expands to one replica on the cluster; the bare index has "
        "none on either; the cluster's nodes share this machine's cores"
    )
    return "\n".join(lines)

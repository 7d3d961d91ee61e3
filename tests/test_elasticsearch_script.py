"""Tests for scripts/elasticsearch.sh.

The fast tests never start Elasticsearch and never touch the internet: they use
a temporary HOMEWARD_CACHE, free ports and a local fake Maven repository. The
one lifecycle test (marked ``elasticsearch``) starts and stops a real second
node on free ports, reusing the normal download cache.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import es_node

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "elasticsearch.sh"
VERSION = "8.19.21"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOMEWARD_CACHE": str(tmp_path / "cache"), "HOMEWARD_ES_PORT": str(free_port())}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A local HTTP server over a directory: (root, port)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_every_script_is_shellcheck_clean() -> None:
    if shutil.which("shellcheck") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true and shellcheck is missing (scripts/setup.sh installs it)")
        pytest.skip("shellcheck not installed")
    root = SCRIPT.parent.parent
    scripts = sorted(str(path.relative_to(root)) for path in (root / "scripts").glob("*.sh"))
    result = subprocess.run(
        ["shellcheck", "-x", *scripts], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_url_uses_port(env: dict[str, str]) -> None:
    result = run("url", env=env)
    assert result.returncode == 0
    assert result.stdout == f"http://127.0.0.1:{env['HOMEWARD_ES_PORT']}\n"


def test_usage_and_bad_settings(env: dict[str, str]) -> None:
    assert run("frobnicate", env=env).returncode == 2
    bad = run("url", env={**env, "HOMEWARD_ES_PORT": "92OO"})
    assert bad.returncode == 1
    assert "HOMEWARD_ES_PORT" in bad.stderr


def test_status_when_stopped(env: dict[str, str]) -> None:
    result = run("status", env=env)
    assert result.returncode == 3
    assert result.stdout.startswith("stopped")


def test_start_refuses_port_used_by_someone_else(
    env: dict[str, str], http_dir: tuple[Path, int]
) -> None:
    _, port = http_dir
    result = run("start", env={**env, "HOMEWARD_ES_PORT": str(port)})
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
    assert result.stdout == ""


def test_stop_never_kills_a_foreign_pid(env: dict[str, str]) -> None:
    node = Path(env["HOMEWARD_CACHE"]) / "elasticsearch" / f"node-{env['HOMEWARD_ES_PORT']}"
    node.mkdir(parents=True)
    victim = subprocess.Popen(["sleep", "60"])
    try:
        (node / "elasticsearch.pid").write_text(f"{victim.pid}\n")
        result = run("stop", env=env)
        assert result.returncode == 0
        assert victim.poll() is None, "stop killed a process it did not start"
        assert not (node / "elasticsearch.pid").exists(), "stale PID file kept"
    finally:
        victim.kill()
        victim.wait()


def test_checksum_mismatch_deletes_download(
    env: dict[str, str], http_dir: tuple[Path, int]
) -> None:
    root, port = http_dir
    art = root / "org/elasticsearch/distribution/integ-test-zip/elasticsearch" / VERSION
    art.mkdir(parents=True)
    (art / f"elasticsearch-{VERSION}.zip").write_bytes(b"not really a zip")
    (art / f"elasticsearch-{VERSION}.zip.sha512").write_text(
        hashlib.sha512(b"something else").hexdigest()
    )
    (art / f"elasticsearch-{VERSION}.zip.sha1").write_text(
        hashlib.sha1(b"not really a zip").hexdigest()
    )
    result = run("start", env={**env, "HOMEWARD_MAVEN_REPO": f"http://127.0.0.1:{port}"})
    assert result.returncode == 1
    assert "sha512 checksum mismatch" in result.stderr  # the strongest published one is used
    downloads = Path(env["HOMEWARD_CACHE"]) / "elasticsearch" / "downloads"
    assert list(downloads.iterdir()) == []


# Stands in for Elasticsearch's launcher (bin/elasticsearch): says how it was
# started, then fails, so `start` shows it in the launcher log's tail and stops.
FAKE_LAUNCHER = """#!/bin/sh
echo "fake launcher $0 ES_JAVA_OPTS=$ES_JAVA_OPTS"
exit 78
"""


def publish_fake_distribution(repo: Path, version: str) -> str:
    """An integ-test zip of `version` in a Maven layout under `repo`, with its SHA-512:
    bin/elasticsearch is FAKE_LAUNCHER, and modules/analysis-common exists (so no
    plugin is built). Returns the zip's path in the repository."""
    path = f"org/elasticsearch/distribution/integ-test-zip/elasticsearch/{version}"
    (repo / path).mkdir(parents=True)
    zip_path = repo / path / f"elasticsearch-{version}.zip"
    top = f"elasticsearch-{version}"
    with zipfile.ZipFile(zip_path, "w") as z:
        launcher = zipfile.ZipInfo(f"{top}/bin/elasticsearch")
        launcher.external_attr = 0o100755 << 16
        z.writestr(launcher, FAKE_LAUNCHER)
        for name in ("config/jvm.options", "config/log4j2.properties"):
            z.writestr(f"{top}/{name}", "")
        z.writestr(f"{top}/modules/analysis-common/README", "")
    zip_path.with_name(zip_path.name + ".sha512").write_text(
        hashlib.sha512(zip_path.read_bytes()).hexdigest()
    )
    return f"{path}/{zip_path.name}"


@dataclass
class FakeStarts:
    """`start` with this environment: see the `fake_starts` fixture."""

    env: dict[str, str]

    @property
    def cache(self) -> Path:
        return Path(self.env["HOMEWARD_CACHE"])

    def start(self, **env: str) -> subprocess.CompletedProcess[str]:
        return run("start", env={**self.env, **env})


@pytest.fixture
def fake_starts(
    tmp_path: Path, http_dir: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeStarts]:
    """`start` against a local Maven repository of fake distributions (see
    publish_fake_distribution), on a free port, with a fake JDK and its own cache
    (world-traversable: run as root, the script starts the node as its own system
    user). Nothing is downloaded from the internet and no Elasticsearch starts."""
    for name in ("HOMEWARD_ES_VERSION", "HOMEWARD_ES_HEAP", "HOMEWARD_ES_JAVA_OPTS"):
        monkeypatch.delenv(name, raising=False)
    _, port = http_dir
    jdk = tmp_path / "jdk"
    (jdk / "bin").mkdir(parents=True)
    (jdk / "bin" / "java").write_text("#!/bin/sh\nexit 1\n")
    (jdk / "bin" / "java").chmod(0o755)
    (jdk / "release").write_text('JAVA_VERSION="17.0.99"\n')
    cache = Path(tempfile.mkdtemp(prefix="homeward-es-test-"))
    cache.chmod(0o755)
    try:
        yield FakeStarts(
            {
                "HOMEWARD_CACHE": str(cache),
                "HOMEWARD_ES_PORT": str(free_port()),
                "HOMEWARD_MAVEN_REPO": f"http://127.0.0.1:{port}",
                "ES_JAVA_HOME": str(jdk),
            }
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_es_version_is_the_version_downloaded_and_started(
    fake_starts: FakeStarts, http_dir: tuple[Path, int]
) -> None:
    root, port = http_dir
    zip_path = publish_fake_distribution(root, "8.99.1")
    result = fake_starts.start(HOMEWARD_ES_VERSION="8.99.1")
    assert result.returncode == 1, result.stderr  # the fake launcher fails
    home = fake_starts.cache / "elasticsearch" / "elasticsearch-8.99.1"
    expected = [
        f"downloading Elasticsearch 8.99.1 from http://127.0.0.1:{port}/{zip_path}\n",
        f"installed Elasticsearch 8.99.1 in {home}\n",
        "starting Elasticsearch 8.99.1 on ",
        f"fake launcher {home}/bin/elasticsearch ",
    ]
    assert all(line in result.stderr for line in expected), result.stderr
    unpublished = fake_starts.start(HOMEWARD_ES_VERSION="8.99.2")
    assert unpublished.returncode == 1
    assert "is HOMEWARD_ES_VERSION=8.99.2 published there?" in unpublished.stderr
    bad = run("url", env={"HOMEWARD_ES_VERSION": "latest"})
    assert bad.returncode == 1
    assert "HOMEWARD_ES_VERSION must look like 8.19.21, got 'latest'" in bad.stderr


def test_es_heap_is_the_nodes_java_heap(
    fake_starts: FakeStarts, http_dir: tuple[Path, int]
) -> None:
    root, _ = http_dir
    publish_fake_distribution(root, VERSION)  # the default version, as a fake
    chosen = fake_starts.start(HOMEWARD_ES_HEAP="300m")
    assert chosen.returncode == 1, chosen.stderr  # the fake launcher fails
    assert "ES_JAVA_OPTS=-Xms300m -Xmx300m" in chosen.stderr, chosen.stderr
    default = fake_starts.start()
    assert "ES_JAVA_OPTS=-Xms512m -Xmx512m" in default.stderr, default.stderr
    bad = run("url", env={"HOMEWARD_ES_HEAP": "lots"})
    assert bad.returncode == 1
    assert "HOMEWARD_ES_HEAP must look like 512m or 1g, got 'lots'" in bad.stderr


@pytest.mark.elasticsearch
def test_lifecycle_on_free_ports() -> None:
    env = {
        "HOMEWARD_ES_PORT": str(free_port()),
        "HOMEWARD_ES_TRANSPORT_PORT": str(free_port()),
        "HOMEWARD_ES_HEAP": "384m",
    }
    url = f"http://127.0.0.1:{env['HOMEWARD_ES_PORT']}"
    try:
        started = run("start", env=env, timeout=400)
        assert started.returncode == 0, started.stderr
        assert started.stdout == url + "\n"
        with urllib.request.urlopen(url + "/_cluster/health", timeout=10) as response:
            assert b'"status"' in response.read()
        with urllib.request.urlopen(url + "/_nodes/_local/jvm", timeout=10) as response:
            (node,) = json.load(response)["nodes"].values()
        assert node["jvm"]["mem"]["heap_max_in_bytes"] == 384 << 20  # HOMEWARD_ES_HEAP
        again = run("start", env=env)
        assert (again.returncode, again.stdout) == (0, url + "\n")
        status = run("status", env=env)
        assert status.returncode == 0 and status.stdout.startswith(f"running {url} Elasticsearch ")
    finally:
        stopped = run("stop", env=env, timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert run("status", env=env).returncode == 3
    shutil.rmtree(node_folder(env["HOMEWARD_ES_PORT"]), ignore_errors=True)


def node_folder(port: str) -> Path:
    """Where the script keeps the data and logs of the node on `port`."""
    cache = os.environ.get("HOMEWARD_CACHE") or (
        "/var/cache/homeward"
        if os.geteuid() == 0
        else str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "homeward")
    )
    return Path(cache) / "elasticsearch" / f"node-{port}"


def es_request(url: str, method: str = "GET", body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def tokens(url: str, body: dict) -> list[str]:
    return [token["token"] for token in es_request(url + "/_analyze", "POST", body)["tokens"]]


@pytest.fixture
def node_url() -> str:
    """The running node (HOMEWARD_TEST_ES_URL or http://127.0.0.1:9200), without a slash
    at the end; skipped when there is none, failed in CI."""
    return es_node().rstrip("/")


def test_test_es_url_names_the_node_the_tests_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's Elasticsearch tests go to HOMEWARD_TEST_ES_URL: with nothing there,
    CI fails naming that URL (and elsewhere they are skipped, naming it)."""
    monkeypatch.setenv("HOMEWARD_TEST_ES_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true and no Elasticsearch at .*:9\b"):
        es_node()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match=r"no Elasticsearch at http://127.0.0.1:9\b"):
        es_node()


@pytest.mark.elasticsearch
def test_english_and_cjk_analyzers(node_url: str) -> None:
    """The node has the english and cjk analyzers of a full distribution.

    The integ-test zip lacks analysis-common; the script installs
    scripts/es-analysis-plugin to provide them (built-in names and types).
    """
    url = node_url
    english = {"analyzer": "english", "text": "Trafficking trafficked children"}
    assert tokens(url, english) == ["traffick", "traffick", "children"]
    assert tokens(url, {"analyzer": "cjk", "text": "拐卖儿童"}) == ["拐卖", "卖儿", "儿童"]

    index = f"homeward-test-analysis-{uuid.uuid4().hex[:12]}"
    settings = {
        "number_of_replicas": 0,
        "analysis": {"analyzer": {"en": {"type": "english"}, "zh": {"type": "cjk"}}},
    }
    mappings = {
        "properties": {
            "title": {"type": "text", "analyzer": "en"},
            "text": {"type": "text", "analyzer": "zh"},
        }
    }
    es_request(f"{url}/{index}", "PUT", {"settings": settings, "mappings": mappings})
    try:
        assert tokens(f"{url}/{index}", {"field": "title", "text": "trafficked"}) == ["traffick"]
        es_request(
            f"{url}/{index}/_doc/1?refresh=true",
            "PUT",
            {"title": "Trafficked children", "text": "警方破获一起拐卖儿童案件"},
        )

        def hits(query: dict) -> int:
            found = es_request(f"{url}/{index}/_search", "POST", {"query": query})
            return int(found["hits"]["total"]["value"])

        assert hits({"match_phrase": {"text": "拐卖儿童"}}) == 1
        assert hits({"match_phrase": {"text": "儿童拐卖"}}) == 0
        assert hits({"match": {"title": "trafficking"}}) == 1
    finally:
        es_request(f"{url}/{index}", "DELETE")

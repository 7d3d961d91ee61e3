"""The crawl's workers share one CoreNLP tagger (pipelines/entities/shared_tagger.py):
test_entities' fake tagger script stands in for CoreNLP (no Java), logging each start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_entities import FAKE_CORENLP_SCRIPT

REPO = Path(__file__).resolve().parent.parent


WORKERS_SHARING = """
import json, multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from crawler.workers import tag_fields
from pipelines.entities.shared_tagger import TaggerServer


def tag_in_a_worker(address):
    time.sleep(0.2)  # both workers take tasks
    found = tag_fields("Liu Sirui was found.", "en", [], ("names",), address)
    return os.getpid(), found.names


if __name__ == "__main__":
    server = TaggerServer()
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        calls = [pool.submit(tag_in_a_worker, server.address) for _ in range(6)]
        done = [call.result() for call in calls]
    server.stop()
    print(json.dumps({"workers": len({pid for pid, _ in done}), "names": [n for _, n in done]}))
"""


def run_script(tmp_path: Path, script: str, tagger: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "sharing.py"
    path.write_text(script)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env = {**clean, "HOMEWARD_CORENLP_SCRIPT": str(tagger), "PYTHONPATH": str(REPO),
           "FAKE_TAGGER_LOG": str(tmp_path / "starts.log")}  # fmt: skip
    return subprocess.run(
        [sys.executable, str(path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_two_workers_tag_english_with_one_tagger(tmp_path: Path) -> None:
    tagger = tmp_path / "corenlp.sh"
    tagger.write_text(FAKE_CORENLP_SCRIPT)
    result = run_script(tmp_path, WORKERS_SHARING, tagger)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["workers"] == 2
    assert found["names"] == [["Liu Sirui"]] * 6
    assert len((tmp_path / "starts.log").read_text().splitlines()) == 1  # one tagger


def test_a_missing_tagger_is_the_same_clear_error_through_the_server(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "corenlp.sh"
    script = WORKERS_SHARING.replace(
        "    with ProcessPoolExecutor",
        "    from pipelines.entities.errors import EntityModelError\n"
        "    try:\n"
        "        tag_in_a_worker(server.address)\n"
        "    except EntityModelError as error:\n"
        "        print(json.dumps({'error': str(error)}))\n"
        "        sys.exit(0)\n"
        "    with ProcessPoolExecutor",
    )
    result = run_script(tmp_path, script, missing)
    assert result.returncode == 0, result.stderr[-2000:]
    error = json.loads(result.stdout.splitlines()[-1])["error"]
    assert "HOMEWARD_CORENLP_SCRIPT" in error and str(missing) in error

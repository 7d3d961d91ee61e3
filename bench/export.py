"""Export benchmark: peak memory (RSS) and time of every export format on a large archive.

    .venv/bin/python bench/export.py                  # 100,000 articles, every format
    .venv/bin/python bench/export.py -n 20000 --keep /tmp/bench-export.sqlite
    .venv/bin/python bench/export.py --formats csv,xlsx --mask-names
    .venv/bin/python bench/export.py -n 1000000 --formats csv,jsonl,xlsx \
        --keep ~/.cache/homeward-bench/search-1000000.sqlite    # bench/search.py's archive

Loads N synthetic articles (bench/search.py's corpus, built at nice 10 and reused from
`--keep`, the same file bench/search.py --keep makes) into a SQLite archive, then
runs `homeward export` once per format in a fresh process and reads that process's
own peak RSS from the kernel (wait4), so one format's memory never counts for
another. Target: every format under 300 MB at 1,000,000 articles; exports stream,
so the peak should not grow with N (compare -n 100000 with -n 1000000).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.search import prepare as build  # noqa: E402

TARGET_MB = 300
# (label, arguments after `homeward export`, output file suffix)
RUNS = {
    "baseline": (["--format", "jsonl", "nothing-matches-this-zzzz"], ".jsonl"),
    "csv": (["--format", "csv"], ".csv"),
    "jsonl": (["--format", "jsonl"], ".jsonl"),
    "xlsx": (["--format", "xlsx"], ".xlsx"),
    "report-html": (["--format", "report"], ".html"),
    "report-pdf": (["--format", "report"], ".pdf"),
}


def prepare(path: Path, count: int) -> None:
    """bench/search.py's archive of `count` articles in `path`, built once (with two
    processes making rows above 100,000 articles) or reused."""
    build("sqlite", str(path), "", count, workers=2 if count > 100_000 else 0)


def measure(archive_url: str, arguments: list[str], output: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `homeward export` process."""
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "export",
        *arguments,
        "--output",
        str(output),
        "--archive",
        archive_url,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="archive file to create or reuse")
    parser.add_argument("--formats", default=",".join(RUNS), help="comma-separated")
    parser.add_argument("--mask-names", action="store_true", help="export with --mask-names")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="homeward-bench-export-") as scratch:
        path = options.keep or Path(scratch) / "archive.sqlite"
        prepare(path, options.count)
        archive_url = f"sqlite:///{path}"
        print(f"{'format':<12} {'seconds':>8} {'output MB':>10} {'peak RSS MB':>12}")
        worst = 0.0
        for label in options.formats.split(","):
            arguments, suffix = RUNS[label]
            output = Path(scratch) / f"export-{label}{suffix}"
            extra = ["--mask-names"] if options.mask_names else []
            seconds, peak = measure(archive_url, [*arguments, *extra], output)
            size = output.stat().st_size / 1e6
            worst = max(worst, peak)
            print(f"{label:<12} {seconds:>8.1f} {size:>10.1f} {peak:>12.0f}")
            output.unlink()
        verdict = "within" if worst < TARGET_MB else "OVER"
        print(
            f"{options.count:,} articles: peak {worst:.0f} MB, {verdict} the {TARGET_MB} MB target"
        )


if __name__ == "__main__":
    main()

"""Benchmark: bare trafilatura against Homeward's extraction stage, side by side.

Run from the repository root:

    .venv/bin/python bench/extraction.py [--workers N]

Both extractors score the same 181 pages of the shared extraction benchmark
(`../shared/extraction-benchmark`, or `HOMEWARD_EXTRACTION_BENCHMARK`) with the
scorer of `bench.score_extraction`, the one the test floor uses. The stage is
scored on the text it stores: standfirst, body and photo captions, without the
headline (that is stored as the title). The benchmark's truth leaves captions
out, so the third line shows the stage with captions off, for comparison.
Pages/s is wall-clock over the run (with --workers 1, per core).
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.score_extraction import (  # noqa: E402
    Extractor,
    evaluate,
    load_benchmark,
    locate_benchmark,
)
from pipelines.extract import DEFAULT_OPTIONS, ExtractOptions, extract_article  # noqa: E402


def bare_trafilatura(html: str, url: str) -> str:
    """trafilatura.extract with its default options, as the benchmark README measures it."""
    return trafilatura.extract(html) or ""


def homeward_stage(options: ExtractOptions, html: str, url: str) -> str:
    extracted = extract_article(html, url, options)
    return extracted.text if extracted else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args()

    directory = locate_benchmark(ROOT)
    if directory is None:
        print(
            "extraction benchmark not found: put it at ../shared/extraction-benchmark "
            "or set HOMEWARD_EXTRACTION_BENCHMARK",
            file=sys.stderr,
        )
        return 2
    pages = load_benchmark(directory)
    runs: list[tuple[str, Extractor]] = [
        ("bare trafilatura.extract", bare_trafilatura),
        ("homeward extract_article", partial(homeward_stage, DEFAULT_OPTIONS)),
        (
            "  (stage, captions off)",
            partial(homeward_stage, ExtractOptions(keep_captions=False)),
        ),
    ]
    print(f"{len(pages)} pages from {directory}, {args.workers} worker(s)")
    print(f"{'extractor':<28} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, extractor in runs:
        started = time.perf_counter()
        score = evaluate(extractor, pages, workers=args.workers)
        rate = len(pages) / (time.perf_counter() - started)
        print(
            f"{name:<28} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f} {rate:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

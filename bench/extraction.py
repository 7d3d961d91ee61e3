"""Benchmark: bare trafilatura against Homeward's extraction stage, side by side.

Run from the repository root:

    .venv/bin/python bench/extraction.py [--workers N] [--misses tuning|held-out|all]

Six page sets, each scored for both extractors in the same run:

* the shared benchmark (`../shared/extraction-benchmark`, or
  `HOMEWARD_EXTRACTION_BENCHMARK`): 181 pages with a hand-marked article
  body, scored for text only. The stage is scored on the text it stores
  (standfirst, body, photo captions, without the headline); the benchmark's
  truth leaves captions and standfirsts out, so further lines show the stage
  with captions off, with additions only from inside the body container
  (`story_additions=False`: no lead photo's caption or standfirst from the
  article's header), without the later parts of a body cut between adverts
  (`continue_body=False`), without embedded posts (`keep_embedded_posts=False`),
  with the lines of blocks named as comments and widgets kept (`drop_page_widgets=False`),
  and bare trafilatura with the switches of the real set below. `behind`
  counts the pages whose precision is more than 0.05 under bare trafilatura's;
* newspaper4k's 22 real pages that `scripts/setup.sh` installs from PyPI
  (`.venv/eval-data/extraction-pypi`, see tests/data/extraction-pypi/README.md),
  with checked title, authors, date and text; always there;
* the real set's 79 Readability pages, which setup installs from go-readability's
  module on the Go module proxy (`.venv/eval-data/extraction-readability`, see
  tests/data/extraction-readability/README.md), in the real set's parts; always there;
* 195 news pages of 2020 with hand-checked days, which setup installs from
  go-htmldate's module (`.venv/eval-data/extraction-dates`, see
  tests/data/extraction-dates/README.md), scored for the date alone (the other
  columns print "-"); always there;
* trafilatura's evaluation pages, 983 real pages (mostly German-language news,
  blogs and public bodies) with annotated title, date and authors and, instead of
  a text, passages the text must hold and must not (the "text from snippets" line:
  precision is the share of found passages that were wanted), which setup installs
  from go-trafilatura's module (`.venv/eval-data/extraction-trafilatura`, see
  tests/data/extraction-trafilatura/README.md); always there;
* the project's own real set (`../shared/homeward-data/extraction-real`, or
  `$HOMEWARD_EVAL_DATA/extraction-real`; see tests/data/extraction-real/README.md):
  235 real pages from many publishers and languages with checked title,
  authors and date, reported separately for its tuning part and its held-out
  part (every third page, never used to tune a rule). Text P/R/F1 on the 101
  pages whose corpus states the text (`text: null` is not scored for text),
  title exact, date same-day and authors F1;
* current news pages (`../shared/homeward-data/extraction-fundus`, or
  `$HOMEWARD_EVAL_DATA/extraction-fundus`; see tests/data/extraction-fundus/README.md):
  256 pages of 180 news sites in 41 countries saved in 2023-2026, from Fundus's parser
  tests, with the text (without captions), title, authors and date that Fundus's
  hand-written parser for each site must extract; every third publisher is held out
  whole, the same way.

Bare trafilatura is `trafilatura.bare_extraction` with metadata, comments off
and tables on, as the stage calls it. `--misses` prints, per page, where the
stage's title, date or authors disagree with the truth, or its text precision
is more than 0.05 below bare trafilatura's. Pages/s is wall-clock over the run.

Each set with a text truth also prints a row for the stage with captions off
(`keep_captions=False`): the shared benchmark's, Fundus's and trafilatura's
truths leave photo captions out, where DESIGN.md keeps them in the text, so that
row measures the text as those truths state it. Each set also prints how many pages
have the text precision (of the stage, and of the stage with captions off) more
than 0.05 under bare trafilatura's (the stage's additions, captions and
standfirst, must not bring clutter), with the worst few; the shared set ends
with the stage's CPU time per page against bare trafilatura's, measured page
by page in turn.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from functools import partial
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_dates import SET as DATES_SET  # noqa: E402
from bench.build_extraction_fundus import SET as FUNDUS_SET  # noqa: E402
from bench.build_extraction_pypi import SET as PYPI_SET  # noqa: E402
from bench.build_extraction_readability import SET as READABILITY_SET  # noqa: E402
from bench.build_extraction_trafilatura import SET as TRAFILATURA_SET  # noqa: E402
from bench.data_sets import MissingDataSet, shared_data  # noqa: E402
from bench.score_extraction import (  # noqa: E402
    REAL_SET,
    BenchmarkPage,
    Extractor,
    FieldExtractor,
    Fields,
    FieldScore,
    PageCounts,
    RealPage,
    evaluate_fields,
    iter_counts,
    load_benchmark,
    load_real_set,
    locate_benchmark,
    summarise,
)
from pipelines.extract import DEFAULT_OPTIONS, ExtractOptions, extract_article  # noqa: E402

# Captions, lead captions and the standfirst only from inside the body container.
STRICT_OPTIONS = ExtractOptions(story_additions=False)
# The stage without photo captions: the text as truths that leave captions out state it.
CAPTIONS_OFF = ExtractOptions(keep_captions=False)
# A page whose text precision falls this far under bare trafilatura's took in clutter.
PRECISION_MARGIN = 0.05
WORST_SHOWN = 5


def bare_trafilatura(html: str, url: str) -> str:
    """trafilatura.extract with its default options, as the benchmark README measures it."""
    return trafilatura.extract(html) or ""


def homeward_stage(options: ExtractOptions, html: str, url: str) -> str:
    return stage_fields(html, url, options).text


def bare_fields(html: str, url: str) -> Fields:
    """trafilatura.bare_extraction with the stage's switches; its `;`-joined author split."""
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    if document is None:
        return Fields()
    authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
    return Fields(document.text or "", document.title, document.date, authors)


def bare_extraction_text(html: str, url: str) -> str:
    return bare_fields(html, url).text


def stage_fields(html: str, url: str, options: ExtractOptions = DEFAULT_OPTIONS) -> Fields:
    extracted = extract_article(html, url, options)
    if extracted is None:
        return Fields()
    return Fields(extracted.text, extracted.title, extracted.published, tuple(extracted.authors))


def shared_benchmark(workers: int, misses: bool) -> None:
    directory = locate_benchmark(ROOT)
    if directory is None:
        print(
            "shared benchmark not found: put it at ../shared/extraction-benchmark "
            "or set HOMEWARD_EXTRACTION_BENCHMARK",
            file=sys.stderr,
        )
        return
    pages = load_benchmark(directory)
    runs: list[tuple[str, Extractor]] = [
        ("bare trafilatura.extract", bare_trafilatura),
        ("homeward extract_article", partial(homeward_stage, DEFAULT_OPTIONS)),
        ("  (stage, captions off)", partial(homeward_stage, CAPTIONS_OFF)),
        ("  (additions in body only)", partial(homeward_stage, STRICT_OPTIONS)),
        (
            "  (all lead captions kept)",
            partial(homeward_stage, ExtractOptions(lead_captions_need_names=False)),
        ),
        (
            "  (body's later parts off)",
            partial(homeward_stage, ExtractOptions(continue_body=False)),
        ),
        (
            "  (embedded posts off)",
            partial(homeward_stage, ExtractOptions(keep_embedded_posts=False)),
        ),
        (
            "  (page widgets kept)",
            partial(homeward_stage, ExtractOptions(drop_page_widgets=False)),
        ),
        ("  (bare_extraction, as below)", bare_extraction_text),
    ]
    print(f"shared benchmark: {len(pages)} pages from {directory}, text only")
    print(f"{'extractor':<28} {'text P':>7} {'text R':>7} {'F1':>6} {'pages/s':>8} {'behind':>7}")
    per_page = []
    for name, extractor in runs:
        started = time.perf_counter()
        counts = list(iter_counts(extractor, pages, workers=workers))
        rate = len(pages) / (time.perf_counter() - started)
        score = summarise(counts)
        per_page.append(counts)
        behind = sum(
            o.precision < t.precision - PRECISION_MARGIN
            for o, t in zip(counts, per_page[0], strict=True)
        )
        print(
            f"{name:<28} {score.precision:>7.3f} {score.recall:>7.3f} {score.f1:>6.3f}"
            f" {rate:>8.1f} {behind:>7}"
        )
    shown = len(pages) if misses else WORST_SHOWN
    print_behind([page.key for page in pages], per_page[1], per_page[0], shown)
    print_speed(pages)


def print_behind(
    keys: list[str],
    ours: list[PageCounts | None],
    theirs: list[PageCounts | None],
    shown: int = WORST_SHOWN,
    label: str = "stage",
) -> None:
    """How many pages have the stage's text precision over the margin under bare's; the worst.

    Pages without text truth (None) are not counted.
    """
    behind = sorted(
        (o.precision - t.precision, key, o.precision, t.precision)
        for key, o, t in zip(keys, ours, theirs, strict=True)
        if o is not None and t is not None and o.precision < t.precision - PRECISION_MARGIN
    )
    margin = f"> {PRECISION_MARGIN} below bare"
    print(f"pages where the {label}'s text precision is {margin}: {len(behind)}")
    for gap, key, mine, bare in behind[:shown]:
        print(f"  {key[:40]:<40} P {mine:.3f} vs bare {bare:.3f} ({gap:+.3f})")


def print_speed(pages: list[BenchmarkPage]) -> None:
    """CPU time per page of the stage against bare trafilatura, page by page in turn.

    Each page goes through the three extractors one after the other, so a
    busy machine slows all three alike; the ratio is of the summed times.
    Bare trafilatura with metadata is the like-for-like bar (the stage gives
    title, date and authors too); `extract` is text only.
    """
    runs: list[tuple[str, Extractor]] = [
        ("trafilatura.extract (text only)", bare_trafilatura),
        ("bare_extraction with metadata", bare_extraction_text),
        ("homeward extract_article", partial(homeward_stage, DEFAULT_OPTIONS)),
    ]
    spent = [0.0] * len(runs)
    for page in pages:
        for index, (_, extractor) in enumerate(runs):
            started = time.process_time()
            extractor(page.html, page.url)
            spent[index] += time.process_time() - started
    stage = spent[-1]
    print(f"speed, CPU ms per page over {len(pages)} pages (interleaved):")
    for (name, _), seconds in zip(runs, spent, strict=True):
        ratio = stage / seconds if seconds else float("nan")
        print(f"  {name:<32} {1000 * seconds / len(pages):>6.1f} ms   stage/this {ratio:.2f}x")


def _cell(value: float, width: int) -> str:
    """A figure, or "-" where the set states no truth for it."""
    return f"{'-' if math.isnan(value) else f'{value:.3f}':>{width}}"


def _row(name: str, score: FieldScore, rate: float) -> str:
    text = score.text
    figures = (text.precision, text.recall, text.f1) if text.pages else (math.nan,) * 3
    texts = (_cell(value, width) for value, width in zip(figures, (7, 7, 6), strict=True))
    return (
        f"{name:<28} {' '.join(texts)}"
        f" {_cell(score.title, 6)} {_cell(score.date, 6)} {_cell(score.authors, 8)} {rate:>8.1f}"
    )


def _misses(pages: list[RealPage], bare: FieldScore, stage: FieldScore) -> None:
    truth = {page.key: page for page in pages}
    for ours, theirs in zip(stage.pages, bare.pages, strict=True):
        page = truth[ours.key]
        notes = []
        if ours.title is False:
            notes.append(f"title want {page.title!r}")
        if ours.date is False:
            notes.append(f"date want {page.date}")
        if ours.authors is not None and ours.authors < 1:
            notes.append(f"authors {ours.authors:.2f} want {list(page.authors or ())}")
        mine, bare = ours.counts, theirs.counts
        if mine and bare and mine.precision < bare.precision - PRECISION_MARGIN:
            notes.append(f"text P {mine.precision:.2f} < bare {bare.precision:.2f}")
        if notes:
            print(f"  {page.key}: " + "; ".join(notes))


def real_set(name: str, workers: int, misses: str | None) -> int:
    """Score set `name`'s tuning and held-out parts; 1 (with the reason) when it is missing."""
    try:
        directory = shared_data(name)
    except MissingDataSet as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    pages = load_real_set(directory)
    runs: list[tuple[str, FieldExtractor]] = [
        ("bare trafilatura", bare_fields),
        ("homeward extract_article", stage_fields),
        ("  (stage, captions off)", partial(stage_fields, options=CAPTIONS_OFF)),
    ]
    for split in ("tuning", "held-out"):
        part = [page for page in pages if page.split == split]
        scored = sum(page.text is not None for page in part)
        print(
            f"\n{name}, {split} part: {len(part)} pages ({scored} with text truth) from {directory}"
        )
        print(
            f"{'extractor':<28} {'text P':>7} {'text R':>7} {'F1':>6}"
            f" {'title':>6} {'date':>6} {'authors':>8} {'pages/s':>8}"
        )
        scores = []
        for extractor_name, extractor in runs:
            started = time.perf_counter()
            score = evaluate_fields(extractor, part, workers=workers)
            rate = len(part) / (time.perf_counter() - started)
            scores.append(score)
            print(_row(extractor_name, score, rate))
        bare, stage, uncaptioned = scores
        if bare.snippets is not None and stage.snippets is not None:
            print(
                "text from snippets (passages it must hold / must not):"
                f" bare P {bare.snippets.precision:.3f} R {bare.snippets.recall:.3f}"
                f" F1 {bare.snippets.f1:.3f}; stage P {stage.snippets.precision:.3f}"
                f" R {stage.snippets.recall:.3f} F1 {stage.snippets.f1:.3f}"
            )
        if scored:
            for label, score in (("stage", stage), ("stage with captions off", uncaptioned)):
                print_behind(
                    [r.key for r in score.pages],
                    [r.counts for r in score.pages],
                    [r.counts for r in bare.pages],
                    label=label,
                )
        if misses in (split, "all"):
            _misses(part, bare, stage)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--misses", choices=("tuning", "held-out", "all"), help="list misses")
    parser.add_argument("--real-only", action="store_true", help="skip the shared benchmark")
    args = parser.parse_args()
    if not args.real_only:
        shared_benchmark(args.workers, args.misses is not None)
    # The pages setup installs must be there; the larger set only where it was placed.
    real_set(REAL_SET, args.workers, args.misses)
    real_set(FUNDUS_SET, args.workers, args.misses)
    installed = [
        real_set(name, args.workers, args.misses)
        for name in (PYPI_SET, READABILITY_SET, DATES_SET, TRAFILATURA_SET)
    ]
    return max(installed)


if __name__ == "__main__":
    raise SystemExit(main())

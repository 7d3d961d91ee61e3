"""Scoring text extraction against the extraction benchmark's ground truth.

One implementation serves both the benchmark script (`bench/extraction.py`) and
the evaluation floor in `tests/test_extract.py`, so the number CI holds is the
number the benchmark prints.

The definition is the benchmark's README (scrapinghub's article-extraction
benchmark): texts are split into `\\w+` tokens, each text becomes a multiset
of 4-token shingles (a text shorter than four tokens is one shingle), and per
page TP/FP/FN are the shared, extra and missing shingles, each divided by
TP+FP+FN of that page so that long pages weigh no more than short ones.
Precision and recall are means of the per-page scores; F1 comes from the two
means.

Every page is read as the crawler reads it: its bytes go through the decode stage
(`pipelines.decode.decode_html`, the declared charset checked against the bytes), so a
Latin-1 or GBK page reaches both extractors as text, not as replacement characters.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from bench.precision_recall import PrecisionRecall
from pipelines.decode import decode_html

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4

BENCHMARK_ENV = "HOMEWARD_EXTRACTION_BENCHMARK"
# Relative to the repository root: the shared checkout sits next to it.
BENCHMARK_DEFAULT = Path("..") / "shared" / "extraction-benchmark"


@dataclass(slots=True, frozen=True)
class PageCounts:
    """Normalised TP/FP/FN of one page (they sum to 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


@dataclass(slots=True, frozen=True)
class Score:
    """Benchmark figures for one extractor over a page set."""

    precision: float
    recall: float
    f1: float
    pages: int

    def __str__(self) -> str:
        return f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}"


@dataclass(slots=True, frozen=True)
class BenchmarkPage:
    """One saved page and the text a person marked as its article body."""

    key: str
    url: str
    html: str
    truth: str


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of `size`-token shingles; a shorter, non-empty text is one shingle."""
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def compare(truth: str, predicted: str) -> PageCounts:
    """Shingle TP/FP/FN of one page, normalised by their sum."""
    true_shingles = shingles(truth)
    predicted_shingles = shingles(predicted)
    tp = sum((true_shingles & predicted_shingles).values())
    fp = sum((predicted_shingles - true_shingles).values())
    fn = sum((true_shingles - predicted_shingles).values())
    total = tp + fp + fn
    if total == 0:
        return PageCounts(0.0, 0.0, 0.0)
    return PageCounts(tp / total, fp / total, fn / total)


def summarise(counts: Iterable[PageCounts]) -> Score:
    """Mean precision and recall over pages (skipping undefined ones), F1 of the means."""
    counts = list(counts)
    precisions = [c.precision for c in counts if c.tp + c.fp > 0]
    recalls = [c.recall for c in counts if c.tp + c.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(counts))


def locate_benchmark(repo_root: Path) -> Path | None:
    """The benchmark directory: `HOMEWARD_EXTRACTION_BENCHMARK`, else next to the checkout."""
    configured = os.environ.get(BENCHMARK_ENV)
    candidate = Path(configured) if configured else repo_root / BENCHMARK_DEFAULT
    if (candidate / "ground-truth.json").is_file() and (candidate / "html").is_dir():
        return candidate.resolve()
    return None


def load_benchmark(directory: Path) -> list[BenchmarkPage]:
    """All pages of the benchmark, sorted by key so every run sees the same order."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        raw = gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        pages.append(
            BenchmarkPage(
                key=key,
                url=truth[key].get("url", ""),
                html=decode_html(raw).text,
                truth=truth[key].get("articleBody", ""),
            )
        )
    return pages


Extractor = Callable[[str, str], str]
"""(html, url) -> extracted text; must be a picklable module-level function."""


def _run(extractor: Extractor, page: BenchmarkPage) -> PageCounts:
    return compare(page.truth, extractor(page.html, page.url) or "")


def iter_counts(
    extractor: Extractor, pages: list[BenchmarkPage], workers: int = 1
) -> Iterator[PageCounts]:
    """Per-page counts; `workers` > 1 spreads pages over a process pool."""
    if workers <= 1:
        for page in pages:
            yield _run(extractor, page)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_run, [extractor] * len(pages), pages, chunksize=4)


def evaluate(extractor: Extractor, pages: list[BenchmarkPage], workers: int = 1) -> Score:
    """Score one extractor over the benchmark pages."""
    return summarise(iter_counts(extractor, pages, workers))


# --- the project's own set of real article pages: text and metadata ---------------------------

# The set's folder under the evaluation data folder (bench/data_sets.py: shared_data).
REAL_SET = "extraction-real"
SPACE = re.compile(r"\s+")
BRACKETED = re.compile(r"\([^)]*\)")


@dataclass(slots=True, frozen=True)
class RealPage:
    """One real article page and its checked truth; None where the page states nothing."""

    key: str
    url: str
    html: str
    text: str | None
    title: str | None
    authors: tuple[str, ...] | None
    date: str | None
    split: str
    # Where the truth is snippets, not the whole text (trafilatura's evaluation): passages
    # the article's text must hold, and passages of page furniture it must not.
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class SnippetCounts(PrecisionRecall):
    """Passages found or missed: `tp` wanted and found, `fn` wanted and missed, `fp` unwanted
    and found, `tn` unwanted and absent."""

    EMPTY: ClassVar[float] = 0.0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )


def snippet_counts(text: str, wanted: tuple[str, ...], unwanted: tuple[str, ...]) -> SnippetCounts:
    """Which snippets the text holds, whitespace collapsed on both sides (the stage tidies
    spacing, so a snippet's spacing is no evidence either way)."""
    plain = _plain(text)
    found_wanted = sum(_plain(snippet) in plain for snippet in wanted)
    found_unwanted = sum(_plain(snippet) in plain for snippet in unwanted)
    return SnippetCounts(
        found_wanted, len(wanted) - found_wanted, found_unwanted, len(unwanted) - found_unwanted
    )


@dataclass(slots=True, frozen=True)
class Fields:
    """What an extractor found on one page, in the terms the truth uses."""

    text: str = ""
    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class PageResult:
    """One page's scores; a score is None when the truth does not state the field."""

    key: str
    counts: PageCounts | None
    title: bool | None
    date: bool | None
    authors: float | None
    snippets: SnippetCounts | None = None


@dataclass(slots=True, frozen=True)
class FieldScore:
    """Text, title, date and author figures of one extractor over a page set."""

    text: Score
    title: float
    date: float
    authors: float
    pages: list[PageResult]
    snippets: SnippetCounts | None = None  # summed over the pages whose truth is snippets


def load_real_set(directory: Path) -> list[RealPage]:
    """The pages of the real set (`shared_data(REAL_SET)`), sorted by key.

    A page whose corpus states no article text has `text` None: it is scored for title,
    date and authors only.
    """
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        entry = truth[key]
        raw = gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        authors = entry.get("authors")
        pages.append(
            RealPage(
                key=key,
                url=entry.get("url") or "",
                html=decode_html(raw).text,
                text=entry.get("text"),
                title=entry.get("title") or None,
                authors=tuple(authors) if authors is not None else None,
                date=entry.get("date") or None,
                split=entry.get("split", "tuning"),
                with_snippets=tuple(entry.get("with") or ()),
                without_snippets=tuple(entry.get("without") or ()),
            )
        )
    return pages


def _plain(value: str) -> str:
    return SPACE.sub(" ", value).strip()


def title_matches(truth: str, predicted: str | None) -> bool:
    """Exact after collapsing whitespace: an entity, a lost word or a site suffix all fail."""
    return _plain(truth) == _plain(predicted or "")


def same_day(truth: str, predicted: str | None) -> bool:
    """Whether both dates name the same calendar day as written (the publisher's own zone)."""
    return bool(predicted) and truth[:10] == (predicted or "")[:10]


def _name(value: str) -> str:
    """A name as compared: case, spacing, a bracketed nickname ("Richard (R.J.) Eskow") and
    a closing full stop ("Rodolfo Costa.") aside."""
    return _plain(BRACKETED.sub(" ", value)).strip(" .,;:").casefold()


def authors_f1(truth: tuple[str, ...], predicted: tuple[str, ...]) -> float:
    """F1 of the two name sets (see `_name`); both empty counts as a match."""
    wanted = {_name(name) for name in truth}
    found = {_name(name) for name in predicted}
    if not wanted and not found:
        return 1.0
    shared = len(wanted & found)
    if not shared:
        return 0.0
    precision, recall = shared / len(found), shared / len(wanted)
    return 2 * precision * recall / (precision + recall)


FieldExtractor = Callable[[str, str], Fields]
"""(html, url) -> Fields; must be a picklable module-level function."""


def _run_fields(extractor: FieldExtractor, page: RealPage) -> PageResult:
    found = extractor(page.html, page.url)
    return PageResult(
        key=page.key,
        counts=compare(page.text, found.text) if page.text is not None else None,
        title=title_matches(page.title, found.title) if page.title else None,
        date=same_day(page.date, found.date) if page.date else None,
        authors=authors_f1(page.authors, found.authors) if page.authors is not None else None,
        snippets=(
            snippet_counts(found.text, page.with_snippets, page.without_snippets)
            if page.with_snippets or page.without_snippets
            else None
        ),
    )


def evaluate_fields(
    extractor: FieldExtractor, pages: list[RealPage], workers: int = 1
) -> FieldScore:
    """Score one extractor's text and metadata over real pages."""
    if workers <= 1:
        results = [_run_fields(extractor, page) for page in pages]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_run_fields, [extractor] * len(pages), pages, chunksize=2))

    def mean(values: list[float]) -> float:
        return statistics.mean(values) if values else math.nan  # the set states no such field

    return FieldScore(
        text=summarise(r.counts for r in results if r.counts is not None),
        title=mean([float(r.title) for r in results if r.title is not None]),
        date=mean([float(r.date) for r in results if r.date is not None]),
        authors=mean([r.authors for r in results if r.authors is not None]),
        pages=results,
        snippets=sum((r.snippets for r in results if r.snippets is not None), start=SnippetCounts())
        if any(r.snippets is not None for r in results)
        else None,
    )

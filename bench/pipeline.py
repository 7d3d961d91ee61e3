"""Benchmark: Homeward's processing pipeline against bare trafilatura, in pages per second.

    .venv/bin/python bench/pipeline.py [--pages 400] [--workers N]

Both sides get the same generated news pages (about 40 KB each) (English and Chinese, with
navigation, teasers and footers like real pages) in one run:

* bare: `trafilatura.extract(html)` on each page, one after the other, in
  this process: the cost of extraction alone;
* Homeward: the crawl's own item pipelines (crawler.item_pipelines) on the
  page bytes, without entity tagging (HOMEWARD_ENTITIES=False, as the issue
  asks): decode + extract + language + relevance + dedupe + WARC evidence +
  bulk index into a fresh SQLite archive, with the CPU stages in the
  HOMEWARD_WORKERS process pool, driven concurrently as Scrapy drives them.

It prints both rates and their ratio (Homeward / bare); the target is >= 0.8.
A warm-up of a few pages on each side is not timed (imports, worker start);
each side's best of `--rounds` alternating rounds counts. Homeward does more
work per page than bare extraction (metadata, captions, language, dedupe,
WARC, index), so it reaches the target by using more than one core: on a
machine whose other cores are busy, the ratio drops; the load average printed
with the result says how busy the machine was. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil
import trafilatura
from scrapy.exceptions import DropItem

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler import workers as workers_module  # noqa: E402
from crawler.item_pipelines import (  # noqa: E402
    DedupeOptions,
    DedupePipeline,
    EntitiesPipeline,
    EvidencePipeline,
    ExtractPipeline,
    IndexPipeline,
    LanguagePipeline,
    RelevancePipeline,
)
from crawler.items import PageItem  # noqa: E402
from crawler.state import SeenStore  # noqa: E402
from homeward.clock import utc_now_iso  # noqa: E402
from search.evidence import WarcEvidenceWriter  # noqa: E402

T = TypeVar("T")

EN_TOPIC = [
    "Police said the {age}-year-old child was abducted near {place} on {day}.",
    "Investigators believe the missing children were trafficked across the border.",
    "The family appealed for help as the search for the kidnapped boy entered its {n}th day.",
    "A spokesperson said the child abduction case was the region's highest priority.",
]
ZH_TOPIC = [
    "警方表示，{age}岁儿童于{day}在{place}附近被拐走。",
    "办案民警介绍，犯罪团伙涉嫌拐卖儿童，已有{n}名嫌疑人落网。",
    "家属通过寻亲平台发布消息，希望失踪儿童早日回家。",
]
PLACES = ["Riverside", "Oakfield", "Eastmoor", "Hillcrest", "广州", "昆明", "贵阳", "台中"]
ZH_CHARS = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后"
    "能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分"
    "此心前面又定见只主没公从现电理外老两当向工问市水民名手社村镇县警察调查孩子父母学校医院"
)


WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "at",
    "by",
    "from",
    "he",
    "she",
    "they",
    "police",
    "said",
    "family",
    "officers",
    "search",
    "local",
    "school",
    "village",
    "city",
    "county",
    "road",
    "river",
    "home",
    "house",
    "mother",
    "father",
    "son",
    "daughter",
    "boy",
    "girl",
    "children",
    "parents",
    "neighbours",
    "witnesses",
    "report",
    "reports",
    "week",
    "day",
    "morning",
    "evening",
    "night",
    "after",
    "before",
    "during",
    "while",
    "since",
    "last",
    "next",
    "first",
    "new",
    "old",
    "young",
    "told",
    "asked",
    "believed",
    "found",
    "seen",
    "left",
    "taken",
    "returned",
    "called",
    "began",
    "continued",
    "added",
    "investigation",
    "case",
    "court",
    "judge",
    "lawyer",
    "statement",
    "appeal",
    "community",
    "volunteers",
    "car",
    "van",
    "station",
    "hospital",
    "border",
    "province",
    "district",
    "market",
    "street",
    "bridge",
    "park",
    "teacher",
    "friends",
    "would",
    "could",
    "might",
    "must",
    "should",
    "will",
    "has",
    "have",
    "had",
    "been",
    "being",
    "is",
    "are",
    "were",
    "not",
    "never",
    "more",
    "most",
    "many",
    "several",
    "three",
    "four",
    "five",
    "hundred",
    "thousand",
    "years",
    "months",
    "hours",
    "minutes",
]


def english_words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize() + "."


def page(number: int) -> tuple[str, bytes, str]:
    """(url, body bytes, content type) of one generated article page."""
    rng = random.Random(number)
    chinese = number % 3 == 0
    fill = {
        "age": rng.randint(2, 15),
        "place": rng.choice(PLACES),
        "day": "Tuesday",
        "n": rng.randint(2, 9),
    }
    if chinese:
        paragraphs = [rng.choice(ZH_TOPIC).format(**fill)] + [
            "".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(60, 140))) + "。"
            for _ in range(rng.randint(5, 9))
        ]
        title = f"{fill['place']}警方通报一起拐卖儿童案（{number}）"
    else:
        paragraphs = [rng.choice(EN_TOPIC).format(**fill)] + [
            english_words(rng, rng.randint(30, 70)) for _ in range(rng.randint(5, 9))
        ]
        paragraphs.insert(3, rng.choice(EN_TOPIC).format(**fill))
        title = f"Child abducted in {fill['place']}, police say ({number})"

    def submenu(i: int) -> str:
        return "".join(f"<li><a href=/section/{i}/{j}/>Topic {j}</a></li>" for j in range(8))

    nav = "".join(
        f'<li class="menu-item"><a class="menu-link" href="/section/{i}/">Section {i}</a>'
        f'<ul class="sub">{submenu(i)}</ul></li>'
        for i in range(30)
    )
    teasers = "".join(
        f'<li class="teaser"><a href="/news/teaser-{number}-{i}.html"><img src="/t/{i}.jpg">'
        f"<span>{english_words(rng, 10)}</span></a><p>{english_words(rng, 20)}</p></li>"
        for i in range(30)
    )
    script = "var config = " + repr({f"key{i}": "x" * 40 for i in range(300)}) + ";"
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = f"""<!DOCTYPE html><html lang="{"zh-CN" if chinese else "en"}"><head>
<meta charset="utf-8"><title>{title} | Bench Daily</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Bench Daily">
<meta property="article:published_time" content="2026-05-{1 + number % 28:02d}T08:00:00Z">
<script>{script}</script><style>body{{font:16px serif}}</style>
</head><body><header><div class="logo">Bench Daily</div><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{title}</h1><div class="byline">By Staff Reporter</div>
<figure><img src="/img/{number}.jpg"><figcaption>Photo: the scene in {fill["place"]}</figcaption>
</figure>{body}</article>
<aside class="related"><h2>Most read</h2><ul>{teasers}</ul></aside>
<div class="comments"><h3>Comments</h3><p>{english_words(rng, 15)}</p></div></main>
<footer><p>© 2026 Bench Daily</p><a href="/privacy/">Privacy</a><a href="/terms/">Terms</a>
</footer></body></html>"""
    return (
        f"https://bench.example/news/2026/05/story-{number}.html",
        html.encode("utf-8"),
        ("text/html; charset=utf-8"),
    )


class Stats:
    """The part of Scrapy's stats collector the pipelines use."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def bare(pages: list[tuple[str, bytes, str]]) -> float:
    """Pages per second of bare extraction, in this one process (= per core)."""
    started = time.perf_counter()
    for url, body, _ in pages:
        trafilatura.extract(body.decode("utf-8"), url=url)
    return len(pages) / (time.perf_counter() - started)


class StageClock:
    """Seconds spent in each stage, summed over pages.

    Meaningful with `workers=0`: every stage then runs inline, one page after the
    other, so a stage's wall time is the CPU it costs (and, for entity tagging, the
    CoreNLP server's time answering it, which the caller waits on)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - started)

        return timed

    async def run(self, stage: str, step: Awaitable[T]) -> T:
        started = time.perf_counter()
        try:
            return await step
        finally:
            self.add(stage, time.perf_counter() - started)


def tree_cpu_seconds() -> float:
    """User + system CPU of this process and every process below it (pool workers,
    the fork server, CoreNLP's JVM): what "per core" has to count."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def homeward(
    pages: list[tuple[str, bytes, str]],
    workers: int,
    state: Path,
    entities: bool = False,
    clock: StageClock | None = None,
) -> tuple[float, float, Stats]:
    """Pages per second of wall time and per CPU-second of the process tree."""
    stats = Stats()
    clock = clock or StageClock()
    seen = SeenStore(state / "seen.sqlite")
    extract, language = ExtractPipeline(stats, seen, workers), LanguagePipeline(workers)
    relevance = RelevancePipeline(stats, seen)
    tagger = EntitiesPipeline(stats, workers)
    dedupe = DedupePipeline(stats, seen, DedupeOptions(), workers)
    evidence = EvidencePipeline(WarcEvidenceWriter(state / "evidence"))
    index = IndexPipeline(
        "sqlite:///" + str(state / "archive.sqlite"), stats, seen, state / "spool.jsonl"
    )
    pooled = (extract, language, tagger, dedupe) if entities else (extract, language, dedupe)
    for stage in (*pooled, index):
        stage.open_spider()

    def item_of(url: str, body: bytes, content_type: str) -> PageItem:
        return PageItem(
            url=url,
            fetched_url=url,
            source="bench",
            status=200,
            headers=[("Content-Type", content_type)],
            body=body,
            fetched_at=utc_now_iso(),
            content_type=content_type,
        )

    # Warm-up, not timed: imports in the workers, and the NER models' first load.
    warm = [item_of(u + "?warm", b, t) for u, b, t in pages[:8]]
    warm = list(await asyncio.gather(*(extract.process_item(item) for item in warm)))
    warm = list(await asyncio.gather(*(language.process_item(item) for item in warm)))
    if entities:
        await asyncio.gather(*(tagger.process_item(item) for item in warm))
    clock.seconds.clear()

    limit = asyncio.Semaphore(max(4, 4 * workers))  # like Scrapy's concurrent items

    async def one(url: str, body: bytes, content_type: str) -> None:
        item = item_of(url, body, content_type)
        async with limit:
            try:
                item = await clock.run("extract", extract.process_item(item))
                item = await clock.run("language", language.process_item(item))
                item = clock.wrap("relevance", relevance.process_item)(item)
                if entities:
                    item = await clock.run("entities", tagger.process_item(item))
                item = await clock.run("dedupe (MinHash)", dedupe.process_item(item))
                item = clock.wrap("evidence (WARC)", evidence.process_item)(item)
                item = clock.wrap("index", index.process_item)(item)
            except DropItem:
                pass

    cpu_before, started = tree_cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(one(*p) for p in pages))
    clock.wrap("index", index.close_spider)()
    elapsed, cpu = time.perf_counter() - started, tree_cpu_seconds() - cpu_before
    for stage in pooled:
        stage.close_spider()
    evidence.close_spider()
    return len(pages) / elapsed, len(pages) / cpu, stats


def per_core_profile(pages: list[tuple[str, bytes, str]], entities: bool) -> StageClock:
    """Every stage inline in one process (`workers=0`), with trafilatura's own share
    of the extract stage timed apart, so "metadata" is what Homeward adds to it."""
    clock = StageClock()
    originals = trafilatura.bare_extraction, workers_module.decode_html
    trafilatura.bare_extraction = clock.wrap("  trafilatura", originals[0])
    workers_module.decode_html = clock.wrap("  decode", originals[1])
    try:
        with tempfile.TemporaryDirectory(prefix="homeward-bench-") as scratch:
            asyncio.run(homeward(pages, 0, Path(scratch), entities, clock))
    finally:
        trafilatura.bare_extraction, workers_module.decode_html = originals
    return clock


def bare_cpu_ms(pages: list[tuple[str, bytes, str]]) -> float:
    """CPU milliseconds per page of bare `trafilatura.extract`, after a warm-up."""
    bare(pages[:8])
    started = time.process_time()
    bare(pages)
    return 1000 * (time.process_time() - started) / len(pages)


def profile_report(
    pages: list[tuple[str, bytes, str]], variants: list[bool], bare_ms: float
) -> list[str]:
    """The per-stage table of each variant (without / with entities), as printed lines."""
    lines: list[str] = []
    for variant in variants:
        name = "with entities" if variant else "no entities"
        lines.append(f"where the CPU goes, every stage inline in one process ({name}):")
        lines += profile_table(per_core_profile(pages, variant), len(pages), bare_ms)
    return lines


def profile_table(clock: StageClock, pages: int, bare_ms: float) -> list[str]:
    seconds = dict(clock.seconds)
    extract = seconds.get("extract", 0.0)
    inner = seconds.get("  trafilatura", 0.0) + seconds.get("  decode", 0.0)
    seconds["  metadata, captions, cleaning"] = max(extract - inner, 0.0)
    total = sum(value for stage, value in seconds.items() if not stage.startswith(" "))
    order = [
        "extract",
        "  decode",
        "  trafilatura",
        "  metadata, captions, cleaning",
        "language",
        "relevance",
        "entities",
        "dedupe (MinHash)",
        "evidence (WARC)",
        "index",
    ]
    lines = [f"  {'stage':32} {'ms/page':>8} {'share':>6}"]
    for stage in order:
        if stage in seconds:
            ms = 1000 * seconds[stage] / pages
            lines.append(f"  {stage:32} {ms:8.2f} {seconds[stage] / total:6.0%}")
    per_page = 1000 * total / pages
    lines.append(f"  {'all stages':32} {per_page:8.2f}")
    lines.append(f"  per-core ratio (bare {bare_ms:.2f} ms/page): {bare_ms / per_page:.2f}x")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    parser.add_argument("--rounds", type=int, default=3, help="best of N, sides alternating")
    parser.add_argument(
        "--no-entities", action="store_true", help="skip the runs with entity tagging"
    )
    args = parser.parse_args()
    pages = [page(n) for n in range(args.pages)]
    bare(pages[:8])  # warm-up: imports, lazy tables
    variants = [False] if args.no_entities else [False, True]
    bare_rate, bare_cpu_rate = 0.0, 0.0
    rates = {variant: (0.0, 0.0) for variant in variants}
    stats = Stats()
    for _ in range(args.rounds):
        # Alternating rounds and keeping each side's best evens out other load on the machine.
        cpu_before = time.process_time()
        bare_rate = max(bare_rate, bare(pages))
        bare_cpu_rate = max(bare_cpu_rate, len(pages) / (time.process_time() - cpu_before))
        for variant in variants:
            with tempfile.TemporaryDirectory(prefix="homeward-bench-") as scratch:
                wall, cpu, stats = asyncio.run(
                    homeward(pages, args.workers, Path(scratch), variant)
                )
            rates[variant] = (max(rates[variant][0], wall), max(rates[variant][1], cpu))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"CPUs: {os.cpu_count()}, load average before the last round ended: {load}")
    print(f"pages: {len(pages)} ({sum(1 for n in range(len(pages)) if n % 3 == 0)} Chinese)")
    print(
        f"bare trafilatura.extract: {bare_rate:7.1f} pages/s, "
        f"{bare_cpu_rate:7.1f} pages per CPU-second (1 process)"
    )
    targets = {False: 0.6, True: 0.3}
    for variant in variants:
        wall, cpu = rates[variant]
        name = "with entities" if variant else "no entities"
        print(
            f"Homeward pipeline, {name}: {wall:7.1f} pages/s ({args.workers} workers), "
            f"{cpu:7.1f} pages per CPU-second of the whole process tree"
        )
        print(
            f"  wall-time ratio {wall / bare_rate:.2f}x ({args.workers} workers against 1); "
            f"per-core ratio {cpu / bare_cpu_rate:.2f}x (target >= {targets[variant]}x)"
        )
    print(
        f"  last round: stored {stats.get_value('homeward/stored', 0)}, "
        f"duplicates {stats.get_value('homeward/duplicates', 0)}, "
        f"irrelevant {stats.get_value('homeward/irrelevant', 0)}, "
        f"failed {stats.get_value('homeward/failed/extract', 0)}"
    )
    print("\n".join(profile_report(pages, variants, 1000 / bare_cpu_rate)))


if __name__ == "__main__":
    main()

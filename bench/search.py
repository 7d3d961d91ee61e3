"""Archive benchmark: bulk-load speed and query latency, SQLite and Elasticsearch side by side.

    .venv/bin/python bench/search.py                 # 100,000 articles, both backends
    .venv/bin/python bench/search.py -n 20000 --backend sqlite
    .venv/bin/python bench/search.py --es http://127.0.0.1:9200
    .venv/bin/python bench/search.py -n 1000000 --backend sqlite \
        --keep ~/.cache/homeward-bench/search-1000000.sqlite      # built once, then reused
    .venv/bin/python bench/search.py -n 1000000 --backend elasticsearch \
        --es-index homeward-bench-1000000                         # kept until deleted
    .venv/bin/python bench/search.py --backend sqlite --cpu --slowest   # CPU ms, per query
    .venv/bin/python bench/search.py --backend sqlite --rank-window 1000000000  # rank every hit

Generates N synthetic articles (two thirds English, one third Chinese, realistic
lengths and entity fields), loads each backend, then runs a fixed mix of 20 queries
with facets (top 20) and prints documents/s and p50/p95 latency per backend.
Articles are generated as they are written (never all in memory) by a child process
at `nice 10`, so a million-article build leaves the other jobs on the machine their
cores; `--keep` and `--es-index` keep the loaded archive for the next run (the same
seed makes the same articles, and the first N of a larger run are the N of a smaller).
Targets: SQLite p95 < 100 ms at 100k and < 300 ms at 1M, Elasticsearch p95 < 200 ms
at 1M, all with facets; Elasticsearch bulk >= 5,000 docs/s.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.article import Article, Place
from search.archive import Archive
from search.query import build_request

ENGLISH_WORDS = (
    "the police said a family village province officers children child boy girl mother father "
    "court trial years ago market school station searching volunteers DNA database reunited "
    "missing abducted trafficking trafficked sold gang arrested suspects border report "
    "government charity campaign hospital baby babies rescued case investigation city county "
    "town road bus train night morning week month found news local people community leaflets "
    "posters hope search decades Ministry Public Security officials were was had has been "
    "they their from with after before about more than into"
).split()
CHINESE_WORDS = (
    "警方 记者 获悉 一名 男孩 女孩 家长 父亲 母亲 村民 孩子 儿童 "
    "被拐 拐卖 寻亲 团聚 志愿者 公安 民警 案件 嫌疑人 落网 法院 审理 "
    "判处 医院 婴儿 出生 贩卖 车站 学校 市场 打拐 DNA 比对 线索 "
    "多年 回家 宝贝 报道 表示 介绍 通报 解救 跨境 边境 家庭 终于 "
    "找到 下落不明"
).split()
PEOPLE = [
    "Liu Sirui",
    "Zhang Hua",
    "Wang Min",
    "Li Guiying",
    "Chen Zhiming",
    "Yang Xiaodong",
    "Sophia Martinez",
    "Henry Okoye",
    "Rakesh Kumar",
    "Laura Duran",
] + [f"Person {n}" for n in range(300)]
CHINESE_PEOPLE = ["刘思睿", "张华", "王敏", "李桂英", "陈志明", "杨晓东", "黄美玲", "赵强"]
PLACES = [
    Place("Shanxi", "山西", "CN", "Shanxi"),
    Place("Shaanxi", "陕西", "CN", "Shaanxi"),
    Place("Beijing", "北京", "CN", "Beijing"),
    Place("Guangdong", "广东", "CN", "Guangdong"),
    Place("Yunnan", "云南", "CN", "Yunnan"),
    Place("Henan", "河南", "CN", "Henan"),
    Place("Vietnam", None, "VN"),
    Place("Nigeria", None, "NG"),
    Place("India", None, "IN"),
    Place("London", None, "GB", "England"),
] + [Place(f"Village {n}") for n in range(200)]
SOURCES = ["Harbour Herald", "Daily Syndicate", "海港日报", "World Wire", "Metro Post"]
QUERIES = [
    "",
    "trafficking",
    "trafficked children",
    '"DNA database"',
    "abducted OR missing",
    "trafficking -babies",
    "拐卖",
    "寻亲 团聚",
    "被拐 OR 拐卖",
    "京",
    "place:Shanxi",
    'person:"Wang Min"',
    "year:1997",
    "language:zh 警方",
    'source:"Harbour Herald" police',
    "(rescued OR reunited) village",
    "place:山西 被拐",
    "year:2010 trafficking",
    "DNA",
    "volunteers -police",
]


SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa ye zo an el in or ul".split()
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理世车"
)


def zipf_vocabulary(real_words: list[str], made_up: list[str]) -> tuple[list[str], np.ndarray]:
    """Words with Zipf frequencies: the real topic words sit at ranks 20 to 3,000, so
    each is in a realistic share of articles (from most of them to a few percent)."""
    ranks = np.geomspace(20, 3000, num=len(real_words)).astype(int)
    vocabulary = list(made_up)
    for word, rank in sorted(zip(real_words, ranks, strict=True), key=lambda pair: pair[1]):
        vocabulary.insert(int(rank), word)
    weights = 1.0 / np.arange(1, len(vocabulary) + 1)
    return vocabulary, weights / weights.sum()


NICE = 10  # the loading child's niceness: other jobs keep their cores


def generate(count: int, seed: int = 7) -> Iterator[Article]:
    """`count` articles, made one at a time; the same seed always makes the same ones."""
    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    made_up_english = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
    made_up_chinese = [a + b for a in HAN for b in HAN]
    random.Random(seed).shuffle(made_up_english)
    random.Random(seed).shuffle(made_up_chinese)
    english, english_cdf = _sampler(*zipf_vocabulary(ENGLISH_WORDS, made_up_english[:20000]))
    chinese, chinese_cdf = _sampler(*zipf_vocabulary(CHINESE_WORDS, made_up_chinese[:20000]))
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for n in range(count):
        is_chinese = n % 3 == 2
        if is_chinese:
            picks = chinese_cdf.searchsorted(draw.random(rng.randint(250, 600)), side="right")
            words = chinese[picks].tolist()
            text = "".join(w + ("。" if rng.random() < 0.08 else "") for w in words)
            title = "".join(words[:8])
            names = rng.sample(CHINESE_PEOPLE, k=rng.randint(0, 2))
        else:
            picks = english_cdf.searchsorted(draw.random(rng.randint(300, 900)), side="right")
            words = english[picks].tolist()
            text = " ".join(words)
            title = " ".join(words[:9]).capitalize()
            names = rng.sample(PEOPLE, k=rng.randint(0, 3))
        years = sorted(rng.sample(range(1980, 2027), k=rng.randint(0, 3)))
        published = start + timedelta(minutes=137 * n)
        yield Article(
            id=uuid.UUID(int=rng.getrandbits(128)).hex,
            url=f"https://bench.test/{n}",
            title=title,
            text=text,
            language="zh" if is_chinese else "en",
            published=published.isoformat(),
            source=rng.choice(SOURCES),
            names=names,
            places=rng.sample(PLACES, k=rng.randint(0, 3)),
            years=years,
            fetched_at=published.isoformat(),
        )


def _sampler(vocabulary: list[str], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words as an array and their cumulative weights: `Generator.choice(p=...)`
    sums the weights again on every call (a fifth of the generation time); searching
    the sums made once draws the same words from the same random numbers."""
    cdf = weights.cumsum()
    cdf /= cdf[-1]
    return np.array(vocabulary, dtype=object), cdf


def load(archive: Archive, articles: list[Article]) -> float:
    """Documents per second of one bulk load (articles made beforehand, not timed)."""
    started = time.perf_counter()
    report = archive.upsert(articles)
    archive.refresh()
    elapsed = time.perf_counter() - started
    if report.failed:
        print(f"  {len(report.failed)} failed, first: {report.failed[0]}")
    return report.stored / elapsed


def fill(archive: Archive, count: int, seed: int = 7, skip: int = 0, workers: int = 0) -> float:
    """Write `generate(count, seed)` into `archive` as it is made, after the first `skip`
    (written by a load that was stopped): documents per second of the writes alone (the
    time spent generating is left out). With `workers` (a SQLite archive), the rows are
    made in that many processes, and the rate is of the whole load."""
    articles = _Clocked(itertools.islice(generate(count, seed), skip, None), count, skip)
    started = time.perf_counter()
    if workers:
        report = archive.upsert_rows(_rows_in_workers(articles, workers))  # type: ignore[attr-defined]
        articles.seconds = 0.0  # generated while the workers work: part of the load
    else:
        report = archive.upsert(articles)
    archive.refresh()
    elapsed = time.perf_counter() - started - articles.seconds
    if report.failed:
        print(f"  {len(report.failed)} failed, first: {report.failed[0]}")
    return report.stored / elapsed


class _Clocked:
    """Articles as they are generated, adding up the time spent making them and
    printing progress every 100,000, so a long load shows it is moving."""

    def __init__(self, articles: Iterator[Article], count: int, skipped: int = 0) -> None:
        self._articles = articles
        self._count = count
        self._made = skipped
        self._began = time.perf_counter()
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Article]:
        return self

    def __next__(self) -> Article:
        started = time.perf_counter()
        try:
            article = next(self._articles)
        finally:
            self.seconds += time.perf_counter() - started
        self._made += 1
        if self._made % 100_000 == 0:
            print(
                f"  {self._made:,} / {self._count:,} articles written, "
                f"{time.perf_counter() - self._began:,.0f} s",
                flush=True,
            )
        return article


def open_archive(backend: str, location: str, es: str) -> Archive:
    """The SQLite archive in the file `location`, or the Elasticsearch one behind the
    alias `location` at `es`."""
    if backend == "sqlite":
        from search.backends.sqlite import SqliteArchive

        return SqliteArchive(Path(location).expanduser())
    from search.backends.elastic import ElasticArchive

    return ElasticArchive(es, alias=location)


def prepare(
    backend: str, location: str, es: str, count: int, seed: int = 7, workers: int = 0
) -> float | None:
    """Load `count` generated articles into the archive at `location`, or reuse it when
    it already holds them: the load's documents per second, or None when reused.

    The load runs in a child process at nice 10: a million articles take a while, and
    the machine's other jobs keep their share of the cores. With `workers` (SQLite),
    that many more processes turn articles into rows while the child writes them.
    """
    archive = open_archive(backend, location, es)
    try:
        archive.refresh()  # a stopped load may have left writes not yet searchable
        held = archive.count()
    finally:
        archive.close()
    if held == count:
        print(f"{backend}: reusing {location} ({count:,} articles)", flush=True)
        return None
    if held > count:
        raise SystemExit(
            f"{location} holds {held:,} articles, not {count:,}: delete it or name another"
        )
    # Fewer: a load that was stopped. Writes are upserts by id, so it goes on from there.
    print(f"{backend}: loading {count - held:,} articles into {location}…", flush=True)
    context = multiprocessing.get_context("fork")
    answer = context.SimpleQueue()
    child = context.Process(
        target=_fill_at, args=(answer, backend, location, es, count, seed, held, workers)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"loading {location} failed (status {child.exitcode})")
    return answer.get()


def _nice() -> None:
    """Nice 10, also when the benchmark itself was started with `nice -n 10`."""
    os.nice(max(0, NICE - os.nice(0)))


def _fill_at(
    answer: Any,
    backend: str,
    location: str,
    es: str,
    count: int,
    seed: int,
    skip: int,
    workers: int,
) -> None:
    _nice()
    archive = open_archive(backend, location, es)
    try:
        if backend == "sqlite":
            answer.put(fill(archive, count, seed, skip, workers))
            return
        # Elasticsearch's advice for a bulk load: no refresh until it is done (the
        # archive's own documents and writes; only the index's refresh is paused).
        client = archive.client  # type: ignore[attr-defined]
        client.indices.put_settings(index=location, settings={"refresh_interval": "-1"})
        try:
            answer.put(fill(archive, count, seed, skip))
        finally:
            client.indices.put_settings(index=location, settings={"refresh_interval": None})
    finally:
        archive.close()


def _rows_in_workers(articles: Iterator[Article], workers: int) -> Iterator[Any]:
    """The SQLite rows of each article (`article_rows`), made by `workers` processes a
    chunk at a time, in order; at most two chunks per worker are in flight."""
    from search.backends.sqlite.archive import article_rows

    pending: collections.deque[Any] = collections.deque()
    with multiprocessing.get_context("fork").Pool(workers, initializer=_nice) as pool:
        while True:
            while len(pending) < 2 * workers and (chunk := list(itertools.islice(articles, 500))):
                pending.append(pool.apply_async(_rows_of, (chunk, article_rows)))
            if not pending:
                return
            yield from pending.popleft().get()


def _rows_of(chunk: list[Article], make: Callable[[Article], Any]) -> list[Any]:
    return [make(article) for article in chunk]


def latencies(
    archive: Archive, rounds: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    """Milliseconds of each search of the mix, `rounds` times. With `clock=time.process_time`
    the CPU this process spent instead: for SQLite (which searches in this process) a
    figure that other jobs on a busy machine do not inflate."""
    requests = [build_request(q, limit=20) for q in QUERIES]
    for request in requests:  # warm caches once, as a running server would be
        archive.search(request)
    timings = []
    for _ in range(rounds):
        for request in requests:
            started = clock()
            archive.search(request)
            timings.append((clock() - started) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def by_query(timings: list[float]) -> list[tuple[str, float]]:
    """Each query of the mix with its median time (ms), slowest first: where to look."""
    per = {query: timings[n :: len(QUERIES)] for n, query in enumerate(QUERIES)}
    return sorted(
        ((query, statistics.median(times)) for query, times in per.items()),
        key=lambda pair: -pair[1],
    )


def measure(
    backend: str,
    count: int,
    rounds: int,
    es: str,
    keep: str | None,
    workers: int = 0,
    clock: Callable[[], float] = time.perf_counter,
    rank_window: int | None = None,
) -> tuple[float | None, list[float]]:
    """(load docs/s or None if reused, query timings) of one backend. Without `keep`, the
    archive is made in a temporary place and removed afterwards. `rank_window` (SQLite)
    changes how many hits are ranked at a time (README, "Relevance in a large SQLite
    archive"): a very large one ranks every hit, to see what the windows save."""
    with tempfile.TemporaryDirectory(prefix="homeward-bench-search-") as folder:
        if backend == "sqlite":
            location = keep or str(Path(folder) / "bench.sqlite")
        else:
            location = keep or f"homeward-bench-{uuid.uuid4().hex[:8]}"
        try:
            rate = prepare(backend, location, es, count, workers=workers)
            archive = open_archive(backend, location, es)
            if rank_window is not None:
                archive.rank_window = rank_window  # type: ignore[attr-defined]
            try:
                return rate, latencies(archive, rounds, clock)
            finally:
                archive.close()
        finally:
            if backend == "elasticsearch" and keep is None:
                archive = open_archive(backend, location, es)
                archive.drop()
                archive.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="times the query mix runs")
    parser.add_argument("--backend", choices=("both", "sqlite", "elasticsearch"), default="both")
    parser.add_argument(
        "--es", default=os.environ.get("HOMEWARD_TEST_ES_URL", "http://127.0.0.1:9200")
    )
    parser.add_argument("--keep", help="SQLite archive file to create once and reuse")
    parser.add_argument(
        "--es-index", help="Elasticsearch alias to create once and reuse (delete it by hand)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="SQLite: processes making rows while one writes (a faster build; 0: the plain "
        "upsert, whose rate is the figure)",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="SQLite: CPU ms of each search (process time), not wall time: for a busy machine",
    )
    parser.add_argument("--slowest", action="store_true", help="each query's median, slowest first")
    parser.add_argument(
        "--rank-window",
        type=int,
        help="SQLite: hits ranked by bm25 at a time (default 20,000; 1000000000: every hit)",
    )
    args = parser.parse_args()

    rows = []
    if args.backend in ("both", "sqlite"):
        rows.append(
            (
                "sqlite (CPU)" if args.cpu else "sqlite",
                *measure(
                    "sqlite",
                    args.count,
                    args.rounds,
                    args.es,
                    args.keep,
                    args.workers,
                    time.process_time if args.cpu else time.perf_counter,
                    args.rank_window,
                ),
            )
        )
    if args.backend in ("both", "elasticsearch"):
        rows.append(
            (
                "elasticsearch",
                *measure("elasticsearch", args.count, args.rounds, args.es, args.es_index),
            )
        )

    print(
        f"\n{args.count:,} articles, {len(QUERIES)} queries x {args.rounds} rounds, "
        "top 20 with 5 facets"
    )
    print(f"{'backend':<14} {'load docs/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, rate, timings in rows:
        shown = f"{rate:>12,.0f}" if rate is not None else f"{'(reused)':>12}"
        print(
            f"{name:<14} {shown} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
        )
    if len(rows) == 2:
        (_, sqlite_rate, sqlite_t), (_, es_rate, es_t) = rows
        ratio = f"load {es_rate / sqlite_rate:.2f}x, " if es_rate and sqlite_rate else ""
        print(
            f"ratio elasticsearch/sqlite: {ratio}"
            f"p95 {percentile(es_t, 0.95) / percentile(sqlite_t, 0.95):.2f}x"
        )
    if args.slowest:
        for name, _, timings in rows:
            print(f"\n{name}: median ms per query, slowest first")
            for query, median in by_query(timings):
                print(f"  {median:>8.1f}  {query or '(everything)'}")


if __name__ == "__main__":
    main()

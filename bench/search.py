"""Archive benchmark: bulk-load speed and query latency, SQLite and Elasticsearch side by side.

    .venv/bin/python bench/search.py                 # 100,000 articles, both backends
    .venv/bin/python bench/search.py -n 20000 --backend sqlite
    .venv/bin/python bench/search.py --es http://127.0.0.1:9200

Generates N synthetic articles (two thirds English, one third Chinese, realistic
lengths and entity fields), loads each backend, then runs a fixed mix of 20 queries
with facets (top 20) and prints documents/s and p50/p95 latency per backend.
Targets: SQLite p95 < 100 ms at 100k; Elasticsearch bulk >= 5,000 docs/s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def generate(count: int, seed: int = 7) -> Iterator[Article]:
    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    made_up_english = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
    made_up_chinese = [a + b for a in HAN for b in HAN]
    random.Random(seed).shuffle(made_up_english)
    random.Random(seed).shuffle(made_up_chinese)
    english, english_p = zipf_vocabulary(ENGLISH_WORDS, made_up_english[:20000])
    chinese, chinese_p = zipf_vocabulary(CHINESE_WORDS, made_up_chinese[:20000])
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for n in range(count):
        is_chinese = n % 3 == 2
        if is_chinese:
            picks = draw.choice(len(chinese), size=rng.randint(250, 600), p=chinese_p)
            words = [chinese[i] for i in picks]
            text = "".join(w + ("。" if rng.random() < 0.08 else "") for w in words)
            title = "".join(words[:8])
            names = rng.sample(CHINESE_PEOPLE, k=rng.randint(0, 2))
        else:
            picks = draw.choice(len(english), size=rng.randint(300, 900), p=english_p)
            words = [english[i] for i in picks]
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


def load(archive: Archive, articles: list[Article]) -> float:
    """Documents per second of one bulk load (articles made beforehand, not timed)."""
    started = time.perf_counter()
    report = archive.upsert(articles)
    archive.refresh()
    elapsed = time.perf_counter() - started
    if report.failed:
        print(f"  {len(report.failed)} failed, first: {report.failed[0]}")
    return report.stored / elapsed


def latencies(archive: Archive, rounds: int) -> list[float]:
    requests = [build_request(q, limit=20) for q in QUERIES]
    for request in requests:  # warm caches once, as a running server would be
        archive.search(request)
    timings = []
    for _ in range(rounds):
        for request in requests:
            started = time.perf_counter()
            archive.search(request)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="times the query mix runs")
    parser.add_argument("--backend", choices=("both", "sqlite", "elasticsearch"), default="both")
    parser.add_argument(
        "--es", default=os.environ.get("HOMEWARD_TEST_ES_URL", "http://127.0.0.1:9200")
    )
    args = parser.parse_args()

    print(f"generating {args.count:,} articles…", flush=True)
    articles = list(generate(args.count))
    rows = []
    if args.backend in ("both", "sqlite"):
        from search.backends.sqlite import SqliteArchive

        with tempfile.TemporaryDirectory() as folder:
            archive = SqliteArchive(Path(folder) / "bench.sqlite")
            print(f"sqlite: loading {args.count:,} articles…", flush=True)
            rate = load(archive, articles)
            timings = latencies(archive, args.rounds)
            rows.append(("sqlite", rate, timings))
            archive.close()
    if args.backend in ("both", "elasticsearch"):
        from search.backends.elastic import ElasticArchive

        archive = ElasticArchive(args.es, alias=f"homeward-bench-{uuid.uuid4().hex[:8]}")
        try:
            print(f"elasticsearch: loading {args.count:,} articles…", flush=True)
            rate = load(archive, articles)
            timings = latencies(archive, args.rounds)
            rows.append(("elasticsearch", rate, timings))
        finally:
            archive.drop()
            archive.close()

    print(
        f"\n{args.count:,} articles, {len(QUERIES)} queries x {args.rounds} rounds, "
        "top 20 with 5 facets"
    )
    print(f"{'backend':<14} {'load docs/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, rate, timings in rows:
        print(
            f"{name:<14} {rate:>12,.0f} {statistics.median(timings):>8.1f} "
            f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
        )
    if len(rows) == 2:
        (_, sqlite_rate, sqlite_t), (_, es_rate, es_t) = rows
        print(
            f"ratio elasticsearch/sqlite: load {es_rate / sqlite_rate:.2f}x, "
            f"p95 {percentile(es_t, 0.95) / percentile(sqlite_t, 0.95):.2f}x"
        )


if __name__ == "__main__":
    main()

"""Entity-stage benchmark: gold-set precision/recall/F1 and throughput per core.

Run `python bench/entities.py [--words 1000] [--articles 200] [--misses]`.
Accuracy uses the hand-annotated gold set (tests/gold/entities.jsonl) through
the same scoring code as the test floors. Speed runs single-process over
synthetic articles of about `--words` words made by joining gold texts; the
gazetteer and models are loaded and the JVM warmed up (`--warm` articles, whose
rate is printed too: CoreNLP's JIT needs about 100) before timing, as in a crawl
worker that has been running a while. Articles/s
per core divides by the CPU time of this process plus its CoreNLP tagger (the two
take turns, so one core is busy at a time); wall-clock rate is printed as well.
English names need the English NER model (`scripts/corenlp.sh fetch`); without
it only places and years are measured for English, and the header says so.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.score_entities import GoldArticle, load_gold, score, tag_gold
from pipelines.entities import FIELDS, EntityModelError, tag_many
from pipelines.entities.models import english_model_name, english_ner
from pipelines.entities.places import gazetteer


def fields_for(language: str, have_model: bool) -> tuple[str, ...]:
    return FIELDS if language == "zh" or have_model else ("places", "years")


def accuracy(gold: list[GoldArticle], have_model: bool, show_misses: bool) -> None:
    print(f"gold set: {len(gold)} articles")
    print(f"{'field':<8}{'lang':<6}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for language in ("en", "zh"):
        subset = [a for a in gold if a.language == language]
        fields = fields_for(language, have_model)
        results = score(subset, tag_gold(subset, fields), fields)
        for field_name in FIELDS:
            counts = results.get((field_name, language))
            if counts is None:
                print(f"{field_name:<8}{language:<6}  (needs the English NER model: missing)")
                continue
            print(
                f"{field_name:<8}{language:<6}{counts.precision:7.3f}{counts.recall:7.3f}"
                f"{counts.f1:7.3f}{counts.tp:5d}{counts.fp:5d}{counts.fn:5d}"
            )
            if show_misses:
                for miss in counts.misses:
                    print(f"    {miss}")


def cpu_seconds(have_model: bool = False) -> float:
    """CPU time of this process and, when CoreNLP runs, of its tagger process."""
    times = os.times()
    total = times.user + times.system
    tagger = getattr(english_ner(), "tagger", None) if have_model else None
    pid = tagger.pid if tagger is not None else None
    if pid is not None:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def speed(gold: list[GoldArticle], have_model: bool, words: int, articles: int, warm: int) -> None:
    gazetteer()
    for language in ("en", "zh"):
        texts = [a.text for a in gold if a.language == language]
        unit = (lambda t: len(t.split())) if language == "en" else (lambda t: len(t) // 2)
        corpus: list[str] = []
        i = 0
        while len(corpus) < max(articles, warm):
            parts: list[str] = []
            while sum(map(unit, parts)) < words:
                parts.append(texts[i % len(texts)])
                i += 1
            corpus.append("\n\n".join(parts))
        fields = fields_for(language, have_model)
        cpu = cpu_seconds(have_model)
        list(tag_many(((t, language) for t in corpus[:warm]), fields=fields))  # load, warm up
        if warm:
            rate = warm / (cpu_seconds(have_model) - cpu)
            print(f"{language}: warm-up, first {warm} articles: {rate:.1f} articles/s per core")
        timed = corpus[:articles]
        cpu, start = cpu_seconds(have_model), time.perf_counter()
        list(tag_many(((t, language) for t in timed), fields=fields))
        elapsed, cpu = time.perf_counter() - start, cpu_seconds(have_model) - cpu
        print(
            f"{language}: {len(timed)} articles of ~{words} words, fields {','.join(fields)}: "
            f"{len(timed) / cpu:.1f} articles/s per core ({1000 * cpu / len(timed):.1f} ms "
            f"CPU/article); wall {len(timed) / elapsed:.1f} articles/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--warm", type=int, default=100, help="articles before timing")
    parser.add_argument("--misses", action="store_true", help="list every miss and extra")
    args = parser.parse_args()
    try:
        started = time.perf_counter()
        backend = english_ner()
        print(
            f"English NER: {backend.description}, started in {time.perf_counter() - started:.1f}s"
        )
        have_model = True
    except EntityModelError as error:
        print(f"English NER ({english_model_name()}) NOT available: {error}")
        have_model = False
    gold = load_gold()
    accuracy(gold, have_model, args.misses)
    speed(gold, have_model, args.words, args.articles, args.warm)


if __name__ == "__main__":
    main()

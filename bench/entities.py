"""Entity-stage benchmark: gold-set precision/recall/F1 and throughput per core.

Run `python bench/entities.py [--words 1000] [--articles 200] [--misses]`.
Accuracy uses the hand-annotated gold set (tests/gold/entities.jsonl) through
the same scoring code as the test floors. Speed runs single-process (one core)
over synthetic articles of about `--words` words made by joining gold texts, so
the figure is articles per second per core; the gazetteer and models are
loaded before timing, as they are once per crawl worker.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.entities import FIELDS, english_model_available, tag_many
from pipelines.entities.models import EN_MODEL, EN_MODEL_VERSION, english_model_name
from pipelines.entities.places import gazetteer
from pipelines.entities.scoring import GoldArticle, load_gold, score, tag_gold


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
                print(f"{field_name:<8}{language:<6}  (needs {EN_MODEL}: not installed)")
                continue
            print(
                f"{field_name:<8}{language:<6}{counts.precision:7.3f}{counts.recall:7.3f}"
                f"{counts.f1:7.3f}{counts.tp:5d}{counts.fp:5d}{counts.fn:5d}"
            )
            if show_misses:
                for miss in counts.misses:
                    print(f"    {miss}")


def speed(gold: list[GoldArticle], have_model: bool, words: int, articles: int) -> None:
    gazetteer()
    for language in ("en", "zh"):
        texts = [a.text for a in gold if a.language == language]
        unit = (lambda t: len(t.split())) if language == "en" else (lambda t: len(t) // 2)
        corpus: list[str] = []
        i = 0
        while len(corpus) < articles:
            parts: list[str] = []
            while sum(map(unit, parts)) < words:
                parts.append(texts[i % len(texts)])
                i += 1
            corpus.append("\n\n".join(parts))
        fields = fields_for(language, have_model)
        list(tag_many([(corpus[0], language)], fields=fields))  # warm: load models
        start = time.perf_counter()
        list(tag_many(((t, language) for t in corpus), fields=fields))
        elapsed = time.perf_counter() - start
        print(
            f"{language}: {len(corpus)} articles of ~{words} words, fields {','.join(fields)}: "
            f"{len(corpus) / elapsed:.1f} articles/s per core, "
            f"{1000 * elapsed / len(corpus):.1f} ms/article"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--misses", action="store_true", help="list every miss and extra")
    args = parser.parse_args()
    have_model = english_model_available()
    print(
        f"English NER model: {english_model_name()} "
        f"({'loaded' if have_model else f'NOT installed; pinned {EN_MODEL}=={EN_MODEL_VERSION}'})"
    )
    gold = load_gold()
    accuracy(gold, have_model, args.misses)
    speed(gold, have_model, args.words, args.articles)


if __name__ == "__main__":
    main()

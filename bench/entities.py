"""Entity-stage benchmark: gold-set and real-text precision/recall/F1, and throughput per core.

Run `python bench/entities.py [--words 1000] [--articles 200] [--misses] [--real-only]`.
Accuracy uses the hand-annotated gold set (tests/gold/entities.jsonl) and the
real-text Chinese set (../shared/homeward-data/entities-real/: Universal NER's annotations of
Chinese Wikipedia and news text, `heldout` never tuned on) through the same
scoring code as the test floors. On the real text the Chinese candidates are
measured side by side: the stage as wired (Baidu LAC, its PER words kept by the
name model of bench/train_chinese_names.py), LAC with the filters alone, LAC's raw
PER/LOC words without the filters, and the jieba POS tags with rules the stage
used before, and with `--corenlp-chinese` CoreNLP's Chinese models (`--misses`
lists the wired stage's errors on the tune split, never the held-out ones). Speed
runs single-process over synthetic articles of about `--words` words made by
joining gold texts (Chinese: and the tune split's, so that no sentence repeats
within a batch); the gazetteer and models are loaded and the JVM warmed up
(`--warm` articles, whose rate is printed too: CoreNLP's JIT needs about 100)
before timing, as in a crawl worker that has been running a while; each
language is timed both in batches (`tag_many`, as re-tagging an archive calls
it: LAC then runs the sentences of many articles together) and one article per
call (as a crawl worker does), and Chinese also with the filters in place of the
name model, side by side. Articles/s
per core divides by the CPU time of this process plus its CoreNLP tagger (the two
take turns, so one core is busy at a time); wall-clock rate is printed as well.
English names need the English NER model (`scripts/corenlp.sh fetch`); without
it only places and years are measured for English, and the header says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data_sets import MissingDataSet
from bench.score_entities import (
    REAL_SPLITS,
    GoldArticle,
    load_gold,
    load_real,
    score,
    score_real,
    tag_gold,
)
from pipelines.entities import (
    BATCH_SIZE,
    FIELDS,
    Entities,
    EntityModelError,
    tag_entities,
    tag_many,
    zh_places,
)
from pipelines.entities import names as _names
from pipelines.entities import places as _places
from pipelines.entities.corenlp import SCRIPT
from pipelines.entities.models import (
    chinese_words,
    close_english_ner,
    english_model_name,
    english_ner,
    jieba_posseg,
)
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


def jieba_rules(text: str, authors: list[str] | None = None) -> Entities:
    """The Chinese stage before LAC (up to 0.1.x): jieba's POS tags and rules."""
    tokens = [(w.word, w.flag) for w in jieba_posseg().cut(text)]
    mentions = [_names.clean_chinese(m) for m in _names.chinese_mentions(text, tokens)]
    plausible = [m for m in mentions if m and (len(m) == 1 or _names.plausible_chinese(m))]
    names = _names.merge_names(plausible, exclude=authors or ())
    places = [m for m, _ in _places.chinese_mentions(tokens) if m not in names]
    return Entities(names=names, places=_places.resolve(places, "zh"))


def lac_raw(text: str, authors: list[str] | None = None) -> Entities:
    """LAC's PER and LOC words as they come, without the stage's filters and mending."""
    words = chinese_words(text)
    people = (w for w, tag in words if tag == "PER" and w.strip() and w not in (authors or ()))
    names = list(dict.fromkeys(people))
    places = [w for w, tag in words if tag == "LOC"]
    return Entities(names=names, places=_places.resolve(places, "zh"))


def lac_filters(text: str, authors: list[str] | None = None) -> Entities:
    """The stage without the name model: LAC's PER words kept by the filters alone
    (`plausible_chinese_person`), as up to 0.1.x, with the mended edges."""
    words = chinese_words(text)
    names = _names.chinese_names(text, words, authors or ())
    places = [m for m in zh_places.place_mentions(words) if m not in names]
    return Entities(names=names, places=_places.resolve(places, "zh"))


CANDIDATES = {
    "stage (LAC + model)": None,
    "LAC + filters only": lac_filters,
    "LAC raw words": lac_raw,
    "jieba + rules (before)": jieba_rules,
}
_CORENLP_ENTITY = re.compile(r"<(PERSON|GPE|LOC)>(.*?)</\1>")


def corenlp_chinese(texts: list[str]) -> list[Entities] | None:
    """CoreNLP's Chinese segmenter and NER on each text (one JVM run for all), or
    None when its models are not installed (`scripts/corenlp.sh fetch-chinese`)."""
    lines = "".join(" ".join(text.split()) + "\n" for text in texts)
    done = subprocess.run(
        ["bash", str(SCRIPT), "tag-chinese"],
        input=lines,
        capture_output=True,
        text=True,
        check=False,
    )
    tagged = done.stdout.splitlines()
    if done.returncode != 0 or len(tagged) != len(texts):
        print(f"  (CoreNLP Chinese not measured: {done.stderr.strip()[-300:] or 'no output'})")
        return None
    result = []
    for line in tagged:
        names, places = [], []
        for label, value in _CORENLP_ENTITY.findall(line):
            value = value.replace(" ", "") if _names.is_cjk(value.replace(" ", "")) else value
            (names if label == "PERSON" else places).append(value)
        people = _names.merge_names(names)
        result.append(Entities(names=people, places=_places.resolve(places, "zh")))
    return result


def real_accuracy(show_misses: bool, corenlp: bool = False) -> None:
    """The real-text Chinese figures, every candidate on every split (and on the
    gold set's Chinese articles, for comparison)."""
    print("\nChinese names and places, candidate by candidate:")
    print(f"{'split':<26}{'candidate':<24}{'field':<8}{'P':>7}{'R':>7}{'F1':>7}")
    gold = [a for a in load_gold() if a.language == "zh"]
    for label, tagger in CANDIDATES.items():
        if tagger is None:
            predicted = list(tag_gold(gold, ("names", "places")))
        else:
            predicted = [tagger(a.text, a.authors) for a in gold]
        results = score(gold, predicted, ("names", "places"))
        for (field_name, _), counts in results.items():
            print(
                f"{f'gold set zh ({len(gold)})':<26}{label:<24}{field_name:<8}"
                f"{counts.precision:7.3f}{counts.recall:7.3f}{counts.f1:7.3f}"
            )
    for split in REAL_SPLITS:
        try:
            gold = load_real(split)
        except MissingDataSet as error:
            print(error)
            break
        candidates: dict[str, object] = dict(CANDIDATES)
        if corenlp and split == "heldout":
            candidates["CoreNLP Chinese"] = corenlp_chinese
        for label, tagger in candidates.items():
            if tagger is None:
                predicted = list(tag_gold(gold, ("names", "places")))
            elif tagger is corenlp_chinese:
                found = corenlp_chinese([a.text for a in gold])
                if found is None:
                    continue
                predicted = found
            else:
                predicted = [tagger(a.text) for a in gold]  # type: ignore[operator]
            results = score_real(gold, predicted)
            for field_name, counts in results.items():
                print(
                    f"{split + f' ({len(gold)})':<26}{label:<24}{field_name:<8}"
                    f"{counts.precision:7.3f}{counts.recall:7.3f}{counts.f1:7.3f}"
                )
                if show_misses and tagger is None and split == "tune":
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


def speed_texts(gold: list[GoldArticle], language: str) -> list[str]:
    """The texts speed articles are made of. Chinese ones come from the real-text
    tune split too (900 texts, 177,000 characters; timing is not tuning): made of
    the 15 gold texts alone, a batch of articles would repeat each sentence
    several times, and LAC runs a repeated sentence once (see `tag_many`)."""
    texts = [a.text for a in gold if a.language == language]
    if language != "zh":
        return texts
    try:
        return texts + [a.text for a in load_real("tune")]
    except MissingDataSet as error:
        print(f"{error}\nChinese speed articles are made of the gold texts alone: LAC runs a")
        print("repeated sentence once, so the Chinese speed is not comparable to other runs.")
        return texts


def speed_corpus(gold: list[GoldArticle], language: str, words: int, count: int) -> list[str]:
    """`count` synthetic articles of about `words` words, joined from `speed_texts`."""
    texts = speed_texts(gold, language)
    unit = (lambda t: len(t.split())) if language == "en" else (lambda t: len(t) // 2)
    corpus: list[str] = []
    i = 0
    while len(corpus) < count:
        parts: list[str] = []
        while sum(map(unit, parts)) < words:
            parts.append(texts[i % len(texts)])
            i += 1
        corpus.append("\n\n".join(parts))
    return corpus


# One side of `--baseline`: a process that tags with the checkout at argv[1] and
# answers each request (a JSON line of texts) with the CPU it took, its own and its
# CoreNLP tagger's, and a digest of the tags. Only APIs older checkouts have too.
_SIDE = r"""
import hashlib, json, os, sys
root, language, have_model = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
sys.path.insert(0, root)
from pipelines.entities import FIELDS, tag_entities, tag_many
from pipelines.entities.models import english_ner
fields = FIELDS if language == "zh" or have_model else ("places", "years")

def cpu():
    times = os.times()
    total = times.user + times.system
    tagger = getattr(english_ner(), "tagger", None) if language != "zh" and have_model else None
    pid = tagger.pid if tagger is not None else None
    if pid is not None:
        with open(f"/proc/{pid}/stat") as stat:
            parts = stat.read().rsplit(")", 1)[1].split()
        total += (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    return total

for line in sys.stdin:
    request = json.loads(line)
    start = cpu()
    if request["one_per_call"]:
        found = [tag_entities(text, language, fields=fields) for text in request["texts"]]
    else:
        found = list(tag_many(((text, language) for text in request["texts"]), fields=fields))
    used = cpu() - start
    digest = hashlib.sha256(repr(found).encode()).hexdigest()
    print(json.dumps({"cpu": used, "digest": digest}), flush=True)
"""


class _Side:
    """A `_SIDE` process for one checkout and language."""

    def __init__(self, root: Path, language: str, have_model: bool) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SIDE, str(root), language, "1" if have_model else "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,  # so that nothing is imported from this checkout by accident
        )
        self.cpu = {False: 0.0, True: 0.0}

    def tag(self, texts: list[str], one_per_call: bool) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"texts": texts, "one_per_call": one_per_call}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        self.cpu[one_per_call] += reply["cpu"]
        return reply["digest"]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def side_by_side(
    gold: list[GoldArticle], have_model: bool, baseline: Path, words: int, articles: int, warm: int
) -> None:
    """This checkout against `baseline` (another checkout, e.g. a git worktree of the
    last commit) on the same articles, in turns of one batch each, the order swapped
    every turn, so that a busy machine slows both alike: the CPU per article of each,
    the ratio, and whether every tag is the same."""
    here = Path(__file__).resolve().parents[1]
    print(f"\nside by side: this checkout ({here}) against {baseline}")
    for language in ("en", "zh"):
        corpus = speed_corpus(gold, language, words, warm + articles)
        sides = {
            "before": _Side(baseline, language, have_model),
            "after": _Side(here, language, have_model),
        }
        try:
            for side in sides.values():
                side.tag(corpus[:warm], one_per_call=False)  # load, warm up
                side.cpu[False] = 0.0
            timed = corpus[warm:]
            same = True
            for one_per_call in (False, True):
                for turn, first in enumerate(range(0, len(timed), BATCH_SIZE)):
                    chunk = timed[first : first + BATCH_SIZE]
                    order = list(sides.values())[:: 1 if turn % 2 == 0 else -1]
                    digests = {side.tag(chunk, one_per_call) for side in order}
                    same = same and len(digests) == 1
            for one_per_call, label in ((False, "tag_many"), (True, "one per call")):
                rates = {name: len(timed) / side.cpu[one_per_call] for name, side in sides.items()}
                print(
                    f"{language}: {len(timed)} articles of ~{words} words, {label}: before "
                    f"{rates['before']:.1f}, after {rates['after']:.1f} articles/s per core "
                    f"({rates['after'] / rates['before']:.2f}x)"
                )
            print(f"{language}: tags the same on every article: {'yes' if same else 'NO'}")
        finally:
            for side in sides.values():
                side.close()


def speed(gold: list[GoldArticle], have_model: bool, words: int, articles: int, warm: int) -> None:
    gazetteer()
    for language in ("en", "zh"):
        corpus = speed_corpus(gold, language, words, max(articles, warm))
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
            f"{language}: {len(timed)} articles of ~{words} words, fields {','.join(fields)}, "
            f"{BATCH_SIZE} per call (tag_many): {len(timed) / cpu:.1f} articles/s per core "
            f"({1000 * cpu / len(timed):.1f} ms CPU/article); wall {len(timed) / elapsed:.1f} "
            "articles/s"
        )
        single = cpu_seconds(have_model)
        for text in timed:
            tag_entities(text, language, fields=fields)
        single = cpu_seconds(have_model) - single
        print(
            f"{language}: the same articles one per call (tag_entities, as a crawl worker "
            f"calls it): {len(timed) / single:.1f} articles/s per core"
        )
        if language == "zh":
            filters_cpu = cpu_seconds()
            for text in timed:
                lac_filters(text)
            filters_cpu = cpu_seconds() - filters_cpu
            print(
                f"zh: the same articles one per call, names by the filters only (no "
                f"sureness): {len(timed) / filters_cpu:.1f} articles/s per core; the stage "
                f"takes {single / filters_cpu:.2f}x its CPU"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--warm", type=int, default=100, help="articles before timing")
    parser.add_argument("--misses", action="store_true", help="list every miss and extra")
    parser.add_argument("--real-only", action="store_true", help="only the real-text figures")
    parser.add_argument(
        "--corenlp-chinese",
        action="store_true",
        help="also CoreNLP's Chinese models on the held-out text (scripts/corenlp.sh "
        "fetch-chinese first; 4 GB and a few minutes)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="instead, time this checkout against another one (e.g. `git worktree add "
        "/tmp/base HEAD`) side by side, and check that their tags are the same",
    )
    args = parser.parse_args()
    if args.real_only:
        real_accuracy(args.misses, args.corenlp_chinese)
        return
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
    if args.baseline:
        close_english_ner()  # each side starts its own
        side_by_side(gold, have_model, args.baseline, args.words, args.articles, args.warm)
        return
    accuracy(gold, have_model, args.misses)
    real_accuracy(args.misses, args.corenlp_chinese)
    speed(gold, have_model, args.words, args.articles, args.warm)


if __name__ == "__main__":
    main()

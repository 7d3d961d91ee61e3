"""Scoring the entity stage against the hand-annotated gold set.

One implementation serves `bench/entities.py` (which prints the figures) and
`tests/test_entities.py` and `tests/test_entities_real.py` (which hold the floors),
so the number CI keeps is the number the benchmark prints.

Two sets: the project's gold set (tests/gold/entities.jsonl, abduction news written
for it) and the real-text set (../shared/homeward-data/entities-real/, found by
bench/data_sets.py; Universal NER's Chinese annotations, see
tests/data/entities-real/README.md): `tune` may be looked at, `heldout` never is.

Per article, each field is compared as a set; counts are summed over articles
(micro-averaged) per field and language. Values are compared in a normal form:
names ignore case, spaces and hyphens (`Liu Si Rui` = `Liu Sirui`); places
ignore case, accents, apostrophe style and a trailing generic word (`Zhangjiazhuang
village` = `Zhangjiazhuang`, `张家庄村` = `张家庄`), because the gold set records
what a place is, not which suffix the text happened to use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bench.data_sets import shared_data
from bench.precision_recall import PrecisionRecall
from pipelines.entities import FIELDS, Entities
from pipelines.entities.places import key

GOLD_PATH = Path(__file__).resolve().parents[1] / "tests" / "gold" / "entities.jsonl"
# The set's folder under the evaluation data folder (bench/data_sets.py).
REAL_SET = "entities-real"
REAL_SPLITS = ("heldout", "tune", "heldout-traditional")
_PLACE_SUFFIX = re.compile(
    r"(?:\s+(?:village|county|city|province|district|town|township|prefecture))$"
    r"|(?<=[\u4e00-\u9fff])(?:村|镇|乡|县|市|区|省)$"
)


@dataclass(slots=True)
class GoldArticle:
    """One annotated article: what a careful human reader lists for each field."""

    id: str
    language: str
    text: str
    authors: list[str]
    names: list[str]
    places: list[str]
    years: list[int]
    orgs: list[str] = field(default_factory=list)  # the real-text set only


def load_real(split: str = "heldout", directory: Path | None = None) -> list[GoldArticle]:
    """One split of the real-text set (`heldout`, `tune` or `heldout-traditional`).

    From `directory`, else from the shared data folder (MissingDataSet, naming the
    folder and the builder, when the set is not there).
    """
    if split not in REAL_SPLITS:
        raise ValueError(f"unknown split {split!r}; known: {REAL_SPLITS}")
    return load_gold((directory or shared_data(REAL_SET)) / f"{split}.jsonl")


def load_gold(path: Path = GOLD_PATH) -> list[GoldArticle]:
    articles = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                articles.append(GoldArticle(**json.loads(line)))
            except (TypeError, ValueError) as error:
                raise ValueError(f"{path}, line {number}: {error}") from None
    return articles


def normal_name(value: str) -> str:
    return re.sub(r"[\s\-‐·.]", "", value).casefold()


def normal_place(value: str) -> str:
    return _PLACE_SUFFIX.sub("", key(value)).strip()


def normal_values(field_name: str, values: Iterable[object]) -> set[object]:
    if field_name == "names":
        return {normal_name(str(v)) for v in values}
    if field_name == "places":
        return {normal_place(str(v)) for v in values}
    return set(values)


@dataclass(slots=True)
class Counts(PrecisionRecall):
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)


def predicted_values(field_name: str, entities: Entities) -> list[object]:
    if field_name == "places":
        return [p.name for p in entities.places]
    return list(getattr(entities, field_name))


def score(
    gold: Iterable[GoldArticle], predicted: Iterable[Entities], fields: Iterable[str] = FIELDS
) -> dict[tuple[str, str], Counts]:
    """Counts per (field, language), with a note of each miss for debugging."""
    fields = tuple(fields)
    results: dict[tuple[str, str], Counts] = {}
    for article, entities in zip(gold, predicted, strict=True):
        for field_name in fields:
            counts = results.setdefault((field_name, article.language), Counts())
            want = normal_values(field_name, getattr(article, field_name))
            got = normal_values(field_name, predicted_values(field_name, entities))
            counts.tp += len(want & got)
            counts.fp += len(got - want)
            counts.fn += len(want - got)
            counts.misses += [f"{article.id} extra {v}" for v in sorted(map(str, got - want))]
            counts.misses += [f"{article.id} missed {v}" for v in sorted(map(str, want - got))]
    return results


def tag_gold(gold: list[GoldArticle], fields: Iterable[str] = FIELDS) -> Iterator[Entities]:
    """Run the stage over the gold set the way the crawler does (batched)."""
    from pipelines.entities import tag_many

    return tag_many(
        ((a.text, a.language) for a in gold),
        authors=(a.authors for a in gold),
        fields=tuple(fields),
    )


@cache
def _resolvable(place: str) -> bool:
    from pipelines.entities.places import resolve

    return bool(resolve([place], "zh"))


@dataclass(slots=True)
class PlaceCounts(Counts):
    """Places count precision over the values found and recall over the annotated
    spans, which are not one to one: 日本 and 东京 both rightly answer 日本东京."""

    right: int = 0  # found values that are an annotated place or a part of one

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.fp) if self.right + self.fp else 1.0


def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a


def score_real(gold: Iterable[GoldArticle], predicted: Iterable[Entities]) -> dict[str, Counts]:
    """Names and places against the real-text set's annotations.

    Names: as `score`. Places follow the annotators' convention, which is not the
    stage's: they tag 日本东京 or 中国青海省互助县 as one span and an organisation
    with its place as one ORG (昆明市公安局), where the stage lists each place. So a
    found place is right when it is an annotated place or a part of one, is neither
    right nor wrong inside an organisation's name, and is wrong otherwise; recall
    is over the annotated places the stage can know (the gazetteer resolves them,
    or a found place is a part of them): a lake, a building or 温带 ("the temperate
    zone") are not places the stage looks for.
    """
    names, places = Counts(), PlaceCounts()
    for article, entities in zip(gold, predicted, strict=True):
        want = normal_values("names", article.names)
        got = normal_values("names", entities.names)
        names.tp += len(want & got)
        names.fp += len(got - want)
        names.fn += len(want - got)
        names.misses += [f"{article.id} extra {v}" for v in sorted(got - want)]
        names.misses += [f"{article.id} missed {v}" for v in sorted(want - got)]
        annotated = {normal_place(p): p for p in article.places}
        orgs = [normal_place(o) for o in article.orgs]
        found = {normal_place(p.mention) for p in entities.places} - {""}
        for value in sorted(found):
            if any(value in a for a in annotated):
                places.right += 1
            elif not any(value in o for o in orgs):
                places.fp += 1
                places.misses.append(f"{article.id} extra {value}")
        for value, raw in annotated.items():
            hit = any(_overlaps(f, value) for f in found)
            if hit:
                places.tp += 1
            elif _resolvable(raw):
                places.fn += 1
                places.misses.append(f"{article.id} missed {value}")
    return {"names": names, "places": places}

"""Scoring the entity stage against the hand-annotated gold set.

One implementation serves `bench/entities.py` (which prints the figures) and
`tests/test_entities.py` (which holds the floors), so the number CI keeps is the
number the benchmark prints.

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
from pathlib import Path

from pipelines.entities import FIELDS, Entities
from pipelines.entities.places import key

GOLD_PATH = Path(__file__).resolve().parents[1] / "tests" / "gold" / "entities.jsonl"
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
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


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

"""The entity stage: the people, places and years an article mentions.

These three fields are the archive's facets (`--person`, `--place`, `--year`), so
the stage favours one clean value per real-world entity over raw recall: variants
of a name merge, 北京 and Beijing resolve to one gazetteer entry, and a ransom of
2000 yuan is not a year. It is a pure function over text; the Scrapy adapter and
archive re-processing both call it.

English names need an NER model (Stanford CoreNLP's CRF by default, or a spaCy
pipeline; see `models.py`); English places and years need none, so they can be
computed (and benchmarked) on machines without it by asking only for those fields.
Chinese names and places come from Baidu LAC, which ships inside a Python package
Homeward installs (`models.chinese_tagging`); which of its PER words are kept is
decided by a small model of how sure it was (`names.chinese_names`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from homeward.article import Place
from pipelines.entities import names as _names
from pipelines.entities import places as _places
from pipelines.entities import zh_places
from pipelines.entities.errors import EntityModelError
from pipelines.entities.models import (
    ChineseTagging,
    Mention,
    chinese_tagging_many,
    english_model_available,
    english_ner,
)
from pipelines.entities.years import extract_years

__all__ = [
    "FIELDS",
    "Entities",
    "EntityModelError",
    "english_model_available",
    "tag_entities",
    "tag_many",
]

FIELDS = ("names", "places", "years")
BATCH_SIZE = 32
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(slots=True)
class Entities:
    """What the stage adds to an `Article`: its `names`, `places` and `years`."""

    names: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def guess_language(text: str) -> str:
    """Used only when the article has no language: Chinese if CJK dominates."""
    cjk = len(_CJK.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if letters and cjk / letters > 0.3 else "en"


def tag_entities(
    text: str,
    language: str | None,
    authors: Sequence[str] = (),
    fields: Collection[str] = FIELDS,
) -> Entities:
    """Names, places and years of one article (see `tag_many` for batches)."""
    return next(tag_many([(text, language)], authors=[authors], fields=fields))


def tag_many(
    items: Iterable[tuple[str, str | None]],
    authors: Iterable[Sequence[str]] | None = None,
    fields: Collection[str] = FIELDS,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Entities]:
    """Entities for each (text, language) pair, in order, the models batched.

    English texts go to the NER model a batch at a time (spaCy's `nlp.pipe` is
    much faster that way; see bench/entities.py), and Chinese ones to LAC (its
    cost is mostly per call: `models.chinese_tagging_many`). `authors`, if given, runs
    parallel to `items`: each article's byline names are kept out of its `names`.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown entity field(s) {sorted(unknown)}; known: {FIELDS}")
    iterator = iter(items)
    author_iter = iter(authors) if authors is not None else None
    while True:
        batch = list(islice(iterator, batch_size))
        if not batch:
            return
        bylines = [list(next(author_iter, ())) if author_iter is not None else [] for _ in batch]
        languages = [(lang or guess_language(text)).lower()[:2] for text, lang in batch]
        english = [i for i, lang in enumerate(languages) if lang != "zh"]
        ner: dict[int, list[Mention]] = {}
        if english and "names" in fields:
            tagged = english_ner().mentions([batch[i][0] for i in english])
            ner = dict(zip(english, tagged, strict=True))
        chinese = [i for i, lang in enumerate(languages) if lang == "zh"]
        lac: dict[int, ChineseTagging] = {}
        if chinese and ("names" in fields or "places" in fields):
            texts = [batch[i][0] for i in chinese]
            taggings = chinese_tagging_many(texts, person="names" in fields)
            lac = dict(zip(chinese, taggings, strict=True))
        for i, (text, _) in enumerate(batch):
            if languages[i] == "zh":
                yield _tag_chinese(text, lac.get(i), bylines[i], fields)
            else:
                yield _tag_english(text, ner.get(i), bylines[i], fields)


def _tag_english(
    text: str, ner: list[Mention] | None, authors: list[str], fields: Collection[str]
) -> Entities:
    """`ner` is the model's mentions in `text`, or None when names were not asked for."""
    result = Entities()
    person_spans: list[tuple[int, int]] = []
    place_spans: list[tuple[str, int]] = []
    if ner is not None:
        person_spans = [(m.start, m.end) for m in ner if m.kind == "person"]
        place_spans = [(text[m.start : m.end], m.start) for m in ner if m.kind == "place"]
        result.names = _names.english_names(text, ner, authors)
    if "places" in fields:
        candidates = _places.english_mentions(text, skip=person_spans)
        resolved_words = {m for m, _ in candidates}
        # NER place spans add villages the capitalised-run rules cannot prove.
        for mention, start in place_spans:
            words = [w for w in mention.split() if w.casefold() not in _places.EN_GENERIC]
            name = " ".join(w for w in words if w.casefold() != "the")
            if name and name not in resolved_words:
                candidates.append((name, start))
        candidates.sort(key=lambda pair: pair[1])
        found = _places.resolve((m for m, _ in candidates), "en")
        # Without NER only gazetteer hits and explicit "X village" forms are kept.
        explicit = {m for m, _ in _places_explicit(text)} | {m for m, _ in place_spans}
        result.places = [p for p in found if p.country or p.name in explicit]
    if "years" in fields:
        result.years = extract_years(text)
    return result


def _places_explicit(text: str) -> list[tuple[str, int]]:
    found = []
    for pattern in (_places._EN_SETTLEMENT_BEFORE, _places._EN_SETTLEMENT_AFTER):
        found += [(m.group("name"), m.start()) for m in pattern.finditer(text)]
    return found


def _tag_chinese(
    text: str, lac: ChineseTagging | None, authors: list[str], fields: Collection[str]
) -> Entities:
    """Names from LAC's PER words, kept by how sure it was of them; places from its
    LOC words (see models.py for why). `lac` is LAC's reading of `text`, None when
    neither names nor places were asked for."""
    result = Entities()
    words = lac.words if lac is not None else []
    if "names" in fields and lac is not None:
        result.names = _names.chinese_names(text, words, authors, person=lac.person)
    if "places" in fields:
        mentions = zh_places.place_mentions(words)
        taken = set(result.names)
        result.places = _places.resolve((m for m in mentions if m not in taken), "zh")
    if "years" in fields:
        result.years = extract_years(text)
    return result

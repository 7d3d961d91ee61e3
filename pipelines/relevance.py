"""Relevance stage: is an article about child abduction or child trafficking?

A weighted topic lexicon in English and Chinese (simplified and traditional)
lives in `pipelines/lexicon/topic.toml`, so editors can extend it without
touching code. Scoring is deliberately simple and explainable: the terms that
made an article relevant are stored with it (`Relevance.terms`), so a reader
can see why it is in the archive.

* Strong terms (拐卖, 打拐, child trafficking, missing children) make an
  article relevant on their own.
* Weaker terms (abducted, trafficking, 寻亲) count in full only when the text
  also speaks of children, and "missing" alone is a hint, never enough.
* Trafficking of drugs, arms or wildlife is blanked out before matching, and
  a match of a longer term consumes its span, so "child trafficking" is not
  counted again as "trafficking".
* Repeats add less and less (a term counts at most three times), and a term
  in the headline counts double.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "DEFAULT_LEXICON",
    "Lexicon",
    "Relevance",
    "RelevanceOptions",
    "is_relevant",
    "lexicon_counts",
    "load_lexicon",
    "relevance_options",
    "score_relevance",
]

DEFAULT_LEXICON = Path(__file__).with_name("lexicon") / "topic.toml"


@dataclass(slots=True, frozen=True)
class RelevanceOptions:
    """Defaults of the relevance stage.

    `threshold`: the score an article needs (3.0 = one strong term, or a
    weaker term repeated in a text about children). `lexicon`: a TOML file in
    the format of `pipelines/lexicon/topic.toml`.
    """

    threshold: float = 3.0
    title_weight: float = 2.0
    max_repeats: int = 3
    repeat_weight: float = 0.5
    without_children: float = 0.5
    lexicon: Path = DEFAULT_LEXICON


DEFAULT_OPTIONS = RelevanceOptions()


@dataclass(slots=True)
class Relevance:
    """How much an article is about the topic, and the lexicon terms that say so."""

    score: float
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Term:
    label: str
    pattern: re.Pattern[str]
    weight: float
    needs_children: bool


@dataclass(slots=True, frozen=True)
class Lexicon:
    """A compiled topic lexicon: terms strongest first, exclusions, child context."""

    terms: tuple[Term, ...]
    exclude: tuple[re.Pattern[str], ...]
    children: tuple[re.Pattern[str], ...]


def _english(pattern: str) -> re.Pattern[str]:
    body = pattern.replace(" ", r"[\s\-]+")
    return re.compile(rf"(?<![\w'])(?:{body})(?!\w)", re.IGNORECASE)


def _chinese(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=8)
def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """Read and compile a lexicon file; an error names the file and the entry."""
    if Path(path) == DEFAULT_LEXICON:
        # Through importlib.resources: also readable when the package is a zipped egg
        # (a Scrapyd node runs the crawler from one).
        text = resources.files("pipelines.lexicon").joinpath("topic.toml").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    terms: list[Term] = []
    for language, compile_entry in (("en", "pattern"), ("zh", "patterns")):
        for index, entry in enumerate(data.get(language, [])):
            try:
                source = entry[compile_entry]
                pattern = _english(source) if language == "en" else _chinese(source)
                terms.append(
                    Term(
                        label=entry["term"],
                        pattern=pattern,
                        weight=float(entry["weight"]),
                        needs_children=bool(entry.get("child", False)),
                    )
                )
            except (KeyError, TypeError, re.error) as error:
                raise ValueError(
                    f"{path}: [[{language}]] entry {index + 1} is invalid ({error!r}); "
                    f"it needs term, {compile_entry} and weight"
                ) from error
    terms.sort(key=lambda term: -term.weight)
    exclude = data.get("exclude", {})
    context = data.get("context", {})
    return Lexicon(
        terms=tuple(terms),
        exclude=tuple(
            [_english(p) for p in exclude.get("en", [])]
            + ([_chinese(exclude["zh"])] if exclude.get("zh") else [])
        ),
        children=tuple(
            ([_english(context["en"])] if context.get("en") else [])
            + ([_chinese(context["zh"])] if context.get("zh") else [])
        ),
    )


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _count_terms(text: str, lexicon: Lexicon) -> Counter[Term]:
    for pattern in lexicon.exclude:
        text = pattern.sub(_blank, text)
    counts: Counter[Term] = Counter()
    for term in lexicon.terms:
        text, found = term.pattern.subn(_blank, text)
        if found:
            counts[term] += found
    return counts


def score_relevance(
    text: str, title: str | None = None, options: RelevanceOptions = DEFAULT_OPTIONS
) -> Relevance:
    """Score an article's title and text against the topic lexicon."""
    lexicon = load_lexicon(options.lexicon)
    counts = _count_terms(text or "", lexicon)
    if title:
        for term, found in _count_terms(title, lexicon).items():
            counts[term] += math.ceil(found * options.title_weight)
    whole = f"{title or ''}\n{text or ''}"
    about_children = any(pattern.search(whole) for pattern in lexicon.children)
    contributions: dict[str, float] = {}
    for term, found in counts.items():
        weight = term.weight
        if term.needs_children and not about_children:
            weight *= options.without_children
        repeats = min(found, options.max_repeats) - 1
        value = weight * (1 + options.repeat_weight * repeats)
        contributions[term.label] = contributions.get(term.label, 0.0) + value
    ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))
    return Relevance(
        score=round(float(sum(value for _, value in ranked)), 3),
        terms=[label for label, _ in ranked],
    )


def lexicon_counts(
    text: str, title: str | None = None, options: RelevanceOptions = DEFAULT_OPTIONS
) -> tuple[Counter[str], bool]:
    """How often each lexicon term matched (a headline match counts `title_weight`
    times, as in the score), and whether the text speaks of children: the features a
    model of readers' marks learns from (pipelines/triage_model.py)."""
    lexicon = load_lexicon(options.lexicon)
    counts: Counter[str] = Counter()
    for term, found in _count_terms(text or "", lexicon).items():
        counts[term.label] += found
    if title:
        for term, found in _count_terms(title, lexicon).items():
            counts[term.label] += math.ceil(found * options.title_weight)
    whole = f"{title or ''}\n{text or ''}"
    return counts, any(pattern.search(whole) for pattern in lexicon.children)


def relevance_options(
    threshold: float | None = None, lexicon: str | Path | None = None
) -> RelevanceOptions:
    """The stage's defaults with another threshold or lexicon file (None keeps the
    default); the lexicon is read here, so a broken file is named before any work."""
    options = DEFAULT_OPTIONS
    if threshold is not None:
        options = replace(options, threshold=float(threshold))
    if lexicon:
        path = Path(lexicon).expanduser().resolve()
        try:
            load_lexicon(path)
        except OSError as error:
            raise ValueError(f"lexicon {path}: cannot read it ({error.strerror})") from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"lexicon {path}: not valid TOML ({error})") from None
        options = replace(options, lexicon=path)
    return options


def is_relevant(
    text: str, title: str | None = None, options: RelevanceOptions = DEFAULT_OPTIONS
) -> bool:
    """Whether an article reaches the relevance threshold (`options.threshold`)."""
    return score_relevance(text, title, options).score >= options.threshold

""" "Probably the same case": other articles that share an article's rare names, places
and years, across languages, ranked, with the reason shown.

Pure over the `Archive` contract, so both backends give the same suggestions. The
candidates come from the archive's own search (an OR of `person:` and `place:`
filters, and each name as a phrase of text, held to the query language's limits);
each shared name or place counts by how rare it is in the archive (an IDF-like
weight from a count search), names above places above years, and a shared year
alone is never enough.

Names match in any form the `person:` filter accepts (case and spacing ignored),
and also when one article's tagged name is written in the other's text, so an
English report that writes "Wang Xiaoyu (王晓雨)" meets the Chinese report tagged
王晓雨. Chinese names and their pinyin are not linked otherwise (issue #12).
Places match by the gazetteer's name, so 周口市 and Zhoukou are one place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from homeward.article import Article, normalise_key
from search.archive import Archive
from search.query import (
    CJK_RUN,
    MAX_FILTER_VALUES,
    MAX_FILTER_VALUES_TOTAL,
    MAX_LIMIT,
    Field,
    Node,
    Or,
    SearchRequest,
    Text,
    text_segments,
)
from search.sets import ArticleSet

# How much one shared thing counts before its rarity: names tell a case apart best,
# places next, years least (many cases share a year).
NAME_WEIGHT = 3.0
PLACE_WEIGHT = 1.5
YEAR_WEIGHT = 0.5
# Names shorter than this (after normalising) are too common to link two articles by
# their appearing in text (王某, "Li").
MIN_TEXT_NAME_CHARS = 2
MIN_LATIN_TEXT_NAME_CHARS = 5
DEFAULT_LIMIT = 10


@dataclass(slots=True)
class Suggestion:
    """One article that is probably about the same case, and why."""

    article: Article
    score: float
    shared_names: list[str] = field(default_factory=list)
    shared_places: list[str] = field(default_factory=list)
    shared_years: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "id": a.id,
            "url": a.url,
            "title": a.title,
            "source": a.source or a.site_name,
            "published": a.published,
            "language": a.language,
            "score": round(self.score, 4),
            "why": {
                "names": self.shared_names,
                "places": self.shared_places,
                "years": self.shared_years,
            },
        }


@dataclass(slots=True)
class _Profile:
    """What the articles being matched carry: names, places, years, texts, ids to skip."""

    names: dict[str, str]  # key -> the form shown
    places: dict[str, str]
    years: set[int]
    text: str  # normalised texts, to find other articles' names written in them
    exclude_ids: set[str]
    exclude_urls: set[str]


def same_case(archive: Archive, article: Article, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """Articles probably about the same case as `article`, best first (itself and its
    merged copies left out)."""
    return _suggest(archive, _profile([article]), limit)


def same_case_for_set(
    archive: Archive, article_set: ArticleSet, limit: int = DEFAULT_LIMIT
) -> list[Suggestion]:
    """Suggestions for a set as a whole: the union of its articles' names, places and
    years, its members (and their merged copies) left out."""
    members = list(archive.iter_set_articles(article_set))
    profile = _profile(members)
    profile.exclude_ids |= set(article_set.article_ids())
    return _suggest(archive, profile, limit)


def place_key(name: str) -> str:
    """The key two tagged places are one place by: the gazetteer's name, normalised."""
    return normalise_key(name)


def _profile(articles: Iterable[Article]) -> _Profile:
    names: dict[str, str] = {}
    places: dict[str, str] = {}
    years: set[int] = set()
    texts: list[str] = []
    ids: set[str] = set()
    urls: set[str] = set()
    for article in articles:
        for name in article.names:
            names.setdefault(normalise_key(name), name)
        for place in article.places:
            places.setdefault(place_key(place.name), place.name)
        years.update(article.years)
        texts.append(normalise_key(f"{article.title}\n{article.text}"))
        ids.add(article.id)
        urls.add(article.url)
        urls.update(article.duplicates)
    names.pop("", None)
    places.pop("", None)
    return _Profile(names, places, years, "\n".join(texts), ids, urls)


def _suggest(archive: Archive, profile: _Profile, limit: int) -> list[Suggestion]:
    if limit <= 0 or not (profile.names or profile.places):
        return []  # a shared year alone is not enough
    candidates: dict[str, Article] = {}
    for query in _candidate_queries(profile):  # names, then places: a common place's
        request = SearchRequest(  # many articles cannot crowd out the name's few
            query=query, sort="date", limit=MAX_LIMIT, facets=False, highlight=False
        )
        for hit in archive.search(request).hits:
            candidates.setdefault(hit.article.id, hit.article)
    total = max(archive.count(), 1)
    counts: dict[tuple[str, str], int] = {}

    def rarity(kind: str, value: str) -> float:
        if (kind, value) not in counts:
            counts[kind, value] = _count(archive, kind, value)
        return math.log(1 + total / max(counts[kind, value], 1))

    suggestions: list[Suggestion] = []
    for candidate in candidates.values():
        if _excluded(candidate, profile):
            continue
        names = _shared_names(profile, candidate)
        places = _shared_places(profile, candidate)
        if not names and not places:
            continue
        years = sorted(profile.years & set(candidate.years))
        score = sum(NAME_WEIGHT * rarity("name", key) for key in names)
        score += sum(PLACE_WEIGHT * rarity("place", key) for key in places)
        score += sum(YEAR_WEIGHT * rarity("year", str(year)) for year in years)
        suggestions.append(
            Suggestion(
                article=candidate,
                score=score,
                shared_names=list(names.values()),
                shared_places=list(places.values()),
                shared_years=years,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, -_year(s.article), s.article.id))
    return suggestions[:limit]


def _candidate_queries(profile: _Profile) -> list[Node]:
    """person: and name-as-text alternatives, then place: ones, within the query
    language's limits (at most 50 values a filter, 100 in all)."""
    names = list(profile.names)[:MAX_FILTER_VALUES]
    texts = [key for key in names if _linkable_in_text(key)]
    name_nodes: list[Node] = [Field("person", key) for key in names]
    name_nodes += [Text(key, phrase=True) for key in texts][: MAX_FILTER_VALUES_TOTAL - len(names)]
    places = list(profile.places)[:MAX_FILTER_VALUES]
    place_nodes: list[Node] = [Field("place", key) for key in places]
    return [_any(nodes) for nodes in (name_nodes, place_nodes) if nodes]


def _any(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))


def _count(archive: Archive, kind: str, value: str) -> int:
    """How many articles carry a name (tagged or written), a place or a year."""
    if kind == "name":
        node: Node = Field("person", value)
        if _linkable_in_text(value):
            node = Or((node, Text(value, phrase=True)))
    elif kind == "place":
        node = Field("place", value)
    else:
        node = Field("year", int(value))
    request = SearchRequest(query=node, limit=0, facets=False, highlight=False)
    return archive.search(request).total


def _excluded(candidate: Article, profile: _Profile) -> bool:
    if candidate.id in profile.exclude_ids or candidate.url in profile.exclude_urls:
        return True
    return bool(profile.exclude_urls.intersection(candidate.duplicates))


def _shared_names(profile: _Profile, candidate: Article) -> dict[str, str]:
    """Names both carry: tagged on both, or tagged on one and written in the other."""
    shared: dict[str, str] = {}
    candidate_keys = candidate.name_keys()
    candidate_text: str | None = None
    for key, shown in profile.names.items():
        if key in candidate_keys:
            shared[key] = shown
        elif _linkable_in_text(key):
            if candidate_text is None:
                candidate_text = normalise_key(f"{candidate.title}\n{candidate.text}")
            if _written_in(key, candidate_text):
                shared[key] = shown
    for name in candidate.names:  # the candidate's tagged names written in ours
        key = normalise_key(name)
        linkable = key and key not in shared and _linkable_in_text(key)
        if linkable and _written_in(key, profile.text):
            shared[key] = name
    return shared


def _shared_places(profile: _Profile, candidate: Article) -> dict[str, str]:
    keys = {place_key(place.name) for place in candidate.places}
    return {key: shown for key, shown in profile.places.items() if key in keys}


def _linkable_in_text(key: str) -> bool:
    if not text_segments(key):
        return False
    if CJK_RUN.search(key):
        return len(key) >= MIN_TEXT_NAME_CHARS
    return len(key) >= MIN_LATIN_TEXT_NAME_CHARS and " " in key


def _written_in(key: str, text: str) -> bool:
    if CJK_RUN.fullmatch(key):
        return key in text
    return re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text) is not None


def _year(article: Article) -> int:
    return (
        int(article.published[:4]) if article.published and article.published[:4].isdigit() else 0
    )

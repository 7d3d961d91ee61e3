"""Highlighted snippets made in Python, where the backend cannot make them itself.

Scraped text is hostile: every character of it is HTML-escaped here, and only
the `<mark>` tags this module adds are markup. Terms are found the way the archives
match them: in the text folded to simplified script (one character for one, so the
shown text keeps its own script) and with every form of an irregular plural.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import snowballstemmer

from homeward.forms import IRREGULAR_PLURALS, fold_plural, fold_script
from search.query import CJK_CHARS, Segment

SNIPPET_CHARS = 200
LEAD_CHARS = 60
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    # Porter, as SQLite's FTS5 `porter` tokenizer and Elasticsearch's `english` analyzer use.
    return snowballstemmer.stemmer("porter")


def _pattern(segments: list[Segment]) -> re.Pattern[str] | None:
    """One pattern for every term: CJK tokens as they are, latin words by their stem at
    the start of a word. Each term appears once and the word boundary and the rest of
    the word are written once, so the pattern's cost grows with the distinct terms, not
    with how often a query repeats them (`"a" "a" "a" …` is one term)."""
    cjk: set[str] = set()
    stems: set[str] = set()
    for segment in segments:
        if segment.kind == "cjk":
            cjk.update(segment.tokens)
        else:
            for token in segment.tokens:
                stems.update(_stemmer().stemWord(form) for form in _forms(token))
    alternatives: list[str] = []
    if cjk:
        alternatives.append(_alternation(cjk))
    if stems:
        alternatives.append(rf"\b{_alternation(stems)}[^\W{CJK_CHARS}]*")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


@lru_cache(maxsize=1)
def _plurals() -> dict[str, tuple[str, ...]]:
    plurals: dict[str, list[str]] = {}
    for plural, singular in IRREGULAR_PLURALS.items():
        plurals.setdefault(singular, []).append(plural)
    return {singular: tuple(forms) for singular, forms in plurals.items()}


def _forms(word: str) -> tuple[str, ...]:
    """The word and its other irregular forms (woman -> woman, women)."""
    singular = fold_plural(word)
    return (word, singular, *_plurals().get(singular, ()))


def _alternation(terms: set[str]) -> str:
    """`(?:…|…)` of the terms, longest first (so a longer term wins where both match)."""
    ordered = sorted(terms, key=lambda term: (-len(term), term))
    return "(?:" + "|".join(re.escape(term) for term in ordered) + ")"


def make_snippet(text: str, segments: list[Segment], size: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of `text` around the first match, matches wrapped in <mark>."""
    pattern = _pattern(segments)
    # Found in the folded text, shown from the text itself: the two have one length.
    matches = list(pattern.finditer(fold_script(text))) if pattern else []
    start = 0
    if matches:
        start = max(0, matches[0].start() - LEAD_CHARS)
        if start:
            space = text.find(" ", start, matches[0].start())
            start = space + 1 if space != -1 else start
    end = min(len(text), start + size)
    parts: list[str] = ["…" if start else ""]
    cursor = start
    for match in matches:
        if match.start() < cursor or match.end() > end:
            continue
        parts.append(html.escape(text[cursor : match.start()]))
        parts.append(MARK_OPEN + html.escape(text[match.start() : match.end()]) + MARK_CLOSE)
        cursor = match.end()
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def highlight_all(text: str, segments: list[Segment]) -> str:
    """All of `text`, escaped, every match wrapped in <mark> (the article page, opened
    from a search, shows the query's words in the whole text)."""
    pattern = _pattern(segments)
    if pattern is None:
        return html.escape(text)
    parts: list[str] = []
    cursor = 0
    for match in pattern.finditer(fold_script(text)):
        parts.append(html.escape(text[cursor : match.start()]))
        parts.append(MARK_OPEN + html.escape(text[match.start() : match.end()]) + MARK_CLOSE)
        cursor = match.end()
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)

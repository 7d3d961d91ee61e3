"""The query tree (search.query) rendered as an Elasticsearch query."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from homeward.forms import IRREGULAR_PLURALS, fold_plural, name_keys, place_keys
from search.query import (
    And,
    DateRange,
    Field,
    Ids,
    Node,
    Not,
    Or,
    Segment,
    Text,
    plural_folded,
    text_segments,
)

LATIN_FIELDS = ("title^3", "text")
# A CJK run, as the phrase of its characters: in the text as published, and in the copy
# folded to simplified script where the text needs one (articles.py).
CJK_FIELDS = ("title_folded^3", "text_folded", "title^3", "text")
# The phrases one latin segment with irregular plurals may become (every form of each
# such word): a query of more such words than this searches the first of them.
MAX_FORMS = 32

# An index of version 3 or earlier, left so by a block (archive.py), is searched with
# the fields it has: bigrams of the folded CJK runs (a field an index lacks matches
# nothing), one-character words in the folded copy, plurals in the *_alt copies.
LEGACY_CJK_FIELDS = (
    "title_cjk^3",
    "text_cjk",
    "title_zh.cjk^3",
    "text_zh.cjk",
    "title.cjk^3",
    "text.cjk",
)
LEGACY_ALT_FIELDS = ("title^3", "text", "title_alt^1.5", "text_alt^0.5")

TextRenderer = Callable[[Text], dict[str, Any]]


def render(node: Node, legacy: bool = False) -> dict[str, Any]:
    """An Elasticsearch query for a tree; user text only ever becomes match values.
    `legacy`: for an index of version 3 or earlier (see LEGACY_CJK_FIELDS)."""
    return _render(node, _legacy_text if legacy else _text)


def highlight_query(node: Node) -> dict[str, Any]:
    """The query whose words the node marks in `text`: a CJK word of more than one
    character is left to the Python snippet, which marks it whole (the node would mark
    each of its characters), as it always was."""
    return _render(node, _highlighted_text)


def _render(node: Node, text: TextRenderer) -> dict[str, Any]:
    if isinstance(node, Text):
        return text(node)
    if isinstance(node, Field) and node.name in ("person", "place"):
        keys = (name_keys if node.name == "person" else place_keys)(str(node.value))
        field = "name_keys" if node.name == "person" else "place_keys"
        return {"bool": {"filter": [{"terms": {field: sorted(keys)}}]}}
    if isinstance(node, Field):
        field = {
            "person": "name_keys",
            "place": "place_keys",
            "year": "years",
            "language": "language",
            "source": "source_key",
            "status": "upstream",
        }[node.name]
        return {"bool": {"filter": [{"term": {field: node.value}}]}}
    if isinstance(node, DateRange):
        bounds: dict[str, Any] = {"format": "epoch_millis"}
        if node.since is not None:
            bounds["gte"] = int(node.since * 1000)
        if node.until is not None:
            bounds["lte"] = int(node.until * 1000)
        return {"bool": {"filter": [{"range": {"published": bounds}}]}}
    if isinstance(node, Ids):
        return {"bool": {"filter": [{"ids": {"values": list(node.values)}}]}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [_render(node.child, text)]}}
    if isinstance(node, And):
        if not node.children:
            return {"match_all": {}}
        return {"bool": {"must": [_render(child, text) for child in node.children]}}
    if isinstance(node, Or):
        if not node.children:
            return {"match_none": {}}
        return {
            "bool": {
                "should": [_render(child, text) for child in node.children],
                "minimum_should_match": 1,
            }
        }
    raise TypeError(f"unknown query node {node!r}")


def _text(node: Text) -> dict[str, Any]:
    return _all_of([_segment(segment) for segment in text_segments(node.value)])


def _highlighted_text(node: Text) -> dict[str, Any]:
    return _all_of(
        [
            _segment(segment)
            for segment in text_segments(node.value)
            if segment.kind == "latin" or len(segment.tokens[0]) == 1
        ]
    )


def _segment(segment: Segment) -> dict[str, Any]:
    if segment.kind == "cjk":
        # Spaced out: a Hangul or katakana word is one token per character too.
        return _phrase(" ".join(segment.tokens[0]), CJK_FIELDS)
    if plural_folded(segment) is None:
        return _phrase(" ".join(segment.tokens), LATIN_FIELDS)
    # Every form of the words with irregular plurals (children, child): the exact form
    # matches twice, as itself and as one of the forms, so it ranks first.
    exact = " ".join(segment.tokens)
    combinations = itertools.product(*(_forms(token) for token in segment.tokens))
    phrases = [exact, *(p for words in combinations if (p := " ".join(words)) != exact)]
    return {
        "bool": {
            "should": [_phrase(exact, LATIN_FIELDS)]
            + [_phrase(phrase, LATIN_FIELDS) for phrase in phrases[:MAX_FORMS]],
            "minimum_should_match": 1,
        }
    }


def _forms(word: str) -> tuple[str, ...]:
    """The word and every word with the same singular (women: woman, women)."""
    singular = fold_plural(word)
    return (word, *sorted(form for form in _plurals().get(singular, {singular}) - {word}))


@lru_cache(maxsize=1)
def _plurals() -> dict[str, set[str]]:
    """Each singular with an irregular plural, and all its forms."""
    forms: dict[str, set[str]] = {}
    for plural, singular in IRREGULAR_PLURALS.items():
        forms.setdefault(singular, {singular}).add(plural)
    return forms


def _phrase(query: str, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"multi_match": {"query": query, "type": "phrase", "fields": list(fields)}}


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    if not clauses:
        return {"match_all": {}}
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _legacy_text(node: Text) -> dict[str, Any]:
    """A Text as the index of version 3 or earlier is searched (its copies)."""
    clauses = []
    for segment in text_segments(node.value):
        if segment.kind == "latin":
            query = " ".join(segment.tokens)
            folded = plural_folded(segment)
            if folded is not None:
                clauses.append(_legacy_either_form(query, " ".join(folded)))
                continue
            clauses.append(_phrase(query, LATIN_FIELDS))
        elif len(segment.tokens[0]) == 1:
            fields = ("title_zh^3", "text_zh", *LATIN_FIELDS)
            clauses.append(_phrase(segment.tokens[0], fields))
        else:
            clauses.append(_phrase(segment.tokens[0], LEGACY_CJK_FIELDS))
    return _all_of(clauses)


def _legacy_either_form(exact: str, folded: str) -> dict[str, Any]:
    return {
        "bool": {
            "should": [_phrase(exact, LATIN_FIELDS), _phrase(folded, LEGACY_ALT_FIELDS)],
            "minimum_should_match": 1,
        }
    }

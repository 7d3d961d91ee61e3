"""The query tree (search.query) rendered as an Elasticsearch query."""

from __future__ import annotations

from typing import Any

from homeward.forms import name_keys, place_keys
from search.query import (
    And,
    DateRange,
    Field,
    Ids,
    Node,
    Not,
    Or,
    Text,
    plural_folded,
    text_segments,
)

# Bigrams of the folded CJK runs (articles.py), and where an index of an earlier version
# (left so by a block, archive.py) keeps them; a field an index lacks matches nothing.
CJK_FIELDS = ("title_cjk^3", "text_cjk")
OLDER_CJK_FIELDS = ("title_zh.cjk^3", "text_zh.cjk", "title.cjk^3", "text.cjk")


def render(node: Node) -> dict[str, Any]:
    """An Elasticsearch query for a tree; user text only ever becomes match values."""
    if isinstance(node, Text):
        clauses = []
        for segment in text_segments(node.value):
            if segment.kind == "latin":
                query = " ".join(segment.tokens)
                folded = plural_folded(segment)
                if folded is not None:
                    # The exact form, and the folded words in every latin field (the
                    # *_alt fields hold the text with irregular plurals made singular):
                    # an article with the exact form matches both, and ranks first.
                    clauses.append(_either_form(query, " ".join(folded)))
                    continue
                fields = ["title^3", "text"]
            elif len(segment.tokens[0]) == 1:
                # One character: in the text as written, and in the copy folded to
                # simplified script where folding changed the text (articles.py).
                fields = ["title_zh^3", "text_zh", "title^3", "text"]
                query = segment.tokens[0]
            else:
                fields = [*CJK_FIELDS, *OLDER_CJK_FIELDS]
                query = segment.tokens[0]
            clauses.append({"multi_match": {"query": query, "type": "phrase", "fields": fields}})
        return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}
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
        return {"bool": {"must_not": [render(node.child)]}}
    if isinstance(node, And):
        if not node.children:
            return {"match_all": {}}
        return {"bool": {"must": [render(child) for child in node.children]}}
    if isinstance(node, Or):
        if not node.children:
            return {"match_none": {}}
        return {
            "bool": {
                "should": [render(child) for child in node.children],
                "minimum_should_match": 1,
            }
        }
    raise TypeError(f"unknown query node {node!r}")


def _either_form(exact: str, folded: str) -> dict[str, Any]:
    either = ["title^3", "text", "title_alt^1.5", "text_alt^0.5"]
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": exact, "type": "phrase", "fields": ["title^3", "text"]}},
                {"multi_match": {"query": folded, "type": "phrase", "fields": either}},
            ],
            "minimum_should_match": 1,
        }
    }

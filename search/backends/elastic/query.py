"""The query tree (search.query) rendered as an Elasticsearch query."""

from __future__ import annotations

from typing import Any

from search.query import And, DateRange, Field, Ids, Node, Not, Or, Text, text_segments


def render(node: Node) -> dict[str, Any]:
    """An Elasticsearch query for a tree; user text only ever becomes match values."""
    if isinstance(node, Text):
        clauses = []
        for segment in text_segments(node.value):
            if segment.kind == "latin":
                fields = ["title^3", "text"]
                query = " ".join(segment.tokens)
            elif len(segment.tokens[0]) == 1:
                fields = ["title^3", "text"]
                query = segment.tokens[0]
            else:
                fields = ["title.cjk^3", "text.cjk"]
                query = segment.tokens[0]
            clauses.append({"multi_match": {"query": query, "type": "phrase", "fields": fields}})
        return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}
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

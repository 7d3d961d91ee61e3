"""The scale-out archive: an Elasticsearch index behind an alias (several nodes, many crawlers)."""

from __future__ import annotations

from search.backends.elastic.archive import ElasticArchive

__all__ = ["ElasticArchive", "open_url"]


def open_url(url: str) -> ElasticArchive:
    return ElasticArchive(url)

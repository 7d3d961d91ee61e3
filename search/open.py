"""Pick an archive backend by the URL's scheme, from a table of dotted paths.

As Scrapy's FEED_STORAGES_BASE does: the contract (search/archive.py) never
imports its implementations, and a backend's heavy client (elasticsearch-py)
is imported only when a URL asks for it.
"""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlparse

from homeward.paths import resolve_archive_url
from search.archive import Archive, ArchiveError

__all__ = ["BACKENDS", "open_archive"]

# scheme -> "module:factory"; the factory takes the resolved URL.
BACKENDS = {
    "sqlite": "search.backends.sqlite:open_url",
    "http": "search.backends.elastic:open_url",
    "https": "search.backends.elastic:open_url",
}


def open_archive(url: str | None = None) -> Archive:
    """The archive at `url` (see `homeward.paths.resolve_archive_url`), chosen by its scheme."""
    resolved = resolve_archive_url(url)
    scheme = urlparse(resolved).scheme
    target = BACKENDS.get(scheme)
    if target is None:
        raise ArchiveError(
            f"archive URL {resolved!r}: unknown scheme {scheme or '(none)'!r}; use "
            "sqlite:///path/to/archive.sqlite or http://host:9200 (Elasticsearch)"
        )
    module, _, factory = target.partition(":")
    archive: Archive = getattr(import_module(module), factory)(resolved)
    return archive

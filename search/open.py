"""Pick an archive backend by the URL's scheme, from a table of dotted paths.

As Scrapy's FEED_STORAGES_BASE does: the contract (search/archive.py) never
imports its implementations, and a backend's heavy client (elasticsearch-py)
is imported only when a URL asks for it.
"""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlparse

from homeward.article import LONE_SURROGATE
from homeward.paths import resolve_archive_url, shown_url
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
    scheme = _checked_scheme(resolved)
    target = BACKENDS.get(scheme)
    if target is None:
        raise ArchiveError(
            f"archive URL {shown_url(resolved)!r}: unknown scheme {scheme or '(none)'!r}; use "
            "sqlite:///path/to/archive.sqlite or http://host:9200 (Elasticsearch)"
        )
    module, _, factory = target.partition(":")
    archive: Archive = getattr(import_module(module), factory)(resolved)
    return archive


def _checked_scheme(url: str) -> str:
    """The scheme of an archive URL that can be used at all; ArchiveError naming it when
    it cannot (a broken [IPv6] host, a port out of range, no host, control characters)."""
    example = "use sqlite:///path/to/archive.sqlite or http://host:9200 (Elasticsearch)"
    shown = shown_url(url)  # a password in it as ***
    if LONE_SURROGATE.search(url):
        raise ArchiveError(f"archive URL {shown!r} is not valid UTF-8 text; {example}")
    if any(ord(character) < 32 or ord(character) == 127 for character in url):
        raise ArchiveError(f"archive URL {shown!r} contains control characters")
    try:
        parsed = urlparse(url)
        port = parsed.port  # reading it checks it: a number from 0 to 65535
    except ValueError as error:
        raise ArchiveError(
            f"archive URL {shown!r} is not a valid URL ({error}); {example}"
        ) from None
    if parsed.scheme in ("http", "https"):  # a file path may hold spaces; a host may not
        if any(character.isspace() for character in parsed.netloc):
            raise ArchiveError(f"archive URL {shown!r}: the host contains a space")
        if not parsed.hostname:
            raise ArchiveError(f"archive URL {shown!r} names no host; e.g. http://127.0.0.1:9200")
        if port == 0:
            raise ArchiveError(f"archive URL {shown!r}: port 0 cannot be connected to")
    return parsed.scheme

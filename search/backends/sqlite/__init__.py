"""The embedded archive: one SQLite file with FTS5, for a single laptop (the default)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from search.archive import ArchiveError
from search.backends.sqlite.archive import SqliteArchive

__all__ = ["SqliteArchive", "open_url", "sqlite_path"]


def open_url(url: str) -> SqliteArchive:
    """`sqlite:///path/archive.sqlite`, or with `?mode=ro` to open it read-only."""
    query = urlparse(url).query
    if query not in ("", "mode=ro"):
        raise ArchiveError(
            f"archive URL {url!r}: unknown option {query!r}; the one option is ?mode=ro "
            "(open read-only). A '?' in a file name cannot be used in an archive URL."
        )
    return SqliteArchive(sqlite_path(url), read_only=query == "mode=ro")


def sqlite_path(url: str) -> Path:
    """The file a sqlite URL names: `sqlite:///abs/path` (as URLs read), `sqlite://rel/path`
    or `sqlite:rel/path` relative to the working directory, `sqlite:///~/x` in the home."""
    parsed = urlparse(url)
    path = parsed.netloc + parsed.path
    if path.startswith("/~"):
        path = path[1:]
    elif path.startswith("//"):
        path = "/" + path.lstrip("/")
    if not path or path.endswith("/"):
        raise ArchiveError(f"archive URL {url!r} names no file; use sqlite:///path/archive.sqlite")
    return Path(path).expanduser()

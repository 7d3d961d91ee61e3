"""Loading and validating sources.toml, the list of news sources a crawl visits.

```toml
[[sources]]
name = "Example News"
feeds = ["https://example.com/rss.xml"]          # RSS/Atom
sitemaps = ["https://example.com/news-sitemap.xml"]
pages = ["https://example.com/world/"]           # listing pages
```

The file is written by hand, so a mistake must be easy to find: every error
names the file, the line and the source (`sources.toml, line 7: source
"Example News": unknown key 'feed'; known keys: feeds, name, pages, sitemaps`).
tomllib reports no positions for values, so lines are found by scanning the
text for each `[[sources]]` block; that is exact for the usual layout (one key
per line) and falls back to the block's first line otherwise.

Whether a source is *reachable* is only known while crawling: the spider
records that per source in the run summary and carries on with the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.urls import is_http_url
from homeward.tomlfile import TomlSyntaxError, find_line, parse_toml

__all__ = ["SOURCE_KEYS", "Source", "SourcesError", "load_sources", "parse_sources"]

URL_LISTS = ("feeds", "sitemaps", "pages")
SOURCE_KEYS = frozenset({"name", *URL_LISTS})
_HEADER = re.compile(r"^\s*\[\[\s*sources\s*\]\]\s*(#.*)?$")


class SourcesError(ValueError):
    """sources.toml cannot be used; the message names the file, line and source."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(slots=True, frozen=True)
class Source:
    """One news source: where its feeds, sitemaps and listing pages are."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)

    def start_urls(self) -> list[tuple[str, str]]:
        """(kind, url) pairs, kind being "feed", "sitemap" or "page"."""
        return (
            [("feed", url) for url in self.feeds]
            + [("sitemap", url) for url in self.sitemaps]
            + [("page", url) for url in self.pages]
        )


def load_sources(path: str | Path) -> list[Source]:
    """The sources in the file at `path`; raises SourcesError naming what is wrong."""
    location = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(
            location, None, "file not found; pass --sources FILE or set HOMEWARD_SOURCES"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesError(location, None, f"cannot read it: {error}") from None
    return parse_sources(text, location)


def parse_sources(text: str, location: str = "sources.toml") -> list[Source]:
    """The sources in TOML `text`; `location` names the file in error messages."""
    try:
        data = parse_toml(text)
    except TomlSyntaxError as error:
        raise SourcesError(location, error.line, f"not valid TOML: {error.message}") from None
    lines = text.splitlines()
    unknown_top = sorted(set(data) - {"sources"})
    if unknown_top:
        key = unknown_top[0]
        raise SourcesError(
            location,
            find_line(lines, 0, len(lines), rf"^\s*\[?\[?\s*{re.escape(key)}\b"),
            f"unknown top-level key '{key}'; sources are listed as [[sources]] tables",
        )
    entries = data.get("sources", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(location, None, "no [[sources]] table; add at least one source")

    blocks = _source_blocks(lines, len(entries))
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    for index, entry in enumerate(entries):
        start, end = blocks[index]
        source = _validate(entry, index, lines, start, end, location)
        if source.name in seen:
            raise SourcesError(
                location,
                source.line,
                f'source "{source.name}" is listed twice (first at line {seen[source.name]}); '
                "source names must be unique",
            )
        seen[source.name] = source.line
        sources.append(source)
    return sources


def _validate(
    entry: Any, index: int, lines: list[str], start: int, end: int, location: str
) -> Source:
    header_line = start + 1 if start < len(lines) else None
    label = f"source #{index + 1}"
    if not isinstance(entry, dict):
        raise SourcesError(location, header_line, f"{label} is not a table")
    name = entry.get("name")
    if isinstance(name, str) and name.strip():
        label = f'source "{name.strip()}"'

    def line_of(key: str, needle: str | None = None) -> int | None:
        if needle is not None:
            found = find_line(lines, start, end, re.escape(needle))
            if found:
                return found
        return find_line(lines, start, end, rf"^\s*{re.escape(key)}\s*=") or header_line

    unknown = sorted(set(entry) - SOURCE_KEYS)
    if unknown:
        raise SourcesError(
            location,
            line_of(unknown[0]),
            f"{label}: unknown key '{unknown[0]}'; known keys: {', '.join(sorted(SOURCE_KEYS))}",
        )
    if not isinstance(name, str) or not name.strip():
        problem = "has no name" if name is None else "has an empty or non-text name"
        raise SourcesError(
            location,
            line_of("name") if name is not None else header_line,
            f'{label} {problem}; add name = "…"',
        )
    urls: dict[str, tuple[str, ...]] = {}
    for key in URL_LISTS:
        value = entry.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise SourcesError(location, line_of(key), f"{label}: '{key}' must be a list of URLs")
        for url in value:
            if not isinstance(url, str) or not is_http_url(url):
                raise SourcesError(
                    location,
                    line_of(key, url if isinstance(url, str) else None),
                    f"{label}: '{key}' has a malformed URL {url!r}; "
                    "write a full http:// or https:// address (a port, if any, 1-65535)",
                )
        urls[key] = tuple(value)
    if not any(urls.values()):
        raise SourcesError(
            location, header_line, f"{label} lists no feeds, sitemaps or pages; add at least one"
        )
    return Source(name=name.strip(), line=header_line, **urls)


def _source_blocks(lines: list[str], count: int) -> list[tuple[int, int]]:
    """(first, end) line indexes of each [[sources]] block, in file order."""
    headers = [number for number, line in enumerate(lines) if _HEADER.match(line)]
    if len(headers) != count:  # inline tables or an unusual layout: whole file, no lines
        return [(len(lines), len(lines))] * count
    ends = [*headers[1:], len(lines)]
    return list(zip(headers, ends, strict=True))

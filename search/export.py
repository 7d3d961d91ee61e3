"""Exports of a search: article sets people hand to reports, spreadsheets and authorities.

Every writer streams: it takes the archive's article iterator and writes as it
goes, so an export of the whole archive runs in constant memory. CSV cells are
neutralised so a scraped title such as `=HYPERLINK(...)` stays text in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from homeward.article import Article

CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "published",
    "language",
    "source",
    "authors",
    "names",
    "places",
    "years",
    "relevance",
    "fetched_at",
    "duplicates",
    "evidence_sha256",
    "text",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def safe_cell(value: str) -> str:
    """A spreadsheet-safe cell: OWASP's advice, a leading quote before a formula trigger."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(article: Article) -> list[str]:
    values: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "published": article.published or "",
        "language": article.language or "",
        "source": article.source or "",
        "authors": LIST_SEPARATOR.join(article.authors),
        "names": LIST_SEPARATOR.join(article.names),
        "places": LIST_SEPARATOR.join(place.name for place in article.places),
        "years": LIST_SEPARATOR.join(str(year) for year in article.years),
        "relevance": "" if article.relevance is None else f"{article.relevance:g}",
        "fetched_at": article.fetched_at or "",
        "duplicates": LIST_SEPARATOR.join(article.duplicates),
        "evidence_sha256": article.evidence.sha256 if article.evidence else "",
        "text": article.text,
    }
    return [safe_cell(str(values[column])) for column in CSV_COLUMNS]


def write_csv(articles: Iterable[Article], out: IO[str]) -> int:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese correctly."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    written = 0
    for article in articles:
        writer.writerow(csv_row(article))
        written += 1
    return written


def write_jsonl(articles: Iterable[Article], out: IO[str]) -> int:
    written = 0
    for article in articles:
        out.write(json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        written += 1
    return written


WRITERS: dict[str, Callable[[Iterable[Article], IO[str]], int]] = {
    "csv": write_csv,
    "jsonl": write_jsonl,
}

"""What an export is: the articles of a search or a set, with how it describes itself.

Every format (exports/formats.py) and the report read one ExportJob, so a
search exported from the CLI, the web page or the API is the same export."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from exports.masking import mask_article, mask_text
from homeward.article import Article
from homeward.clock import utc_now_iso
from search.archive import Archive
from search.query import SearchRequest, Segment, highlight_terms
from search.sets import ArticleSet


@dataclass(slots=True)
class ExportJob:
    """One export: where its articles come from and how it describes itself.

    `source` returns a fresh iterator each time it is called: a report reads the
    articles twice (counts and charts first, entries second) rather than holding them.
    Every writer reads articles through `entries()`, so masking names is done once.
    """

    source: Callable[[], Iterator[Article]]
    title: str = "Search export"
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    exported_at: str = field(default_factory=utc_now_iso)
    notes: Mapping[str, str] | None = None  # article id → note, when exporting a set
    set_note: str = ""
    mask_names: bool = False
    highlight: list[Segment] = field(default_factory=list)  # query words, for excerpts
    report_format: str = "html"

    def entries(self) -> Iterator[tuple[Article, str]]:
        """Each article with its note, names masked when asked."""
        for article in self.source():
            note = (self.notes or {}).get(article.id, "")
            if self.mask_names:
                note = mask_text(note, article.names)
                article = mask_article(article)
            yield article, note

    def articles(self) -> Iterator[Article]:
        return (article for article, _ in self.entries())


def search_job(
    archive: Archive, request: SearchRequest, filters: dict[str, list[str]], **options: Any
) -> ExportJob:
    """Export every article a search matches (newest first), excerpts around its words."""
    query = request.raw_query
    return ExportJob(
        source=lambda: archive.iter_articles(request),
        title=f"Search: {query}" if query else "Search export",
        query=query,
        filters=filters,
        highlight=highlight_terms(request.tree()),
        **options,
    )


def set_job(archive: Archive, article_set: ArticleSet, **options: Any) -> ExportJob:
    """Export a set's articles in the order they were added, with its notes."""
    return ExportJob(
        source=lambda: archive.iter_set_articles(article_set),
        title=article_set.name,
        notes={item.article_id: item.note for item in article_set.items},
        set_note=article_set.note,
        **options,
    )

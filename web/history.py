"""What changed upstream, for the article page: each earlier text against the next.

Compared paragraph by paragraph (difflib), because that is how a reader checks an
edit: which sentences a publisher removed or added. Everything stays plain text;
the template escapes it like any scraped text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from homeward.article import Article, Evidence, Version

__all__ = ["Change", "VersionView", "version_views"]


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True, slots=True)
class VersionView:
    """One earlier text: when it was seen and replaced, its capture, and the edit that
    turned it into the next text (the next version, or the text shown now)."""

    number: int
    fetched_at: str | None
    replaced_at: str
    title: str
    next_title: str
    evidence: Evidence | None
    changes: list[Change]


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def changes(before: str, after: str) -> list[Change]:
    old, new = paragraphs(before), paragraphs(after)
    result: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(Change("same", text) for text in old[i1:i2])
            continue
        result.extend(Change("removed", text) for text in old[i1:i2])
        result.extend(Change("added", text) for text in new[j1:j2])
    return result


def version_views(article: Article) -> list[VersionView]:
    """The article's earlier texts, newest first, each with its edit."""
    later: list[Version | None] = [*article.versions[1:], None]
    views = []
    for number, version in enumerate(article.versions, 1):
        following = later[number - 1]
        next_title = following.title if following else article.title
        next_text = following.text if following else article.text
        views.append(
            VersionView(
                number=number,
                fetched_at=version.fetched_at,
                replaced_at=version.replaced_at,
                title=version.title,
                next_title=next_title,
                evidence=version.evidence,
                changes=changes(version.text, next_text),
            )
        )
    return list(reversed(views))

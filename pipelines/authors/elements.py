"""trafilatura's own author search, as Python tests on the few elements with author attributes.

The same answers as `trafilatura.metadata.extract_author` at about a third of its cost:
its XPaths' regular expressions call back into Python for every element of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

from pipelines.authors.visible import attributed_elements
from pipelines.blocks import in_readers_comments

# trafilatura's author search (`trafilatura.metadata.extract_author`), its three XPaths and
# what it prunes first, as Python tests on the attributed elements: the XPaths' EXSLT
# regular expressions call back into Python for every element of the page, which made the
# search the costliest part of reading a page's metadata. Same answers, a fraction of it.
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_SPECIFIC_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_GENERIC_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_ID = re.compile(r"[Aa]uthor")
_ANY_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_PRUNED_TAGS = frozenset({"a", "div", "section", "span"})
_PRUNED_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_PRUNED_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    r"|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
MAX_AUTHOR_LENGTH = 120
# Author elements read before giving up: later ones are related stories' bylines.
MAX_AUTHOR_CANDIDATES = 3


def _author_level(element: Any) -> int | None:
    """Which of trafilatura's author XPaths (0, 1, 2) matches the element first, if any."""
    tag, get = element.tag, element.get
    klass, ident, itemprop = get("class"), get("id"), get("itemprop") or ""
    if tag == "author" or (
        tag in _SPECIFIC_TAGS
        and (
            get("rel") == "author"
            or ident == "author"
            or klass == "author"
            or itemprop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or (klass is not None and _SPECIFIC_CLASS.search(klass))
        )
    ):
        return 0
    if tag in _GENERIC_TAGS and (
        klass in ("byline", "username", "byl", "BBL")
        or "author" in itemprop
        or (ident is not None and _GENERIC_ID.search(ident))
        or (klass is not None and _GENERIC_CLASS.search(klass))
    ):
        return 1
    if (
        "Byline" in (get("data-component") or "")
        or "author" in itemprop
        or (ident is not None and _ANY_ID.search(ident))
        or (klass is not None and _ANY_CLASS.search(klass))
    ):
        return 2
    return None


def _pruned(element: Any) -> bool:
    """Whether trafilatura prunes the element before its author search (time, figure, comments)."""
    tag = element.tag
    if tag in ("time", "figure"):
        return True
    if tag not in _PRUNED_TAGS:
        return False
    klass, ident = element.get("class"), element.get("id")
    return bool(
        ident == "comments"
        or klass in ("comments", "title", "date")
        or (ident is not None and _PRUNED_ID.search(ident))
        or (klass is not None and _PRUNED_CLASS.search(klass))
        or "Figure" in (element.get("data-component") or "")
    )


def _author_text(element: Any) -> str:
    """The element's text as trafilatura reads it, its pruned descendants taken out."""
    inner = (d for d in element.iterdescendants() if isinstance(d.tag, str))
    if len(element) and any(_pruned(d) for d in inner):
        element = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return trim(" ".join(element.itertext()))


def trafilatura_author(tree: Any, attributed: list[Any] | None = None) -> str | None:
    """What `trafilatura.metadata.extract_author` finds on the page, found faster."""
    return next(author_candidates(tree, attributed), None) or None


def author_candidates(
    tree: Any, attributed: list[Any] | None = None, *, commenters: bool = True
) -> Iterator[str]:
    """The texts trafilatura's author search would take, in its order ("" for one it empties).

    `commenters=False` passes over an element in a block named for readers' comments (a
    sidebar's "recent comments" list): trafilatura does not, and a commenter found
    after the byline's own element is no writer of the article.
    """
    levels: list[list[Any]] = [[], [], []]
    for element in attributed_elements(tree) if attributed is None else attributed:
        level = _author_level(element)
        if level is not None:
            levels[level].append(element)
    for candidates in levels:
        for element in candidates:
            if element.getparent() is None or _pruned(element):
                continue
            if any(_pruned(a) for a in element.iterancestors()):
                continue
            if not commenters and in_readers_comments(element):
                continue
            content = _author_text(element)
            if content and 2 < len(content) < MAX_AUTHOR_LENGTH:
                yield _as_written(normalize_authors(None, content) or "", content)


def _as_written(names: str, content: str) -> str:
    """trafilatura's names in the form the page writes them: initials keep their full stop.

    Its normalisation turns "Laura E. Adkins" into "Laura E Adkins"; the
    name as shown is the one readers and other pages use.
    """
    written = []
    for name in names.split("; ") if names else ():
        pattern = r"\.?\s*".join(re.escape(word) for word in name.split())
        shown = re.search(rf"(?<!\w){pattern}(?!\w)", content)
        written.append(" ".join(shown.group(0).split()) if shown else name)
    return "; ".join(written)

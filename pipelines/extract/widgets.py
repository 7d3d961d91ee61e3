"""Page blocks that are never the article: readers' comments, sign-up and consent boxes.

trafilatura's fallbacks read the whole page when its main pass finds too little, and
then keep these; their lines are taken out by the block's own name, not by guessing
from the words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pipelines.blocks import block_words, names_readers_comments
from pipelines.extract.text import without_lines
from pipelines.fields import comparable

# Whole words naming the page's sign-up forms, consent notices, dialogs and promotions. Its
# fallback extractors (readability, jusText) read the whole page and keep these as text.
WIDGET_WORDS = frozenset(
    {
        "newsletter",
        "subscribe",
        "signup",
        "cookie",
        "cookies",
        "cookiemsg",
        "consent",
        "modal",
        "popup",
        "promo",
        "advert",
        "related",
        # consent platforms' blocks (an embed held back until the reader agrees: "Externer
        # Inhalt nicht verfügbar"); "cmp" alone is a theme's "component" as often
        "sourcepoint",
        "usercentrics",
        "onetrust",
        "didomi",
        "consentmanager",
        "cookiebot",
        "borlabs",
        "brlbs",
        "gdpr",
        "dsgvo",
        "optin",
    }
)
PAGE_BLOCKS = ("div", "section", "ol", "ul", "aside", "form", "details")
# A widget's name on a block holding this many paragraphs this long is a wrapper's
# ("has-modal"), around the article.
MAX_WIDGET_PROSE_PARAGRAPHS = 1
PROSE_PARAGRAPH_LENGTH = 150


@dataclass(frozen=True)
class _WidgetText:
    """The lines of the page's readers' comments and widgets, and the words outside them."""

    lines: frozenset[str]
    tree: Any
    widgets: frozenset[Any]

    @cached_property
    def outside(self) -> str:
        """The page's words outside the widgets, run together (see `comparable`): read once
        a page, though the widgets' lines are taken out twice (see `extract_article`)."""
        parts = []
        for element in self.tree.iter():
            if isinstance(element.tag, str) and element not in self.widgets and element.text:
                parts.append(element.text)
            if element.tail and element.getparent() not in self.widgets:
                parts.append(element.tail)
        return comparable(" ".join(parts))


def page_widget_text(tree: Any) -> _WidgetText:
    """The lines of the page's readers' comments and widgets, named as such by their class
    or id, to be taken out of the text trafilatura returns.

    The page itself is left whole: a block taken out before extraction changes what
    trafilatura chooses (without a recipe site's feedback dialog, its fallback wins and
    half the steps go). A block holding the headline or an `<article>` is the article's,
    whatever its name. So is a comments block holding the page's first paragraph of
    prose: readers comment after the story, and an opinion desk may name its body
    `section-comment`.
    """
    first_prose = next(_prose_paragraphs(tree), None)
    holding_story = set() if first_prose is None else set(first_prose.iterancestors())
    lines: set[str] = set()
    widgets: set[Any] = set()
    for element in tree.iter(*PAGE_BLOCKS):
        if element in widgets:
            continue
        if _is_page_widget(element, holds_first_prose=element in holding_story):
            inner = list(element.iter())
            widgets.update(inner)
            lines.update(comparable(part) for part in element.itertext())
            lines.update(comparable(part.text_content()) for part in inner)
    lines.discard("")
    return _WidgetText(frozenset(lines), tree, frozenset(widgets))


def without_widget_lines(text: str, widget_text: _WidgetText) -> str:
    """The text without the lines only the widgets hold (a line the story also holds, as a
    list of related projects repeats a heading of the page, stays)."""
    lines = text.split("\n")
    candidates = {comparable(line) for line in lines} & widget_text.lines
    if not candidates:
        return text
    outside = widget_text.outside
    return without_lines(text, {line for line in candidates if line not in outside})


def _prose_paragraphs(element: Any) -> Iterator[Any]:
    return (p for p in element.iter("p") if len(p.text_content()) >= PROSE_PARAGRAPH_LENGTH)


def _is_page_widget(element: Any, holds_first_prose: bool) -> bool:
    words = block_words(element)
    comments = names_readers_comments(words)
    if not comments and words.isdisjoint(WIDGET_WORDS):
        return False
    if element.find(".//h1") is not None or element.find(".//article") is not None:
        return False
    if comments:
        return not holds_first_prose
    return sum(1 for _ in _prose_paragraphs(element)) <= MAX_WIDGET_PROSE_PARAGRAPHS

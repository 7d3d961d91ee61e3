"""The page's markup as a reader meets it: inline elements, embedded posts, what is hidden.

trafilatura reads some inline markup as blocks (a `<q>`, a ruby's base) and throws away
embedded posts; these fixes run on the tree before it reads it. What only screen
readers hear, or what the page hides, is never a word of the article, and several
steps need to know it.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from pipelines.extract.text import WORD, normalise
from pipelines.fields import comparable

# Where a quotation inside a paragraph is part of its sentence.
TEXT_BLOCK_PARENTS = frozenset({"p", "li", "td", "dd", "figcaption"})
QUOTATION_MARKS = tuple("\"'“”„‟«»‹›「」『』‘’‚")


def inline_markup(tree: Any) -> None:
    """Make plain text of the inline elements trafilatura would cut a sentence at.

    A ruby's base in its own `<rb>` (a name over its reading, 尹錫悦 over
    ユンソンニョル, as Yomiuri writes names) is an element trafilatura does not
    know, and a `<q>` one it reads as a block quotation: either way the
    sentence came out in three lines ("韓国の" / "尹錫悦" / "大統領は…"; "„" /
    the quotation / "“ sagt BKA-Präsident Holger Münch"), the speaker apart from
    the words. The reading (`<rt>`, and the brackets `<rp>` puts around it) goes, as
    trafilatura drops it from the text, so that a headline read from the page is not
    "尹錫悦ユンソンニョル大統領が…"; a quotation the page does not put in quotation
    marks itself gets them, as a browser shows it.
    """
    etree.strip_elements(tree, "rt", "rp", with_tail=False)
    etree.strip_tags(tree, "rb")
    for quotation in list(tree.iter("q")):
        if not any(a.tag in TEXT_BLOCK_PARENTS for a in quotation.iterancestors()):
            continue
        previous = quotation.getprevious()
        before = (previous.tail if previous is not None else quotation.getparent().text) or ""
        if not (
            before.rstrip().endswith(QUOTATION_MARKS)
            or (quotation.tail or "").lstrip().startswith(QUOTATION_MARKS)
        ):
            quotation.text = f"“{quotation.text or ''}"
            last = quotation[-1] if len(quotation) else None
            if last is None:
                quotation.text += "”"
            else:
                last.tail = f"{last.tail or ''}”"
        quotation.drop_tag()


# A tweet or an Instagram post as the page holds it before the platform's script runs:
# the post's words, its author and date, in a `<blockquote>` of the platform's class.
EMBEDDED_POST_CLASS = re.compile(r"twitter-tweet|instagram-media")
POST_WRAPPER_STOP = frozenset({"html", "body", "main", "article"})


def unwrap_embedded_posts(tree: Any) -> None:
    """Turn each embedded post into a plain quotation, as the reader sees it.

    A journalist embeds a post to quote it (a police appeal, a family's
    message); trafilatura takes the platform's class and the wrappers around it
    ("social-media-embed", "sdc-article-tweet") for a widget and drops the
    words. The post's own class, and those of the elements that hold nothing
    but the post, are removed, so the quotation is judged like any other.
    """
    posts = [q for q in tree.iter("blockquote") if EMBEDDED_POST_CLASS.search(q.get("class") or "")]
    for post in posts:
        post.attrib.pop("class", None)
        words = comparable(post.text_content())
        wrapper = post.getparent()
        while (
            wrapper is not None
            and wrapper.tag not in POST_WRAPPER_STOP
            and comparable(wrapper.text_content()) == words
        ):
            wrapper.attrib.pop("class", None)
            wrapper.attrib.pop("id", None)
            wrapper = wrapper.getparent()


# What the reader never sees: a caption or summary kept in the page for scripts and crawlers.
HIDDEN_CLASSES = ("hidden", "hide", "is-hidden", "dis-none", "visually-hidden", "sr-only")
HIDDEN_XPATH = (
    "ancestor-or-self::*[@hidden or contains(translate(@style, ' ', ''), 'display:none')"
    + "".join(
        f" or contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
        for name in HIDDEN_CLASSES
    )
    + "]"
)


def contains(ancestor: Any, element: Any) -> bool:
    return any(a is ancestor for a in element.iterancestors())


# A heading hidden from sight and kept for screen readers names a region of the page
# ("Article content" between Postmedia's paragraphs, "Share this article"): a label of
# the page's layout, not the journalist's words. A longer one may be a hidden copy of the
# headline or a subheading, and one the page also shows stays.
LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "div", "span")
MAX_LABEL_WORDS = 4
# Classes that hide from sight only ("hidden-xs" hides a subheading on phones alone).
SCREEN_READER_CLASS = re.compile(
    r"visually-?hidden|sr-only|screen-reader|element-invisible|off-?screen", re.IGNORECASE
)
# A label is short; a longer text on the page is never its visible copy.
MAX_LABEL_LENGTH = 60


def screen_reader_label(element: Any) -> str | None:
    """The words of a short label hidden from sight and kept for screen readers, if it is one."""
    named = element.get("class")
    if not named or len(element) or not SCREEN_READER_CLASS.search(named):
        return None
    words = normalise(element.text_content())
    return words if words and len(WORD.findall(words)) <= MAX_LABEL_WORDS else None


def screen_reader_labels(tree: Any) -> set[str]:
    """The comparable forms of the page's visually hidden labels that it never shows."""
    labels = {
        comparable(label) for e in tree.iter(*LABEL_TAGS) if (label := screen_reader_label(e))
    }
    if labels:
        for element in tree.iter():
            text = (element.text or "").strip()
            if 0 < len(text) <= MAX_LABEL_LENGTH and not SCREEN_READER_CLASS.search(
                element.get("class") or ""
            ):
                labels.discard(comparable(text))
    return labels

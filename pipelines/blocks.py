"""What a page block's own name (its class and id) says it holds.

Both the extraction stage (a readers' comment thread is no line of the article) and the
author search (a commenter is no writer) ask whether a block holds readers' comments,
so the words that say so are kept once, here.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["block_words", "in_readers_comments", "names_readers_comments"]

# Whole words of a block's class or id ("sf_comment_list", "comment-author-link") that
# name readers' comments. trafilatura prunes comments only under a name that starts with
# "comment", and its fallbacks then read the rest of the thread as the article.
READER_COMMENT_WORDS = frozenset(
    {
        "comment",
        "comments",
        "commentlist",
        "recentcomments",
        "comentario",
        "comentarios",
        "kommentar",
        "kommentare",
        "commentaire",
        "commentaires",
        "commenti",
        "disqus",
    }
)
# A live report's running commentary ("live-match-comment") is the journalist's.
LIVE_WORDS = frozenset({"live", "liveblog", "match", "game"})
NAME_WORDS = re.compile(r"[\s_-]+")


def block_words(element: Any) -> set[str]:
    """The whole words of the element's class and id, lower-cased."""
    return set(NAME_WORDS.split(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))


def names_readers_comments(words: set[str]) -> bool:
    """Whether a block's name words say readers' comments, and not a live commentary."""
    return not words.isdisjoint(READER_COMMENT_WORDS) and words.isdisjoint(LIVE_WORDS)


def in_readers_comments(element: Any) -> bool:
    """Whether the element, or a block around it, is named for readers' comments."""
    return any(names_readers_comments(block_words(e)) for e in (element, *element.iterancestors()))

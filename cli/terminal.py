"""Scraped text shown in a terminal: hostile bytes must not become escape sequences."""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import IO

# C0/C1 controls (ESC starts ANSI sequences that can rewrite the screen or set the title),
# plus bidirectional overrides that can make a URL read as another.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_for_terminal(text: str) -> str:
    """One line of plain text: controls dropped, runs of white space made one space."""
    return " ".join(CONTROL.sub(" ", text).split())


def display_width(text: str) -> int:
    """Columns a string takes: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str, width: int) -> str:
    """Cut to `width` terminal columns, marking the cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for character in text:
        used += display_width(character)
        if used > width - 1:
            break
        kept.append(character)
    return "".join(kept) + "…"


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether output goes to a person's terminal rather than a pipe or a file: a table
    is cut to the screen's width only there (a pipe gets whole URLs, to copy or grep)."""
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream is no terminal
        return False

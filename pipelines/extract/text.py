"""Plain-text helpers every step shares: lengths that count CJK characters, and tidying.

Kept apart so that no step defines its own idea of "a word" or "a clean line": a
Chinese report measured one way here and another way there would be kept by one step
and dropped by the next.
"""

from __future__ import annotations

import re

from pipelines.fields import CJK_CHARACTER, clean_field, comparable

WORD = re.compile(r"\w+")


def content_length(text: str) -> int:
    """Length of a text in words, counting each CJK character as one word.

    Chinese has no spaces: counting `\\w+` runs would make a whole Chinese
    paragraph one "word" and drop real articles as too short.
    """
    cjk = len(CJK_CHARACTER.findall(text))
    words = len(WORD.findall(CJK_CHARACTER.sub(" ", text)))
    return cjk + words


def without_lines(text: str, doomed: set[str]) -> str:
    """The text without the lines whose comparable form is in `doomed`."""
    doomed.discard("")
    if not doomed:
        return text
    return "\n".join(line for line in text.split("\n") if comparable(line) not in doomed)


SPACES = re.compile(r"\s+")


def normalise(value: str) -> str:
    return SPACES.sub(" ", value).strip()


def clean(value: str | None) -> str | None:
    return clean_field(value)


def clean_text(text: str) -> str:
    lines = (line.strip() for line in text.replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)

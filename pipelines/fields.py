"""Short metadata fields (title, author, description, site name) made fit to store and show.

Publishers often escape their metadata twice: a JSON-LD `headline` or an
`og:title` arrives as `Taylor Swift&#8217;s` or `&amp;quot;` after the HTML
parser has already decoded it once. `clean_field` decodes what is left,
removes stray tags and collapses whitespace, so a stored title never holds an
entity or a tag. Only complete entities (`&name;`, `&#8217;`, `&#x2019;`) are
decoded: Python's `html.unescape` also reads legacy forms without the
semicolon (`&copy2020`, `&para`), which would corrupt literal text such as
`AT&T` or `Q&paragraph`. Quotes and dashes stay as the publisher wrote them.
"""

from __future__ import annotations

import html
import re

__all__ = ["CJK_CHARACTER", "clean_field", "comparable", "unescape_entities"]

ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
# Controls (except whitespace), zero-width characters and soft hyphens (a hyphenation hint,
# "Mes&shy;sen&shy;ger", that would split a searched word) are invisible noise in a field.
INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u200b\u200c\u200e\u200f\ufeff]"
)
SPACES = re.compile(r"\s+")
# Scripts written without spaces between words (Chinese, Japanese, Korean): their length
# is counted in characters, not words.
CJK_CHARACTER = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f]"
)
NON_WORD = re.compile(r"\W+")
# `&amp;amp;#8217;` is three layers deep; more than that is not escaping but content.
MAX_LAYERS = 3


def unescape_entities(value: str) -> str:
    """Decode complete HTML entities, layer after layer, leaving bare ampersands alone."""
    for _ in range(MAX_LAYERS):
        decoded = ENTITY.sub(lambda match: html.unescape(match.group(0)), value)
        if decoded == value:
            break
        value = decoded
    return value


def clean_field(value: str | None) -> str | None:
    """A short field decoded, untagged and on one line; None when nothing is left."""
    if not value:
        return None
    value = unescape_entities(value)
    if "<" in value:
        value = TAG.sub("", value)
    value = SPACES.sub(" ", INVISIBLE.sub("", value)).strip()
    return value or None


def comparable(value: str) -> str:
    """A field's words run together in one case: "L'Opinion" and "l opinion" are one name."""
    return NON_WORD.sub("", value).casefold()

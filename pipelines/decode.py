"""Decoding stage: from a response's bytes to the page's text.

Chinese news sites still serve GBK, GB2312 and Big5, and many declare the
wrong charset (a template that says utf-8 over GBK bytes, a server default of
iso-8859-1 over UTF-8 Chinese). Decoding with a wrong charset gives mojibake
or U+FFFD, which no later stage can repair, so the declaration is checked
against the bytes:

1. a byte-order mark wins (it cannot be there by accident);
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the page
   says: no other charset's text passes as UTF-8 by chance;
3. the declared charset (HTTP header, then `<meta>`, read by w3lib as Scrapy
   does, with GB2312/GBK widened to GB18030) is used if it decodes with
   almost no replacement characters, and, for a single-byte Western charset
   over many high bytes, only if charset_normalizer does not find a CJK
   encoding there instead;
4. otherwise charset_normalizer detects the encoding;
5. the last resort is the declared charset or UTF-8 with replacement, so a
   page always decodes (the ratio of U+FFFD then tells how bad it is).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

__all__ = ["DecodeOptions", "Decoded", "decode_html", "replacement_ratio"]

REPLACEMENT = "\ufffd"
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002fa1f]")


@dataclass(slots=True, frozen=True)
class DecodeOptions:
    """Defaults of the decoding stage.

    `max_replacement_ratio` is the share of U+FFFD characters above which a
    decoding counts as wrong (0.1 %: a real page in its right charset has
    none, or a stray broken byte). `max_rare_ideograph_ratio` is the share of
    ideographs outside GB2312 a GB18030 page may hold before its declaration
    is checked (real pages hold a few rare name characters, Big5 read as
    GB18030 holds about half). `default_encoding` is used when nothing is
    declared and nothing can be detected.
    """

    max_replacement_ratio: float = 0.001
    default_encoding: str = "utf-8"
    detect_bytes: int = 64 * 1024
    max_rare_ideograph_ratio: float = 0.2


DEFAULT_OPTIONS = DecodeOptions()

# Single-byte Western charsets: any byte decodes, so a lying declaration shows
# as mojibake, never as U+FFFD.
SINGLE_BYTE_WESTERN = frozenset(
    {"cp1252", "iso8859-1", "iso8859-15", "ascii", "cp1250", "iso8859-2", "mac-roman"}
)
CJK_ENCODINGS = frozenset(
    {
        "gb18030",
        "gbk",
        "gb2312",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "cp932",
        "euc_jp",
        "iso2022_jp",
        "euc_kr",
        "cp949",
        "johab",
        "utf-8",
    }
)


@dataclass(slots=True, frozen=True)
class Decoded:
    """A decoded page and how its charset was chosen (for logs and stats)."""

    text: str
    encoding: str
    declared: str | None
    source: str  # "bom" | "utf-8" | "declared" | "detected" | "fallback"
    replacement_ratio: float


def replacement_ratio(text: str) -> float:
    """Share of U+FFFD characters: how much of the text was lost in decoding."""
    return text.count(REPLACEMENT) / len(text) if text else 0.0


def decode_html(
    body: bytes, content_type: str | None = None, options: DecodeOptions = DEFAULT_OPTIONS
) -> Decoded:
    """Decode a page's bytes, checking the declared charset against the bytes."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        text = body[len(bom) :].decode(bom_encoding, errors="replace")
        return Decoded(text, bom_encoding, bom_encoding, "bom", replacement_ratio(text))

    declared = _declared(body, content_type)
    if not body.isascii():
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(text, "utf-8", declared, "utf-8", 0.0)

    if declared:
        text = body.decode(declared, errors="replace")
        ratio = replacement_ratio(text)
        if ratio <= options.max_replacement_ratio and not _suspect(text, body, declared, options):
            return Decoded(text, declared, declared, "declared", ratio)

    detected = _detect(body, options)
    if detected:
        text = body.decode(detected, errors="replace")
        ratio = replacement_ratio(text)
        if ratio <= options.max_replacement_ratio:
            return Decoded(text, detected, declared, "detected", ratio)

    encoding = declared or options.default_encoding
    text = body.decode(encoding, errors="replace")
    return Decoded(text, encoding, declared, "fallback", replacement_ratio(text))


def _declared(body: bytes, content_type: str | None) -> str | None:
    """The charset the server or the page states, widened as browsers do (GB2312 → GB18030)."""
    label = (http_content_type_encoding(content_type) if content_type else None) or (
        html_body_declared_encoding(body)
    )
    if not label:
        return None
    resolved = resolve_encoding(label)
    return _codec_name(resolved) if resolved else None


def _codec_name(label: str) -> str | None:
    """Python's canonical name of a codec (`utf-8`, `gb18030`, `iso8859-1`), or None."""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _suspect(text: str, body: bytes, declared: str, options: DecodeOptions) -> bool:
    """Whether a declaration that decodes without errors may still be wrong.

    Two lies decode without a single U+FFFD: a Western single-byte charset
    over CJK bytes (every byte is some Latin letter), and GB18030 over Big5
    bytes (GB18030 accepts almost any byte pair). The first shows as many high
    bytes, the second as a text made mostly of rare ideographs outside
    GB2312; either way charset_normalizer is asked, and a CJK encoding it
    finds wins.
    """
    if declared in SINGLE_BYTE_WESTERN:
        high = sum(byte >= 0x80 for byte in body)
        if high < 0.01 * len(body):
            return False
    elif declared == "gb18030":
        if _rare_ideograph_ratio(text) < options.max_rare_ideograph_ratio:
            return False
    else:
        return False
    detected = _detect(body, options)
    return detected is not None and detected != declared and detected in CJK_ENCODINGS


def _rare_ideograph_ratio(text: str) -> float:
    """Share of ideographs outside GB2312: high when Big5 bytes were read as GB18030."""
    ideographs = IDEOGRAPH.findall(text)
    if not ideographs:
        return 0.0
    rare = 0
    for character in ideographs:
        try:
            character.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(ideographs)


def _detect(body: bytes, options: DecodeOptions) -> str | None:
    """charset_normalizer's best guess, widened like a declaration."""
    best = charset_normalizer.from_bytes(body[: options.detect_bytes]).best()
    if best is None:
        return None
    resolved = resolve_encoding(best.encoding)
    return _codec_name(resolved or best.encoding)

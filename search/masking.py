"""Names to initials, for sharing material that names children (`--mask-names`, alerts).

Reporting on abductions names the child, the parents and the village; a report
handed to a wider audience should not. Each article's own `names` list (the
entity stage's people) says what to mask: full names first, then each part of a
Latin-script name on its own (later mentions often use only the surname or the
given name), so "Zhang Hua said … Zhang added" becomes "Z. H. said … Z. added".
Chinese names follow the Chinese press convention: surname plus 某 (刘思睿 → 刘某).

Masking is deliberately eager: an over-masked word costs less than a child's
name left in a shared document. It does not touch URLs, which may still carry a
name in their path (say so when sharing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from homeward.article import Article
from search.query import CJK_CHARS

_CJK_NAME = re.compile(f"^[{CJK_CHARS}·・]+$")
_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MASK_CJK = "某"


def initials(name: str) -> str:
    """ "Liu Sirui" → "L. S."; "Jean-Paul Okoye" → "J. P. O."; "刘思睿" → "刘某"."""
    name = " ".join(name.split())
    if not name:
        return name
    if _CJK_NAME.match(name):
        return name[0] + MASK_CJK
    parts = _PART.findall(name)
    if not parts:
        return name[0] + "."
    return " ".join(part[0].upper() + "." for part in parts)


@lru_cache(maxsize=4096)
def _masker(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regular expression for all the forms of these names, longest first."""
    replacements: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        replacements.setdefault(name.casefold(), initials(name))
        if _CJK_NAME.match(name):
            if len(name) >= 3:  # a two-character given name used on its own
                replacements.setdefault(name[1:].casefold(), MASK_CJK * 2)
            continue
        for part in _PART.findall(name):
            if len(part) >= 2:
                replacements.setdefault(part.casefold(), part[0].upper() + ".")
    if not replacements:
        return None
    alternatives = []
    for form in sorted(replacements, key=len, reverse=True):
        escaped = re.escape(form).replace(r"\ ", r"\s+")
        if _CJK_NAME.match(form):
            alternatives.append(escaped)
        else:
            alternatives.append(rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(alternatives), re.IGNORECASE), replacements


def mask_text(text: str, names: Iterable[str]) -> str:
    """`text` with every form of `names` replaced by initials."""
    masker = _masker(tuple(sorted(set(names))))
    if masker is None or not text:
        return text
    pattern, replacements = masker

    def replace_match(match: re.Match[str]) -> str:
        return replacements.get(" ".join(match.group().split()).casefold(), match.group())

    return pattern.sub(replace_match, text)


def mask_article(article: Article, extra_names: Iterable[str] = ()) -> Article:
    """A copy of `article` with its people's names (and `extra_names`) as initials."""
    names = [*article.names, *extra_names]
    if not names:
        return article
    return replace(
        article,
        title=mask_text(article.title, names),
        text=mask_text(article.text, names),
        names=[initials(name) for name in article.names],
    )

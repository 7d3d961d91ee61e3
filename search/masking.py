"""Names to initials, for sharing material that names children (`--mask-names`, alerts).

Reporting on abductions names the child, the parents and the village; a report
handed to a wider audience should not. Each article's own `names` list (the
entity stage's people) says what to mask, in every form the text may write it:

- the name as tagged, in either Chinese script (劉思睿 for 刘思睿) and with any
  spacing, hyphen or accent (Liu Si-Rui, Líu Sīruì);
- each part of a Latin-script name on its own (later mentions often use only the
  surname or the given name): "Zhang Hua said … Zhang added" becomes
  "Z. H. said … Z. added";
- a Chinese name's given name of two characters on its own (思睿), and its pinyin
  in either order (Liu Sirui, Sirui Liu, Liusirui), so the English paragraph of a
  Chinese article leaks nothing;
- a Latin name's hanzi, when the text writes a name whose pinyin it is
  (Liu Sirui (刘思睿)).

Chinese names follow the Chinese press convention: surname plus 某 (刘思睿 → 刘某).
Only those spans change: a name that is a known place (an old archive may hold 邵阳
as a "person") is not masked, and nothing but the forms above is touched, so an
ordinary word is never rewritten. Masking does not touch URLs, which may still
carry a name in their path (say so when sharing). `masked_names` lists what an
export would mask, for a review before sharing (`homeward export --mask-names --list`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

from homeward.article import Article
from homeward.forms import (
    COMPOUND_SURNAMES,
    FORMS_SEPARATOR,
    SURNAME_READINGS,
    fold_script,
    place_names,
)
from search.query import CJK_CHARS

_CJK_NAME = re.compile(f"^[{CJK_CHARS}·・]+$")
_CJK_RUN = re.compile(f"[{CJK_CHARS}]{{2,4}}")
_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SEPARATOR = r"[\s\-‐‑·・.]*"
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


@cache
def _plain(char: str) -> str:
    """One character for one: simplified, lower case, without accents (Ǐ → i, 劉 → 刘)."""
    folded = fold_script(char)
    lower = folded.lower()
    folded = lower if len(lower) == 1 else folded
    base = unicodedata.normalize("NFD", folded)[:1]
    return base if base.isalpha() else folded


def searchable(text: str) -> str:
    """`text` folded character for character (offsets unchanged) for finding names."""
    return "".join(_plain(c) for c in text)


@cache
def _reading(char: str, surname: bool) -> str:
    if surname and char in SURNAME_READINGS:
        return SURNAME_READINGS[char]
    syllables = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return syllables[0].replace("ü", "v") if syllables else ""


def _pinyin_parts(han: str) -> tuple[str, str] | None:
    """(family, given) pinyin of a Chinese name of two to four characters."""
    if not 2 <= len(han) <= 4:
        return None
    split = 2 if len(han) >= 3 and han[:2] in COMPOUND_SURNAMES else 1
    family = "".join(_reading(c, surname=True) for c in han[:split])
    given = "".join(_reading(c, surname=False) for c in han[split:])
    return (family, given) if family and given else None


def _latin_pattern(letters: str) -> str:
    """Letters with any separator between them (Si-Rui, Si Rui, Sirui)."""
    return _SEPARATOR.join(re.escape(ch) for ch in letters)


def _is_place(name: str) -> bool:
    folded = fold_script(name)
    return _CJK_NAME.match(name) is not None and folded in place_names()


def masked_names(names: Iterable[str]) -> list[str]:
    """The names masking acts on: each form of a facet value on its own, places out."""
    found: list[str] = []
    for value in names:
        for name in value.split(FORMS_SEPARATOR.strip()) if FORMS_SEPARATOR in value else [value]:
            name = " ".join(name.split())
            if name and not _is_place(name) and name not in found:
                found.append(name)
    return found


@lru_cache(maxsize=4096)
def _masker(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regular expression over `searchable` text for every form of these names."""
    forms: dict[str, tuple[str, str]] = {}  # pattern -> (replacement, kind)
    for name in masked_names(names):
        plain = searchable(name)
        if _CJK_NAME.match(name):
            han = re.sub("[·・]", "", plain)
            forms.setdefault(re.escape(plain), (initials(name), "cjk"))
            if len(han) >= 3:  # a two-character given name used on its own
                forms.setdefault(re.escape(han[-2:]), (MASK_CJK * 2, "cjk"))
            parts = _pinyin_parts(han)
            if parts:
                family, given = parts
                mask = f"{family[0].upper()}. {given[0].upper()}."
                forms.setdefault(_latin_pattern(family + given), (mask, "latin"))
                forms.setdefault(_latin_pattern(given + family), (mask, "latin"))
            continue
        words = _PART.findall(plain)
        if not words:
            continue
        forms.setdefault(r"[\s\-‐‑]+".join(re.escape(w) for w in words), (initials(name), "latin"))
        if len(words) > 1:
            forms.setdefault(re.escape("".join(words)), (initials(name), "latin"))
        for word in words:
            if len(word) >= 2:
                forms.setdefault(re.escape(word), (word[0].upper() + ".", "latin"))
    if not forms:
        return None
    replacements: dict[str, str] = {}
    alternatives = []
    for i, (pattern, (mask, kind)) in enumerate(
        sorted(forms.items(), key=lambda item: len(item[0]), reverse=True)
    ):
        group = f"f{i}"
        replacements[group] = mask
        if kind == "cjk":
            alternatives.append(f"(?P<{group}>{pattern})")
        else:
            alternatives.append(rf"(?<![^\W\d_])(?P<{group}>{pattern})(?![^\W\d_])")
    return re.compile("|".join(alternatives)), replacements


def _hanzi_of_latin(text: str, plain: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Spans of hanzi names in `text` whose pinyin is one of the latin `names`."""
    wanted: dict[str, str] = {}
    for name in masked_names(names):
        if _CJK_NAME.match(name):
            continue
        words = [w.lower() for w in _PART.findall(searchable(name))]
        if len(words) >= 2:
            wanted["".join(words)] = name
            wanted["".join(words[1:] + words[:1])] = name
    if not wanted or not _CJK_RUN.search(plain):
        return []
    spans: list[tuple[int, int, str]] = []
    for start in range(len(plain)):
        first = _reading(plain[start], surname=True) if _CJK_NAME.match(plain[start]) else ""
        if not first or not any(key.startswith(first) for key in wanted):
            continue
        for length in (4, 3, 2):
            run = plain[start : start + length]
            if len(run) < length or not _CJK_NAME.match(run):
                continue
            parts = _pinyin_parts(run)
            if parts and "".join(parts) in wanted:
                spans.append((start, start + length, text[start] + MASK_CJK))
                break
    return spans


def mask_text(text: str, names: Iterable[str]) -> str:
    """`text` with every form of `names` replaced by initials (see the module's docstring)."""
    names = tuple(sorted(set(names)))
    masker = _masker(names)
    if masker is None or not text:
        return text
    pattern, replacements = masker
    plain = searchable(text)
    spans = [(m.start(), m.end(), replacements[m.lastgroup or ""]) for m in pattern.finditer(plain)]
    spans += _hanzi_of_latin(text, plain, names)
    spans.sort(key=lambda span: (span[0], -span[1]))
    pieces: list[str] = []
    position = 0
    for start, end, mask in spans:
        if start < position:
            continue  # inside a span already masked
        pieces += [text[position:start], mask]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_article(article: Article, extra_names: Iterable[str] = ()) -> Article:
    """A copy of `article` with its people's names (and `extra_names`) as initials:
    in its title and text (captions are part of it) and in every earlier version."""
    names = [*article.names, *extra_names]
    if not names:
        return article
    versions = [
        replace(version, title=mask_text(version.title, names), text=mask_text(version.text, names))
        for version in article.versions
    ]
    return replace(
        article,
        title=mask_text(article.title, names),
        text=mask_text(article.text, names),
        names=[initials(name) for name in article.names],
        versions=versions,
    )

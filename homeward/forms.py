"""One word, one person, one place in every form it is written.

A parent searching for 拐賣 must find 拐卖, "missing child" must find "missing
children", and `person:王敏` must find the English article about Wang Min. Both
archives and the query parser fold text and names with the functions here, at
index time and at search time alike, so the two sides always agree:

- `fold_script`: traditional Chinese characters to simplified, one character for
  one character (the table is OpenCC's, read once). Character for character, so the
  same table can also be handed to Elasticsearch as a `mapping` char filter, and so
  offsets in the text never move.
- `fold_plural`: English irregular plurals to their singular (children -> child);
  regular plurals are the stemmers' job.
- `name_keys`: the keys a `person:` filter compares: the name as written, folded to
  simplified, its pinyin without tones or spaces (王敏 -> wangmin) and, for a Chinese
  name, its Western order (minwang); a latin name without accents, spaces or hyphens
  (Wáng Mǐn, Wang Min, Wangmin -> wangmin). A pinyin key may belong to several
  Chinese names (王敏, 王民): a search matches them all; masking and same-case
  never use these keys.
- `place_keys`: the keys a `place:` filter compares: the form, folded, without an
  administrative suffix (山西省 -> 山西), and the gazetteer's English name of a
  Chinese form (山西 -> shanxi, but 陕西 -> shaanxi), from `place_names.txt`, a
  table made from the entity stage's gazetteer (pipelines/entities/place_forms.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from homeward.article import Place

__all__ = [
    "IRREGULAR_PLURALS",
    "all_name_keys",
    "all_place_keys",
    "fold_plural",
    "fold_plurals",
    "fold_script",
    "group_names",
    "name_keys",
    "place_keys",
    "plural_spans",
    "script_table",
]

PLACE_NAMES_FILE = Path(__file__).with_name("place_names.txt")
# Blocks of Han characters OpenCC's table is read over (BMP, Extension A, compatibility).
HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))

# English nouns whose plural no stemmer joins to the singular. Applied to whole words,
# lower-cased, on both sides of a search; the exact form still ranks first.
IRREGULAR_PLURALS: dict[str, str] = {
    "children": "child",
    "women": "woman",
    "men": "man",
    "people": "person",
    "persons": "person",
    "mice": "mouse",
    "geese": "goose",
    "teeth": "tooth",
    "feet": "foot",
    "wives": "wife",
    "lives": "life",
    "knives": "knife",
    "wolves": "wolf",
    "thieves": "thief",
    "selves": "self",
    "halves": "half",
    "grandchildren": "grandchild",
    "schoolchildren": "schoolchild",
    "stepchildren": "stepchild",
    "policemen": "policeman",
    "policewomen": "policewoman",
    "businessmen": "businessman",
    "fishermen": "fisherman",
    "gunmen": "gunman",
    "chairmen": "chairman",
    "spokesmen": "spokesman",
    "spokeswomen": "spokeswoman",
    "kinsmen": "kinsman",
    "townspeople": "townsperson",
    "salespeople": "salesperson",
}
IRREGULAR_WORDS = frozenset(IRREGULAR_PLURALS) | frozenset(IRREGULAR_PLURALS.values())
_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# The plurals no other one contains (men is in women and policemen): finding these finds
# every plural, so a text is searched for 15 strings rather than split into words.
_NEEDLES = tuple(
    plural
    for plural in IRREGULAR_PLURALS
    if not any(other != plural and other in plural for other in IRREGULAR_PLURALS)
)

# Two-character Chinese family names: the rest of a name is the given name.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 西门 南宫 "
    "独孤 呼延 轩辕 单于 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 濮阳 淳于".split()
)
# Characters read another way when they are a family name (单 shan, not dan).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "尉": "yu", "乐": "yue", "覃": "qin", "翟": "zhai", "盖": "ge",
    "繁": "po", "缪": "miao", "种": "chong", "秘": "bi", "句": "gou", "员": "yun",
}  # fmt: skip
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NAME_DOT = re.compile(r"[·・•．.\s]")


# --- scripts --------------------------------------------------------------------


@cache
def script_table() -> dict[str, str]:
    """Traditional character -> simplified character, from OpenCC's `t2s` conversion of
    every Han character on its own (4,000-odd pairs; read in a few milliseconds)."""
    converter = OpenCC("t2s")
    chars = [chr(code) for start, end in HAN_RANGES for code in range(start, end)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps the lines
        return {}
    return {
        old: new for old, new in zip(chars, converted, strict=True) if old != new and len(new) == 1
    }


@cache
def _translation() -> dict[int, str]:
    return str.maketrans(script_table())


def fold_script(text: str) -> str:
    """Text with traditional characters made simplified (拐賣兒童 -> 拐卖儿童);
    everything else, and the length, unchanged."""
    return text.translate(_translation())


# --- English word forms ---------------------------------------------------------


def fold_plural(word: str) -> str:
    """The singular of an irregular plural (children -> child), else the word."""
    return IRREGULAR_PLURALS.get(word.lower(), word)


def fold_plurals(text: str) -> str:
    """Text with every irregular plural made singular, other words as they are."""
    parts: list[str] = []
    cursor = 0
    for start, end, singular in plural_spans(text):
        parts += (text[cursor:start], singular)
        cursor = end
    if not parts:
        return text
    parts.append(text[cursor:])
    return "".join(parts)


def plural_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the irregular plurals of a text are: (start, end, singular), in order.

    A word is a run of ASCII letters. Every text an archive stores is searched here,
    so the words are not all looked at: the text is searched (in C) for the plurals
    no other contains, and only the word around each find is."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer (İ): word by word
        return [
            (word.start(), word.end(), IRREGULAR_PLURALS[word.group().lower()])
            for word in _WORD.finditer(text)
            if word.group().lower() in IRREGULAR_PLURALS
        ]
    found: dict[int, tuple[int, int, str]] = {}
    for needle in _NEEDLES:
        at = lower.find(needle)
        while at != -1:
            start = at
            while start and text[start - 1] in _LETTERS:
                start -= 1
            word = _WORD.match(text, start)
            if word and word.end() >= at + len(needle):  # the find is inside the word
                singular = IRREGULAR_PLURALS.get(word.group().lower())
                if singular is not None:
                    found[start] = (start, word.end(), singular)
            at = lower.find(needle, at + 1)
    return [found[start] for start in sorted(found)]


def has_irregular(words: list[str] | tuple[str, ...]) -> bool:
    """Whether any word has another irregular form (so the folded form is searched too)."""
    return any(word.lower() in IRREGULAR_WORDS for word in words)


# --- names ----------------------------------------------------------------------


def normalise(value: str) -> str:
    """Case-folded, runs of white space one space (as homeward.article.normalise_key)."""
    return " ".join(value.split()).casefold()


def compact_latin(value: str) -> str:
    """Wáng Mǐn, Wang-Min, Wang Min -> wangmin: no accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in bare.casefold() if c.isalnum())


def _pinyin(han: str, surname: bool = False) -> list[str]:
    syllables = lazy_pinyin(han, style=Style.NORMAL, errors="ignore")
    if surname and len(han) == 1 and han in SURNAME_READINGS:
        return [SURNAME_READINGS[han]]
    return [s.replace("ü", "v") for s in syllables]


def name_keys(name: str) -> set[str]:
    """Every key a `person:` filter compares for one name (see the module's docstring).

    王敏 -> {王敏, wangmin, minwang}; 王敏 in traditional script gives the same;
    Wang Min -> {wang min, wangmin}; Wáng Mǐn and Wangmin -> {…, wangmin}."""
    name = name.strip()
    if not name:
        return set()
    if FORMS_SEPARATOR.strip() in name and FORMS_SEPARATOR in f" {name} ":
        # A facet value naming one person's forms (王敏 · Wang Min): any of them.
        forms = [form for form in name.split(FORMS_SEPARATOR.strip()) if form.strip()]
        if len(forms) > 1:
            return {key for form in forms for key in name_keys(form)}
    folded = fold_script(name)
    keys = {normalise(name), normalise(folded)}
    han = _NAME_DOT.sub("", folded)
    if han and all(_HAN.match(c) for c in han):
        if 2 <= len(han) <= 4:
            split = 2 if len(han) >= 3 and han[:2] in COMPOUND_SURNAMES else 1
            family = "".join(_pinyin(han[:split], surname=True))
            given = "".join(_pinyin(han[split:]))
            if family and given:
                for spelling in {family + given, given + family}:
                    keys.add(spelling)
                    keys.add(spelling.replace("v", "u"))  # 吕: Lv, or Lü written Lu
        return keys
    if not _HAN.search(folded):
        compact = compact_latin(folded)
        if compact:
            keys.add(compact)
    return keys


# --- places ---------------------------------------------------------------------

# Administrative suffixes Chinese text adds to place names, longest first (as
# homeward.article.ADMIN_SUFFIXES, folded to simplified).
_ADMIN_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
)


def strip_suffix(name: str) -> str:
    """山西省 -> 山西, 周口市 -> 周口; a name the suffix is part of (广州) stays whole."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def place_names() -> dict[str, tuple[str, ...]]:
    """Chinese form (simplified) -> the gazetteer's English names for it."""
    table: dict[str, tuple[str, ...]] = {}
    for line in PLACE_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        form, *names = line.split("\t")
        table[form] = tuple(names)
    return table


def place_keys(form: str) -> set[str]:
    """Every key a `place:` filter compares for one form of a place: as written, folded
    to simplified, without 省/市/县/村..., and the English names of a Chinese form."""
    form = form.strip()
    if not form:
        return set()
    folded = normalise(fold_script(form))
    keys = {normalise(form), folded}
    if _HAN.search(folded):
        short = strip_suffix(folded)
        keys.add(short)
        table = place_names()
        for candidate in (folded, short):
            keys.update(normalise(english) for english in table.get(candidate, ()))
    return keys


# --- an article's keys -------------------------------------------------------------


# Names and places recur from article to article, and their keys (pinyin) cost more than
# a look-up: the keys of this many forms are kept while storing.
KEYS_CACHED = 16384


@lru_cache(maxsize=KEYS_CACHED)
def _name_keys_of(name: str) -> frozenset[str]:
    return frozenset(name_keys(name))


@lru_cache(maxsize=KEYS_CACHED)
def _place_keys_of(form: str) -> frozenset[str]:
    return frozenset(place_keys(form))


def all_name_keys(names: Iterable[str]) -> set[str]:
    """Every form of every name: what both archives store for `person:` to compare."""
    return {key for name in names for key in _name_keys_of(name)}


def all_place_keys(places: Iterable[Place]) -> set[str]:
    """Every form of every place, its region and country included (as Place.match_keys,
    whose keys are all kept): what both archives store for `place:` to compare."""
    keys: set[str] = set()
    for place in places:
        keys |= place.match_keys()
        for value in (place.name, place.mention, place.region, place.country):
            if value:
                keys |= _place_keys_of(value)
    return keys


# --- one facet entry per person -----------------------------------------------------

# Between the forms of one person in a facet value (王敏 · Wang Min); `name_keys` of such
# a value is every form's keys, so the value filters as well as it reads.
FORMS_SEPARATOR = " · "


def _han_only(name: str) -> str | None:
    """The name in simplified hanzi without dots or spaces, if it is written in hanzi."""
    han = _NAME_DOT.sub("", fold_script(name))
    return han if han and all(_HAN.match(c) for c in han) else None


def group_names(buckets: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Facet (name, count) pairs with the forms of one person made one entry: the
    hanzi forms of one name (劉思睿, 刘思睿), the spellings of one latin name (Wang Min,
    Wáng Mǐn, Wangmin), and those latin spellings with the one hanzi name they are the
    pinyin of. A pinyin that could be several of the names listed (王敏 and 王民 both
    read Wang Min) joins none of them: a facet entry never claims two people are one.
    The label lists the forms, most counted first; the count adds theirs (an article
    naming one person in two forms counts twice). Order: as given, by first form."""
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for name, count in buckets:
        han = _han_only(name)
        key = ("han", han) if han else ("latin", compact_latin(fold_script(name)) or name)
        groups.setdefault(key, []).append((name, count))
    readings: dict[str, list[tuple[str, str]]] = {}
    for kind, value in groups:
        if kind == "han":
            for reading in name_keys(value) - {value}:
                readings.setdefault(reading, []).append((kind, value))
    for kind, value in list(groups):
        if kind != "latin" or len(readings.get(value, ())) != 1:
            continue
        target = readings[value][0]
        groups[target].extend(groups.pop((kind, value)))
    entries = []
    for forms in groups.values():
        ordered = sorted(forms, key=lambda form: -form[1])
        label = FORMS_SEPARATOR.join(dict.fromkeys(name for name, _ in ordered))
        entries.append((label, sum(count for _, count in forms)))
    return entries

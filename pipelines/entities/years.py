"""Years an article mentions, told apart from the many other numbers in crime reporting.

Reports on trafficking are full of four-digit numbers that are not years: ransoms
(`£4,000`, `2000 yuan`), counts of children (`2,400 children`), phone and case
numbers. A year facet polluted by them is worse than none, so a number counts as
a year only when it is in the plausible range and nothing around it says
"amount" or "count".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

FIRST_YEAR = 1900


def last_year() -> int:
    """Next year is still plausible (court dates, planned releases); later is not."""
    return datetime.now(UTC).year + 1


# Currency and numbering cues that make the following number an amount or an id.
_BEFORE_AMOUNT = re.compile(
    r"(?:[£$€¥₹￥]|\b(?:US\$|HK\$|RMB|CNY|USD|GBP|EUR|Rs\.?|No\.?|number|page|pages|p\.|pp\.|"
    r"tel\.?|phone|hotline|case|code|room|flight|route|bus|model|ID)\s?)$",
    re.IGNORECASE,
)
# Words after a number that make it a count or an amount ("2000 children", "2000 yuan").
_COUNT_WORDS = (
    "yuan|renminbi|rmb|dollars?|pounds?|euros?|rupees?|baht|dong|kyat|riel|pesos?|naira|"
    "children|child|kids|babies|infants|boys|girls|people|persons|women|men|families|parents|"
    "victims|cases|officers|police|volunteers|suspects|traffickers|villagers|students|"
    "posters|leaflets|calls|tips|profiles|samples|records|photos|files|"
    "km|kilometres|kilometers|miles|metres|meters|hectares|acres|kg|tonnes|"
    "hours|days|weeks|months|times|more|others|members|copies|households|beds|rooms|words"
)
# A temporal word right before the number settles it: "in 2015 police found her".
_BEFORE_TIME = re.compile(
    r"\b(?:a|an|the|in|since|by|from|until|till|to|before|after|during|of|between|and|early|late|mid|"
    r"year|summer|spring|autumn|fall|winter|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|"
    r"nov|dec|\d{1,2})[\s,-]*$",
    re.IGNORECASE,
)
_AFTER_COUNT = re.compile(rf"\s*(?:[a-z-]+\s+)?(?:{_COUNT_WORDS})\b", re.IGNORECASE)
_AFTER_COUNT_ZH = re.compile(
    r"\s*(?:多|余|来)?\s*(?:元|块|美元|英镑|欧元|名|个|人|位|户|件|起|份|张|次|万|千|公里|米|条|家)"
)

_YEAR_EN = re.compile(
    r"(?<!\d)(?<!\d[,.:/])(?P<year>1[89]\d\d|20\d\d)(?P<decade>s|’s|'s)?(?![\d,.]\d|\d)"
)
_YEAR_ZH = re.compile(r"(?<!\d)(?<!\d[,.])(?P<year>\d{4})\s*年(?!薪|费|龄|纪|级|利|均|限)")
_DECADE_ZH = re.compile(
    r"(?:(?P<century>19|20|上世纪|二十世纪|本世纪)\s*)?(?P<decade>\d0|[一二三四五六七八九零〇]十)\s*年代"
)
_ZH_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_ZH_NUMERAL_YEAR = re.compile(r"(?P<year>[〇零一二三四五六七八九]{4})年")
_PHONE = re.compile(r"\+?\d[\d\s()-]{5,}\d")


def extract_years(text: str) -> list[int]:
    """Years mentioned in `text`, in order of first mention, each once."""
    text = unicodedata.normalize("NFKC", text)
    phone_spans = [m.span() for m in _PHONE.finditer(text) if _looks_like_phone(m.group())]
    found: dict[int, int] = {}
    top = last_year()

    def keep(year: int, start: int) -> None:
        if not FIRST_YEAR <= year <= top:
            return
        if any(a <= start < b for a, b in phone_spans):
            return
        found[year] = min(start, found.get(year, start))

    # The three Chinese patterns all need 年: an English text is not scanned for them.
    chinese = "年" in text
    for match in _YEAR_ZH.finditer(text) if chinese else ():
        if not _AFTER_COUNT_ZH.match(text, match.end("year")):
            keep(int(match.group("year")), match.start())
    for match in _ZH_NUMERAL_YEAR.finditer(text) if chinese else ():
        keep(int("".join(_ZH_DIGITS[c] for c in match.group("year"))), match.start())
    for match in _DECADE_ZH.finditer(text) if chinese else ():
        decade = match.group("decade")
        if not decade[0].isdigit():
            decade = _ZH_DIGITS.get(decade[0], "0") + "0"
        century = "20" if match.group("century") in ("20", "本世纪") else "19"
        if decade == "00" and match.group("century") is None:
            century = "20"
        keep(int(century + decade), match.start())
    for match in _YEAR_EN.finditer(text):
        start, end = match.span()
        if text[end : end + 1] == "年":
            continue  # handled above with the Chinese rules
        before = text[max(0, start - 12) : start]
        if _BEFORE_AMOUNT.search(before):
            continue
        counted = _AFTER_COUNT.match(text, end) or _AFTER_COUNT_ZH.match(text, end)
        if counted and not match.group("decade") and not _BEFORE_TIME.search(before):
            continue
        year = int(match.group("year"))
        if match.group("decade") and year % 10:
            continue
        keep(year, start)
    return sorted(found, key=found.__getitem__)


def _looks_like_phone(candidate: str) -> bool:
    """Nine or more digits in separated groups, or a `555-0199` local number.

    A range such as `2009-2010` has eight digits and stays two years.
    """
    digits = sum(c.isdigit() for c in candidate)
    groups = re.findall(r"\d+", candidate)
    if len(groups) < 2:
        return False
    return digits >= 9 or (len(groups) == 2 and len(groups[0]) == 3 and len(groups[1]) == 4)

"""Publication dates: the publisher's statement, read as the publisher's own day.

A date is kept as ISO 8601 text (a day, or a datetime with its offset). Three
things make the stated date differ from the day readers see:

* metadata states no date, and the page's date line does ("2019年04月21日",
  "29.04.2020", "02. November 2021"): `shown_date` reads the first one before
  trafilatura's whole-page guess (a copyright year, a related story's date);
* the publisher's statements (JSON-LD, meta tags, the article's first `<time
  datetime>`) name different days: `page_day` takes the one the page shows;
* metadata states the instant in UTC (`2016-12-29T01:32:00Z`) and the page
  shows the day in the newsroom's zone ("December 28, 2016"): an archive
  searched by day must file the article on the day its publisher printed.
  `page_day` takes the same instant in the newsroom's zone from the page's
  `<time datetime>` (with its offset, or as the newsroom's wall clock), else moves
  the stamp to the neighbouring day the page (or, showing none, its address)
  names, when the page never shows the UTC day and a newsroom's zone (UTC-10 to
  UTC+11) can put the instant there.

A placeholder in a date field (year 1, the Unix epoch) is no date at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from typing import Any

from pipelines.fields import CJK_CHARACTER
from pipelines.headings import is_logo

__all__ = ["iso_date", "page_day", "shown_date", "stamped_day"]


# Content systems fill an empty date field with a placeholder: year 1 ("0001-01-01T00:00:00")
# or the Unix epoch. Neither is a publication date; the next source is read instead.
FIRST_NEWS_YEAR = 1800
EPOCH = datetime(1970, 1, 1)


# A time written without its leading zeros ("T23:15:0Z", "T9:05"): the publisher's system
# dropped them; the instant is plain.
UNPADDED_TIME = re.compile(r"T(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?=\D|$)")


def _padded(match: re.Match[str]) -> str:
    return "T" + ":".join(part.zfill(2) for part in match.groups() if part is not None)


def iso_date(value: str | None) -> str | None:
    """An ISO date or datetime, or None when the value is not one or is a placeholder."""
    value = UNPADDED_TIME.sub(_padded, (value or "").strip(), count=1)
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return day.isoformat() if day.year >= FIRST_NEWS_YEAR else None
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.year < FIRST_NEWS_YEAR or parsed.replace(tzinfo=None) == EPOCH:
        return None
    if (parsed.hour, parsed.minute, parsed.second, parsed.tzinfo) == (0, 0, 0, None):
        return parsed.date().isoformat()
    return parsed.isoformat()


# --- the ways a page writes a day --------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv enero ene januar jän janeiro gennaio gen",
            "february feb février févr fevrier febrero februar fevereiro fev febbraio",
            "march mar mars marzo märz marz março",
            "april apr avril abril aprile",
            "may mai mayo maio maggio mag",
            "june jun juin junio juni junho giugno giu",
            "july jul juillet juil julio juli julho luglio lug",
            "august aug août aout agosto ago",
            "september sep sept septembre septiembre setiembre set setembro settembre",
            "october oct octobre octubre oktober okt outubro out ottobre ott",
            "november nov novembre noviembre novembro",
            "december dec décembre decembre déc diciembre dic dezember dez dezembro dicembre",
        ),
        start=1,
    )
    for name in names.split()
}
MONTH_NAME = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
NUMERIC_DATE = r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)"
# Day first with dots, as German, Russian or Scandinavian pages write it: "28.04.2020".
DOTTED_DATE = r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?![\d.]\d)"
# "03/05/2022": day first in most of the world, month first in the United States. Beside a
# stamp it is read the way that puts it nearer the stamp (the other way is a month or more
# off); alone, only where one way is no date ("25/10/2022").
SLASHED_DATE = r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"
# "December 28, 2016", "Dec. 28 2016", "28 December 2016", "28 de diciembre de 2016",
# "2016-12-28", "2016/12/28", "2016年12月28日", "28.12.2016", "28/12/2016"; a day is read
# only where a year is written.
SHOWN_DAY = re.compile(
    rf"\b{MONTH_NAME}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{MONTH_NAME}\s+(?:de\s+)?(\d{{4}})\b"
    rf"|(?<!\d){NUMERIC_DATE}|{DOTTED_DATE}|{SLASHED_DATE}",
    re.IGNORECASE,
)


def _day_of(groups: tuple[str | None, ...], near: date | None = None) -> date | None:
    """The day a `SHOWN_DAY` match writes; a slashed date read the way nearer `near`."""
    month_first, day_first, numeric = groups[0:3], groups[3:6], groups[6:9]
    dotted, slashed = groups[9:12], groups[12:15]
    if month_first[0]:
        name, day, year = month_first
        return _valid(year, MONTHS.get(name.lower(), 0), day)
    if day_first[0]:
        day, name, year = day_first
        return _valid(year, MONTHS.get(name.lower(), 0), day)
    if numeric[0]:
        return _valid(*numeric)
    if dotted[0]:
        day, month, year = dotted
        return _valid(year, month, day)
    if slashed[0]:
        first, second, year = slashed
        readings = [
            day for day in (_valid(year, second, first), _valid(year, first, second)) if day
        ]
        if near is not None:
            return min(readings, key=lambda day: abs(day - near), default=None)
        return readings[0] if len(set(readings)) == 1 else None
    return None


def _valid(year: str | int, month: str | int, day: str | int) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- a line that is only a stamp ----------------------------------------------------------

# A time of day as pages print it beside a date: "17:06", "08:57:40+01:00", "11:29 a.m.",
# "10.30 Uhr", "07h36". A dotted time counts only with its "Uhr" or "h", so "3.75" is none.
TIME_OF_DAY = re.compile(
    r"(?<![\d:.])T?\d{1,2}(?:[:：]\d{2}(?::\d{2}(?:\.\d+)?)?|h\d{2}|\.\d{2}(?=\s*(?:uhr|h)\b))"
    r"(?:Z|[+-]\d{2}:?\d{2})?(?:\s*(?:[ap]\.?\s?m\b\.?|uhr\b|h\b))?(?![\d:])"
    # "01時28分", "10时32分"
    r"|(?<!\d)\d{1,2}\s*[時时]\s*(?:\d{1,2}\s*分)?",
    re.IGNORECASE,
)
# A day as `SHOWN_DAY` reads it, with the "日" a Chinese or Japanese date ends with.
STAMP_DAY = re.compile(rf"(?:{SHOWN_DAY.pattern})日?", re.IGNORECASE)
# An update's day without its year, printed after the stamp ("(1月14日 01時40分更新)").
MONTH_AND_DAY = re.compile(r"(?<!\d)\d{1,2}月\d{1,2}日")
# "Lesezeit: 8 Minuten", "5 min read": a reading time printed with the stamp.
READING_TIME = re.compile(r"(?<!\d)\d{1,3}\s*(?:min(?:ute[ns]?|s)?\b\.?)", re.IGNORECASE)
# Besides its date, time and reading time, a stamp holds a label, a weekday, a zone or
# the writer's name: a few words, no other figure, no sentence.
MAX_STAMP_WORDS = 4
# Chinese and Japanese write words without spaces: "来源：新华网 作者：张三" is a stamp's
# source and writer, a longer run is a sentence.
MAX_STAMP_IDEOGRAPHS = 16
MAX_STAMP_LENGTH = 100
STAMP_WORD = re.compile(r"[^\W\d_]+")
SENTENCE_CLOSE = re.compile(r"[.!?。！？]['’”\"」)]*$")


def stamped_day(line: str) -> date | None:
    """The day a line states when it is only a date stamp, else None.

    "28.04.2024, 17:19 Uhr • Lesezeit: 8 Minuten", "Stand: 22.04.2024, 06:00 Uhr", "posted
    on April 21, 2015, at 11:29 a.m.", "기사입력 :[ 2018-08-25 15:24 ]": the page's record of
    when it was written, which the date field holds. A sentence that names a day and an
    hour ("On March 3, 2024 at 10:30 police found her.") is no stamp, nor is a line with
    other figures (a table's row, a score).
    """
    if len(line) > MAX_STAMP_LENGTH:
        return None
    match = STAMP_DAY.search(line)
    if match is None:
        return None
    rest = STAMP_DAY.sub(" ", line)
    if not TIME_OF_DAY.search(rest):
        return None
    rest = MONTH_AND_DAY.sub(" ", READING_TIME.sub(" ", TIME_OF_DAY.sub(" ", rest))).strip()
    if (
        any(character.isdigit() for character in rest)
        or "，" in rest  # a Chinese clause: "5月1日10时许，警方…" opens a sentence
        or len(CJK_CHARACTER.findall(rest)) > MAX_STAMP_IDEOGRAPHS
        or len(STAMP_WORD.findall(rest)) > MAX_STAMP_WORDS
        or SENTENCE_CLOSE.search(rest)
    ):
        return None
    return _day_of(match.groups())


# --- the page's date line ----------------------------------------------------------------

# An element whose class names a date or time ("date", "post-date", "article__readTime
# date", "entry-date", "entry-top-info-time", "pubtime"), read when the metadata states no
# date.
# A header's "today" box shows the day the page was saved, not the article's; so does a
# forum's "Aktuelle Zeit:" line; an update line names a later day.
NOT_A_DATE_LINE = re.compile(r"today|current|now|update|modif", re.IGNORECASE)
NOT_A_DATE_TEXT = re.compile(
    r"^\W*(?:today|current time|now|updated|last updated|aktuelle zeit|heute|stand"
    r"|aktualisiert|zuletzt aktualisiert|mis à jour|actualizado|atualizado|aggiornato)\b",
    re.IGNORECASE,
)
# Outside the site's boxes of other stories (asides, footers, menus).
OUTSIDE_SITE_BOXES = "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"
DATE_LINE_XPATH = (
    "//body//*[contains(@class, 'date') or contains(@class, 'Date')"
    " or contains(@class, 'time') or contains(@class, 'Time')]" + OUTSIDE_SITE_BOXES
)
# A schema.org date marked in the page itself: `<time itemprop="datePublished" datetime="…">`.
MARKED_DATE_XPATH = (
    "//*[@itemprop='datePublished' or @itemprop='dateModified'][@datetime or @content]"
    + OUTSIDE_SITE_BOXES
)
DATE_LINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:post|entry|publish|article|news|pub)?[-_]?(?:date|time)(?:$|[\s_-])", re.I
)
# A date line inside a box of other stories dates a teaser (or a reader's comment), not the
# article; one in the site's masthead (a `<header>` holding the site's `<nav>` and no
# `<h1>` but the logo, `<h1><a href="/">`) is today's.
TEASER_BOX = re.compile(
    r"related|teaser|slide|carousel|recommend|more-?news|news-list-view|read-?next|next-?read"
    r"|comment(?!ar)",  # a reader's comment, not a commentary
    re.IGNORECASE,
)
MAX_DATE_LINE_LENGTH = 80
MAX_DATE_LINES = 5


def marked_dates(tree: Any) -> tuple[str | None, str | None]:
    """The first `datePublished` and `dateModified` the page marks with microdata: a
    statement of the publisher's as much as a meta tag."""
    found: dict[str, str | None] = {}
    for element in tree.xpath(MARKED_DATE_XPATH):
        stamp = iso_date(element.get("datetime") or element.get("content"))
        found.setdefault(element.get("itemprop"), stamp)
    return found.get("datePublished"), found.get("dateModified")


def shown_date(tree: Any) -> str | None:
    """The day the page's first date line shows, when the metadata states none.

    trafilatura's date search guesses from the whole page (a copyright year, a
    related story's date, an update stamp: "2022-07-01" on a 2019 article); the
    date line under the headline is the publisher's own statement, and the first
    one to write a day is the article's (those after it date related stories).
    """
    lines = (
        element
        for element in tree.xpath(DATE_LINE_XPATH)
        if DATE_LINE_CLASS.search(element.get("class") or "")
        and not NOT_A_DATE_LINE.search(element.get("class") or "")
        and not _in_teaser_or_masthead(element)
    )
    for element in islice(lines, MAX_DATE_LINES):
        text = " ".join(element.text_content().split())
        if len(text) > MAX_DATE_LINE_LENGTH or _not_the_articles_day(element):
            continue
        match = SHOWN_DAY.search(text)
        if match:
            day = _day_of(match.groups())
            return day.isoformat() if day else None
    return None


def _not_the_articles_day(element: Any) -> bool:
    """Whether the line holding `element` (its largest ancestor of a line's length) opens
    with "Updated", "Today" and the like: `Updated <time>Jul 24, 2018</time>`."""
    line = ""
    while element is not None:
        text = " ".join(element.text_content().split())
        if len(text) > MAX_DATE_LINE_LENGTH:
            break
        line, element = text, element.getparent()
    return bool(NOT_A_DATE_TEXT.search(line))


def _in_teaser_or_masthead(element: Any) -> bool:
    for ancestor in element.iterancestors():
        if TEASER_BOX.search(ancestor.get("class") or ""):
            return True
        if ancestor.tag == "header" and ancestor.find(".//nav") is not None:
            return all(is_logo(h1) for h1 in ancestor.iter("h1"))
    return False


# --- the day a UTC stamp was printed on --------------------------------------------------

# A day is read only where a year is written: four digits alone, found fast before the
# slow search for month names. Text in these elements is not the article's own.
YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
YEAR_TEXT_XPATH = "//body//text()[contains(., '1') or contains(., '2')]"
# A quotation (an embedded tweet, a pull quote) carries its own day, not the article's.
NOT_SHOWN = frozenset(
    {"script", "style", "noscript", "nav", "aside", "footer", "template", "blockquote"}
)
# Only the page's first few dates are its own: further down come related stories.
FIRST_SHOWN_DAYS = 4
# Newsrooms sit between UTC-10 (Honolulu) and UTC+11 (Sydney's summer): an instant at UTC
# hour h is shown on the day before only when h < 10, on the day after only when h >= 13.
# (Zones run on to UTC-12 and UTC+14, where hardly a newsroom is; a North African paper's
# 12:53 UTC is not the next day's.)
LATEST_HOUR_FOR_DAY_BEFORE = 10
EARLIEST_HOUR_FOR_DAY_AFTER = 13
# A zone's offset is a whole number of quarter hours, from UTC-12 to UTC+14.
ZONE_STEP = timedelta(minutes=15)
ZONE_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))
# The first `<time>` elements are the article's; later ones date related stories.
MAX_TIME_ELEMENTS = 10


def page_day(
    tree: Any, stated: Sequence[str], url: str = "", modified: Sequence[str] = ()
) -> str | None:
    """The publisher's first stated date, or the one its page shows, as the publisher's day.

    Where the publisher's statements name different days (a JSON-LD `datePublished`
    two days before the `article:published_time` and the date line), the one naming
    the first day the page shows is taken. A UTC stamp is then read in the
    newsroom's zone, in order of evidence: the same instant restated with the
    newsroom's offset in a `<time datetime>` (kept whole, time and offset); else the
    first day the page shows, when it is the day before or after; else, on a page
    showing no day, the day its address names (`/2019/11/18/`, written by the
    newsroom's system; a printed paper's address may name the next day's edition,
    so the page's own day comes first). A stamp with a real offset (`+08:00`)
    already names the publisher's day and is kept; so is a UTC stamp whose own day
    the page shows. A `<time>` stating the day the publisher says it `modified` the
    article, on another day than it says it published it, dates the update
    ("2024/12/04 00:05" over a `datePublished` of 23:17 the day before).
    """
    if not stated:
        return None
    published = _shown_statement(tree, stated, modified)
    instant = _utc_instant(published)
    if instant is None:
        return published
    restated = _restated(tree, instant)
    if restated:
        return restated
    days = _shown_days(tree, instant.date())
    if not days:
        addressed = _address_day(url)
        days = [addressed] if addressed else []
    if not days or instant.date() in days:
        return published
    neighbour = _neighbour_day(instant, days[0])
    return neighbour.isoformat() if neighbour else published


def _shown_statement(tree: Any, stated: Sequence[str], modified: Sequence[str] = ()) -> str:
    first = stated[0]
    updates = {stamp[:10] for stamp in modified} - {stamp[:10] for stamp in stated}
    stated = [*stated, *(t for t in _time_statement(tree) if t[:10] not in updates)]
    if len({statement[:10] for statement in stated}) == 1:
        return first
    shown = _shown_days(tree, date.fromisoformat(first[:10]))
    if not shown:
        return first
    day = shown[0].isoformat()
    return next((statement for statement in stated if statement.startswith(day)), first)


def _time_statement(tree: Any) -> list[str]:
    """The day the page's first `<time datetime>` states, outside teasers and mastheads and
    unless it dates an update (later ones date related stories and comments)."""
    for element in islice(tree.iter("time"), MAX_TIME_ELEMENTS):
        named = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
        value = iso_date(element.get("datetime"))
        if value is None or _in_teaser_or_masthead(element) or _not_the_articles_day(element):
            continue
        return [] if NOT_A_DATE_LINE.search(named) else [value]  # "updated", "dateModified"
    return []


def _restated(tree: Any, instant: datetime) -> str | None:
    """The instant as a `<time datetime>` of the page states it in a local zone: with its
    offset (`2016-09-19T07:46:01-04:00`), or as the newsroom's wall clock without one
    (`2023-11-08 23:30:59` for `2023-11-09T05:30:59Z`: the same minutes and seconds, a
    zone's whole quarter hours apart)."""
    for element in islice(tree.iter("time"), MAX_TIME_ELEMENTS):
        value = (element.get("datetime") or "").strip()
        if len(value) <= 10:  # a day alone restates no instant
            continue
        try:
            local = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        offset = local.utcoffset()
        if offset and local == instant:
            return local.isoformat()
        if local.tzinfo is None:
            shift = local - instant.replace(tzinfo=None)
            low, high = ZONE_OFFSETS
            if shift and shift % ZONE_STEP == timedelta(0) and low <= shift <= high:
                return local.replace(tzinfo=timezone(shift)).isoformat()
    return None


def _neighbour_day(instant: datetime, day: date | None) -> date | None:
    """`day`, when it is the day before or after the UTC instant's and a newsroom's zone puts the
    instant there."""
    if day is None:
        return None
    try:
        before, after = instant.date() - timedelta(days=1), instant.date() + timedelta(days=1)
    except OverflowError:  # a placeholder stamp: year 9999
        return None
    if day == before and instant.hour < LATEST_HOUR_FOR_DAY_BEFORE:
        return before
    if day == after and instant.hour >= EARLIEST_HOUR_FOR_DAY_AFTER:
        return after
    return None


# "/2019/11/18/", "/2019-11-18/", "/20191118/" in an article's address.
ADDRESS_DAY = re.compile(r"/((?:19|20)\d\d)([-/]?)(\d\d)\2(\d\d)(?=[/_.-]|$)")


def _address_day(url: str) -> date | None:
    match = ADDRESS_DAY.search(url or "")
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None


def _utc_instant(published: str | None) -> datetime | None:
    if not published or len(published) <= 10:
        return None
    try:
        parsed = datetime.fromisoformat(published)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() == timedelta(0) else None


def _shown_days(tree: Any, near: date) -> list[date]:
    """The first days the page's visible text writes out, in reading order; a slashed date
    read the way nearer `near`."""
    days: list[date] = []
    for text in tree.xpath(YEAR_TEXT_XPATH):
        owner = text.getparent()
        if text.is_tail:  # the text after an element belongs to that element's parent
            owner = owner.getparent()
        if not YEAR.search(text) or owner is None or _hidden(owner):
            continue
        for match in SHOWN_DAY.finditer(text):
            day = _day_of(match.groups(), near)
            if day is not None and not _not_the_articles_day(owner):
                days.append(day)
                if len(days) == FIRST_SHOWN_DAYS:
                    return days
    return days


def _hidden(element: Any) -> bool:
    """Whether a text stands in an element readers do not read as the page's own."""
    while element is not None:
        if element.tag in NOT_SHOWN:
            return True
        element = element.getparent()
    return False

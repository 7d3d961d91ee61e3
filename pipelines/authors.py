"""Who wrote an article: people's names from JSON-LD, meta tags and bylines.

Sources in the order a publisher's intent is clearest:

1. JSON-LD `author` of the Article object (a string, an object, a list of
   either, inside `@graph` or not); `@type` Organization, and names that read
   as an agency, desk or staff line, go to `organisations`, never to authors;
2. `<meta name="author">`, `article:author`, `og:article:author`, `dc.creator`
   (URLs to a profile page are not names);
3. the visible byline: the first element whose class says "byline" (or
   `itemprop=author`) that names a person, else trafilatura's own author
   search (`rel=author`, `class=author`, …);
4. a Chinese byline in the text: 记者 / 通讯员 / 作者 / 文 followed by names.
   编辑 and 责任编辑 name the editor, who is not an author.

Every candidate string goes through `parse_byline`, which knows "By X and Y",
"X, Y and Z", "X | Reuters", "X, CNN", trailing dates ("Joshua Sokol May 4,
2017") and job titles ("Ben Silverman, Games Editor").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trafilatura.metadata import extract_author

from pipelines.fields import clean_field

__all__ = ["AUTHOR_META", "Byline", "find_authors", "json_ld_authors", "parse_byline"]


@dataclass(slots=True)
class Byline:
    """People credited as authors, and organisations credited beside or instead of them."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def add(self, other: Byline) -> None:
        for name in other.people:
            _append(self.people, name)
        for name in other.organisations:
            _append(self.organisations, name)


def _append(names: list[str], name: str) -> None:
    if name.casefold() not in {n.casefold() for n in names}:
        names.append(name)


# --- one byline string ------------------------------------------------------------------------

BY_PREFIX = re.compile(r"^(?:written\s+)?(?:by|par|von|por|door)\s*[:：]?\s+", re.IGNORECASE)
# "·" joins the parts of a transliterated name (约翰·米勒); only a spaced " · " separates.
SEPARATORS = re.compile(r"\s*(?:[,;|/•]|\s·\s|\band\b|\bund\b|\bet\b|\by\b|&|、|，|\s+[-–—]\s+)\s*")
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# What follows a name in a byline but is not part of it: a date, "Updated …", an email.
TRAILER = re.compile(
    rf"\s+(?:(?:{MONTHS})\.?,?\s+\d.*|\d.*|updated\b.*|published\b.*|posted\b.*|před\b.*"
    r"|\S+@\S+.*)$",
    re.IGNORECASE,
)
# A month left at the end once a date's digits were stripped ("Joshua Sokol May"); only
# cut from three words up, so "Theresa May" keeps her name.
LAST_MONTH = re.compile(rf"^(\S+(?:\s+\S+)+)\s+(?:{MONTHS})$", re.IGNORECASE)
DATE_START = re.compile(rf"^(?:{MONTHS})\.?(?:\s+\d|$)", re.IGNORECASE)
# "Martin Untersinger (avec Damien Leloup et Morgane Tual)": co-authors in brackets.
WITH_BRACKET = re.compile(r"\(\s*(?:avec|with|mit|con|com|met)\s+([^)]*)\)", re.IGNORECASE)
ROLE_QUALIFIER = (
    r"senior|chief|staff|contributing|special|political|foreign|games|news|deputy|associate"
    r"|executive|managing|science|health|business|sports?"
)
ROLE_NAME = (
    r"editor|writer|reporter|correspondent|columnist|contributor|journalist|producer"
    r"|analyst|photographer"
)
# A job title after a name ("Ben Silverman Games Editor") or as a byline part of its own
# (", Staff Writer"); a bare role word after a name may be a surname ("Ruth Reporter").
ROLE = re.compile(
    rf"(?:^|\s+)(?:{ROLE_QUALIFIER})\s+(?:{ROLE_NAME})s?\b.*$|^(?:{ROLE_NAME})s?\b.*$",
    re.IGNORECASE,
)
ORGANISATION_WORD = re.compile(
    r"\b(?:news|staff|desk|wire|agency|press|newsroom|media|editorial|team|reporters"
    r"|correspondents|magazine|inc|ltd|group|network|service|times|post|herald|daily"
    r"|journal|tribune|gazette|television|radio)\b"
    r"|(?:社|网|網|报|報|台|新闻|新聞|日报|日報|通信)$",
    re.IGNORECASE,
)
AGENCIES = frozenset(
    name.casefold()
    for name in (
        "AP",
        "AFP",
        "Reuters",
        "CNN",
        "BBC",
        "PA",
        "dpa",
        "EFE",
        "ANSA",
        "Bloomberg",
        "Xinhua",
        "Yonhap",
        "Kyodo",
        "IANS",
        "PTI",
        "ANI",
        "UPI",
        "Getty",
        "Getty Images",
        "新华社",
        "中新社",
        "中新网",
        "央视新闻",
        "人民网",
        "新華社",
        "中央社",
        "共同通信",
    )
)
# A date line, or an editor's credit (编辑 / 责任编辑: the editor is not an author).
NOT_A_BYLINE = re.compile(
    r"^(?:(?:last\s+)?(?:updated|published|posted|modified)\b"
    r"|[（(【\[]?\s*(?:责任编辑|責任編輯|编辑|編輯|編集)\s*[:：]?)",
    re.IGNORECASE,
)
PLACEHOLDERS = frozenset(
    {
        "by",
        "username",
        "admin",
        "administrator",
        "author",
        "authors",
        "guest",
        "anonymous",
        "staff",
        "editor",
        "submitted",
        "作者",
        "编辑",
        "編輯",
        "記者",
        "记者",
        "通讯员",
        "通訊員",
    }
)
# Degrees and credentials after a name: "Brenda Goodman, MA", "Jane Roe, MD, PhD".
CREDENTIAL = re.compile(
    r"^(?:MA|MD|PhD|Ph\.D\.?|RN|MPH|MS|MSc|BSc|BA|DO|DDS|JD|MBA|FACP|Jr\.?|Sr\.?)$"
)
MAX_NAME_WORDS = 6
MAX_NAME_LENGTH = 60


def is_organisation(name: str) -> bool:
    """Whether a credited name reads as an organisation, a desk or a staff line."""
    return name.casefold() in AGENCIES or bool(ORGANISATION_WORD.search(name))


def parse_byline(text: str | None) -> Byline:
    """People and organisations in one byline string ("By X and Y | Reuters")."""
    found = Byline()
    text = clean_field(text)
    if not text or text.lower().startswith(("http://", "https://", "www.")):
        return found
    if NOT_A_BYLINE.match(text):
        return found
    text = BY_PREFIX.sub("", text)
    text = WITH_BRACKET.sub(r", \1", text)
    text = re.sub(r"\([^)]*\)", " ", text)  # "(http://…)", "(@handle)", "(Brad)"
    for part in SEPARATORS.split(text):
        name = BY_PREFIX.sub("", part.strip(" .:：-–—\"'"))
        name = ROLE.sub("", TRAILER.sub("", name)).strip(" ,.:：-–—")
        name = " ".join(LAST_MONTH.sub(r"\1", name).split())
        if DATE_START.match(name):
            continue
        if not name or "@" in name or "://" in name:
            continue
        if is_organisation(name):
            _append(found.organisations, name)
        elif _plausible_name(name):
            _append(found.people, name)
    return found


def _plausible_name(name: str) -> bool:
    words = name.split()
    if len(name) > MAX_NAME_LENGTH or len(words) > MAX_NAME_WORDS:
        return False
    if any(character.isdigit() for character in name):
        return False
    if name.casefold() in PLACEHOLDERS or CREDENTIAL.match(name):
        return False
    return any(character.isalpha() for character in name) and len(name) > 1


# --- JSON-LD ------------------------------------------------------------------------------------


def json_ld_authors(value: Any) -> Byline:
    """The `author` of a JSON-LD Article: string, object, or a list of either."""
    found = Byline()
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            found.add(parse_byline(item))
        elif isinstance(item, dict):
            kinds = item.get("@type")
            kinds = set(kinds) if isinstance(kinds, list) else {kinds}
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if not isinstance(name, str):
                continue
            if kinds & {"Organization", "NewsMediaOrganization", "Corporation", "Brand"}:
                cleaned = clean_field(name)
                if cleaned:
                    _append(found.organisations, cleaned)
            else:
                found.add(parse_byline(name))
    return found


# --- the page ----------------------------------------------------------------------------------

AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "parsely-author",
    "byl",
)
CHINESE_BYLINE = re.compile(
    r"(?:记者|記者|通讯员|通訊員|編集委員|作者|撰文|文\s*[/／]\s*图|文(?=\s*[:：丨|]))\s*[:：|丨]?\s*"
    r"((?:[\u4e00-\u9fff·]{2,6}(?:[ \t\u3000、，,]+|$|(?=[)）\]】\s]))){1,4})"
)
CHINESE_NOT_NAME = re.compile(r"(?:报道|報道|摄影?|攝影?|发自|發自|通讯|電|电|讯|訊)$")


def chinese_byline(text: str) -> list[str]:
    """Names after 记者 / 通讯员 / 作者 / 文 in a Chinese byline; editors are not included."""
    names: list[str] = []
    for match in CHINESE_BYLINE.finditer(text):
        for name in re.split(r"[ \t\u3000、，,]+", match.group(1).strip()):
            name = CHINESE_NOT_NAME.sub("", name)
            if 2 <= len(name) <= 4 and name not in PLACEHOLDERS and not is_organisation(name):
                _append(names, name)
    return names


BYLINE_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')"
    " or contains(@class, '-byline') or contains(@class, 'byline-')"
    " or contains(@class, '__byline') or @itemprop='author']"
    "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"
)
MAX_BYLINE_LENGTH = 200


def visible_byline(tree: Any) -> Byline:
    """The first byline element the page shows ("By X and Y"), in document order.

    Only the first one that names someone counts: later ones belong to
    related-story cards and sidebars.
    """
    for element in tree.xpath(BYLINE_XPATH):
        if element.tag in ("script", "style", "img", "meta", "link"):
            continue
        text = clean_field(element.text_content())
        if not text or len(text) > MAX_BYLINE_LENGTH:
            continue
        found = parse_byline(text)
        if found.people:
            return found
    return Byline()


def find_authors(
    tree: Any, json_ld: Any = None, meta: dict[str, str] | None = None, text: str = ""
) -> Byline:
    """The article's authors from the best source that names a person.

    `json_ld` is the Article's `author` value, `meta` the page's meta tags
    (lower-cased keys), `text` the extracted article text (for a Chinese
    byline). Organisations are collected from every source tried.
    """
    found = Byline()
    candidates: list[Byline] = []
    if json_ld is not None:
        candidates.append(json_ld_authors(json_ld))
    for key in AUTHOR_META:
        if meta and meta.get(key):
            candidates.append(parse_byline(meta[key]))
    for candidate in candidates:
        for name in candidate.organisations:
            _append(found.organisations, name)
        if candidate.people:
            found.people = candidate.people
            return found
    shown = visible_byline(tree)
    if shown.people:
        found.people = shown.people
        return found
    visible = extract_author(tree)
    if visible:
        for part in visible.split(";"):
            found.add(parse_byline(part))
        if found.people:
            return found
    head = "\n".join(text.split("\n")[:3] + text.split("\n")[-3:])
    found.people = chinese_byline(head)
    return found

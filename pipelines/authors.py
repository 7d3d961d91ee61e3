"""Who wrote an article: people's names from JSON-LD, meta tags and bylines.

Sources in the order a publisher's intent is clearest:

1. JSON-LD `author` of the Article object (a string, an object, a list of
   either, inside `@graph` or not); `@type` Organization, and names that read
   as an agency, desk or staff line, go to `organisations`, never to authors;
2. `<meta name="author">`, `article:author`, `og:article:author`, `dc.creator`
   (a URL to a profile page gives a name only when the page shows it,
   `profile_names`);
3. the visible byline: the first element whose class says "byline" (or
   `itemprop=author`) that names a person, else trafilatura's own author
   search (`rel=author`, `class=author`, …), run here as Python tests on the
   few elements with such attributes (`trafilatura_author`: the same answers
   as `trafilatura.metadata.extract_author` at about a third of its cost);
4. where no element names a person: a Twitter card's "Written by" label, the
   first link to a writer's page (`/author/…`, `/newsteam/…`, `/auteur/…`, …), a
   short "By …" line after the `<h1>`, a date line by the `<h1>` that goes on to
   name the writer ("11.12.2019 - Amelie Loevenich");
5. a Chinese byline in the text: 记者 / 通讯员 / 作者 / 文 (文：, 文/) followed by names.
   编辑 and 责任编辑 name the editor, who is not an author.

A byline element is read with a separator where only the layout separates
its parts (`shown_text`: "Joe Davidson" above "Washington Post"); an author
tag listing production credits ("X at MSA Models") gives way to the visible
byline, and a source that credits only the site itself (`without_site`: a
JSON-LD "Person" named "L'Opinion" on L'Opinion) to the next source.

Every candidate string goes through `parse_byline`, which knows "By X and Y"
(in any case), "X, Y and Z", "X | Reuters", "X, CNN", "X of Reuters", "X,
Special to The Globe", trailing dates ("Joshua Sokol May 4, 2017") and job
titles ("Ben Silverman, Games Editor"); a one-word section label beside full
names ("Politik · …"), a follow link's label ("Twitter") and a sentence are no
names. The organisations a visible byline credits are kept apart too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

from pipelines.dates import SHOWN_DAY
from pipelines.fields import clean_field, comparable
from pipelines.headings import is_logo

__all__ = [
    "AUTHOR_META",
    "OUTSIDE_STORY",
    "Byline",
    "by_line",
    "chinese_byline",
    "cjk_byline",
    "find_authors",
    "json_ld_authors",
    "korean_byline",
    "labelled_authors",
    "parse_byline",
    "profile_link",
    "profile_names",
    "shown_text",
    "surname_last",
    "trafilatura_author",
    "without_site",
]


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

# "By", and its words in other languages: "Ein Artikel von", "Text von", "Publié par",
# "Escrito por", "Autor:", "Interview: …" (the interviewer wrote the piece); a label
# without its colon, "Author Jane Doe", "Interview Jane Doe", as themes print it; a link
# to the writer's other pieces, "View all posts by …", "Alles von …", "Mehr von …".
BY_PREFIX = re.compile(
    r"^(?:(?:(?:written|posted|published|(?:ein\s+)?artikel|beitrag|text|verfasst|geschrieben"
    r"|veröffentlicht|publié|écrit|escrito|publicado|interview(?:ed)?|entrevista(?:do)?"
    r"|(?:view\s+)?(?:all|more)\s+(?:posts|articles|stories)|alles|alle\s+(?:beiträge|artikel)"
    r"|mehr)\s+)?"
    r"(?:by|par|von|por|door|текст|автор)\s*[:：]?\s+"
    r"|(?:text|texte|texto|testo|redaktion|redakteur(?:in)?|entrevista|entretien"
    r"|intervista)\s*[:：]\s*"
    r"|(?:autorin|autore|autor|author|auteur|interview)(?:\s*[:：]\s*|\s+)(?!with\b|mit\b)"
    r"|(?:作者|著者|筆者|文)\s*[:：●]\s*)",
    re.IGNORECASE,
)
# A web address names no one, and split at its slashes it reads as words ("https",
# "staffreport").
WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S*", re.IGNORECASE)
# Another role credited in the same line: "Text von Christian Seiler Illustration von
# Markus Roost", "By Jane Doe Photos by John Roe".
OTHER_CREDIT = re.compile(
    r"\s+(?:illustrations?|fotos?|photos?|photography|bilder|grafiken?|video|kamera"
    r"|übersetzung|translation|infografik)\s+(?:von|by|par|por|:).*$",
    re.IGNORECASE,
)
# A translator's credit after the writer's ("作者： Diogo Carleto 翻訳者 中村 真子").
TRANSLATOR = re.compile(r"\s*(?:翻訳者|翻訳|译者|翻译)\s*[:：]?.*$")
# "·" joins the parts of a transliterated name (约翰·米勒); only a spaced " · " separates.
# "BY JANE DOE AND JOHN ROE": the joining words in any case, except "y", which upper-case
# is an initial ("Jane Y. Doe").
# A full stop after a word (not an initial or "Mrs.") ends the name: "Finian Cunningham.
# Sputnik International" is a person and the paper.
SEPARATORS = re.compile(
    r"\s*(?:[,;|/•／]|\s·\s|\b(?i:and|und|et|og|och)\b|\by\b|&|、|，|\s+[-–—]\s+"
    # a broadcaster's interview credits both: "Richard David Precht im Gespräch mit Karin Fischer"
    r"|\b(?i:im gespräch mit|in conversation with)\b"
    r"|(?<=[a-z]{3})\.\s+(?=[A-Z]))\s*"
)
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# What follows a name in a byline but is not part of it: a date, "Updated …", an email.
WEEKDAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
TRAILER = re.compile(
    rf"\s+(?:(?:{MONTHS})\.?,?\s+\d.*|\d.*|updated\b.*|published\b.*|posted\b.*|před\b.*"
    rf"|on\s+(?:{WEEKDAYS}|(?:{MONTHS})\b|\d).*"
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
    r"|executive|managing|science|health|business|sports?|politics|culture|national|digital"
)
ROLE_NAME = (
    r"editor|writer|reporter|correspondent|columnist|contributor|journalist|producer"
    r"|analyst|photographer"
)
# German job titles, which are never surnames: "Christoph Hein Chefredakteur".
GERMAN_ROLE = r"(?:chef)?redakteur(?:in)?|korrespondent(?:in)?|pressesprecher(?:in)?"
# A job title after a name ("Ben Silverman Games Editor", "Sam Stein Senior Politics
# Editor", "Howard BlumeStaff Writer" where the page sets the two apart by layout only) or
# as a byline part of its own (", Staff Writer"); a bare role word after a name may be a
# surname ("Ruth Reporter").
ROLE = re.compile(
    rf"(?:^|\s+|(?-i:(?<=[a-z]{{3}})(?=[A-Z])))(?:(?:{ROLE_QUALIFIER})\s+)+(?:{ROLE_NAME})s?\b.*$"
    rf"|^(?:{ROLE_NAME})s?\b.*$|(?:^|\s+)(?:{GERMAN_ROLE})\b.*$",
    re.IGNORECASE,
)
# A share button's label left after a byline ("Steven Shepard Link Copied").
SHARE_LABEL = re.compile(r"\s+link\s+copied\b.*$", re.IGNORECASE)
# "Gillman, Steve": one surname and one given name, the catalogue order.
SURNAME_FIRST = re.compile(r"^\s*([A-Z][\w'-]+),\s*([A-Z][\w'-]+)\s*$")
ORGANISATION_WORD = re.compile(
    r"\b(?:news|staff|desk|wire|agency|press|newsroom|media|editorial|team|reporters"
    r"|correspondents|magazine|inc|ltd|group|network|service|times|post|herald|daily"
    r"|journal|tribune|gazette|television|radio|international)\b"
    r"|(?:社|网|網|报|報|台|新闻|新聞|日报|日報|通信|編集部)$",
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
    r"^(?:(?:last\s+)?(?:updated|published|posted|modified)\b(?!\s+by\b)"
    # a photo's credit, which a figure can mark as its image's `author` ("Foto: Mads …")
    r"|(?:fotos?|photos?|bild|kuva)\b"
    r"|[（(【\[]?\s*(?:责任编辑|責任編輯|编辑|編輯|編集)\s*[:：]?)",
    re.IGNORECASE,
)
PLACEHOLDERS = frozenset(
    {
        "by",  # a byline's opening word alone, its name in a link the page left out
        "von",
        "par",
        "por",
        "door",
        "username",
        "admin",
        "administrator",
        "author",
        "authors",
        "auteur",
        "autore",
        "autora",
        "verfasser",
        "guest",
        "anonymous",
        "staff",
        "editor",
        "submitted",
        "xxx",
        "гость",
        "invitado",
        "invité",
        "gast",
        "ospite",
        "convidado",
        "name",  # a comment form's field labels and a byline's own words
        "datum",
        "stand",
        "autor",
        "autorin",
        "no author",
        "redaktion",
        "veröffentlicht von",
        "作者",
        "编辑",
        "編輯",
        "記者",
        "记者",
        "通讯员",
        "通訊員",
        # a link to the writer's other pieces, labelled without the name: German capitalises
        # its nouns, and a label in lower case reads as a user name ("All posts" is caught
        # by `_lower_case_words`, "all posts" is not)
        "all posts",
        "all articles",
        "view all posts",
        "alle beiträge",
        "alle artikel",
        "tous les articles",
        "todos los artículos",
    }
)
# Degrees and credentials after a name: "Brenda Goodman, MA", "Jane Roe, MD, PhD".
CREDENTIAL = re.compile(
    r"^(?:MA|MD|PhD|Ph\.D\.?|RN|MPH|MS|MSc|BSc|BA|DO|DDS|JD|MBA|FACP|RD|RDN|LD|CDE|CPT|NP"
    r"|DNP|PharmD|DVM|MSW|LCSW|PsyD|Jr\.?|Sr\.?)$"
)
# "John Roe of Reuters", "Jane Doe for The Post", "Special to The Globe": the person's
# employer or the paper a freelancer writes for, which is an organisation, not a name.
AFFILIATION = re.compile(
    r"^(?:(?P<name>.+?)\s+(?:of|for|from)\s+(?P<employer>.+)|(?:special\s+to|for)\s+(?P<paper>.+))$",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 6
MAX_NAME_LENGTH = 60
# The labels of the follow and share links a byline carries ("Andrew Husband Twitter").
SOCIAL_LABELS = frozenset(
    {
        "twitter",
        "x",
        "facebook",
        "instagram",
        "linkedin",
        "threads",
        "bluesky",
        "mastodon",
        "email",
        "e-mail",
        "mail",
        "rss",
        "follow",
        "bio",
    }
)
# A month's name alone is a date's remnant ("Dezember" of "2. Dezember 2013"), not a writer.
MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december"
    " januar februar märz mai juni juli oktober dezember janvier février mars avril juin"
    " juillet août septembre octobre novembre décembre enero febrero marzo abril mayo junio"
    " julio agosto septiembre octubre noviembre diciembre".split()
)
# Words that stand where a name goes but name no one.
NOT_NAMES = PLACEHOLDERS | MONTH_NAMES
# Name particles that are written in lower case inside a name ("Lauren del Valle").
PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "dos", "das", "du", "la", "le", "van"}
    | {"von", "ten", "ter", "bin", "binti", "al", "el", "y", "e", "zu", "af", "st", "of"}
)
# One capitalised Latin word: a surname, or the section label a byline starts with.
ONE_LATIN_WORD = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ]+$")


# One word in capitals is a brand or an agency ("ASCII", "KCNA"), not a person.
BRAND = re.compile(r"^[A-Z][A-Z0-9&]{2,}$|^[A-Z]{1,4}-[A-Z0-9]{1,4}$")  # "KCNA", "SP-X"
# A web address ("Cleveland.com") or a name led by an article ("The Water Coolest") is a
# publication's; a person's name is neither.
PUBLICATION_SHAPE = re.compile(
    r"\.(?:com|net|org|co|info|in|uk|au|ca|de|fr|es|it|cn|jp|kr|tw|hk)\b|^the\s", re.I
)
# An agency's job title credited alone: "AP Auto Writer", "CNN Editor-at-large".
AGENCY_ROLE = re.compile(rf"^(\S+)\s.*\b(?:{ROLE_NAME})s?(?:-at-large)?$", re.IGNORECASE)


def is_organisation(name: str) -> bool:
    """Whether a credited name reads as an organisation, a desk or a staff line."""
    agency_role = AGENCY_ROLE.match(name)
    return (
        name.casefold() in AGENCIES
        or bool(ORGANISATION_WORD.search(name))
        or bool(BRAND.match(name))
        or bool(PUBLICATION_SHAPE.search(name))
        or bool(agency_role and agency_role[1].casefold() in AGENCIES)
    )


def parse_byline(text: str | None) -> Byline:
    """People and organisations in one byline string ("By X and Y | Reuters")."""
    found = Byline()
    text = clean_field(text)
    if not text or text.lower().startswith(("http://", "https://", "www.")):
        return found
    if NOT_A_BYLINE.match(text):
        return found
    text = OTHER_CREDIT.sub("", TRANSLATOR.sub("", BY_PREFIX.sub("", text)))
    text = SURNAME_FIRST.sub(r"\2 \1", text)
    text = WITH_BRACKET.sub(r", \1", text)
    text = re.sub(r"\([^)]*\)", " ", text)  # "(http://…)", "(@handle)", "(Brad)"
    text = WEB_ADDRESS.sub(" ", text).strip(" ·|,;")
    for part in SEPARATORS.split(text):
        if NOT_A_BYLINE.match(part.strip()):
            continue  # "Pete Evans · CBC News · Posted: Oct 14 … Last Updated: …"
        name = BY_PREFIX.sub("", SHARE_LABEL.sub("", part.strip(" .:：-–—\"'[]［］")))
        name = ROLE.sub("", TRAILER.sub("", name)).strip(" ,.:：-–—")
        name = " ".join(LAST_MONTH.sub(r"\1", name).split())
        if DATE_START.match(name):
            continue
        if not name or "@" in name or "://" in name:
            continue
        name = _without_affiliation(name, found)
        if not name:
            continue
        if is_organisation(name):
            _append(found.organisations, name)
        elif _plausible_name(name):
            _append(found.people, name)
    return _without_section_label(found)


def _without_section_label(found: Byline) -> Byline:
    """A byline without the one-word section label beside full names.

    "Politik · Jochen Bittner, Tina Hildebrandt": where the people are named
    in full, a single capitalised word among them is the desk or section the
    page prints in the byline line, not a person. Bylines of surnames only
    ("Smith and Jones") keep them.
    """
    if any(len(name.split()) > 1 for name in found.people):
        found.people = [name for name in found.people if not ONE_LATIN_WORD.match(name)]
    return found


def _without_affiliation(name: str, found: Byline) -> str:
    """The person's name without "of Reuters" / "for The Post", which goes to organisations.

    "Special to The Globe" and "For The Post" name only the paper. A tail
    that does not read as an organisation stays part of the name ("Duke of
    Edinburgh").
    """
    match = AFFILIATION.match(name)
    if match is None:
        return name
    if match["paper"]:
        _append(found.organisations, match["paper"])
        return ""
    if is_organisation(match["employer"]):
        _append(found.organisations, match["employer"])
        return match["name"]
    return name


def _plausible_name(name: str) -> bool:
    words = name.split()
    if len(name) > MAX_NAME_LENGTH or len(words) > MAX_NAME_WORDS:
        return False
    if any(character.isdigit() or character in "!?:" for character in name):
        return False
    if name.casefold() in NOT_NAMES or CREDENTIAL.match(name):
        return False
    if name.casefold() in SOCIAL_LABELS or _lower_case_words(words):
        return False
    return any(character.isalpha() for character in name) and len(name) > 1


def _lower_case_words(words: list[str]) -> bool:
    """Whether the words mix cases as a sentence does, not as a name.

    A capitalised name going on in lower-case words ("Creating the most truly
    human company" after a profile's name), or a lower-case word before
    capitalised ones ("deinen Hochzeitsbloggern", "in Uncategorized"). A name's
    own particles ("Lauren del Valle", "van der Berg") and an all lower-case
    user name ("jane doe") pass.
    """
    if not words[0][:1].isupper():
        return words[0].casefold() not in PARTICLES and any(w[:1].isupper() for w in words[1:])
    return any(w[:1].islower() and w.casefold() not in PARTICLES for w in words[1:])


# --- profile links ---------------------------------------------------------------------------

PROFILE_URL = re.compile(
    r"^https?://[^/\s]+/(?:[^,\s]*/)?([a-z]+(?:-[a-z]+){1,3})/?$", re.IGNORECASE
)


def profile_names(value: str, tree: Any) -> Byline:
    """People named by profile links (`article:author` "…/profile/julia-carrie-wong,…").

    A link's last path segment spells a name only when the page shows that
    name: its words, in order, in the page's text give the name as written
    ("julia-carrie-wong" -> "Julia Carrie Wong"); a slug the page never shows
    ("quartznews") names no one.
    """
    found = Byline()
    slugs = [match[1] for part in value.split(",") if (match := PROFILE_URL.match(part.strip()))]
    if not slugs:
        return found
    text = " ".join(" ".join(tree.itertext()).split())
    for slug in slugs:
        words = r"\.?\s+".join(re.escape(word) for word in slug.split("-"))
        shown = re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE)
        if shown and _plausible_name(shown.group(0)):
            _append(found.people, shown.group(0))
    return found


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
            name = _json_ld_name(item)
            if name is None:
                continue
            if kinds & {"Organization", "NewsMediaOrganization", "Corporation", "Brand"}:
                cleaned = clean_field(name)
                if cleaned:
                    _append(found.organisations, cleaned)
            else:
                found.add(parse_byline(name))
    return found


def _json_ld_name(item: dict[str, Any]) -> str | None:
    """A JSON-LD object's `name`, else its `givenName` and `familyName` (a Person without one)."""
    name = item.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if isinstance(name, str):
        return name
    parts = [item.get("givenName"), item.get("familyName")]
    joined = " ".join(part for part in parts if isinstance(part, str) and part.strip())
    return joined or None


# --- the page ----------------------------------------------------------------------------------

# A user name ("mikecason"), kept only when no meta tag names the person ("Mike Cason").
HANDLE = re.compile(r"^[a-z0-9_.]+$")
AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "byline",
    "article_author",
    "parsely-author",
    "byl",
)
CHINESE_BYLINE = re.compile(
    r"(?:记者|記者|通讯员|通訊員|編集委員|作者|撰文|文\s*[/／]\s*图|(?<![\u4e00-\u9fff])文(?=\s*[:：丨|/／]))\s*[:：|丨/／]?\s*"
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


# A Korean byline writes the name before the title: "(서울=연합뉴스) 김철수 기자 =",
# "김철수 기자 kim@yna.co.kr"; words of the trade before 기자 are no one's name.
KOREAN_BYLINE = re.compile(
    r"(?<![가-힣])([가-힣]{2,4})\s*(?:기자|특파원|객원기자|선임기자)(?![가-힣])"
)
KOREAN_NOT_NAME = frozenset(
    {"취재", "사진", "영상", "담당", "현장", "전문", "일선", "수습", "기획", "편집", "그래픽"}
)


def korean_byline(text: str) -> list[str]:
    """Names before 기자 / 특파원 in a Korean byline."""
    names: list[str] = []
    for match in KOREAN_BYLINE.finditer(text):
        if match.group(1) not in KOREAN_NOT_NAME:
            _append(names, match.group(1))
    return names


def cjk_byline(text: str) -> list[str]:
    """The people a Chinese (记者 …) or, failing that, a Korean (… 기자) byline names."""
    return chinese_byline(text) or korean_byline(text)


# Elements that may be a byline or an author, or hide one: the only ones with the
# attributes the author searches test (one libxml2 pass, no regular expressions).
ATTRIBUTED_XPATH = (
    "//*[@class or @id or @itemprop or @rel or @data-component or @data-testid] | //author"
)
BYLINE_CLASS = re.compile(r"(?:^|\s)byline(?:\s|$)|[-_]byline|byline[-_]")
OUTSIDE_STORY = frozenset({"aside", "footer", "nav"})
MAX_BYLINE_LENGTH = 200


# Elements the page lays out on a line of their own: a byline's parts in them are
# separate ("By Joe Davidson" above "Washington Post" above the date).
BLOCK_TAGS = frozenset(
    {"div", "p", "li", "ul", "ol", "br", "time", "section", "header", "footer", "address"}
    | {"dl", "dd", "dt", "table", "tr", "td", "figure", "figcaption", "h2", "h3", "h4", "h5"}
)
LAYOUT_BREAK = " | "


def shown_text(element: Any) -> str:
    """An element's text with a separator where the layout alone separates its parts.

    `text_content()` glues the texts of neighbouring elements: "Paul Wiseman"
    and "Fatima Hussein" in two `<span>`s read "Paul WisemanFatima Hussein",
    and a name above its paper's name in another `<div>` "Joe
    DavidsonWashington Post". A separator goes between the parts of block
    elements, and between two elements' texts that meet with no space
    where a lower-case letter meets a capital.
    """
    parts: list[str] = []

    def add(piece: str | None) -> None:
        if not piece:
            return
        if parts and parts[-1][-1:].islower() and piece[:1].isupper():
            parts.append(LAYOUT_BREAK)
        parts.append(piece)

    def walk(node: Any) -> None:
        add(node.text)
        for child in node:
            block = isinstance(child.tag, str) and child.tag in BLOCK_TAGS
            # A `<time>` in the byline ("Do  9 Apr 2020") dates it; it names no one.
            if isinstance(child.tag, str) and child.tag not in ("script", "style", "time"):
                if block:
                    parts.append(LAYOUT_BREAK)
                walk(child)
                if block:
                    parts.append(LAYOUT_BREAK)
            add(child.tail)

    walk(element)
    return "".join(parts)


def _attributed(tree: Any) -> list[Any]:
    return [e for e in tree.xpath(ATTRIBUTED_XPATH) if isinstance(e.tag, str)]


def surname_last(name: str) -> str:
    """ "You, Xiaoying" -> "Xiaoying You": a library catalogue's form (Dublin Core's
    `dc.creator`, one author per tag), read before the tags are joined into a list
    whose commas would part each name in two."""
    return SURNAME_FIRST.sub(r"\2 \1", name)


def visible_byline(tree: Any, attributed: list[Any] | None = None) -> Byline:
    """The first byline element the page shows ("By X and Y"), in document order.

    A byline element has a class word `byline` (`article-byline`,
    `byline__name`, …) or `itemprop=author`, outside an aside, footer or nav.
    Only the first one that names someone counts: later ones belong to
    related-story cards and sidebars.
    """
    for element in _attributed(tree) if attributed is None else attributed:
        if element.tag in ("script", "style", "img", "meta", "link"):
            continue
        if not (
            BYLINE_CLASS.search(element.get("class") or "")
            or BYLINE_CLASS.search(element.get("id") or "")
            or element.get("itemprop") == "author"
        ):
            continue
        # A photo's author (schema.org's `author` of the image, in its figure) is the
        # photographer ("Mads Claus Rasmussen/Ritzau Scanpix"), not the article's.
        if element.tag == "figcaption" or any(
            a.tag in OUTSIDE_STORY or a.tag == "figure" for a in element.iterancestors()
        ):
            continue
        text = clean_field(shown_text(element))
        if not text or len(text) > MAX_BYLINE_LENGTH:
            continue
        found = parse_byline(text)
        if found.people:
            return found
    return Byline()


# trafilatura's author search (`trafilatura.metadata.extract_author`), its three XPaths and
# what it prunes first, as Python tests on the attributed elements: the XPaths' EXSLT
# regular expressions call back into Python for every element of the page, which made the
# search the costliest part of reading a page's metadata. Same answers, a fraction of it.
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_SPECIFIC_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_GENERIC_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_ID = re.compile(r"[Aa]uthor")
_ANY_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_PRUNED_TAGS = frozenset({"a", "div", "section", "span"})
_PRUNED_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_PRUNED_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    r"|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
MAX_AUTHOR_LENGTH = 120
# Author elements read before giving up: later ones are related stories' bylines.
MAX_AUTHOR_CANDIDATES = 3


def _author_level(element: Any) -> int | None:
    """Which of trafilatura's author XPaths (0, 1, 2) matches the element first, if any."""
    tag, get = element.tag, element.get
    klass, ident, itemprop = get("class"), get("id"), get("itemprop") or ""
    if tag == "author" or (
        tag in _SPECIFIC_TAGS
        and (
            get("rel") == "author"
            or ident == "author"
            or klass == "author"
            or itemprop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or (klass is not None and _SPECIFIC_CLASS.search(klass))
        )
    ):
        return 0
    if tag in _GENERIC_TAGS and (
        klass in ("byline", "username", "byl", "BBL")
        or "author" in itemprop
        or (ident is not None and _GENERIC_ID.search(ident))
        or (klass is not None and _GENERIC_CLASS.search(klass))
    ):
        return 1
    if (
        "Byline" in (get("data-component") or "")
        or "author" in itemprop
        or (ident is not None and _ANY_ID.search(ident))
        or (klass is not None and _ANY_CLASS.search(klass))
    ):
        return 2
    return None


def _pruned(element: Any) -> bool:
    """Whether trafilatura prunes the element before its author search (time, figure, comments)."""
    tag = element.tag
    if tag in ("time", "figure"):
        return True
    if tag not in _PRUNED_TAGS:
        return False
    klass, ident = element.get("class"), element.get("id")
    return bool(
        ident == "comments"
        or klass in ("comments", "title", "date")
        or (ident is not None and _PRUNED_ID.search(ident))
        or (klass is not None and _PRUNED_CLASS.search(klass))
        or "Figure" in (element.get("data-component") or "")
    )


def _author_text(element: Any) -> str:
    """The element's text as trafilatura reads it, its pruned descendants taken out."""
    inner = (d for d in element.iterdescendants() if isinstance(d.tag, str))
    if len(element) and any(_pruned(d) for d in inner):
        element = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return trim(" ".join(element.itertext()))


def trafilatura_author(tree: Any, attributed: list[Any] | None = None) -> str | None:
    """What `trafilatura.metadata.extract_author` finds on the page, found faster."""
    return next(author_candidates(tree, attributed), None) or None


# A link the page marks as a topic's (`rel="tag"`, `rel="category"`): themes print an
# article's categories inside its author element ("01.12.2022 / CSP / Photovoltaik"). A topic
# folder alone is no evidence: NDTV files its writers under `/topic/swati-bhasin`.
TOPIC_LINK_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ') or contains(@rel, 'category')]"
)


def _topic_names(tree: Any) -> set[str]:
    return {comparable(link.text_content()) for link in tree.xpath(TOPIC_LINK_XPATH)}


def author_candidates(tree: Any, attributed: list[Any] | None = None) -> Iterator[str]:
    """The texts trafilatura's author search would take, in its order ("" for one it empties)."""
    levels: list[list[Any]] = [[], [], []]
    for element in _attributed(tree) if attributed is None else attributed:
        level = _author_level(element)
        if level is not None:
            levels[level].append(element)
    for candidates in levels:
        for element in candidates:
            if element.getparent() is None or _pruned(element):
                continue
            if any(_pruned(a) for a in element.iterancestors()):
                continue
            content = _author_text(element)
            if content and 2 < len(content) < MAX_AUTHOR_LENGTH:
                yield _as_written(normalize_authors(None, content) or "", content)


def _as_written(names: str, content: str) -> str:
    """trafilatura's names in the form the page writes them: initials keep their full stop.

    Its normalisation turns "Laura E. Adkins" into "Laura E Adkins"; the
    name as shown is the one readers and other pages use.
    """
    written = []
    for name in names.split("; ") if names else ():
        pattern = r"\.?\s*".join(re.escape(word) for word in name.split())
        shown = re.search(rf"(?<!\w){pattern}(?!\w)", content)
        written.append(" ".join(shown.group(0).split()) if shown else name)
    return "; ".join(written)


# A "By …" line under the headline, in an element no class or attribute marks as a byline:
# "By …", "Written by …", and "Von …", "Par …", "Por …", "Door …", "Ein Artikel von …",
# "Text von …", "Autor: …". Found by the text that starts it (an element's own words, or
# the text after a tag), which is fast to read, then read as the whole element it opens.
BY_LINE_OPENING = re.compile(
    r"\s*((?:(?:written|posted)\s+)?by:?|von:?|par|por|door|ein\s+artikel\s+von|text\s+von"
    r"|(?:autor(?:in|e)?|author|auteur)\s*:)\s",
    re.IGNORECASE,
)
# The text nodes just before and after the headline (the first `<h1>` with words that is not
# the site's logo); their openings are matched in Python (an XPath string test on each node
# costs twenty times more).
AFTER_HEADLINE_XPATH = "following::text()[position() <= $window]"
NEAR_HEADLINE_XPATH = "preceding::text()[position() <= $before] | " + AFTER_HEADLINE_XPATH
# A page without an `<h1>` (a heading set in a `<div>`): the body's first text nodes.
HEADLESS_XPATH = "(//body//text())[position() <= $window]"
BY_LINE_WINDOW = 300
BY_LINE_TAGS = frozenset({"div", "p", "span", "em", "i", "small", "b", "strong", "address"})
MAX_BY_LINE_LENGTH = 80


def by_line(tree: Any) -> Byline:
    """The people in the first short "By …" line after the headline, marked by no class.

    Generated class names ("_ceVT") say nothing; the words "By Yomi Kazeem"
    under the `<h1>` (or, on a page without one, among the body's first texts:
    "<i>von Daniela Obers</i>") still say who wrote the article. Only a short
    line that opens with the word counts ("Seite 1 von 1" does not), naming
    people with capitals (a sentence that starts "By the time the markets
    opened" does not), and nothing inside a link (a teaser card's byline).
    """
    for start in _texts_near_headline(tree, before=0):
        opening = BY_LINE_OPENING.match(f"{start} ")
        if opening is None:
            continue
        element = _line_of(start, opening.group(1))
        if element is None:
            continue
        text = _labelled_line(clean_field(shown_text(element)), opening.group(1))
        if text and len(text) <= MAX_BY_LINE_LENGTH:
            found = parse_byline(text.split(LAYOUT_BREAK.strip())[0])
            if found.people and all(name[:1].isupper() for name in found.people):
                return found
    return Byline()


def _labelled_line(text: str | None, label: str) -> str | None:
    """The line `label` opens in an element's shown text, else None.

    A line element opening with the label is the line. A box of labelled fields
    ("Datum: 03.11.2021 | Autor: Peter Maahn/SP-X", the labels in `<h5>`s or `<span>`s
    of their own) holds it among its lines; a label on a line alone labels the next one.
    """
    if not text:
        return None
    wanted = label.casefold()
    if text.casefold().startswith(wanted):
        return text
    if not wanted.endswith(":"):  # a later line opening "von" goes on a sentence
        return None
    lines = [line for line in (part.strip() for part in text.split(LAYOUT_BREAK.strip())) if line]
    for at, line in enumerate(lines):
        if line.casefold() == wanted:
            return f"{line} {lines[at + 1]}" if at + 1 < len(lines) else None
        if line.casefold().startswith(wanted):
            return line
    return None


def _texts_near_headline(tree: Any, before: int) -> list[Any]:
    """The `before` text nodes over the headline and the window under it; on a page
    without an `<h1>`, the body's first text nodes."""
    headline = next(
        (h1 for h1 in tree.iter("h1") if h1.text_content().strip() and not is_logo(h1)), None
    )
    if headline is None:
        return tree.xpath(HEADLESS_XPATH, window=BY_LINE_WINDOW)
    # The preceding axis is walked whole even to take none of it.
    xpath = NEAR_HEADLINE_XPATH if before else AFTER_HEADLINE_XPATH
    return headline.xpath(xpath, before=before, window=BY_LINE_WINDOW)


def _owner(text: Any) -> Any:
    """The element a text node of an XPath result belongs to: text after a tag belongs to
    the tag's parent."""
    element = text.getparent()
    return element.getparent() if element is not None and text.is_tail else element


def _line_of(start: Any, prefix: str) -> Any:
    """The element whose text a byline's first words (`prefix`, "By") open ("<span>By</span>
    <a>Name</a>" opens its parent's line), or None outside a line element or inside a link
    or a box."""
    element = _owner(start)
    prefix_words = len(WORDS_OF_LINE.findall(prefix))
    while (
        element is not None and len(WORDS_OF_LINE.findall(element.text_content())) <= prefix_words
    ):
        element = element.getparent()  # the first words alone: the line goes on outside
    if element is None or element.tag not in BY_LINE_TAGS:
        return None
    if any(a.tag == "a" or a.tag in OUTSIDE_STORY for a in element.iterancestors()):
        return None
    return element


WORDS_OF_LINE = re.compile(r"\w+")


# A link to the writer's page on the site ("/author/180/", "/authors/laura-e-adkins/").
PROFILE_FOLDERS = (
    "author",
    "authors",
    "writer",
    "writers",
    "newsteam",
    "journalist",
    "journalists",
    "reporter",
    "reporters",
    "contributor",
    "contributors",
    "columnist",
    "columnists",
    "auteur",
    "auteurs",
    "autor",
    "autoren",
    "autore",
    "autori",
    "profil",
    "profile",
    "profiles",
)
# The XPath tests the folders' first letters (one test for "author" and "authors"), which
# is cheaper on a page of many links; the whole folder name is then checked in Python.
PROFILE_LINK_XPATH = (
    "//body//a["
    + " or ".join(
        f"contains(@href, '/{stem}')" for stem in sorted({folder[:5] for folder in PROFILE_FOLDERS})
    )
    + "][not(ancestor::aside or ancestor::nav or ancestor::footer)]"
)
PROFILE_FOLDER = re.compile("/(?:" + "|".join(PROFILE_FOLDERS) + ")/")
MAX_PROFILE_LINKS = 3


def profile_link(tree: Any) -> Byline:
    """The person the page's first link to a writer's page names ("著者：後藤大地").

    Sites that mark their byline with no class a search recognises still
    link the writer's name to the writer's page; the first such link stands
    in the article's header, before any related story's. Writers linked
    together in one line ("Clara Löw, Siddharth Prakash & Klaus Jacob") are
    all the article's.
    """
    links = (a for a in tree.xpath(PROFILE_LINK_XPATH) if PROFILE_FOLDER.search(a.get("href")))
    for link in islice(links, MAX_PROFILE_LINKS):
        text = clean_field(link.text_content())
        if text and len(text) <= MAX_BY_LINE_LENGTH:
            found = parse_byline(text)
            if found.people:
                return _linked_together(link) or found
    return Byline()


def _linked_together(link: Any) -> Byline | None:
    """The writers of the line holding the link, when each is linked to a writer's page.

    Only a line of linked names and the words joining them counts: one naming
    anyone without a link (a photographer, a place) is left to the first link.
    """
    line = link.getparent()
    if line is None:
        return None
    linked = [
        comparable(a.text_content())
        for a in line.iterchildren("a")
        if PROFILE_FOLDER.search(a.get("href") or "")
    ]
    text = clean_field(line.text_content())
    if len(linked) < 2 or not text or len(text) > MAX_BY_LINE_LENGTH:
        return None
    joined = parse_byline(text)
    if sorted(comparable(name) for name in joined.people) != sorted(linked):
        return None
    return joined


# A date line that goes on to name the writer: "11.12.2019 - Amelie Loevenich",
# "04.02.2022 | 13:10 Uhr | Uta Helkenberg", "25 March 2021 · Jane Doe".
DATED_BYLINE = re.compile(
    r"\s*[|·•,–—-]?\s*(?:\d{1,2}[:.]\d{2}\s*(?:uhr|h|am|pm)?\s*)?[|·•–—-]\s*(?P<names>\S.*)$",
    re.IGNORECASE,
)
# A date line can stand over the headline.
DATED_BYLINE_BEFORE = 20


def dated_byline(tree: Any) -> Byline:
    """The people a short date line by the headline names after its date.

    Many sites print the day and the writer in one line with no label
    ("11.12.2019 - Amelie Loevenich"). Only a line that opens with a day,
    goes on after a separator, and names people in full (two words or more,
    capitalised) counts: "12.05.2021 - Berlin" is a dateline's place.
    """
    for start in _texts_near_headline(tree, before=DATED_BYLINE_BEFORE):
        if SHOWN_DAY.match(start.strip()) is None:
            continue
        element = _owner(start)
        if element is None or any(a.tag in OUTSIDE_STORY for a in element.iterancestors()):
            continue
        line = clean_field(shown_text(element)) or ""
        day = SHOWN_DAY.match(line)
        if day is None or len(line) > MAX_BY_LINE_LENGTH:
            continue
        rest = DATED_BYLINE.match(line[day.end() :])
        if rest is None:
            continue
        found = parse_byline(rest["names"])
        if found.people and all(
            len(name.split()) > 1 and all(w[:1].isupper() for w in name.split())
            for name in found.people
        ):
            return found
    return Byline()


def bold_byline(tree: Any) -> Byline:
    """The people a paragraph set wholly in bold names, opening the story under the headline.

    Some papers print the writers' names alone in bold as the body's first paragraph, with
    no "By" ("<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>"). Only a
    paragraph that the story's first paragraph of prose follows counts (a bold line in a
    list of links or a results table does not), and only names in full: two or three
    capitalised words each.
    """
    seen: set[Any] = set()
    for start in _texts_near_headline(tree, before=0):
        element = _owner(start)
        if element is None:
            continue
        paragraph = next(element.iterancestors("p"), None) if element.tag != "p" else element
        if paragraph is None or paragraph in seen:
            continue  # a paragraph of several texts is judged once
        seen.add(paragraph)
        line = clean_field(shown_text(paragraph)) or ""
        if len(line) > MAX_BY_LINE_LENGTH:
            return Byline()  # the story's prose has begun
        bold = "".join(b.text_content() for b in paragraph.iter("strong", "b"))
        if not line or clean_field(bold) != line or any(c.isdigit() for c in line):
            continue
        if not _opens_prose(paragraph):
            continue
        found = parse_byline(line)
        if found.people and all(
            1 < len(name.split()) <= MAX_BOLD_NAME_WORDS
            and all(w[:1].isupper() for w in name.split())
            for name in found.people
        ):
            return found
    return Byline()


MAX_BOLD_NAME_WORDS = 3


def _opens_prose(paragraph: Any) -> bool:
    """Whether the next paragraph with text after this one is prose, not another short line."""
    for following in paragraph.itersiblings():
        text = clean_field(shown_text(following)) or ""
        if text:
            return following.tag == "p" and len(text) > MAX_BY_LINE_LENGTH
    return False


# Twitter card labels that state the author ("Written by", Yoast SEO's and others', in the
# languages those tools are translated into).
AUTHOR_LABELS = frozenset(
    {
        "written by",
        "author",
        "authors",
        "by",
        "geschrieben von",
        "verfasst von",
        "autor",
        "autorin",
        "escrito por",
        "écrit par",
        "auteur",
        "scritto da",
        "autore",
        "geschreven door",
    }
)
MAX_CARD_LABELS = 4


def labelled_authors(meta: dict[str, str]) -> list[str]:
    """The author a Twitter card states as a labelled pair (`twitter:label1` "Written by").

    Publishing tools that write no author tag often write the card's label
    and data pairs, which chat apps show beside a link.
    """
    return [
        meta[f"twitter:data{n}"]
        for n in range(1, MAX_CARD_LABELS + 1)
        if meta.get(f"twitter:label{n}", "").strip(" :").casefold() in AUTHOR_LABELS
        and meta.get(f"twitter:data{n}")
    ]


# An entry of a production credits list: a model, stylist or make-up artist "at" an
# agency or "using" a brand ("Ariel Pierre-Louis at MSA Models,Caitlin Wooters using MAC").
CREDIT_ENTRY = re.compile(r"(?:^|,)\s*[^,]+?\s(?:at|using)\s+[A-Z][^,]*(?:,|$)")


def _credited_writer(credits: Byline, tree: Any) -> Byline:
    """The writer among an author tag that lists the page's production credits.

    Some sites fill the author tag with everyone credited on a photo story;
    the visible byline says which of them wrote it. Without one, the list
    stands.
    """
    shown = visible_byline(tree)
    named = {name.casefold() for name in credits.people}
    if shown.people and all(name.casefold() in named for name in shown.people):
        return Byline(shown.people, credits.organisations)
    return credits


# A site's address written into a credit: "Deutsche Welle (www.dw.com)" (not a page on it,
# "https://www.al.com/staff/jdoe", nor a mail address, "mcason@al.com": the writer's).
CREDITED_ADDRESS = re.compile(
    r"(?<![@\w.-])(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\w.-]|/\S)",
    re.IGNORECASE,
)


def _without_site_credit(
    meta: dict[str, str], site_name: str | None, host: str = ""
) -> dict[str, str]:
    """The meta tags without an author tag that names the site or its publisher.

    `dc.creator` "Mac & i" is the site itself: the whole value is compared
    before it is split into names, as "Mac & i" would otherwise give a person
    called "Mac". `author` "Condé Nast" beside `article:author` "Emma Grey
    Ellis" is the publisher, known by the `copyright` tag naming it; on a
    personal blog whose copyright names its author, no other author tag
    names someone else, so the author stays. A credit that writes the page's own
    address, "Deutsche Welle (www.dw.com)" on dw.com, is the site too.
    """
    site = comparable(site_name) if site_name else None
    own_host = host.lower().removeprefix("www.")
    copyright_holder = comparable(meta.get("copyright", ""))
    credited = {comparable(v) for k, v in meta.items() if k in AUTHOR_META and v}

    def publisher(value: str) -> bool:
        name = comparable(value)
        if not name:
            return False
        if name == site:
            return True
        addresses = {a.lower() for a in CREDITED_ADDRESS.findall(value)}
        if own_host and own_host in addresses:
            return True
        return name in copyright_holder and bool(credited - {name})

    return {
        key: value for key, value in meta.items() if key not in AUTHOR_META or not publisher(value)
    }


def without_site(byline: Byline, site_name: str | None) -> Byline:
    """The site's own credits taken out of the people.

    A one-word byline that is the site's name or a word of it ("LinkNaija" on
    LinkNaija, "ITmedia" on "ITmedia PC USER"); a desk named after the site
    ("CNN Business" on CNN, "Telegraph Sport" on The Telegraph); and the
    site's name glued after a person's ("Kevin McCoy USA TODAY" is Kevin
    McCoy). A site name that is, or starts with, the byline is a person's own
    blog ("Haki Benita", "Bradley M. Kuhn (Brad)").
    """
    if not site_name:
        return byline
    site = {comparable(site_name), *(comparable(w) for w in site_name.split())}
    site_words = [w for w in (comparable(w) for w in site_name.split()) if w]
    if site_words[:1] == ["the"] and len(site_words) > 1:
        site_words = site_words[1:]
    people = []
    for name in byline.people:
        words = [comparable(w) for w in name.split()]
        if (comparable(name) in site and " " not in name) or (
            len(words) > len(site_words) and words[: len(site_words)] == site_words
        ):
            _append(byline.organisations, name)
        elif len(words) > len(site_words) + 1 and words[-len(site_words) :] == site_words:
            people.append(" ".join(name.split()[: -len(site_words)]))
            _append(byline.organisations, site_name)
        else:
            people.append(name)
    byline.people = people
    return byline


def find_authors(
    tree: Any,
    json_ld: Any = None,
    meta: dict[str, str] | None = None,
    text: str = "",
    site_name: str | None = None,
    host: str = "",
) -> Byline:
    """The article's authors from the best source that names a person.

    `json_ld` is the Article's `author` value, `meta` the page's meta tags
    (lower-cased keys), `text` the extracted article text (for a Chinese
    byline), `host` the page's host name. Organisations are collected from
    every source tried. A source that credits only the site itself (an author
    tag naming the site or writing its address, `_without_site_credit`; a
    JSON-LD "Person" named "L'Opinion" on L'Opinion, `without_site`) names no
    one, and the next source is read.
    """
    meta = _without_site_credit(meta or {}, site_name, host)
    found = Byline()
    candidates: list[Byline] = []
    if json_ld is not None:
        candidates.append(json_ld_authors(json_ld))
    for key in AUTHOR_META:
        if meta and meta.get(key):
            candidate = parse_byline(meta[key])
            if not candidate.people and not candidate.organisations:
                candidate = profile_names(meta[key], tree)
            if CREDIT_ENTRY.search(meta[key]):
                candidate = _credited_writer(candidate, tree)
            candidates.append(candidate)
    handles: list[str] = []
    for candidate in (without_site(c, site_name) for c in candidates):
        for name in candidate.organisations:
            _append(found.organisations, name)
        if candidate.people and all(HANDLE.match(name) for name in candidate.people):
            handles = handles or candidate.people
        elif candidate.people:
            found.people = candidate.people
            return found
    if handles:
        found.people = handles
        return found
    attributed = _attributed(tree)
    shown = without_site(visible_byline(tree, attributed), site_name)
    if shown.people:
        found.add(shown)
        return found
    # trafilatura stops at its first author element; one that names no one at all (a
    # date, "Xxx") gives way to the next few, one crediting an organisation does not
    # (the next is a related story's), but an unmarked "Written by: …" line still can.
    topics: set[str] | None = None
    for visible in islice(author_candidates(tree, attributed), MAX_AUTHOR_CANDIDATES):
        for part in visible.split(";") if visible else ():
            topics = _topic_names(tree) if topics is None else topics
            if comparable(part) not in topics:
                found.add(without_site(parse_byline(part), site_name))
        if found.people:
            return found
        if found.organisations:
            break
    # A Twitter card's "Written by" names the account that posted the page, which a
    # visible byline overrides (an editor posting a contributor's piece).
    for name in labelled_authors(meta or {}):
        found.add(without_site(parse_byline(name), site_name))
    if not found.people:
        found.add(profile_link(tree))
    if not found.people:
        found.add(by_line(tree))
    if not found.people:
        found.add(dated_byline(tree))
    if not found.people:
        found.add(bold_byline(tree))
    if found.people:
        return found
    head = "\n".join(text.split("\n")[:3] + text.split("\n")[-3:])
    found.people = cjk_byline(head)
    return found

"""One byline string into people and organisations.

Every source (JSON-LD, an author tag, the visible byline, a writer's link) ends in a
string such as "By Jane Doe and John Roe | Reuters"; reading all of them with one parser
judges a name the same way wherever it was found: "By X and Y", "X, Y and Z", job
titles, trailing dates, agencies, and words that only look like names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.fields import clean_field


@dataclass(slots=True)
class Byline:
    """People credited as authors, and organisations credited beside or instead of them."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def add(self, other: Byline) -> None:
        for name in other.people:
            append_name(self.people, name)
        for name in other.organisations:
            append_name(self.organisations, name)


def append_name(names: list[str], name: str) -> None:
    if name.casefold() not in {n.casefold() for n in names}:
        names.append(name)


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
    # a German paper's or magazine's name is one compound word: "IT Finanzmagazin"
    r"|\w*(?:zeitung|magazin|verlag|nachrichten)\b"
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
# A site's administrator account ("wordpressadmin", "siteadmin") names no one.
ACCOUNT = re.compile(r"\w*admin(?:istrator)?$", re.IGNORECASE)
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
            append_name(found.organisations, name)
        elif plausible_name(name):
            append_name(found.people, name)
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
        append_name(found.organisations, match["paper"])
        return ""
    if is_organisation(match["employer"]):
        append_name(found.organisations, match["employer"])
        return match["name"]
    return name


def plausible_name(name: str) -> bool:
    words = name.split()
    if len(name) > MAX_NAME_LENGTH or len(words) > MAX_NAME_WORDS:
        return False
    if any(character.isdigit() or character in "!?:" for character in name):
        return False
    if name.casefold() in NOT_NAMES or CREDENTIAL.match(name) or ACCOUNT.match(name):
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


def surname_last(name: str) -> str:
    """ "You, Xiaoying" -> "Xiaoying You": a library catalogue's form (Dublin Core's
    `dc.creator`, one author per tag), read before the tags are joined into a list
    whose commas would part each name in two."""
    return SURNAME_FIRST.sub(r"\2 \1", name)

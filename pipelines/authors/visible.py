"""The byline the page shows, read where no metadata names a person.

An element named for the byline, a "By …" line after the headline, a date line that goes
on to name the writer, a bold name opening the text. Often only the layout separates a
name from the paper ("Joe Davidson" above "Washington Post"), so an element is read with
its line breaks (`shown_text`).
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.authors.byline import Byline, parse_byline
from pipelines.dates import SHOWN_DAY
from pipelines.fields import clean_field
from pipelines.headings import is_logo

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


def attributed_elements(tree: Any) -> list[Any]:
    return [e for e in tree.xpath(ATTRIBUTED_XPATH) if isinstance(e.tag, str)]


def visible_byline(tree: Any, attributed: list[Any] | None = None) -> Byline:
    """The first byline element the page shows ("By X and Y"), in document order.

    A byline element has a class word `byline` (`article-byline`,
    `byline__name`, …) or `itemprop=author`, outside an aside, footer or nav.
    Only the first one that names someone counts: later ones belong to
    related-story cards and sidebars.
    """
    for element in attributed_elements(tree) if attributed is None else attributed:
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

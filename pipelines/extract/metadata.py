"""What the publisher states about the article, read from the untouched page.

JSON-LD, meta tags and the page's own headings are read once, before extraction
changes the tree, so every later step (title, date, authors, standfirst) works from
the same statement of the publisher's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.authors import AUTHOR_META, OUTSIDE_STORY, surname_last
from pipelines.dates import iso_date, marked_dates
from pipelines.extract.text import WORD, clean
from pipelines.fields import comparable
from pipelines.headings import is_logo

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    }
)
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
)
# When the publisher last changed the article: a date line showing that day dates an update.
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified")
TITLE_META = frozenset({"og:title", "twitter:title", "title"})
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")


@dataclass(slots=True)
class PageMetadata:
    headline: str | None = None
    og_title: str | None = None
    # Every date the publisher states (JSON-LD, then the meta tags), in that order: where
    # they name different days, the day the page shows decides.
    stated_dates: list[str] = field(default_factory=list)
    # When the publisher says it last changed the article (JSON-LD, then the meta tags).
    modified_dates: list[str] = field(default_factory=list)
    json_ld_author: Any = None
    meta: dict[str, str] = field(default_factory=dict)
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    h1: list[str] = field(default_factory=list)
    article_h1: list[str] = field(default_factory=list)
    h2: list[str] = field(default_factory=list)
    # An `<h1>` read as one text with its kicker ("Open ProgressWhy …") -> its headline.
    kicked_h1: dict[str, str] = field(default_factory=dict)
    # Each `<h1>`'s whole text, labels and a byline closing it included.
    h1_shown: list[str] = field(default_factory=list)
    html_title: str | None = None
    descriptions: list[str] = field(default_factory=list)
    # A title tag written with the headline's quotation marks unescaped: the attribute ended
    # at the first one, and the rest of the headline became attribute names (`incapacitado""`).
    title_cut_at_quote: bool = False


def page_metadata(tree: Any) -> PageMetadata:
    """What the publisher states about the article, read from the untouched tree."""
    found = PageMetadata()
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("http-equiv") or ""
        ).strip()
        content = (element.get("content") or "").strip()
        if not key or not content:
            continue
        key = key.lower()
        if key in TITLE_META and any('"' in name for name in element.attrib):
            found.title_cut_at_quote = True
        if key in AUTHOR_META:
            content = surname_last(content)  # "You, Xiaoying": one author per tag
        if key in AUTHOR_META and key in meta and content not in meta[key]:
            meta[key] += f", {content}"  # one `article:author` tag per author
        else:
            meta.setdefault(key, content)
    articles, named = _json_ld_articles(tree)
    for article in articles:
        found.headline = found.headline or clean(_first_text(article.get("headline")))
        found.stated_dates.append(iso_date(_first_text(article.get("datePublished"))) or "")
        found.modified_dates.append(iso_date(_first_text(article.get("dateModified"))) or "")
        if found.json_ld_author is None:
            found.json_ld_author = _resolved(article.get("author") or article.get("creator"), named)
        found.site_name = found.site_name or clean(_first_text(_name_of(article.get("publisher"))))
        found.description = found.description or clean(_first_text(article.get("description")))
    found.meta = meta
    found.og_title = clean(meta.get("og:title"))
    marked_published, marked_modified = marked_dates(tree)
    found.stated_dates.extend(iso_date(meta.get(key)) or "" for key in PUBLISHED_META)
    found.stated_dates.append(marked_published or "")
    found.stated_dates = list(dict.fromkeys(filter(None, found.stated_dates)))
    found.modified_dates.extend(iso_date(meta.get(key)) or "" for key in MODIFIED_META)
    found.modified_dates.append(marked_modified or "")
    found.modified_dates = list(dict.fromkeys(filter(None, found.modified_dates)))
    found.site_name = found.site_name or clean(meta.get("og:site_name"))
    found.description = found.description or clean(
        meta.get("og:description") or meta.get("description")
    )
    root = tree.getroottree().getroot()
    found.language = clean(
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    if not found.language:
        found.language = next((clean(meta[k]) for k in LANGUAGE_META if meta.get(k)), None)
    found.h1, found.article_h1, found.kicked_h1, found.h1_shown = _page_headings(tree)
    found.h2 = [h for h in (clean(h.text_content()) for h in tree.iter("h2")) if h]
    html_title = tree.find(".//head/title")
    found.html_title = clean(html_title.text_content()) if html_title is not None else None
    descriptions = [found.description, meta.get("og:description"), meta.get("description")]
    for description in (clean(d) for d in descriptions):
        if description and description not in found.descriptions:
            found.descriptions.append(description)
    return found


def _page_headings(tree: Any) -> tuple[list[str], list[str], dict[str, str], list[str]]:
    """The page's own `<h1>`s (without a kicker they print), those inside the article the
    markup marks (its headline among the site's other `<h1>`s), each kicked `<h1>`'s
    whole text in comparable form with its headline, and the `<h1>`s' whole texts (a
    byline can close one: "…の成否<small>編集委員 中沢克二</small>")."""
    page: list[str] = []
    article: list[str] = []
    kicked: dict[str, str] = {}
    shown: list[str] = []
    for element in tree.iter("h1"):
        ancestors = [(a.tag, a.get("itemtype") or "") for a in element.iterancestors()]
        whole = clean(element.text_content())
        heading = clean(_without_kicker(element)) or whole
        # An `<h1>` in a footer, a sidebar or a menu ("Offices", "More on Slate Book
        # Review") names a box of the site, never the article; nor does the site's logo.
        if not heading or any(tag in OUTSIDE_STORY for tag, _ in ancestors) or is_logo(element):
            continue
        if whole and whole != heading:
            kicked[comparable(whole)] = heading
        page.append(heading)
        shown.append(whole or heading)
        if any(tag == "article" or "Article" in kind for tag, kind in ancestors):
            article.append(heading)
    return page, article, kicked, shown


# A kicker printed inside the `<h1>` before the headline ("Corona-Pandemie", "Open
# Progress"), in an element its class names as a label; hidden separators after it.
KICKER_CLASS = re.compile(
    r"kicker|overline|top-?line|top-?title|title-?header|dachzeile|roofline|eyebrow|subtitle"
    r"|sub-?headline|label|section|small|fake-h\d",
    re.IGNORECASE,
)
KICKER_TAGS = frozenset({"small"})
HIDDEN_CLASS = re.compile(r"invisible|hidden|sr-only|screen-reader", re.IGNORECASE)
MIN_HEADLINE_WORDS = 2


def _without_kicker(h1: Any) -> str | None:
    """The `<h1>`'s headline without the labels it prints around it; None when it prints none.

    `<h1><span class="overline">Die Zukunft der Arbeit</span>"Wir dekorieren …"</h1>`
    prints a label over the headline; read as one text, the two run together ("Die
    Zukunft der Arbeit"Wir …", "Open ProgressWhy …"). So does a line after it: a
    `<small>` subtitle or date and section line ("… Hot and Fresh<small>Welcome to
    …</small>"). A hidden part (`<span class="element-invisible"> | FASSETTE.NET`) is
    not read at all.
    """
    whole = clean(h1.text_content())
    children = [child for child in h1 if isinstance(child.tag, str)]
    # An `<h1>` whose one child holds all of it (a link to the page): read inside that.
    while len(children) == 1 and clean(children[0].text_content()) == whole:
        h1 = children[0]
        children = [child for child in h1 if isinstance(child.tag, str)]
    if not children:
        return None
    opens_with_text = bool((h1.text or "").strip())
    label_before = not opens_with_text and _labels(children[0])
    if label_before:
        parts, rest = [children[0].tail or ""], children[1:]
    else:
        parts, rest = [h1.text or ""], children
    if rest and _labels(rest[-1]) and (rest[-1].tail or "").strip() == "":
        rest = rest[:-1]  # a subtitle or a date line closing the `<h1>`
    for child in rest:
        parts.append(" " if _hidden_from_reading(child) else child.text_content())
        parts.append(child.tail or "")
    headline = " ".join("".join(parts).split()).rstrip(HEADING_SEPARATORS)
    # The separator after a label goes with it; a dash opening the headline itself is a
    # quotation's (Norwegian "- Angsten vil øke").
    if label_before:
        headline = headline.lstrip(HEADING_SEPARATORS)
    if len(WORD.findall(headline)) < MIN_HEADLINE_WORDS:
        return None
    return headline if headline != whole else None


HEADING_SEPARATORS = ":|-–—·/• "


def _hidden_from_reading(part: Any) -> bool:
    """A hidden part of a heading, unless it is only a separator kept for screen readers
    (`<span class="visually-hidden">:</span>` between kicker and headline), which the
    metadata's title writes too."""
    return _hidden_part(part) and bool(WORD.search(part.text_content()))


def _labels(element: Any) -> bool:
    named = f"{element.get('class') or ''} {element.get('data-test-id') or ''}"
    return element.tag in KICKER_TAGS or bool(KICKER_CLASS.search(named))


def _hidden_part(element: Any) -> bool:
    return element.get("aria-hidden") == "true" or bool(
        HIDDEN_CLASS.search(element.get("class") or "")
    )


# Some templates wrap JSON-LD in `<![CDATA[ … ]]>` or an HTML comment, which JSON rejects.
JSON_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _json_ld_articles(tree: Any) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Article objects from the page's JSON-LD, including those inside `@graph`; on a page
    that states none, its `WebPage` objects (an SEO plugin's graph for a post it does not
    call an article still credits the post's author there).

    Also the named objects by their `@id`, for `_resolved`. A line break left raw inside a
    string (a description pasted whole) is read as the publisher meant it.
    """
    articles: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    named: dict[str, dict[str, Any]] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(JSON_WRAPPER.sub("", script.text_content() or ""), strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("@id"), str) and "name" in item:
                    named.setdefault(item["@id"], item)
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(kind in ARTICLE_TYPES for kind in kinds):
                    articles.append(item)
                elif "WebPage" in kinds:
                    pages.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return articles or pages, named


def _resolved(value: Any, named: dict[str, dict[str, Any]]) -> Any:
    """A JSON-LD reference (`{"@id": …}`) replaced by the object it names on the page.

    WordPress SEO plugins state the author as a reference to a Person object
    elsewhere in the `@graph`; the name is only there.
    """
    if isinstance(value, list):
        return [_resolved(item, named) for item in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return named.get(value["@id"], value)
    return value


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _name_of(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("name") if isinstance(value, dict) else value

"""Extraction stage: from a page's HTML to the article's text and metadata.

trafilatura finds the main text and drops navigation, teasers, adverts and
comments. Homeward adds what a news archive needs on top of it:

* photo captions are kept. trafilatura throws away `<figure>` and anything
  whose class says "caption", yet captions often name the child and the
  village. Before extraction each caption (without its photo credit) is
  turned into a plain paragraph where its figure stood, so trafilatura's own
  boilerplate detection still decides whether it belongs to the article (a
  caption in a teaser box goes with the teaser); a caption that is mostly
  link text is a story card's headline, one inside a gallery or carousel (or
  a second copy of a caption) belongs to no single photo, and a video
  player's (or one beside a player in a box of their own) or a hidden one is
  no photo's: all are left alone;
* every addition is then judged by where it stands on the page: the
  extracted lines are found on the page, the body container is the element
  holding nearly all of them, and the story is the `<article>` around it
  (or the block holding the headline and the body). A caption outside the
  story is dropped; a lead photo's caption in the story above the body
  comes back, but only when it names someone or somewhere the text does not
  (one repeating the story's names adds nothing to find); the standfirst
  (the page's description, shown as the whole text of a visible element) is
  added when it stands in the story but trafilatura left it out.
  `story_additions=False` narrows all three to the body container itself;
* a body the page cut into parts between adverts (the same element and class
  repeated) is read whole: trafilatura keeps the first part only; a tweet or an
  Instagram post the journalist embedded is kept as a quotation;
* short in-body promotion lines ("Related: ...", "READ MORE: ...", 相关阅读,
  the editor's sign-off), page furniture and a closing block of teaser
  headlines are dropped: they are not the story;
* the title and publication date come from the page's metadata first
  (JSON-LD `headline`/`datePublished`, `og:title`, `article:published_time`),
  which is what the publisher states, and the date keeps its time of day;
  of the metadata titles, the one the page shows as its `<h1>` wins, in the
  `<h1>`'s form and without a site's tail ("Headline -- Sott.net"), or the
  `<h1>` that runs on into a title whose first words the metadata cut; an
  `<article>`'s own `<h1>` wins over a roll-up bar's copy of the shared
  title, and a blog's `<title>` "Blog name - Post" over its `<h1>` "Blog
  name" gives the post's title when a lower heading shows it; a kicker (one
  the `<h1>` prints in a labelled element, or up to six words the metadata
  puts first) and the name the site's address spells ("… | Umweltbundesamt")
  are not the headline;
* title, authors, description and site name go through `fields.clean_field`
  (publishers escape their metadata twice: `Swift&#8217;s`), and the authors
  are people only (`authors.find_authors`: JSON-LD, meta tags, the visible
  byline, Chinese 记者 lines); organisations are kept apart in
  `organisations`;
* the page's declared language (`<html lang>`, `og:locale`,
  `content-language`) is passed on for the language stage to weigh;
* a page with no extractable article gives None, never an empty article.

The headline is not repeated in `text`: it lives in `title`, and a leading
line that repeats it is dropped, so an index over title and text does not
count it twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document
from trafilatura.utils import load_html

from pipelines.authors import (
    AUTHOR_META,
    OUTSIDE_STORY,
    cjk_byline,
    find_authors,
    surname_last,
    without_site,
)
from pipelines.dates import (
    SHOWN_DAY,
    iso_date,
    marked_dates,
    page_day,
    shown_date,
    stamped_day,
)
from pipelines.fields import CJK_CHARACTER, clean_field, comparable
from pipelines.headings import is_logo

__all__ = [
    "ExtractOptions",
    "Extracted",
    "content_length",
    "extract_article",
]


@dataclass(slots=True, frozen=True)
class ExtractOptions:
    """Defaults of the extraction stage, in one place.

    The first four are trafilatura's own switches (comments are clutter;
    favouring precision loses real paragraphs, so neither is favoured). The
    `keep_*`/`drop_*`/`continue_body` switches turn Homeward's additions on and off,
    which the benchmark uses to show what each costs or gains. Captions, a lead caption
    and the standfirst are kept only where they stand: inside the body
    container trafilatura chose or, with `story_additions`, in the story
    around it (its `<article>`, or the block holding the headline and the
    body), where a lead photo and a standfirst sit. `drop_page_widgets` takes out of
    trafilatura's text the lines of the blocks whose class or id names them readers'
    comments, a sign-up form, a consent notice, a dialog or a promotion:
    trafilatura's fallbacks read the whole page and keep them. `min_length` counts words
    for alphabetic scripts and characters for CJK scripts (see
    `content_length`), so a short Chinese report is measured by what it says,
    not by its (absent) spaces. `lead_captions_need_names` keeps a caption of the
    story outside the body only when it names someone the text does not.
    """

    include_comments: bool = False
    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    keep_captions: bool = True
    restore_lead_captions: bool = True
    lead_captions_need_names: bool = True
    keep_standfirst: bool = True
    drop_repeated_headline: bool = True
    drop_teaser_lines: bool = True
    story_additions: bool = True
    continue_body: bool = True
    keep_embedded_posts: bool = True
    drop_page_widgets: bool = True
    min_length: int = 10


DEFAULT_OPTIONS = ExtractOptions()


@dataclass(slots=True)
class Extracted:
    """What the extraction stage found on one page (plain data for the next stages).

    `language` is the language the page declares, as written (`zh-Hans`,
    `en_GB`); the language stage decides the article's language from it and
    the text. `published` is an ISO 8601 date or datetime. `authors` names
    people; `organisations` the agencies, desks and publishers credited
    beside or instead of them (not stored in the archive).
    """

    url: str
    text: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    language: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    organisations: list[str] = field(default_factory=list)


WORD = re.compile(r"\w+")


def content_length(text: str) -> int:
    """Length of a text in words, counting each CJK character as one word.

    Chinese has no spaces: counting `\\w+` runs would make a whole Chinese
    paragraph one "word" and drop real articles as too short.
    """
    cjk = len(CJK_CHARACTER.findall(text))
    words = len(WORD.findall(CJK_CHARACTER.sub(" ", text)))
    return cjk + words


# A stray `</body>` or `</html>` mid-page (an advert's snippet, a broken template) makes
# lxml put the rest of the page in a second root that trafilatura never reads, losing
# the article (docs/html-parsing.md); the parser closes both at the end by itself.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# A character reference to a control character ("&#8;", a backspace pasted from a word
# processor; "&#x1b;") puts a character XML forbids into the tree, and trafilatura, which
# serialises the tree, then gives no text at all: one such reference lost the article.
# Tab, line feed and carriage return are allowed; nothing else there is ever shown.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01]|127)(?!\d)|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])"
    r"(?![0-9a-fA-F]));?"
)


def extract_article(
    html: str, url: str, options: ExtractOptions = DEFAULT_OPTIONS
) -> Extracted | None:
    """The article on a page, or None when the page holds no extractable article.

    None is a normal outcome (a listing page, an error page, a video page):
    the caller counts and logs it. An `Extracted` always has non-empty text
    of at least `options.min_length` (see `content_length`).
    """
    if not html or not html.strip():
        return None
    tree = load_html(_CONTROL_REFERENCE.sub("", _DOCUMENT_END.sub("", html)))
    if tree is None:
        return None
    # A style sheet is never text; CSS-in-JS themes (emotion's server rendering) write them
    # inside headings and paragraphs, where they would be read as words of the headline.
    # Nor is an icon's drawing, whose `<title>` ("Camera Icon") is for screen readers.
    etree.strip_elements(tree, "style", "svg", with_tail=False)
    _inline_markup(tree)
    page = _page_metadata(tree)
    byline = find_authors(
        tree, page.json_ld_author, page.meta, site_name=page.site_name, host=_host(url)
    )
    if options.keep_embedded_posts:
        _unwrap_embedded_posts(tree)
    captions = _captions_to_paragraphs(tree) if options.keep_captions else []
    date_line = None if page.stated_dates else shown_date(tree)
    # trafilatura's own metadata search (htmldate and friends) costs a third of the
    # extraction; skip it when the publisher's metadata already names title and date.
    needs_metadata = not ((page.headline or page.og_title) and page.stated_dates)
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        with_metadata=needs_metadata,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        include_images=False,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        deduplicate=False,
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        return None

    site_name = _clean(document.sitename) or page.site_name
    host = _host(url)
    stated = [_without_site_name(t, site_name, host) for t in (page.headline, page.og_title)]
    guessed = _without_site_name(_clean(document.title), site_name, host)
    if guessed:  # trafilatura read a kicked `<h1>` as one text
        guessed = page.kicked_h1.get(comparable(guessed), guessed)
    if any(stated):
        title = _visible_headline(
            [*stated, guessed], page.h1, fallback=[_lone_h1(page, stated, site_name), *stated]
        )
    else:
        # No title stated in metadata: the `<title>` names the headline among the headings.
        named = _without_site_name(page.html_title, site_name, host)
        # A blog's `<title>` naming its `<h1>` and the post: the post's part is the headline.
        post = _without_heading_name(named, page.h1, _lower_headings(tree))
        title = post or _visible_headline(
            [named, guessed], [*page.h1, *page.h2], fallback=[guessed]
        )
    text = _clean_text(document.text or "")
    # Read from the page trafilatura left whole (it reads a copy).
    widgets = _page_widget_text(tree) if options.drop_page_widgets else None
    if widgets is not None:
        text = _without_widget_lines(text, widgets)
    body, located = _body_container(tree, text, captions)
    if options.continue_body:
        text = _with_body_opening(_with_continued_body(text, located), body)
        if widgets is not None:  # a later part of the body can hold a sign-up box too
            text = _without_widget_lines(text, widgets)
    story = _story_of(body) if options.story_additions else body
    # The headline as shown may itself carry the site's name ("… | Umweltbundesamt" in an <h1>).
    title = _without_site_name(_story_headline(title, body, tree) or title, site_name, host)
    if page.title_cut_at_quote:
        title = _uncut_at_quote(title, [*page.h1, *page.h2])
    title = _without_leading_day(_without_leading_mark(title))
    # Every photo's caption, kept or not, is a caption: no standfirst (`_with_standfirst`).
    shown_captions = captions
    if captions:
        text = _without_credit_lines(_drop_stray_captions(text, captions, story), captions)
        if options.lead_captions_need_names:
            text, captions = _without_captions_naming_no_one_new(text, captions, body, story)
    if options.drop_teaser_lines:
        text = _drop_teaser_lines(_without_lines(text, _screen_reader_labels(tree)))
    if options.drop_repeated_headline:
        text = _drop_repeated_headline(text, title, page.h1)
    if captions and options.restore_lead_captions:
        text = _restore_captions(text, captions, body, story)
    description = _clean(document.description) or page.description
    if options.keep_standfirst and story is not None:
        text = _with_standfirst(text, page.descriptions, story, shown_captions)
    byline = without_site(byline, site_name)
    if not byline.people:  # read before the stamps go: "2013年12月10日 10:32 记者 张三"
        lines = text.split("\n")
        byline.people = cjk_byline("\n".join([*page.h1_shown, *lines[:3], *lines[-3:]]))
    published = (
        page_day(tree, page.stated_dates, url, page.modified_dates)
        or date_line
        or iso_date(document.date)
    )
    if options.drop_teaser_lines:  # after the lead captions and standfirst come back
        text = _without_stamp_lines(text, published)
    if content_length(text) < options.min_length:
        return None

    return Extracted(
        url=url,
        text=text,
        title=title,
        published=published,
        authors=byline.people,
        organisations=byline.organisations,
        site_name=site_name,
        language=page.language,
        description=description,
        canonical_url=_clean(document.url) if document.url and document.url != url else None,
    )


# --- page metadata read before extraction ----------------------------------------------

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
class _PageMetadata:
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


def _page_metadata(tree: Any) -> _PageMetadata:
    """What the publisher states about the article, read from the untouched tree."""
    found = _PageMetadata()
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
        found.headline = found.headline or _clean(_first_text(article.get("headline")))
        found.stated_dates.append(iso_date(_first_text(article.get("datePublished"))) or "")
        found.modified_dates.append(iso_date(_first_text(article.get("dateModified"))) or "")
        if found.json_ld_author is None:
            found.json_ld_author = _resolved(article.get("author") or article.get("creator"), named)
        found.site_name = found.site_name or _clean(_first_text(_name_of(article.get("publisher"))))
        found.description = found.description or _clean(_first_text(article.get("description")))
    found.meta = meta
    found.og_title = _clean(meta.get("og:title"))
    marked_published, marked_modified = marked_dates(tree)
    found.stated_dates.extend(iso_date(meta.get(key)) or "" for key in PUBLISHED_META)
    found.stated_dates.append(marked_published or "")
    found.stated_dates = list(dict.fromkeys(filter(None, found.stated_dates)))
    found.modified_dates.extend(iso_date(meta.get(key)) or "" for key in MODIFIED_META)
    found.modified_dates.append(marked_modified or "")
    found.modified_dates = list(dict.fromkeys(filter(None, found.modified_dates)))
    found.site_name = found.site_name or _clean(meta.get("og:site_name"))
    found.description = found.description or _clean(
        meta.get("og:description") or meta.get("description")
    )
    root = tree.getroottree().getroot()
    found.language = _clean(
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    if not found.language:
        found.language = next((_clean(meta[k]) for k in LANGUAGE_META if meta.get(k)), None)
    found.h1, found.article_h1, found.kicked_h1, found.h1_shown = _page_headings(tree)
    found.h2 = [h for h in (_clean(h.text_content()) for h in tree.iter("h2")) if h]
    html_title = tree.find(".//head/title")
    found.html_title = _clean(html_title.text_content()) if html_title is not None else None
    descriptions = [found.description, meta.get("og:description"), meta.get("description")]
    for description in (_clean(d) for d in descriptions):
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
        whole = _clean(element.text_content())
        heading = _clean(_without_kicker(element)) or whole
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
    whole = _clean(h1.text_content())
    children = [child for child in h1 if isinstance(child.tag, str)]
    # An `<h1>` whose one child holds all of it (a link to the page): read inside that.
    while len(children) == 1 and _clean(children[0].text_content()) == whole:
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


# What joins a title and the site's name: "… | Site", "… » Site", "… › Site"; a name the
# metadata states may be glued on closer still, "…_Site", "…：Site".
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " › ", "｜", " · ")
SITE_NAME_SEPARATORS = (*TITLE_SEPARATORS, "_", ":", "：")


def _without_site_name(title: str | None, site_name: str | None, host: str = "") -> str | None:
    """ "Boy found safe | Riverside Herald" -> "Boy found safe": the site is its own field.

    A page whose metadata names no site (or names it otherwise) still ends or opens its
    title with the name its address spells: "… | Umweltbundesamt" on
    umweltbundesamt.de, "… - La Stampa" on lastampa.it, "BMAS - …" on bmas.de.
    """
    if not title:
        return title
    if site_name:
        for separator in SITE_NAME_SEPARATORS:
            suffix = f"{separator}{site_name}"  # in any case: "Phpspot開発日誌", "phpspot開発日誌"
            if len(title) > len(suffix) and title[-len(suffix) :].casefold() == suffix.casefold():
                return title[: -len(suffix)].strip()
    return _without_address_name(title, host)


# Second-level labels under a country's domain: the site's own name is the label before.
SHARED_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "or", "ac", "gov", "ne", "go"})
MIN_ADDRESS_NAME_LENGTH = 4
MAX_SITE_NAME_WORDS = 5
NOT_NAME_CHARACTERS = re.compile(r"[\W_]+")


def _host(url: str) -> str:
    """The address's host name, "" when there is none or the address is malformed."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" and the like
        return ""


@lru_cache(maxsize=1024)
def _address_names(host: str) -> frozenset[str]:
    """The forms a site's address gives its name: "lastampa", "lastampait"."""
    labels = [label for label in host.casefold().split(".") if label and label != "www"]
    if len(labels) < 2:
        return frozenset()
    at = -3 if len(labels) >= 3 and labels[-2] in SHARED_SECOND_LEVELS else -2
    name, domain = labels[at], "".join(labels[at + 1 :])
    return frozenset({name, name + domain} if len(name) >= MIN_ADDRESS_NAME_LENGTH else ())


def _without_address_name(title: str, host: str) -> str:
    """The title without a head or tail that is the name the site's address spells."""
    names = _address_names(host)
    if not names:
        return title
    for separator in TITLE_SEPARATORS:
        rest, _, name = title.rpartition(separator)  # a tail: "… | Umweltbundesamt"
        site_tail = _spells(name, names) or _ends_with_name(name, names)
        if site_tail and len(rest.strip()) >= MIN_HEADLINE_LENGTH:
            return rest.strip()
        name, _, rest = title.partition(separator)  # a head: "BMAS - …"
        if rest and _spells(name, names) and len(rest.strip()) >= MIN_HEADLINE_LENGTH:
            return rest.strip()
    return title


def _ends_with_name(part: str, names: frozenset[str]) -> bool:
    """Whether a tail is a paper's full name ending in the address's name: "Die Neue
    Südtiroler Tageszeitung" on tageszeitung.it."""
    words = part.split()
    return (
        1 < len(words) <= MAX_SITE_NAME_WORDS
        and words[-1][:1].isupper()
        and NOT_NAME_CHARACTERS.sub("", words[-1].casefold()) in names
    )


def _spells(part: str, names: frozenset[str]) -> bool:
    return NOT_NAME_CHARACTERS.sub("", part.casefold()) in names


def _without_heading_name(title: str | None, h1: list[str], lower: set[str]) -> str | None:
    """ "Blog name - Post title" -> "Post title" when the page's `<h1>` is "Blog name".

    A blog shows its own name as the page's `<h1>` and the post's title in a
    lower heading (`lower`, comparable forms); its `<title>` joins the two.
    The part that is not the `<h1>` is the post's when a lower heading shows
    it: a "Headline - Site - Section" `<title>` over an `<h1>` headline is
    not split. None when the `<title>` does not split that way.
    """
    if not title or not h1:
        return None
    names = {comparable(h) for h in h1}
    for separator in TITLE_SEPARATORS:
        head, found, tail = (part.strip() for part in title.partition(separator))
        if not found:
            continue
        for name, post in ((head, tail), (tail, head)):
            if comparable(name) in names and comparable(post) in lower:
                return post if len(post) >= MIN_HEADLINE_LENGTH else None
    return None


LOWER_HEADINGS_XPATH = "//body//h2 | //body//h3 | //body//h4"


def _lower_headings(tree: Any) -> set[str]:
    return {comparable(h.text_content()) for h in tree.xpath(LOWER_HEADINGS_XPATH)}


# What may stand between a headline and the site's name in a metadata title.
TITLE_TAIL = re.compile(r"^\s*(?:[|\-–—:»›·_~/\[(（【：｜]|::|--)")
MIN_HEADLINE_LENGTH = 8
# The part an `<h1>` shares with a title must be most of the `<h1>` to be its headline.
SHARED_HEADLINE_SHARE = 0.6


def _visible_headline(
    titles: list[str | None], headings: list[str], fallback: list[str | None] | None = None
) -> str | None:
    """The headline the reader sees, chosen among the page's titles by its headings.

    The titles come in the publisher's order of intent (JSON-LD `headline`,
    `og:title`, trafilatura's guess); the first one the page shows as a
    heading wins, else the first title (or the first of `fallback`).
    "Headline -- Sott.net", "短缺药品…需求-新华网", "Headline | Aktuálne.cz":
    the heading shows the headline alone. A title that matches a heading
    only up to punctuation takes the heading's form (its quotes and dashes as
    the reader sees them). An `<h1>` that is a site logo or a section name
    ("Information and Resources") matches none: on a page whose metadata
    states no title, the `<title>` element then names the headline among the
    `<h2>`s, but the `<title>` alone is never the headline (it carries the
    site's name and section).
    """
    for title in titles:
        shown = _shown_headline(title, headings) if title else None
        if shown:
            return shown
    return next((title for title in (titles if fallback is None else fallback) if title), None)


# An arrow or bullet a theme prints before every heading ("[> Jens Weber", "» …", "› …").
LEADING_MARK = re.compile(r"^[\[(]?\s*[>»›→•·*]+\s*[\])]?\s+(?=\w)")


def _without_leading_mark(title: str | None) -> str | None:
    return LEADING_MARK.sub("", title) if title else title


# What parts a day printed before the headline from it: "23.01.2022 - Dorothea Wierer …".
DAY_SEPARATOR = re.compile(r"\s*[-–—|:·]\s+")


def _without_leading_day(title: str | None) -> str | None:
    """The headline without the day a site prints before it in every copy of its title.

    The day is the article's `published`; in the title it would sort and
    read as the headline's first words.
    """
    if not title or (day := SHOWN_DAY.match(title)) is None:
        return title
    separator = DAY_SEPARATOR.match(title, day.end())
    rest = title[separator.end() :] if separator else ""
    return rest if content_length(rest) >= MIN_HEADLINE_WORDS else title


def _uncut_at_quote(title: str | None, headings: list[str]) -> str | None:
    """The whole headline where the metadata's copy stops at a double quote.

    A template that writes the headline into `content="…"` unescaped ends the
    attribute at the headline's first quotation mark: `Senador republicano
    califica a Biden de "incapacitado"` is stated as "Senador republicano
    califica a Biden de" (the page's title tag shows it, `_PageMetadata.
    title_cut_at_quote`). The heading that shows those words, then the quote,
    has the headline whole.
    """
    if not title:
        return title
    for heading in headings:
        if heading.startswith(title) and heading[len(title) :].lstrip().startswith('"'):
            return heading
    return title


def _shown_headline(title: str, h1: list[str]) -> str | None:
    """The headline shared by a metadata title and an `<h1>`, when they share one.

    Either the two are the same up to punctuation, or they start with the same
    words and the title goes on with a separator and a tail (the site's name, a
    section, a photo credit) while the `<h1>` goes on with its own extras (a
    byline, a logo's text): "成否 （写真＝ロイター） ：日本経済新聞" and
    "成否 編集委員 中沢克二" share "成否".
    """
    for heading in h1:
        if len(heading) < MIN_HEADLINE_LENGTH:
            continue
        if comparable(heading) == comparable(title):
            # An `<h1>` set in capitals beside the same words in mixed case: the capitals are
            # the theme's lettering, and the stated title keeps the names' own case.
            if heading.isupper() and not title.isupper():
                return title
            # Two elements of the `<h1>` glued without a space ("पकड़ा:</span>दो"): the
            # stated title writes the space the reader sees between them.
            if heading.replace(" ", "") == title.replace(" ", "") and len(title) > len(heading):
                return title
            return heading
        if _opens_stated_title(heading, title) or _kicker_before(heading, title):
            return heading
        if _kicked_heading(heading, title):
            return title
        shared = _common_prefix(heading, title).rstrip()
        if len(shared) < max(MIN_HEADLINE_LENGTH, SHARED_HEADLINE_SHARE * len(heading)):
            continue
        rest = title[len(shared) :]
        # A tail longer than the `<h1>` follows a section's name ("Politik - Merkel trifft
        # …"); a headline of three words or more goes on into an SEO line ("1000 Euro
        # Kredit » 1000 EUR sofort aufs Konto") or a subtitle.
        headline = len(rest) < len(shared) or len(WORD.findall(shared)) >= MIN_KICKED_HEADLINE_WORDS
        if TITLE_TAIL.match(rest) and headline:
            return shared
    return None


# What ends a kicker before a headline ("EXCLUSIVE:", "Live |"): a label, not the headline.
KICKER_END = re.compile(r"[:|\-–—»·/：｜]\s*$")


def _kicked_heading(heading: str, title: str) -> bool:
    """Whether the `<h1>` prints a kicker before the stated title: "Kultur : Ehrengast der
    Frankfurter Buchmesse: …", or a kicker in an element of its own that the markup glues
    to it with no space ("Nationale DemoDer 9. Juli naht: …"). The title is the headline.
    """
    opening = _opening_before(heading, title)
    if not opening or len(WORD.findall(opening)) > MAX_KICKER_WORDS:
        return False
    glued = opening[-1:].isalpha() and title[:1].isupper()
    return glued or bool(KICKER_END.search(opening))


def _opens_stated_title(heading: str, title: str) -> bool:
    """Whether the `<h1>` is the stated title with words before it: the full headline.

    Metadata sometimes states a shortened headline, its first words cut; the
    `<h1>` that runs on into it word for word shows the whole. Words ended by
    a colon, bar or dash are a kicker ("EXCLUSIVE: …"), which the title
    rightly leaves out.
    """
    opening = _opening_before(heading, title)
    return bool(opening) and opening[-1:].isspace() and not KICKER_END.search(opening)


# A section label or kicker put before the headline in the metadata ("Opinion | …", "LIVE:
# …", "Siemens und die Kohlemine Adani: …"), over an `<h1>` of a headline's length (two
# words, "A Timeline", are the end of a title, not a headline).
MAX_KICKER_WORDS = 6
MIN_KICKED_HEADLINE_WORDS = 3


def _kicker_before(heading: str, title: str) -> bool:
    """Whether the stated title is the `<h1>` behind a short label and its separator.

    "Opinion | Republicans Are Following Trump to Nowhere" over an `<h1>`
    "Republicans Are Following Trump to Nowhere": the page prints the headline
    without the section's label, as the site's name is left out at the end.
    """
    label = _opening_before(title, heading)
    return (
        bool(KICKER_END.search(label))
        and len(WORD.findall(label)) <= MAX_KICKER_WORDS
        and len(WORD.findall(heading)) >= MIN_KICKED_HEADLINE_WORDS
    )


def _opening_before(longer: str, shorter: str) -> str:
    """What `longer` says before it runs into `shorter` word for word ("" if it does not
    end with it), quotes aside."""
    longer, shorter = longer.translate(QUOTES), shorter.translate(QUOTES)
    if len(longer) <= len(shorter) or not longer.endswith(shorter):
        return ""
    return longer[: -len(shorter)]


# Typographic and typewriter quotes are the same character to a reader comparing two titles.
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _common_prefix(first: str, second: str) -> str:
    """The start `first` shares with `second`, quotes aside ("won’t" and "won't" agree)."""
    length = 0
    for a, b in zip(first.translate(QUOTES), second.translate(QUOTES), strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


# An `<h1>` shorter than the stated title with this share of its words in it abridges it.
SHORT_FORM_SHARE = 0.6


def _short_form(heading: str, stated: list[str | None]) -> bool:
    """Whether the `<h1>` is a kicker abridging the stated title.

    "Millennial Decorating Mistakes" over "The 5 Biggest Decorating Mistakes
    Millennials Make — and How to Solve Them": the longer title is the headline.
    """
    title = next((t for t in stated if t), "")
    if len(heading) >= len(title):
        return False
    words = [word.casefold() for word in WORD.findall(heading)]
    in_title = {word.casefold() for word in WORD.findall(title)}
    return bool(words) and sum(w in in_title for w in words) >= SHORT_FORM_SHARE * len(words)


# A word this long shared with a stated title ties an `<h1>` to the article ("SpaceX").
SHARED_WORD_LENGTH = 4


def _lone_h1(page: _PageMetadata, stated: list[str | None], site_name: str | None) -> str | None:
    """The page's one `<h1>` when the metadata titles are a different, social headline.

    `og:title` is often written for sharing ("Lady Gaga Shares Pic of Ex …") while
    the page shows another headline ("Lady Gaga Shares Photo of Ex … and Now We’re
    Confused"). When no stated title is shown as a heading, a page with a single
    distinct `<h1>` shows it as its headline, unless it is the site's name or has no
    word in common with the stated titles and description (a logo, a section name).
    The same holds beside a JSON-LD `headline`, often written for search and cut at
    110 characters ("… to contract" over the `<h1>` "… to contract medieval
    disease"); only a shorter `<h1>` that abridges the stated title is a short form,
    and the stated title stays.
    """
    headings = {comparable(h): h for h in page.h1}
    if len(headings) != 1:
        headings = {comparable(h): h for h in page.article_h1}
    if len(headings) != 1:
        return None
    heading = next(iter(headings.values()))
    if len(heading) < MIN_HEADLINE_LENGTH or _short_form(heading, stated):
        return None
    if site_name and _names_the_site(heading, site_name):
        return None
    stated_words = {
        word.casefold()
        for text in (*stated, page.description)
        if text
        for word in WORD.findall(text)
        if len(word) >= SHARED_WORD_LENGTH
    }
    own_words = {word.casefold() for word in WORD.findall(heading)}
    return heading if stated_words & own_words else None


def _names_the_site(heading: str, site_name: str) -> bool:
    """Whether an `<h1>` is the site's logo or masthead ("India Post", "LinkNaija Blog"),
    not a headline that mentions the site ("PolitiFact's guide to tariffs")."""
    site, shown = comparable(site_name), comparable(heading)
    return site in shown and len(shown) <= MASTHEAD_SHARE * len(site)


# A masthead `<h1>` holds the site's name and little more (a tagline word, "Blog").
MASTHEAD_SHARE = 2


# --- the body container: where the extracted text stands on the page ------------------------

# A line is found on the page by the start of its text; this many comparable characters
# make the start specific enough (shorter lines, "Photo: AP" or a date, are not used).
MIN_LOCATED_CHARACTERS = 20
# Enough of a text node's start to hold that many comparable characters.
LOCATED_SLICE = 120
# A line's first this many must be in the element's text for it to be the line's.
LOCATED_CHECK_CHARACTERS = 80
# Elements that hold one paragraph's text, never a body of paragraphs and figures.
TEXT_BLOCKS = frozenset(
    {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "dd", "dt"}
    | {"span", "a", "b", "i", "em", "strong", "font", "small", "q", "cite", "br"}
)
# The page's text nodes long enough to start a located line; code and markup never are one.
LOCATED_TEXT_XPATH = (
    f"//body//text()[string-length(normalize-space(.)) >= {MIN_LOCATED_CHARACTERS}]"
    "[not(parent::script or parent::style or parent::noscript or parent::template)]"
)
# The longest lines say where the body is; locating them all would walk the whole page.
MAX_LOCATED_LINES = 12
# The container holds this share of the located text; the rest is what trafilatura took
# from elsewhere (a byline in the header, a stray line under the body).
BODY_SHARE = 0.9


def _body_container(
    tree: Any, text: str, captions: list[_Caption]
) -> tuple[Any, list[tuple[Any, int]]]:
    """The page element holding the text trafilatura extracted (the body it chose), and
    the elements holding the longest lines.

    Each extracted line is located on the page by the start of its text; the
    container is the deepest element that holds nearly all of the located
    text. Homeward's additions (captions, a lead caption, the standfirst)
    are judged by whether they stand inside it. None when too little of the
    text can be located to say.
    """
    caption_keys = {comparable(c.text) for c in captions}
    lines = [comparable(line) for line in text.split("\n")]
    lines = [k for k in lines if len(k) >= MIN_LOCATED_CHARACTERS and k not in caption_keys]
    wanted: dict[str, list[str]] = {}
    for key in sorted(lines, key=len, reverse=True)[:MAX_LOCATED_LINES]:
        wanted.setdefault(key[:MIN_LOCATED_CHARACTERS], []).append(key)
    located = _locate(tree, wanted, min(len(lines), MAX_LOCATED_LINES))
    if not located:
        return None, located
    total = sum(weight for _, weight in located)
    weights: dict[int, int] = {}
    depths: dict[int, int] = {}
    elements: dict[int, Any] = {}
    for element, weight in located:
        chain = [element, *element.iterancestors()]
        for height, ancestor in enumerate(chain):
            node = id(ancestor)
            weights[node] = weights.get(node, 0) + weight
            depths[node] = len(chain) - height
            elements[node] = ancestor
    holding = [node for node, weight in weights.items() if weight >= BODY_SHARE * total]
    if not holding:
        return None, located
    container = elements[max(holding, key=depths.__getitem__)]
    # A body of one paragraph: the container is what holds the paragraph, not the paragraph.
    while container.tag in TEXT_BLOCKS and container.getparent() is not None:
        container = container.getparent()
    return container, located


# --- page blocks that are never the article ---------------------------------------------------

# Whole words of a block's class or id ("sf_comment_list", "subscribe-form", "cookiemsg") that
# name readers' comments. trafilatura prunes comments only under a name that starts with
# "comment", and its fallbacks then read the rest of the thread as the article.
READER_COMMENT_WORDS = frozenset(
    {
        "comment",
        "comments",
        "commentlist",
        "comentario",
        "comentarios",
        "kommentar",
        "kommentare",
        "commentaire",
        "commentaires",
        "commenti",
        "disqus",
    }
)
# Whole words naming the page's sign-up forms, consent notices, dialogs and promotions. Its
# fallback extractors (readability, jusText) read the whole page and keep these as text.
WIDGET_WORDS = frozenset(
    {
        "newsletter",
        "subscribe",
        "signup",
        "cookie",
        "cookies",
        "cookiemsg",
        "consent",
        "modal",
        "popup",
        "promo",
        "advert",
        "related",
        # consent platforms' blocks (an embed held back until the reader agrees: "Externer
        # Inhalt nicht verfügbar"); "cmp" alone is a theme's "component" as often
        "sourcepoint",
        "usercentrics",
        "onetrust",
        "didomi",
        "consentmanager",
        "cookiebot",
        "borlabs",
        "brlbs",
        "gdpr",
        "dsgvo",
        "optin",
    }
)
# A live report's running commentary ("live-match-comment") is the journalist's.
LIVE_WORDS = frozenset({"live", "liveblog", "match", "game"})
NAME_WORDS = re.compile(r"[\s_-]+")
PAGE_BLOCKS = ("div", "section", "ol", "ul", "aside", "form", "details")
# A widget's name on a block holding this many paragraphs this long is a wrapper's
# ("has-modal"), around the article.
MAX_WIDGET_PROSE_PARAGRAPHS = 1
PROSE_PARAGRAPH_LENGTH = 150


@dataclass(frozen=True)
class _WidgetText:
    """The lines of the page's readers' comments and widgets, and the words outside them."""

    lines: frozenset[str]
    tree: Any
    widgets: frozenset[Any]

    @cached_property
    def outside(self) -> str:
        """The page's words outside the widgets, run together (see `comparable`): read once
        a page, though the widgets' lines are taken out twice (see `extract_article`)."""
        parts = []
        for element in self.tree.iter():
            if isinstance(element.tag, str) and element not in self.widgets and element.text:
                parts.append(element.text)
            if element.tail and element.getparent() not in self.widgets:
                parts.append(element.tail)
        return comparable(" ".join(parts))


def _page_widget_text(tree: Any) -> _WidgetText:
    """The lines of the page's readers' comments and widgets, named as such by their class
    or id, to be taken out of the text trafilatura returns.

    The page itself is left whole: a block taken out before extraction changes what
    trafilatura chooses (without a recipe site's feedback dialog, its fallback wins and
    half the steps go). A block holding the headline or an `<article>` is the article's,
    whatever its name. So is a comments block holding the page's first paragraph of
    prose: readers comment after the story, and an opinion desk may name its body
    `section-comment`.
    """
    first_prose = next(_prose_paragraphs(tree), None)
    holding_story = set() if first_prose is None else set(first_prose.iterancestors())
    lines: set[str] = set()
    widgets: set[Any] = set()
    for element in tree.iter(*PAGE_BLOCKS):
        if element in widgets:
            continue
        if _is_page_widget(element, holds_first_prose=element in holding_story):
            inner = list(element.iter())
            widgets.update(inner)
            lines.update(comparable(part) for part in element.itertext())
            lines.update(comparable(part.text_content()) for part in inner)
    lines.discard("")
    return _WidgetText(frozenset(lines), tree, frozenset(widgets))


def _without_widget_lines(text: str, widget_text: _WidgetText) -> str:
    """The text without the lines only the widgets hold (a line the story also holds, as a
    list of related projects repeats a heading of the page, stays)."""
    lines = text.split("\n")
    candidates = {comparable(line) for line in lines} & widget_text.lines
    if not candidates:
        return text
    outside = widget_text.outside
    return _without_lines(text, {line for line in candidates if line not in outside})


def _prose_paragraphs(element: Any) -> Iterator[Any]:
    return (p for p in element.iter("p") if len(p.text_content()) >= PROSE_PARAGRAPH_LENGTH)


def _is_page_widget(element: Any, holds_first_prose: bool) -> bool:
    words = set(NAME_WORDS.split(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))
    comments = not words.isdisjoint(READER_COMMENT_WORDS) and words.isdisjoint(LIVE_WORDS)
    if not comments and words.isdisjoint(WIDGET_WORDS):
        return False
    if element.find(".//h1") is not None or element.find(".//article") is not None:
        return False
    if comments:
        return not holds_first_prose
    return sum(1 for _ in _prose_paragraphs(element)) <= MAX_WIDGET_PROSE_PARAGRAPHS


# --- inline markup trafilatura reads as blocks ---------------------------------------------------

# Where a quotation inside a paragraph is part of its sentence.
TEXT_BLOCK_PARENTS = frozenset({"p", "li", "td", "dd", "figcaption"})
QUOTATION_MARKS = tuple("\"'“”„‟«»‹›「」『』‘’‚")


def _inline_markup(tree: Any) -> None:
    """Make plain text of the inline elements trafilatura would cut a sentence at.

    A ruby's base in its own `<rb>` (a name over its reading, 尹錫悦 over
    ユンソンニョル, as Yomiuri writes names) is an element trafilatura does not
    know, and a `<q>` one it reads as a block quotation: either way the
    sentence came out in three lines ("韓国の" / "尹錫悦" / "大統領は…"; "„" /
    the quotation / "“ sagt BKA-Präsident Holger Münch"), the speaker apart from
    the words. The reading (`<rt>`, and the brackets `<rp>` puts around it) goes, as
    trafilatura drops it from the text, so that a headline read from the page is not
    "尹錫悦ユンソンニョル大統領が…"; a quotation the page does not put in quotation
    marks itself gets them, as a browser shows it.
    """
    etree.strip_elements(tree, "rt", "rp", with_tail=False)
    etree.strip_tags(tree, "rb")
    for quotation in list(tree.iter("q")):
        if not any(a.tag in TEXT_BLOCK_PARENTS for a in quotation.iterancestors()):
            continue
        previous = quotation.getprevious()
        before = (previous.tail if previous is not None else quotation.getparent().text) or ""
        if not (
            before.rstrip().endswith(QUOTATION_MARKS)
            or (quotation.tail or "").lstrip().startswith(QUOTATION_MARKS)
        ):
            quotation.text = f"“{quotation.text or ''}"
            last = quotation[-1] if len(quotation) else None
            if last is None:
                quotation.text += "”"
            else:
                last.tail = f"{last.tail or ''}”"
        quotation.drop_tag()


# --- posts the journalist embedded ----------------------------------------------------------

# A tweet or an Instagram post as the page holds it before the platform's script runs:
# the post's words, its author and date, in a `<blockquote>` of the platform's class.
EMBEDDED_POST_CLASS = re.compile(r"twitter-tweet|instagram-media")
POST_WRAPPER_STOP = frozenset({"html", "body", "main", "article"})


def _unwrap_embedded_posts(tree: Any) -> None:
    """Turn each embedded post into a plain quotation, as the reader sees it.

    A journalist embeds a post to quote it (a police appeal, a family's
    message); trafilatura takes the platform's class and the wrappers around it
    ("social-media-embed", "sdc-article-tweet") for a widget and drops the
    words. The post's own class, and those of the elements that hold nothing
    but the post, are removed, so the quotation is judged like any other.
    """
    posts = [q for q in tree.iter("blockquote") if EMBEDDED_POST_CLASS.search(q.get("class") or "")]
    for post in posts:
        post.attrib.pop("class", None)
        words = comparable(post.text_content())
        wrapper = post.getparent()
        while (
            wrapper is not None
            and wrapper.tag not in POST_WRAPPER_STOP
            and comparable(wrapper.text_content()) == words
        ):
            wrapper.attrib.pop("class", None)
            wrapper.attrib.pop("id", None)
            wrapper = wrapper.getparent()


# --- a body the page cut into parts ------------------------------------------------------------

# A part of the body holds this many paragraphs of prose (this long) that the text lacks.
MIN_PART_PARAGRAPHS = 2
MIN_PART_PARAGRAPH_LENGTH = 80
# A paragraph mostly link text is a teaser, not the story's.
MAX_PART_LINK_SHARE = 0.5


def _with_continued_body(text: str, located: list[tuple[Any, int]]) -> str:
    """The text with the parts of the body trafilatura left out after the first.

    Some sites cut the body into parts between adverts: the same element, with
    the same class, repeated ("body__container article__body" on Wired). When
    the text's paragraphs stand in one part, its later twins (siblings, or
    children of the parent's twins under the same grandparent) are the rest of
    the story; their paragraphs of prose that the text lacks follow the text, in
    the page's order.
    """
    present = comparable(text)
    parts: list[Any] = []
    for holder, _ in located:
        part = holder.getparent()
        if part is not None and part.get("class") and part not in parts:
            parts.append(part)
    added: list[str] = []
    for part in parts:
        for twin in _later_twins(part):
            paragraphs = _missing_paragraphs(twin, present)
            if sum(len(p) >= MIN_PART_PARAGRAPH_LENGTH for p in paragraphs) >= MIN_PART_PARAGRAPHS:
                added.extend(paragraphs)
                present += "".join(comparable(p) for p in paragraphs)
    return "\n".join([text, *added]) if added else text


def _with_body_opening(text: str, body: Any) -> str:
    """The text with the body's opening paragraphs that stand just before its container.

    A site that hides the rest of a story from readers who are not signed in keeps the
    opening outside the hideable box (`<p>…</p><div id="post-text-hidden">…`); trafilatura
    may take the box alone. The paragraphs of prose right before the box, beside it in
    the same parent (an empty slot between them aside), open the story. Anything else
    with words (a heading, a standfirst's box, a teaser) ends the search.
    """
    if body is None:
        return text
    present = comparable(text)
    opening: list[str] = []
    for sibling in body.itersiblings(preceding=True):
        if not isinstance(sibling.tag, str):
            continue
        words = _normalise(sibling.text_content())
        if not words:
            continue
        if sibling.tag != "p" or len(words) < PROSE_PARAGRAPH_LENGTH:
            break
        if comparable(words)[:LOCATED_CHECK_CHARACTERS] in present:
            break
        if _mostly_links(sibling, words):
            break
        opening.append(words)
    return "\n".join([*reversed(opening), text]) if opening else text


def _mostly_links(paragraph: Any, text: str) -> bool:
    """Whether a paragraph's `text` is mostly its links' (a teaser, not the story's)."""
    linked = sum(len(_normalise(link.text_content())) for link in paragraph.iter("a"))
    return linked > MAX_PART_LINK_SHARE * len(text)


def _later_twins(part: Any) -> list[Any]:
    """The elements after `part` with its tag and class: its siblings, or its cousins
    under the twins of its parent."""
    shape = (part.tag, part.get("class"))
    twins = [s for s in part.itersiblings() if (s.tag, s.get("class")) == shape]
    parent = part.getparent()
    if parent is not None and parent.get("class"):
        for uncle in parent.itersiblings():
            if (uncle.tag, uncle.get("class")) == (parent.tag, parent.get("class")):
                twins.extend(c for c in uncle if (c.tag, c.get("class")) == shape)
    return twins


def _missing_paragraphs(part: Any, present: str) -> list[str]:
    paragraphs = []
    for element in part.iter("p"):
        paragraph = element.text_content()
        if len(paragraph) < MIN_LOCATED_CHARACTERS:
            continue
        paragraph = _normalise(paragraph)
        key = comparable(paragraph)
        if len(key) < MIN_LOCATED_CHARACTERS or key[:LOCATED_CHECK_CHARACTERS] in present:
            continue
        if not _mostly_links(element, paragraph):
            paragraphs.append(paragraph)
    return paragraphs


# `itemprop=articleBody` marks the body itself, not the story around it.
STORY_XPATH = (
    "ancestor-or-self::*[self::article"
    " or contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')][1]"
)


def _story_of(body: Any) -> Any:
    """The element that marks out the whole story around the body container, else the body.

    That is the `<article>` (or schema.org Article) element holding the body,
    else the smallest element holding both the body and the page's `<h1>`
    (below `<body>`). A lead photo and a standfirst stand there, between the
    headline and the body's paragraphs.
    """
    if body is None:
        return None
    story = body.xpath(STORY_XPATH)
    if story:
        return story[0]
    headline = next(body.getroottree().getroot().iter("h1"), None)
    if headline is None:
        return body
    for ancestor in body.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if _contains(ancestor, headline):
            return ancestor
    return body


def _story_headline(title: str | None, body: Any, tree: Any) -> str | None:
    """The `<article>`'s own `<h1>` when the title chosen is an `<h1>` outside it.

    A page can show its headline twice: a sticky "roll-up" bar above the
    article repeats the shared title while the article's header shows the
    printed headline ("Broken Pledge"). The reader reads the one the story
    holds. Only a story the markup marks (`<article>`, schema.org Article)
    with one distinct `<h1>` settles it, on a page whose other `<h1>`s all repeat
    the title (teaser cards with `<h1>`s of their own make it a page of many
    stories); None otherwise.
    """
    if not title or body is None:
        return None
    marked = body.xpath(STORY_XPATH)
    if not marked:
        return None
    wanted = comparable(title)
    inside: dict[str, str] = {}
    outside = False
    for element in tree.iter("h1"):
        heading = _clean(element.text_content())
        if not heading:
            continue
        if _contains(marked[0], element):
            inside.setdefault(comparable(heading), heading)
        elif comparable(heading) == wanted:
            outside = True
        else:
            return None
    if not outside or len(inside) != 1 or wanted in inside:
        return None
    heading = next(iter(inside.values()))
    return heading if len(heading) >= MIN_HEADLINE_LENGTH else None


def _locate(tree: Any, wanted: dict[str, list[str]], count: int) -> list[tuple[Any, int]]:
    """Where each wanted line stands on the page, with the line's length as its weight.

    Lines are keyed by the start of their text; an element whose text starts
    the same way but goes on differently (a standfirst that opens like the
    first paragraph) is passed over.
    """
    located: list[tuple[Any, int]] = []
    for value in tree.xpath(LOCATED_TEXT_XPATH):
        lines = wanted.get(comparable(value[:LOCATED_SLICE])[:MIN_LOCATED_CHARACTERS])
        if not lines:
            continue
        holder = value.getparent()
        if value.is_tail:
            holder = holder.getparent()
        if holder is None:
            continue
        holder_text = comparable(holder.text_content())
        for line in lines:
            if line[:LOCATED_CHECK_CHARACTERS] in holder_text:
                lines.remove(line)
                located.append((holder, len(line)))
                break
        if len(located) == count:
            break
    return located


def _without_captions_naming_no_one_new(
    text: str, captions: list[_Caption], body: Any, story: Any
) -> tuple[str, list[_Caption]]:
    """The text and captions without the story's captions outside the body that name no one new.

    A lead photo's caption is worth keeping when it names the child or the village; one
    that only repeats names the story already gives adds nothing a search could find and
    is not the story the journalist wrote. Captions inside the body are the body's.
    """
    if body is None or story is None or story is body:
        return text, captions
    lead = [c for c in captions if _contains(story, c.element) and not _contains(body, c.element)]
    if not lead:
        return text, captions
    rest = _without_lines(text, {comparable(c.text) for c in lead})
    words = frozenset(word.casefold() for word in WORD.findall(rest))
    dull = {comparable(c.text) for c in lead if not _names_someone_new(c.text, words)}
    if not dull:
        return text, captions
    return _without_lines(text, dull), [c for c in captions if comparable(c.text) not in dull]


# A capitalised word after one of these starts a sentence and need not be a name.
SENTENCE_WORD = re.compile(r"\w+|[.!?:;]")
MIN_NAME_LENGTH = 3


def _names_someone_new(caption: str, words: frozenset[str]) -> bool:
    """Whether the caption holds a capitalised word (not a sentence's first) the text lacks.

    In a script without capitals (Chinese, Japanese) names cannot be told from
    other words this way, so such a caption counts as naming someone.
    """
    if not any(character.isupper() for character in caption):
        return True
    starts_sentence = True
    for match in SENTENCE_WORD.finditer(caption):
        word = match.group()
        if not word[0].isalnum():
            starts_sentence = True
            continue
        if (
            not starts_sentence
            and word[0].isupper()
            and len(word) >= MIN_NAME_LENGTH
            and word.casefold() not in words
        ):
            return True
        starts_sentence = False
    return False


def _drop_stray_captions(text: str, captions: list[_Caption], story: Any) -> str:
    """Remove caption lines that trafilatura kept but that stand outside the story.

    trafilatura judges a caption paragraph like any other, so a caption in the
    site's header, a sidebar or a neighbouring story's card can ride along
    with the body; a photo caption of this article stands in its story.
    """
    return _without_lines(
        text,
        {comparable(c.text) for c in captions if story is None or not _contains(story, c.element)},
    )


# --- captions and standfirst --------------------------------------------------------------

CAPTION_NAMED = "contains(@class, 'caption') or contains(@id, 'caption')"
CAPTION_XPATH = (
    "//figcaption"
    " | //*[@itemprop='caption' or @itemprop='description'][ancestor::figure]"
    f" | //*[self::div or self::p or self::span or self::small][{CAPTION_NAMED}]"
)
# Captions of embedded players are the titles of other stories, not photo captions.
HOLDS_PLAYER = ".//video or .//iframe or .//*[contains(@class, 'player')]"
PLAYER_XPATH = (
    "ancestor-or-self::*[contains(@class, 'video') or contains(@class, 'player')"
    " or contains(@id, 'video') or contains(@id, 'player')]"
    f" | ancestor::figure[1][{HOLDS_PLAYER}]"
)
GALLERY_XPATH = (
    "ancestor::*[contains(@class, 'gallery') or contains(@class, 'carousel')"
    " or contains(@class, 'slideshow') or contains(@class, 'lightbox')"
    " or contains(@class, 'swiper') or contains(@id, 'gallery')]"
)
# A shop's product card ("H & M - Plateausneaker … 24,99 € Zum Shop") is no photo's caption.
PRODUCT_XPATH = "ancestor::*[contains(@class, 'ecommerce') or contains(@class, 'product-card')][1]"
# What the reader never sees: a caption or summary kept in the page for scripts and crawlers.
HIDDEN_CLASSES = ("hidden", "hide", "is-hidden", "dis-none", "visually-hidden", "sr-only")
HIDDEN_XPATH = (
    "ancestor-or-self::*[@hidden or contains(translate(@style, ' ', ''), 'display:none')"
    + "".join(
        f" or contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
        for name in HIDDEN_CLASSES
    )
    + "]"
)
# A "caption" class on an element holding headings, menus or the article is a theme's name for
# a page region (`<div id="page" class="... caption">`), not a photo's caption: turned into
# one paragraph, it would swallow the whole page.
PAGE_REGION_XPATH = (
    "descendant::*[self::h1 or self::h2 or self::h3 or self::nav or self::article"
    " or self::main or self::header or self::footer][1]"
)
# A caption this short is a photo credit ("(Image: GETTY)", "Photo: AP").
MIN_CAPTION_LENGTH = 5
# A caption whose text is at least this share link text is a teaser's headline.
LINKED_CAPTION_SHARE = 0.5
CONTAINERS = frozenset({"html", "body", "article", "main", "section"})


@dataclass(slots=True)
class _Caption:
    """A caption turned into a paragraph: its text and the `<p>` that now stands for it."""

    text: str
    element: Any
    # The photo credits beside the caption in its figure ("Friso Gentsch/dpa" in a
    # `<span class="…-source">` after the caption's `<span>`): no line of the text.
    credits: tuple[str, ...] = ()


def _captions_to_paragraphs(tree: Any) -> list[_Caption]:
    """Replace each figure (or image box) by a plain paragraph holding its caption.

    The wrapper climbed is the largest ancestor whose only text is the
    caption, so an article container is never replaced. The returned records
    let `_drop_stray_captions` and `_restore_captions` judge each caption by
    where it stands against the body trafilatura chose.
    """
    captions = tree.xpath(CAPTION_XPATH)
    inner = [c for c in captions if not any(o is not c and _contains(c, o) for o in captions)]
    found: list[_Caption] = []
    seen: set[str] = set()
    for caption in inner:
        if caption.getparent() is None or caption.xpath(PLAYER_XPATH):
            continue
        if caption.xpath(PRODUCT_XPATH):
            continue
        if caption.xpath(HIDDEN_XPATH) or caption.xpath(PAGE_REGION_XPATH):
            continue
        # A gallery, carousel or lightbox repeats captions; the article's own copy is the
        # first one outside them, and any further copy would only repeat it.
        key = comparable(caption.text_content())
        if key in seen or caption.xpath(GALLERY_XPATH):
            continue
        seen.add(key)
        text = _caption_text(caption)
        if content_length(text) < MIN_CAPTION_LENGTH or _is_link_text(caption, text):
            continue
        wrapper = caption
        parent = wrapper.getparent()
        shown = _normalise(caption.text_content())
        while (
            parent is not None
            and parent.tag not in CONTAINERS
            and _normalise(parent.text_content()) == shown
        ):
            wrapper, parent = parent, parent.getparent()
        if parent is None or _beside_a_player(parent, wrapper):
            continue
        credits = _figure_credits(parent, wrapper, shown)
        found.append(_Caption(text, _as_paragraph(wrapper, text), credits))
    return found


def _beside_a_player(figure: Any, caption: Any) -> bool:
    """Whether the caption shares a box with a video player and no prose: it titles the video.

    A site can put the player and its caption side by side in a box its class
    does not name (CBC's `mediaEmbed`), where `PLAYER_XPATH` does not see them.
    """
    if figure.tag in CONTAINERS or not figure.xpath(HOLDS_PLAYER):
        return False
    return not any(p is not caption and not _contains(caption, p) for p in figure.iter("p"))


def _figure_credits(figure: Any, caption: Any, shown: str) -> tuple[str, ...]:
    """The credits beside the caption when `figure` holds nothing else: a larger block
    (the body around a figure) holds lines of its own, which are no credits."""
    credits = [
        _normalise(credit.text_content())
        for credit in figure.xpath(FIGURE_CREDIT_XPATH)
        if not _contains(caption, credit)
    ]
    rest = _normalise(figure.text_content())
    for part in (shown, *credits):
        rest = rest.replace(part, "", 1)
    return tuple(credits) if credits and not rest.strip() else ()


def _without_credit_lines(text: str, captions: list[_Caption]) -> str:
    """The text without lines that are only a caption's photo credit.

    A caption turned into a paragraph leaves the credit beside it on its own, where
    trafilatura can keep it as a line: the credit names the photographer, not
    anyone in the story.
    """
    return _without_lines(text, {comparable(credit) for c in captions for credit in c.credits})


def _without_lines(text: str, doomed: set[str]) -> str:
    """The text without the lines whose comparable form is in `doomed`."""
    doomed.discard("")
    if not doomed:
        return text
    return "\n".join(line for line in text.split("\n") if comparable(line) not in doomed)


def _as_paragraph(wrapper: Any, text: str) -> Any:
    """Put a paragraph holding the caption where its figure stood; return the paragraph.

    A figure inside a text paragraph (an inline image box before the first
    sentence) gives its paragraph to the text around it and the caption goes
    just before that paragraph: a paragraph inside a paragraph would lose the
    text that follows it.
    """
    paragraph = lxml_html.Element("p")
    paragraph.text = text
    enclosing = next((a for a in wrapper.iterancestors("p")), None)
    if enclosing is None:
        paragraph.tail = wrapper.tail
        wrapper.getparent().replace(wrapper, paragraph)
        return paragraph
    wrapper.drop_tree()
    enclosing.addprevious(paragraph)
    paragraph.tail = None
    return paragraph


# The photographer's or agency's credit, in its own element or at the caption's end:
# "(AP Photo/Alan Diaz, File)", "(Credit: Getty Images)", "[File: Reuters]", "Image: NASA".
CREDIT_XPATH = (
    ".//*[contains(@class, 'credit') or contains(@class, 'copyright')"
    " or contains(@class, 'photographer') or contains(@class, 'byline')"
    " or contains(@class, 'attribution')]"
)
AGENCY = (
    r"(?:AP|AFP|Reuters|Getty Images|EPA|PA|AAP|Shutterstock|iStock|dpa|EFE|ANSA|Keystone"
    r"|KNA|epd|Xinhua|Kyodo|Yonhap)"
)
# The word a credit starts with, in the languages of the sets the stage is measured on:
# "Foto:", "Bild:", "Quelle:", "Kuva:", "crédito:", "Fuente:", "Grafik:".
CREDIT_WORD = (
    r"photo|photograph|image|picture|credit|source|foto|bild|bildquelle|quelle|kuva|crédit"
    r"|crédito|credito|fuente|fonte|grafik|infografik|montage"
)
# One credit: its word and who ("Quelle: fhm/Getty Images", "Credit... Doug Mills/The New
# York Times"); a caption may end in several, "Quelle: fhm/Getty Images; Montage: Infografik
# WELT". The New York Times also prints "Credit Credit Chang W. Lee/The New York Times".
CREDIT_CLAUSE = (
    rf"\b(?:{CREDIT_WORD})s?\s*(?:by|via)?\s*(?:[:：/]|\.{{3}}|…)\s*(?:[^.:]|\.(?=\S)){{2,60}}\.?"
    r"|\b(?-i:Credit(?:\s+Credit)?\s+[A-Z])[^/:]{1,40}/[^/:]{2,40}"
)
# A credit in Chinese, Japanese or Korean: a bracket naming who took the photo or where it
# came from ("（新华社记者 李贺 摄）", "（潟沼義樹撮影）", "（图片来源：视觉中国）", "[사진 출처 =
# 연합뉴스]"), a reporter's "记者 李贺 摄" closing the caption, or an agency after "＝" ("＝ＡＰ").
CJK_CREDIT = (
    r"[（(\[【][^（）()\[\]【】]{0,40}(?:摄|攝|撮影|图片来源|圖片來源|图源|来源|來源|供图|供圖|사진)"
    r"[^（）()\[\]【】]{0,40}[）)\]】]"
    r"|(?:^|(?<=[。！？\s]))\S{0,8}(?:记者|記者)\s*[^\s，。,.]{2,4}\s*(?:摄|攝)"
    r"|＝(?:ＡＰ|ＡＦＰ|ＥＰＡ|AP|AFP|EPA|ロイター|共同|時事|新華社|ゲッティ|聯合)"
)
TRAILING_CREDIT = re.compile(
    rf"\s*(?:[(\[](?:[^()\[\]]*\b(?:{CREDIT_WORD}|file|courtesy)"
    rf"\b[^()\[\]]*|{AGENCY})(?:[)\]]|$)"
    rf"|(?:(?:{CREDIT_CLAUSE})\s*)+"
    # the credit's word left alone when its name was an element of its own ("… gibt« Foto:")
    rf"|\b(?:{CREDIT_WORD})s?\s*[:：]"
    r"|\bbild\s+via\b.{0,60}"
    # a credit written as a sentence: "Photo by Jane Doe/Rappler", "Screenshot by …"
    rf"|(?:^|(?<=[.!?]))\s*(?:{CREDIT_WORD}|screenshot|screengrab|illustration)s?"
    r"\s+(?:by|via|courtesy of)\s+(?-i:[A-Z])(?:[^.:]|\.(?=\S)){1,60}\.?"
    rf"|[^.()/]{{2,40}}/\s*{AGENCY}\b[^.()]{{0,20}}"
    # a photographer and the paper or agency in brackets: "(Evan Mitsui/CBC)"
    r"|\((?-i:[A-Z])[^()/]{1,40}(?:/[^()/]{2,40}){1,3}\)"
    # a copyright sign and its holder: "© FUNKE Foto Services | Reto Klar", "©Getty Images"
    r"|[©ⓒ][^©ⓒ]{1,60}"
    # a word alone after the last sentence: "… from the ground up. Supplied" (Postmedia)
    r"|(?<=[.!?])\s*(?:supplied|handout)(?: (?:photo|image|picture))?"
    # an agency, or an agency and its photographer, after the last sentence: "… Losail. EFE",
    # "… Kesselfestival. Lichtgut/Christoph Schmidt"
    rf"|(?<=[.!?])\s*{AGENCY}"
    r"|(?<=[.!?])(?<!\b[A-Z]\.)\s*(?-i:[A-Z])[^\s./][^./]{0,30}/\s*(?-i:[A-Z])[^./]{2,30}"
    rf"|{CJK_CREDIT})"
    r"\s*$",
    re.IGNORECASE,
)
# Beside a caption in its figure, an element naming the photo's source is its credit too.
FIGURE_CREDIT_XPATH = CREDIT_XPATH[:-1] + " or contains(@class, 'source')]"
# A part of the caption (a `<span>` of its own) that is only a credit: "J. Smith / AP file".
CREDIT_PART = re.compile(rf"^[^()/]{{2,40}}/\s*{AGENCY}\b[^()]{{0,20}}$", re.IGNORECASE)


def _caption_text(caption: Any) -> str:
    """A caption's words without the photo credit: the credit names no one in the story.

    The credit is an element of its own (class `credit`, `copyright`, …), a
    part of the caption that only names a photographer and an agency, or the
    caption's tail ("(AP Photo/Jane Doe)", "[File: Reuters]", "Image: NASA").
    The parts are joined with spaces: a credit's `<span>` often follows the
    caption's last word without one.
    """
    credits = {_normalise(part) for c in caption.xpath(CREDIT_XPATH) for part in c.itertext()}
    # a label only screen readers hear ("Legende:", "Image caption, ") is no word of it either
    not_words = credits | {label for e in caption.iter() if (label := _screen_reader_label(e))}
    parts = [_normalise(part) for part in caption.itertext()]
    kept = [p for p in parts if p and p not in not_words and not CREDIT_PART.match(p)]
    return TRAILING_CREDIT.sub("", " ".join(kept)).strip()


def _is_link_text(caption: Any, text: str) -> bool:
    """Whether a caption is mostly the text of links: a teaser card's headline, not a photo's.

    A story card in a "featured stories" list puts the other story's title in
    a `<figcaption>` link; a photo caption names what the photo shows and at
    most links a name or a credit.
    """
    linked = sum(len(_normalise(a.text_content())) for a in caption.iter("a"))
    for ancestor in caption.iterancestors():
        if ancestor.tag == "a":
            return True
        if ancestor.tag in CONTAINERS:
            break
    return linked >= LINKED_CAPTION_SHARE * len(text)


def _restore_captions(text: str, captions: list[_Caption], body: Any, story: Any) -> str:
    """Put back lead captions of the story that trafilatura's block choice left out.

    A caption comes back only when it stands in the story around the body
    container (see `_story_of`) and above the body: a lead photo between the
    headline and the body. A caption inside the body that trafilatura judged
    not to belong (a teaser card), or one outside the story, stays out.
    """
    if body is None or story is None:
        return text
    present = comparable(text)
    missing = {
        id(c.element): c
        for c in captions
        if comparable(c.text) not in present and _contains(story, c.element)
    }
    lead: list[str] = []
    for element in story.iter():
        if element is body:
            break
        caption = missing.get(id(element))
        if caption is not None:
            lead.append(caption.text)
    else:
        lead = []
    return "\n".join([*lead, text])


def _contains(ancestor: Any, element: Any) -> bool:
    return any(a is ancestor for a in element.iterancestors())


# A standfirst is a sentence, not a label: shorter descriptions are not added.
MIN_STANDFIRST_LENGTH = 8
# This many comparable characters of a description's opening found in the text: it is there.
STANDFIRST_OPENING = 80
STANDFIRST_SEARCH = (
    ".//text()[contains(normalize-space(.), $prefix)]"
    "[not(ancestor::a or ancestor::script or ancestor::style or ancestor::noscript)]"
)


# Text of a photo's caption as the page wrote it: in a figure, or in a box (or just
# inside one) named for captions; a page region named so is farther up.
IN_CAPTION_XPATH = (
    "ancestor-or-self::figure | ancestor-or-self::figcaption"
    f" | ancestor-or-self::*[position() <= 3][{CAPTION_NAMED}]"
)


def _shown_in(story: Any, description: str, caption_elements: set[int]) -> bool:
    """Whether an element of the story shows the description as its whole text (a standfirst).

    A description that is not shown there, or only inside a link (a teaser),
    or as part of a longer text, is search-engine copy. One shown as a photo's
    caption is that caption (a publisher may describe the story by its lead
    photo): whether it belongs in the text is the captions' call, not the standfirst's.
    """
    if content_length(description) < MIN_STANDFIRST_LENGTH:
        return False
    wanted = comparable(description)
    for node in story.xpath(STANDFIRST_SEARCH, prefix=description[:16]):
        element = node.getparent()
        for _ in range(3):
            if element is None:
                break
            shown = comparable(element.text_content())
            if shown == wanted:
                return not (
                    element.xpath(HIDDEN_XPATH)
                    or id(element) in caption_elements
                    or element.xpath(IN_CAPTION_XPATH)
                )
            if len(shown) > 2 * len(wanted):
                break
            element = element.getparent()
    return False


def _with_standfirst(
    text: str, descriptions: list[str], story: Any, captions: list[_Caption]
) -> str:
    """Prepend the page's description when the story shows it but the text lost it.

    Shown in the story around the body (between the headline and the body) it
    is the article's standfirst; shown elsewhere (a site header, a teaser
    strip) it belongs to no one story, and not shown it is search-engine copy.
    """
    present = comparable(text)
    caption_elements = {id(caption.element) for caption in captions}
    caption_texts = [comparable(caption.text) for caption in captions]
    for description in descriptions:
        wanted = comparable(description)
        # A description that is a photo's caption is no standfirst, and being in the text
        # as that caption says nothing of whether the story's standfirst is.
        if any(wanted in caption for caption in caption_texts):
            continue
        # In the text already, or its opening is: a description glued from the body's own
        # paragraphs ("… spielen.Mehr lesen: …") repeats the article, it does not lead it.
        if wanted[:STANDFIRST_OPENING] in present:
            return text
        if _shown_in(story, description, caption_elements):
            return f"{description}\n{text}"
    return text


# In-body promotion lines: links to other stories, newsletter and app pushes,
# share prompts. They are short, start or end in a fixed way, and are never
# what the journalist wrote about this story.
# A line trafilatura prints as a list item opens with its mark ("- 评论").
LIST_ITEM_MARK = r"(?:[-•]\s*)?"
TEASER_LINE = re.compile(
    rf"^{LIST_ITEM_MARK}(?:"
    r"(?:related|related posts?|related stories|related articles?|read more|read also|also read"
    r"|see more|more|recommended|you may also like|don't miss|more from \S+"
    r"|most read\b.*|popular on \S+|explore further|listen|download|watch)\s*[:：]"
    r"|click here\b|subscribe to\b|sign up for\b|get the latest\b|follow \S+(?: \S+)? on\b"
    r"|like this story\b|share this (?:article|story)\b|don't miss\b|most read in\b"
    r"|popular on \S+$|explore further$"
    # the same in the other languages of the pages the stage is measured on
    r"|(?:mehr lesen|weiterlesen|lesen sie mehr|mehr zum thema|zum thema|auch interessant"
    r"|weitere artikel|lire également|leer más|lee también|lea también|te puede interesar"
    r"|leia mais|leggi anche|les også|læs også|läs också|lees ook|lue myös"
    r"|czytaj (?:też|także|również))\s*[:：]"
    r"|(?:lesen sie auch|à lire aussi|a lire aussi|lire aussi|leia também)\b"
    r"|(?:mehr lesen|weiterlesen|lesen sie mehr|lire la suite|leer más|leia mais|read more"
    r"|continue reading|les mer|læs mere|läs mer|lees meer|lue lisää|czytaj więcej)\W*$"
    r"|相关阅读|相关新闻|延伸阅读|推荐阅读|相關閱讀|相關新聞|延伸閱讀|推薦閱讀|点击查看|點擊查看"
    r"|[（(【]?责任编辑|[（(【]?責任編輯|[（(【]?编辑[:：]|[（(【]?編輯[:：]"
    r")"
    r"|\[(?:insight|video|reaction|warning|news|pictures|poll|reveal|analysis)\]\s*\|?$",
    re.IGNORECASE,
)
MAX_TEASER_LINE_LENGTH = 30
# Page furniture that lands in the body's flow: a line that is only an e-mail address (a
# link alone may be the source a story cites), a copyright notice (with its year or sign,
# so a heading "Copyright reform" stays), a wire service's end mark, a lone label of the
# page's widgets, a sign-up form's reply, or a bracket left from a sign-off split in two.
FURNITURE_LINE = re.compile(
    rf"^{LIST_ITEM_MARK}(?:"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:copyright\b(?=.*(?:\d{4}|©|ⓒ))|©|ⓒ|\(c\)\s*\d{4}).*"
    r"|.*(?:all rights reserved|版权所有|版權所有|무단\s*전재|無断転載).*"
    r"|[(（]?(?:end|ends|끝|完)[)）]?|/ends?|-30-"
    r"|(?:分享到|分享至|分享让|分享讓|扫一扫|微信扫一扫|掃一掃).*|【?字号[:：]?\s*大\s*中\s*小】?"
    r"|打印(?:本页|本頁)?|关闭(?:窗口|本页)|關閉(?:視窗|本頁)|返回顶部|回到顶部|返回頂部"
    r"|comments?|tags|advertisement|sponsored|评论|評論|关注|關注|广告|廣告|【纠错】|【糾錯】"
    r"|thanks? (?:you )?for signing up!?|.*error processing your subscription\.?"
    # a Japanese paper's paywall and member links ("この記事は会員限定です。", "＞ ログイン")
    r"|(?:［有料会員限定］\s*)?この記事は(?:有料)?会員限定です.*"
    r"|(?:＞\s*)?(?:新規会員登録|ログイン|会員の方はこちら)|ご利用には会員登録が必要です|記事保存"
    r"|[】」』）]+"
    r")\s*$",
    re.IGNORECASE,
)


# The heading of a block of other stories' headlines that closes the body ("You may also
# like...", "More Must-Reads From TIME"): with only short lines after it, it and they go.
TEASER_HEADING = re.compile(
    r"^(?:you (?:may|might) also like|more must-reads from .+|more from .+"
    r"|recommended(?: for you| stories| reading)?|read next|what to read next"
    r"|most (?:popular|read|viewed)|trending(?: now| stories)?"
    r"|related (?:videos?|stories|articles|coverage|content|posts?)"
    r"|(?:featured|recent) slide ?shows|editor'?s picks"
    r"|猜你喜欢|热门推荐|相关推荐|热门新闻|猜你喜歡|熱門推薦|相關推薦|熱門新聞|関連記事|.{0,20}주요\s?뉴스"
    r"|関連キーワード|関連ニュース|おすすめ(?:情報|記事|ニュース)?|あわせて読みたい"
    r"|人気(?:記事|ランキング)|관련\s?기사|많이\s?본\s?뉴스|추천\s?기사"
    r"|(?:mehr )?zum thema|das könnte sie auch interessieren|weitere artikel|lesen sie auch"
    r"|auch interessant|ähnliche(?: artikel| themen| beiträge)?"
    r"|(?:à )?lire aussi|(?:también )?te puede interesar|leia também|potrebbe interessarti"
    r")[\s.…:：]*$",
    re.IGNORECASE,
)
MAX_TEASER_HEADING_LENGTH = 8
MAX_TEASER_ITEM_LENGTH = 25
# A full stop ends a sentence, not a headline ("…" and "?" end headlines too).
SENTENCE_END = re.compile(r"(?<!\.)[.。]['’”\"」)]*$")


# A heading hidden from sight and kept for screen readers names a region of the page
# ("Article content" between Postmedia's paragraphs, "Share this article"): a label of
# the page's layout, not the journalist's words. A longer one may be a hidden copy of the
# headline or a subheading, and one the page also shows stays.
LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "div", "span")
MAX_LABEL_WORDS = 4
# Classes that hide from sight only ("hidden-xs" hides a subheading on phones alone).
SCREEN_READER_CLASS = re.compile(
    r"visually-?hidden|sr-only|screen-reader|element-invisible|off-?screen", re.IGNORECASE
)
# A label is short; a longer text on the page is never its visible copy.
MAX_LABEL_LENGTH = 60


def _screen_reader_label(element: Any) -> str | None:
    """The words of a short label hidden from sight and kept for screen readers, if it is one."""
    named = element.get("class")
    if not named or len(element) or not SCREEN_READER_CLASS.search(named):
        return None
    words = _normalise(element.text_content())
    return words if words and len(WORD.findall(words)) <= MAX_LABEL_WORDS else None


def _screen_reader_labels(tree: Any) -> set[str]:
    """The comparable forms of the page's visually hidden labels that it never shows."""
    labels = {
        comparable(label) for e in tree.iter(*LABEL_TAGS) if (label := _screen_reader_label(e))
    }
    if labels:
        for element in tree.iter():
            text = (element.text or "").strip()
            if 0 < len(text) <= MAX_LABEL_LENGTH and not SCREEN_READER_CLASS.search(
                element.get("class") or ""
            ):
                labels.discard(comparable(text))
    return labels


def _drop_teaser_lines(text: str) -> str:
    """Remove short in-body promotion lines ("Related: ...", "READ MORE: ...", 相关阅读) and
    page furniture (a reporter's bare e-mail address, "Copyright ⓒ …", "(END)")."""
    kept = [
        line
        for line in text.split("\n")
        if content_length(line) > MAX_TEASER_LINE_LENGTH
        or not (TEASER_LINE.search(line) or FURNITURE_LINE.match(line))
    ]
    return "\n".join(_without_closing_teasers(kept))


# A stamp this near the article's day is the page's record of it (a comment's or an
# update's stamp comes within the day); an event's day, weeks away, is the story's.
MAX_STAMP_DAYS_FROM_ARTICLE = 1


def _without_stamp_lines(text: str, published: str | None) -> str:
    """The text without lines that are only a date stamp within a day of the article's.

    trafilatura keeps the date line ("Stand: 22.04.2024, 06:00 Uhr", "Von Vivien
    Valentiner, Redakteurin 06.11.2025, 17:06 Uhr") where it sits inside the body's
    block; the published field holds that day, and a stamp is not what the journalist
    wrote. Without a known day, nothing is taken out.
    """
    if not published:
        return text
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return text
    return "\n".join(
        line
        for line in text.split("\n")
        if (stamp := stamped_day(line)) is None
        or abs((stamp - day).days) > MAX_STAMP_DAYS_FROM_ARTICLE
    )


def _without_closing_teasers(lines: list[str]) -> list[str]:
    """The lines before a closing block of teasers: a teaser heading followed only by
    headlines and buttons (short, none ending a sentence). A sentence after the heading,
    however short, is the article's: everything stays."""
    for index, line in enumerate(lines[1:], start=1):
        if not TEASER_HEADING.match(line) or content_length(line) > MAX_TEASER_HEADING_LENGTH:
            continue
        if all(
            content_length(rest) <= MAX_TEASER_ITEM_LENGTH and not SENTENCE_END.search(rest)
            for rest in lines[index + 1 :]
        ):
            return lines[:index]
    return lines


def _drop_repeated_headline(text: str, title: str | None, h1: list[str]) -> str:
    """The text without lines that repeat the headline: the headline (or an `<h1>`)
    trafilatura kept at the top, and further down a photo's caption or a share box that
    only restates the title (a page's other `<h1>`s there are its section headings)."""
    leading = {comparable(h) for h in (title, *h1) if h}
    lines = text.split("\n")
    while lines and comparable(lines[0]) in leading:
        lines.pop(0)
    if not title:
        return "\n".join(lines).strip()
    repeated, longest = comparable(title), 2 * len(title)
    # Only a line about the headline's length can restate it; the others are not compared.
    return "\n".join(
        line for line in lines if len(line) > longest or comparable(line) != repeated
    ).strip()


# --- text helpers -----------------------------------------------------------------------------

SPACES = re.compile(r"\s+")


def _normalise(value: str) -> str:
    return SPACES.sub(" ", value).strip()


def _clean(value: str | None) -> str | None:
    return clean_field(value)


def _clean_text(text: str) -> str:
    lines = (line.strip() for line in text.replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)

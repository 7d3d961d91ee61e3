"""Extraction stage: from a page's HTML to the article's text and metadata.

trafilatura finds the main text and drops navigation, teasers, adverts and
comments. Homeward adds what a news archive needs on top of it:

* photo captions are kept. trafilatura throws away `<figure>` and anything
  whose class says "caption", yet captions often name the child and the
  village. Before extraction each caption is turned into a plain paragraph
  where its figure stood, so trafilatura's own boilerplate detection still
  decides whether it belongs to the article (a caption in a teaser box goes
  with the teaser); a caption that is mostly link text is a story card's
  headline, and one inside a gallery or carousel (or a second copy of a
  caption) belongs to no single photo: both are left alone;
* a lead photo's caption above the block trafilatura chose comes back when
  it sits in the same `<article>` as the extracted text;
* the standfirst is kept when the page shows its summary (the description)
  as the whole text of a visible element but trafilatura left it out;
* short in-body promotion lines ("Related: ...", "READ MORE: ...", 相关阅读,
  the editor's sign-off) are dropped: they are teasers, not the story;
* the title and publication date come from the page's metadata first
  (JSON-LD `headline`/`datePublished`, `og:title`, `article:published_time`),
  which is what the publisher states, and the date keeps its time of day;
  of the metadata titles, the one the page shows as its `<h1>` wins, in the
  `<h1>`'s form and without a site's tail ("Headline -- Sott.net");
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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Document
from trafilatura.utils import load_html

from pipelines.authors import Byline, chinese_byline, find_authors
from pipelines.fields import clean_field

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
    `keep_*`/`drop_*` switches turn Homeward's additions on and off, which the
    benchmark uses to show what each costs or gains. `min_length` counts words
    for alphabetic scripts and characters for CJK scripts (see
    `content_length`), so a short Chinese report is measured by what it says,
    not by its (absent) spaces.
    """

    include_comments: bool = False
    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    keep_captions: bool = True
    restore_lead_captions: bool = True
    keep_standfirst: bool = True
    drop_repeated_headline: bool = True
    drop_teaser_lines: bool = True
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


# Scripts written without spaces between words: length is counted in characters.
CJK_CHARACTER = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f]"
)
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
    tree = load_html(_DOCUMENT_END.sub("", html))
    if tree is None:
        return None
    page = _page_metadata(tree)
    byline = find_authors(tree, page.json_ld_author, page.meta)
    captions = _captions_to_paragraphs(tree) if options.keep_captions else []
    # trafilatura's own metadata search (htmldate and friends) costs a third of the
    # extraction; skip it when the publisher's metadata already names title and date.
    needs_metadata = not ((page.headline or page.og_title) and page.published)
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
    titles = [page.headline, page.og_title, _clean(document.title)]
    title = _visible_headline([_without_site_name(t, site_name) for t in titles if t], page.h1)
    text = _clean_text(document.text or "")
    if options.drop_teaser_lines:
        text = _drop_teaser_lines(text)
    if options.drop_repeated_headline:
        text = _drop_leading_headline(text, {title, *page.h1})
    if captions and options.restore_lead_captions:
        text = _restore_captions(text, captions)
    description = _clean(document.description) or page.description
    if options.keep_standfirst and page.standfirst:
        text = _with_standfirst(text, page.standfirst)
    if content_length(text) < options.min_length:
        return None
    byline = _site_is_no_author(byline, site_name)
    if not byline.people:
        lines = text.split("\n")
        byline.people = chinese_byline("\n".join([*page.h1, *lines[:3], *lines[-3:]]))

    return Extracted(
        url=url,
        text=text,
        title=title,
        published=page.published or _iso_date(document.date),
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
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")


@dataclass(slots=True)
class _PageMetadata:
    headline: str | None = None
    og_title: str | None = None
    published: str | None = None
    json_ld_author: Any = None
    meta: dict[str, str] = field(default_factory=dict)
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    h1: list[str] = field(default_factory=list)
    standfirst: str | None = None


def _page_metadata(tree: Any) -> _PageMetadata:
    """What the publisher states about the article, read from the untouched tree."""
    found = _PageMetadata()
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("http-equiv") or ""
        ).strip()
        content = (element.get("content") or "").strip()
        if key and content:
            meta.setdefault(key.lower(), content)
    for article in _json_ld_articles(tree):
        found.headline = found.headline or _clean(_first_text(article.get("headline")))
        found.published = found.published or _iso_date(_first_text(article.get("datePublished")))
        if found.json_ld_author is None:
            found.json_ld_author = article.get("author")
        found.site_name = found.site_name or _clean(_first_text(_name_of(article.get("publisher"))))
        found.description = found.description or _clean(_first_text(article.get("description")))
    found.meta = meta
    found.og_title = _clean(meta.get("og:title"))
    if found.published is None:
        for key in PUBLISHED_META:
            found.published = _iso_date(meta.get(key))
            if found.published:
                break
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
    found.h1 = [h for h in (_clean(h.text_content()) for h in tree.iter("h1")) if h]
    descriptions = [found.description, meta.get("og:description"), meta.get("description")]
    found.standfirst = next(
        (d for d in (_clean(d) for d in descriptions) if d and _shown_on_page(tree, d)), None
    )
    return found


# Some templates wrap JSON-LD in `<![CDATA[ … ]]>` or an HTML comment, which JSON rejects.
JSON_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _json_ld_articles(tree: Any) -> list[dict[str, Any]]:
    """Article objects from the page's JSON-LD, including those inside `@graph`."""
    articles: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(JSON_WRAPPER.sub("", script.text_content() or ""))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(kind in ARTICLE_TYPES for kind in kinds):
                    articles.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return articles


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _name_of(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("name") if isinstance(value, dict) else value


def _iso_date(value: str | None) -> str | None:
    """An ISO date or datetime, or None when the value is not one."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if (parsed.hour, parsed.minute, parsed.second, parsed.tzinfo) == (0, 0, 0, None):
        return parsed.date().isoformat()
    return parsed.isoformat()


def _without_site_name(title: str | None, site_name: str | None) -> str | None:
    """ "Boy found safe | Riverside Herald" -> "Boy found safe": the site is its own field."""
    if not title or not site_name:
        return title
    for separator in (" | ", " - ", " – ", " — ", "_", " :: "):
        suffix = f"{separator}{site_name}"
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    return title


def _site_is_no_author(byline: Byline, site_name: str | None) -> Byline:
    """A one-word byline that is the site's name ("LinkNaija") credits the site, not a person.

    A two-word site name that matches the byline is a person's own blog ("Haki Benita").
    """
    if not site_name:
        return byline
    site = _comparable(site_name)
    for name in [n for n in byline.people if _comparable(n) == site and " " not in n]:
        byline.people.remove(name)
        byline.organisations.append(name)
    return byline


# What may stand between a headline and the site's name in a metadata title.
TITLE_TAIL = re.compile(r"^\s*(?:[|\-–—:»·_~/\[(（【：｜]|::|--)")
MIN_HEADLINE_LENGTH = 8
# The part an `<h1>` shares with a title must be most of the `<h1>` to be its headline.
SHARED_HEADLINE_SHARE = 0.6


def _visible_headline(titles: list[str | None], h1: list[str]) -> str | None:
    """The headline the reader sees, chosen among the metadata titles by the page's `<h1>`.

    The titles come in the publisher's order of intent (JSON-LD `headline`,
    `og:title`, `<title>`); the first one the page shows as an `<h1>` wins,
    else the first one. "Headline -- Sott.net", "短缺药品…需求-新华网",
    "Headline | Aktuálne.cz": the `<h1>` shows the headline alone. A title that
    matches an `<h1>` only up to punctuation takes the `<h1>`'s form (its
    quotes and dashes as the reader sees them). An `<h1>` that is a site logo
    or a section name matches none.
    """
    for title in titles:
        shown = _shown_headline(title, h1) if title else None
        if shown:
            return shown
    return next((title for title in titles if title), None)


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
        if _comparable(heading) == _comparable(title):
            return heading
        shared = _common_prefix(heading, title).rstrip()
        if len(shared) < max(MIN_HEADLINE_LENGTH, SHARED_HEADLINE_SHARE * len(heading)):
            continue
        rest = title[len(shared) :]
        if TITLE_TAIL.match(rest) and len(rest) < len(shared):
            return shared
    return None


def _common_prefix(first: str, second: str) -> str:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


# --- captions and standfirst --------------------------------------------------------------

CAPTION_XPATH = (
    "//figcaption"
    " | //*[@itemprop='caption' or @itemprop='description'][ancestor::figure]"
    " | //*[self::div or self::p or self::span or self::small]"
    "[contains(@class, 'caption') or contains(@id, 'caption')]"
)
# Captions of embedded players are the titles of other stories, not photo captions.
PLAYER_XPATH = (
    "ancestor-or-self::*[contains(@class, 'video') or contains(@class, 'player')"
    " or contains(@id, 'video') or contains(@id, 'player')]"
)
GALLERY_XPATH = (
    "ancestor::*[contains(@class, 'gallery') or contains(@class, 'carousel')"
    " or contains(@class, 'slideshow') or contains(@class, 'lightbox')"
    " or contains(@class, 'swiper') or contains(@id, 'gallery')]"
)
# A caption this short is a photo credit ("(Image: GETTY)", "Photo: AP").
MIN_CAPTION_LENGTH = 5
# A caption whose text is at least this share link text is a teaser's headline.
LINKED_CAPTION_SHARE = 0.5
CONTAINERS = frozenset({"html", "body", "article", "main", "section"})
ARTICLE_SCOPE_XPATH = (
    "ancestor::*[self::article or @itemprop='articleBody'"
    " or contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')][1]"
)


@dataclass(slots=True)
class _Caption:
    """A caption turned into a paragraph, and the article paragraphs before and after it."""

    text: str
    before: list[str]
    after: list[str]


def _captions_to_paragraphs(tree: Any) -> list[_Caption]:
    """Replace each figure (or image box) by a plain paragraph holding its caption.

    The wrapper climbed is the largest ancestor whose only text is the
    caption, so an article container is never replaced. The returned records
    let `_restore_captions` bring back a caption that sits in the article but
    above the block trafilatura chose (a lead photo over the body).
    """
    captions = tree.xpath(CAPTION_XPATH)
    inner = [c for c in captions if not any(o is not c and _contains(c, o) for o in captions)]
    found: list[_Caption] = []
    seen: set[str] = set()
    for caption in inner:
        if caption.getparent() is None or caption.xpath(PLAYER_XPATH):
            continue
        # A gallery, carousel or lightbox repeats captions; the article's own copy is the
        # first one outside them, and any further copy would only repeat it.
        key = _comparable(caption.text_content())
        if key in seen or caption.xpath(GALLERY_XPATH):
            continue
        seen.add(key)
        text = _normalise(caption.text_content())
        if content_length(text) < MIN_CAPTION_LENGTH or _is_link_text(caption, text):
            continue
        wrapper = caption
        parent = wrapper.getparent()
        while (
            parent is not None
            and parent.tag not in CONTAINERS
            and _normalise(parent.text_content()) == text
        ):
            wrapper, parent = parent, parent.getparent()
        if parent is None:
            continue
        record = _Caption(text, [], [])
        scope = wrapper.xpath(ARTICLE_SCOPE_XPATH)
        if scope:
            side = record.before
            for element in scope[0].iter(wrapper.tag, "p"):
                if element is wrapper:
                    side = record.after
                elif element.tag == "p" and not _contains(wrapper, element):
                    paragraph_text = _normalise(element.text_content())
                    if content_length(paragraph_text) >= 2 * MIN_CAPTION_LENGTH:
                        side.append(paragraph_text)
        paragraph = lxml_html.Element("p")
        paragraph.text = text
        paragraph.tail = wrapper.tail
        parent.replace(wrapper, paragraph)
        found.append(record)
    return found


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


def _restore_captions(text: str, captions: list[_Caption]) -> str:
    """Put back lead captions of the extracted article that trafilatura's block choice left out.

    A caption comes back only when it stands above the extracted text inside
    the same `<article>` (or schema.org Article element): no paragraph of its
    article before it was extracted, and one after it was. A caption in a
    teaser card, whose teaser text was rightly dropped, stays out, and so do
    captions beside the body that trafilatura judged not to belong.
    """
    present = _comparable(text)
    lead: list[str] = []
    for caption in captions:
        if _comparable(caption.text) in present:
            continue
        if any(_comparable(p) in present for p in caption.before):
            continue
        if any(_comparable(p) in present for p in caption.after):
            lead.append(caption.text)
            present += _comparable(caption.text)
    return "\n".join([*lead, text])


def _contains(ancestor: Any, element: Any) -> bool:
    return any(a is ancestor for a in element.iterancestors())


# A standfirst is a sentence, not a label: shorter descriptions are not added.
MIN_STANDFIRST_LENGTH = 8
STANDFIRST_SEARCH = (
    "//body//text()[contains(normalize-space(.), $prefix)]"
    "[not(ancestor::a or ancestor::script or ancestor::style or ancestor::noscript)]"
)


def _shown_on_page(tree: Any, description: str) -> bool:
    """Whether the description is the whole text of a visible element (a standfirst).

    A description that is not shown on the page, or only inside a link (a
    teaser), or as part of a longer text, is search-engine copy.
    """
    if content_length(description) < MIN_STANDFIRST_LENGTH:
        return False
    wanted = _comparable(description)
    for node in tree.xpath(STANDFIRST_SEARCH, prefix=description[:16]):
        element = node.getparent()
        for _ in range(3):
            if element is None:
                break
            shown = _comparable(element.text_content())
            if shown == wanted:
                return True
            if len(shown) > 2 * len(wanted):
                break
            element = element.getparent()
    return False


def _with_standfirst(text: str, standfirst: str) -> str:
    """Prepend the standfirst when the page shows it but the extraction lost it."""
    if _comparable(standfirst) in _comparable(text):
        return text
    return f"{standfirst}\n{text}"


# In-body promotion lines: links to other stories, newsletter and app pushes,
# share prompts. They are short, start or end in a fixed way, and are never
# what the journalist wrote about this story.
TEASER_LINE = re.compile(
    r"^(?:[-•]\s*)?(?:"
    r"(?:related|related posts?|related stories|related articles?|read more|read also|also read"
    r"|see more|more|recommended|you may also like|don't miss|more from \S+"
    r"|most read\b.*|popular on \S+|explore further|listen|download|watch)\s*[:：]"
    r"|click here\b|subscribe to\b|sign up for\b|get the latest\b|follow \S+(?: \S+)? on\b"
    r"|like this story\b|share this (?:article|story)\b|don't miss\b|most read in\b"
    r"|popular on \S+$|explore further$"
    r"|相关阅读|相关新闻|延伸阅读|推荐阅读|相關閱讀|相關新聞|延伸閱讀|推薦閱讀|点击查看|點擊查看"
    r"|[（(]?责任编辑|[（(]?責任編輯|[（(]?编辑[:：]|[（(]?編輯[:：]"
    r")"
    r"|\[(?:insight|video|reaction|warning|news|pictures|poll|reveal|analysis)\]\s*\|?$",
    re.IGNORECASE,
)
MAX_TEASER_LINE_LENGTH = 30


def _drop_teaser_lines(text: str) -> str:
    """Remove short in-body promotion lines ("Related: ...", "READ MORE: ...", 相关阅读)."""
    kept = [
        line
        for line in text.split("\n")
        if content_length(line) > MAX_TEASER_LINE_LENGTH or not TEASER_LINE.search(line)
    ]
    return "\n".join(kept)


def _drop_leading_headline(text: str, headlines: set[str | None]) -> str:
    wanted = {_comparable(h) for h in headlines if h}
    lines = text.split("\n")
    while lines and _comparable(lines[0]) in wanted:
        lines.pop(0)
    return "\n".join(lines).strip()


# --- text helpers -----------------------------------------------------------------------------

SPACES = re.compile(r"\s+")
NON_WORD = re.compile(r"\W+")


def _normalise(value: str) -> str:
    return SPACES.sub(" ", value).strip()


def _comparable(value: str) -> str:
    return NON_WORD.sub("", value).casefold()


def _clean(value: str | None) -> str | None:
    return clean_field(value)


def _clean_text(text: str) -> str:
    lines = (line.strip() for line in text.replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)

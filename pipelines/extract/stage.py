"""The extraction stage's one entry point: the order in which the steps run.

Each step lives in its own module; the order matters (captions become paragraphs
before trafilatura reads the page, the body container is found before any addition
is judged, the stamps go after the lead captions and standfirst come back), so it is
written once, here, and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import load_html

from pipelines.authors import cjk_byline, find_authors, without_site
from pipelines.dates import iso_date, page_day, shown_date
from pipelines.extract.body import body_container, story_of, with_body_opening, with_continued_body
from pipelines.extract.captions import (
    captions_to_paragraphs,
    drop_stray_captions,
    restore_captions,
    without_captions_naming_no_one_new,
    without_credit_lines,
)
from pipelines.extract.clutter import drop_repeated_headline, drop_teaser_lines, without_stamp_lines
from pipelines.extract.markup import inline_markup, screen_reader_labels, unwrap_embedded_posts
from pipelines.extract.metadata import page_metadata
from pipelines.extract.standfirst import with_standfirst
from pipelines.extract.text import clean, clean_text, content_length, without_lines
from pipelines.extract.title import (
    lone_h1,
    lower_headings,
    shown_title_part,
    story_headline,
    uncut_at_quote,
    url_host,
    visible_headline,
    without_heading_name,
    without_leading_day,
    without_leading_mark,
    without_site_name,
)
from pipelines.extract.widgets import page_widget_text, without_widget_lines
from pipelines.fields import comparable


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
    inline_markup(tree)
    page = page_metadata(tree)
    byline = find_authors(
        tree, page.json_ld_author, page.meta, site_name=page.site_name, host=url_host(url)
    )
    if options.keep_embedded_posts:
        unwrap_embedded_posts(tree)
    captions = captions_to_paragraphs(tree) if options.keep_captions else []
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

    site_name = clean(document.sitename) or page.site_name
    host = url_host(url)
    stated = [without_site_name(t, site_name, host) for t in (page.headline, page.og_title)]
    guessed = without_site_name(clean(document.title), site_name, host)
    if guessed:  # trafilatura read a kicked `<h1>` as one text
        guessed = page.kicked_h1.get(comparable(guessed), guessed)
    if any(stated):
        title = visible_headline(
            [*stated, guessed], page.h1, fallback=[lone_h1(page, stated, site_name), *stated]
        )
    else:
        # No title stated in metadata: the `<title>` names the headline among the headings.
        named = without_site_name(page.html_title, site_name, host)
        # A blog's `<title>` naming its `<h1>` and the post: the post's part is the headline.
        lower = lower_headings(tree)
        post = without_heading_name(named, page.h1, lower)
        title = post or visible_headline(
            [named, guessed],
            [*page.h1, *page.h2],
            fallback=[shown_title_part(named, lower), guessed],
        )
    text = clean_text(document.text or "")
    # Read from the page trafilatura left whole (it reads a copy).
    widgets = page_widget_text(tree) if options.drop_page_widgets else None
    if widgets is not None:
        text = without_widget_lines(text, widgets)
    body, located = body_container(tree, text, captions)
    if options.continue_body:
        text = with_body_opening(with_continued_body(text, located), body)
        if widgets is not None:  # a later part of the body can hold a sign-up box too
            text = without_widget_lines(text, widgets)
    story = story_of(body) if options.story_additions else body
    # The headline as shown may itself carry the site's name ("… | Umweltbundesamt" in an <h1>).
    title = without_site_name(story_headline(title, body, tree) or title, site_name, host)
    if page.title_cut_at_quote:
        title = uncut_at_quote(title, [*page.h1, *page.h2])
    title = without_leading_day(without_leading_mark(title))
    # Every photo's caption, kept or not, is a caption: no standfirst (`with_standfirst`).
    shown_captions = captions
    if captions:
        text = without_credit_lines(drop_stray_captions(text, captions, story), captions)
        if options.lead_captions_need_names:
            text, captions = without_captions_naming_no_one_new(text, captions, body, story)
    if options.drop_teaser_lines:
        text = drop_teaser_lines(without_lines(text, screen_reader_labels(tree)))
    if options.drop_repeated_headline:
        text = drop_repeated_headline(text, title, page.h1)
    if captions and options.restore_lead_captions:
        text = restore_captions(text, captions, body, story)
    description = clean(document.description) or page.description
    if options.keep_standfirst and story is not None:
        text = with_standfirst(text, page.descriptions, story, shown_captions)
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
        text = without_stamp_lines(text, published)
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
        canonical_url=clean(document.url) if document.url and document.url != url else None,
    )

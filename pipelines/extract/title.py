"""Which headline is the article's: the publisher's statements against what the page shows.

Metadata titles carry site names, kickers and SEO wording; the `<h1>` can be the site's
logo or a roll-up bar. The rules here weigh one against the other so that the stored
title is the headline a reader sees.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pipelines.dates import SHOWN_DAY
from pipelines.extract.body import STORY_XPATH
from pipelines.extract.markup import contains
from pipelines.extract.metadata import MIN_HEADLINE_WORDS, PageMetadata
from pipelines.extract.text import WORD, clean, content_length
from pipelines.fields import comparable

# What joins a title and the site's name: "… | Site", "… » Site", "… › Site"; a name the
# metadata states may be glued on closer still, "…_Site", "…：Site".
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " › ", "｜", " · ")
SITE_NAME_SEPARATORS = (*TITLE_SEPARATORS, "_", ":", "：")


def without_site_name(title: str | None, site_name: str | None, host: str = "") -> str | None:
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


def url_host(url: str) -> str:
    """The address's host name, "" when there is none or the address is malformed."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" and the like
        return ""


@lru_cache(maxsize=1024)
def _address_names(host: str) -> frozenset[str]:
    """The forms a site's address gives its name: "lastampa", "lastampait"; "vondersee" for
    von-der-see.de, compared as a title's part is, without hyphens."""
    labels = [
        NOT_NAME_CHARACTERS.sub("", label)
        for label in host.casefold().split(".")
        if label and label != "www"
    ]
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


def without_heading_name(title: str | None, h1: list[str], lower: set[str]) -> str | None:
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


def shown_title_part(title: str | None, lower: set[str]) -> str | None:
    """The `<title>`'s longest part when a lower heading shows it, and no `<h1>` or `<h2>` does.

    A blog theme whose `<h1>` is its logo sets the post's title in an `<h3
    class="entry-title">`, and its `<title>` adds the blog's name and tagline
    ("Post : Blog | Tagline"). The longest part is the post's: a section's name beside
    the site's is short.
    """
    if not title:
        return None
    parts = [part.strip() for part in TITLE_PARTS.split(title)]
    longest = max(parts, key=len)
    if len(parts) < 2 or len(longest) < MIN_HEADLINE_LENGTH:
        return None
    return longest if comparable(longest) in lower else None


# Where a `<title>` joins its parts: the title separators, and a colon set apart by spaces.
TITLE_PARTS = re.compile("|".join(map(re.escape, TITLE_SEPARATORS)) + r"|\s+:\s+")

LOWER_HEADINGS_XPATH = "//body//h2 | //body//h3 | //body//h4"


def lower_headings(tree: Any) -> set[str]:
    return {comparable(h.text_content()) for h in tree.xpath(LOWER_HEADINGS_XPATH)}


# What may stand between a headline and the site's name in a metadata title.
TITLE_TAIL = re.compile(r"^\s*(?:[|\-–—:»›·_~/\[(（【：｜]|::|--)")
MIN_HEADLINE_LENGTH = 8
# The part an `<h1>` shares with a title must be most of the `<h1>` to be its headline.
SHARED_HEADLINE_SHARE = 0.6


def visible_headline(
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


def without_leading_mark(title: str | None) -> str | None:
    return LEADING_MARK.sub("", title) if title else title


# What parts a day printed before the headline from it: "23.01.2022 - Dorothea Wierer …".
DAY_SEPARATOR = re.compile(r"\s*[-–—|:·]\s+")


def without_leading_day(title: str | None) -> str | None:
    """The headline without the day a site prints before it in every copy of its title.

    The day is the article's `published`; in the title it would sort and
    read as the headline's first words.
    """
    if not title or (day := SHOWN_DAY.match(title)) is None:
        return title
    separator = DAY_SEPARATOR.match(title, day.end())
    rest = title[separator.end() :] if separator else ""
    return rest if content_length(rest) >= MIN_HEADLINE_WORDS else title


def uncut_at_quote(title: str | None, headings: list[str]) -> str | None:
    """The whole headline where the metadata's copy stops at a double quote.

    A template that writes the headline into `content="…"` unescaped ends the
    attribute at the headline's first quotation mark: `Senador republicano
    califica a Biden de "incapacitado"` is stated as "Senador republicano
    califica a Biden de" (the page's title tag shows it, `PageMetadata.
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


def lone_h1(page: PageMetadata, stated: list[str | None], site_name: str | None) -> str | None:
    """The page's one `<h1>` when the metadata titles are a different, social headline.

    `og:title` is often written for sharing ("Lady Gaga Shares Pic of Ex …") while
    the page shows another headline ("Lady Gaga Shares Photo of Ex … and Now We’re
    Confused"). When no stated title is shown as a heading, a page with a single
    distinct `<h1>` shows it as its headline, unless it is the site's name or has no
    word in common with the stated titles and description (a logo, a section name)
    and the `<title>` does not name it either (`_headline_named_by_title`: the stated
    title is then the section's name; a kicker the `<h1>` prints before the
    `<title>`'s headline goes). The same holds beside a JSON-LD `headline`, often
    written for search and cut at 110 characters ("… to contract" over the `<h1>`
    "… to contract medieval disease"); only a shorter `<h1>` that abridges the stated
    title is a short form, and the stated title stays.
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
    if stated_words & own_words:
        return heading
    return _headline_named_by_title(heading, page.html_title)


def _headline_named_by_title(heading: str, html_title: str | None) -> str | None:
    """The headline the `<title>` names in the `<h1>`: the `<h1>`, or its part after a kicker.

    An `og:title` a CMS fills with the section ("Pressemitteilungen") shares no word
    with the headline, but the `<title>` says which `<h1>` is the page's own:
    "BDZV: Olafur Eliasson gestaltet Titelseite …" over the `<h1>` "Olafur Eliasson
    gestaltet Titelseite …". The name beside it is the shorter part, so a logo's
    `<h1>` ("Site" in "Headline | Site") is never taken for the headline. An `<h1>`
    that prints a kicker before the headline the `<title>` states whole
    ("Medienmitteilung der Direktion :Impfen und Boostern …") gives that headline.
    """
    if not html_title:
        return None
    forms = [html_title]
    for separator in SITE_NAME_SEPARATORS:
        if separator not in html_title:
            continue
        name, _, rest = html_title.partition(separator)
        most, _, tail = html_title.rpartition(separator)
        ends = ((rest, name), (most, tail))
        forms += [kept for kept, dropped in ends if len(kept) > len(dropped)]
    if any(comparable(form) == comparable(heading) for form in forms):
        return heading
    for separator in SITE_NAME_SEPARATORS:
        kicker, _, headline = heading.rpartition(separator.strip() or separator)
        if kicker and comparable(headline) == comparable(html_title):
            return clean(headline)
    return None


def _names_the_site(heading: str, site_name: str) -> bool:
    """Whether an `<h1>` is the site's logo or masthead ("India Post", "LinkNaija Blog"),
    not a headline that mentions the site ("PolitiFact's guide to tariffs")."""
    site, shown = comparable(site_name), comparable(heading)
    return site in shown and len(shown) <= MASTHEAD_SHARE * len(site)


# A masthead `<h1>` holds the site's name and little more (a tagline word, "Blog").
MASTHEAD_SHARE = 2


def story_headline(title: str | None, body: Any, tree: Any) -> str | None:
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
        heading = clean(element.text_content())
        if not heading:
            continue
        if contains(marked[0], element):
            inside.setdefault(comparable(heading), heading)
        elif comparable(heading) == wanted:
            outside = True
        else:
            return None
    if not outside or len(inside) != 1 or wanted in inside:
        return None
    heading = next(iter(inside.values()))
    return heading if len(heading) >= MIN_HEADLINE_LENGTH else None

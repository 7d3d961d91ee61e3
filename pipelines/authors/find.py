"""The order in which the sources are tried, and a site that credits itself.

`find_authors` is the one entry point: the first source that names a person wins,
organisations are collected from every source tried, and a source that credits only
the site itself gives way to the next.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from pipelines.authors.byline import Byline, append_name, parse_byline
from pipelines.authors.cjk import cjk_byline
from pipelines.authors.elements import MAX_AUTHOR_CANDIDATES, author_candidates
from pipelines.authors.links import profile_link
from pipelines.authors.metadata import (
    AUTHOR_META,
    HANDLE,
    json_ld_authors,
    labelled_authors,
    profile_names,
    written_in_full,
)
from pipelines.authors.visible import (
    attributed_elements,
    bold_byline,
    by_line,
    dated_byline,
    visible_byline,
)
from pipelines.fields import comparable

# A link the page marks as a topic's (`rel="tag"`, `rel="category"`): themes print an
# article's categories inside its author element ("01.12.2022 / CSP / Photovoltaik"). A topic
# folder alone is no evidence: NDTV files its writers under `/topic/swati-bhasin`.
TOPIC_LINK_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ') or contains(@rel, 'category')]"
)


def _topic_names(tree: Any) -> set[str]:
    return {comparable(link.text_content()) for link in tree.xpath(TOPIC_LINK_XPATH)}


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
            append_name(byline.organisations, name)
        elif len(words) > len(site_words) + 1 and words[-len(site_words) :] == site_words:
            people.append(" ".join(name.split()[: -len(site_words)]))
            append_name(byline.organisations, site_name)
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
            append_name(found.organisations, name)
        if candidate.people and all(HANDLE.match(name) for name in candidate.people):
            handles = handles or candidate.people
        elif candidate.people:
            found.people = candidate.people
            return found
    if handles:
        found.people = [written_in_full(handle, tree) or handle for handle in handles]
        return found
    attributed = attributed_elements(tree)
    shown = without_site(visible_byline(tree, attributed), site_name)
    if shown.people:
        found.add(shown)
        return found
    # trafilatura stops at its first author element; one that names no one at all (a
    # date, "Xxx") gives way to the next few, one crediting an organisation does not
    # (the next is a related story's), but an unmarked "Written by: …" line still can.
    topics: set[str] | None = None
    for visible in islice(
        author_candidates(tree, attributed, commenters=False), MAX_AUTHOR_CANDIDATES
    ):
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

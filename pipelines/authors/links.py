"""A link to the writer's page (`/author/…`, `/newsteam/…`, `/auteur/…`).

Themes that print no byline often still link the writer's name to an archive of their
pieces: the last visible sign of who wrote the article.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from pipelines.authors.byline import Byline, parse_byline
from pipelines.authors.visible import MAX_BY_LINE_LENGTH, MAX_BYLINE_LENGTH
from pipelines.fields import clean_field, comparable

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
# The folder and the writer's own part after it: "/profile/" alone is a section's page.
PROFILE_FOLDER = re.compile("/(?:" + "|".join(PROFILE_FOLDERS) + ")/[^/?#]")
MAX_PROFILE_LINKS = 3


def profile_link(tree: Any) -> Byline:
    """The person the page's first link to a writer's page names ("著者：後藤大地").

    Sites that mark their byline with no class a search recognises still
    link the writer's name to the writer's page; the first such link stands
    in the article's header, before any related story's. Writers linked
    together in one line ("Clara Löw, Siddharth Prakash & Klaus Jacob") are
    all the article's.
    """
    links = (
        a
        for a in tree.xpath(PROFILE_LINK_XPATH)
        if PROFILE_FOLDER.search(a.get("href")) and not _in_prose(a)
    )
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


def _in_prose(link: Any) -> bool:
    """Whether the link stands in a paragraph of running text: a mention, not a byline.

    A sports site links a player's name in the story to the player's profile
    ("Tennis-Olympiasieger <a href="/profil/herren/alexander-zverev/">Alexander
    Zverev</a> hat …"); the player did not write it.
    """
    paragraph = next(link.iterancestors("p"), None)
    return paragraph is not None and len(paragraph.text_content()) > MAX_BYLINE_LENGTH

"""Writers the publisher states in metadata: JSON-LD `author`, author tags, a Twitter card.

These say most plainly who wrote the piece, so they are read first. An author tag that
holds a profile URL names someone only when the page shows the name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pipelines.authors.byline import Byline, append_name, parse_byline, plausible_name
from pipelines.fields import clean_field

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
        if shown and plausible_name(shown.group(0)):
            append_name(found.people, shown.group(0))
    return found


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
                    append_name(found.organisations, cleaned)
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


# A user name ("mikecason"), kept only when no meta tag names the person ("Mike Cason").
HANDLE = re.compile(r"^[a-z0-9_.]+$")
# The parts of a user name made of a person's names ("christian.stadtfeld", "gabor_munier").
HANDLE_PARTS = re.compile(r"[a-z]{2,}")
HANDLE_SEPARATORS = re.compile(r"[._-]")


def written_in_full(handle: str, tree: Any) -> str | None:
    """The name a user name stands for, as the page writes it ("Christian P. Stadtfeld").

    A CMS often states the writer's login ("christian.stadtfeld") as the JSON-LD
    author, while the page signs the story with the name. The name is taken only
    when the page writes the user name's parts in order, capitalised, one word each
    (a middle initial between them), whatever their accents ("Gàbor Muniér").
    """
    parts = HANDLE_SEPARATORS.split(handle)
    if len(parts) < 2 or not all(HANDLE_PARTS.fullmatch(part) for part in parts):
        return None
    body = tree.find(".//body")
    written = body.text_content() if body is not None else ""
    # One base letter per character, so a match's place is the same in the page's text.
    bare = "".join(unicodedata.normalize("NFKD", c)[0] for c in written)
    joined = r"\s+(?:[A-Z]\.\s+)?".join(
        f"{part[0].upper()}(?i:{re.escape(part[1:])})" for part in parts
    )
    match = re.search(rf"\b{joined}\b", bare)
    return clean_field(written[match.start() : match.end()]) if match else None


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

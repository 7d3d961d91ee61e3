"""Who wrote an article: people's names from JSON-LD, meta tags and bylines.

Sources in the order a publisher's intent is clearest:

1. JSON-LD `author` of the Article object (a string, an object, a list of
   either, inside `@graph` or not); `@type` Organization, and names that read
   as an agency, desk or staff line, go to `organisations`, never to authors;
2. `<meta name="author">`, `article:author`, `og:article:author`, `dc.creator`
   (a URL to a profile page gives a name only when the page shows it,
   `profile_names`);
3. the visible byline: the first element whose class says "byline" (or
   `itemprop=author`) that names a person, else trafilatura's own author
   search (`rel=author`, `class=author`, …), run here as Python tests on the
   few elements with such attributes (`trafilatura_author`: the same answers
   as `trafilatura.metadata.extract_author` at about a third of its cost);
4. where no element names a person: a Twitter card's "Written by" label, the
   first link to a writer's page (`/author/…`, `/newsteam/…`, `/auteur/…`, …), a
   short "By …" line after the `<h1>`, a date line by the `<h1>` that goes on to
   name the writer ("11.12.2019 - Amelie Loevenich");
5. a Chinese byline in the text: 记者 / 通讯员 / 作者 / 文 (文：, 文/) followed by names.
   编辑 and 责任编辑 name the editor, who is not an author.

A byline element is read with a separator where only the layout separates
its parts (`shown_text`: "Joe Davidson" above "Washington Post"); an author
tag listing production credits ("X at MSA Models") gives way to the visible
byline, and a source that credits only the site itself (`without_site`: a
JSON-LD "Person" named "L'Opinion" on L'Opinion) to the next source.

Every candidate string goes through `parse_byline`, which knows "By X and Y"
(in any case), "X, Y and Z", "X | Reuters", "X, CNN", "X of Reuters", "X,
Special to The Globe", trailing dates ("Joshua Sokol May 4, 2017") and job
titles ("Ben Silverman, Games Editor"); a one-word section label beside full
names ("Politik · …"), a follow link's label ("Twitter") and a sentence are no
names. The organisations a visible byline credits are kept apart too.
"""

from pipelines.authors.byline import Byline, parse_byline, surname_last
from pipelines.authors.cjk import chinese_byline, cjk_byline, korean_byline
from pipelines.authors.elements import trafilatura_author
from pipelines.authors.find import find_authors, without_site
from pipelines.authors.links import profile_link
from pipelines.authors.metadata import AUTHOR_META, json_ld_authors, labelled_authors, profile_names
from pipelines.authors.visible import OUTSIDE_STORY, by_line, shown_text

__all__ = [
    "AUTHOR_META",
    "OUTSIDE_STORY",
    "Byline",
    "by_line",
    "chinese_byline",
    "cjk_byline",
    "find_authors",
    "json_ld_authors",
    "korean_byline",
    "labelled_authors",
    "parse_byline",
    "profile_link",
    "profile_names",
    "shown_text",
    "surname_last",
    "trafilatura_author",
    "without_site",
]

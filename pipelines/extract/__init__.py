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

from pipelines.extract.stage import DEFAULT_OPTIONS, Extracted, ExtractOptions, extract_article
from pipelines.extract.text import content_length

__all__ = [
    "DEFAULT_OPTIONS",
    "ExtractOptions",
    "Extracted",
    "content_length",
    "extract_article",
]

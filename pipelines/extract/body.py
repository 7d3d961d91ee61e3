"""Where the extracted text stands on the page: the body container and the story around it.

Every addition (a caption, a lead caption, the standfirst) is judged by where it stands,
so the body trafilatura chose has to be found on the page first. A body the page cut
into parts between adverts is read whole from here too, as it is the same search.
"""

from __future__ import annotations

from typing import Any

from pipelines.extract.captions import Caption
from pipelines.extract.markup import contains
from pipelines.extract.text import normalise
from pipelines.extract.widgets import PROSE_PARAGRAPH_LENGTH
from pipelines.fields import comparable

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


def body_container(
    tree: Any, text: str, captions: list[Caption]
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


# A part of the body holds this many paragraphs of prose (this long) that the text lacks.
MIN_PART_PARAGRAPHS = 2
MIN_PART_PARAGRAPH_LENGTH = 80
# A paragraph mostly link text is a teaser, not the story's.
MAX_PART_LINK_SHARE = 0.5


def with_continued_body(text: str, located: list[tuple[Any, int]]) -> str:
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


def with_body_opening(text: str, body: Any) -> str:
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
        words = normalise(sibling.text_content())
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
    linked = sum(len(normalise(link.text_content())) for link in paragraph.iter("a"))
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
        paragraph = normalise(paragraph)
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


def story_of(body: Any) -> Any:
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
        if contains(ancestor, headline):
            return ancestor
    return body


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

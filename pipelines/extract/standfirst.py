"""The standfirst: the publisher's description, added when the page shows it in the story.

trafilatura often leaves out the sentence under the headline. It is added back only when
the page shows the description as the whole text of a visible element inside the story,
never when it is only metadata or a photo's caption.
"""

from __future__ import annotations

from typing import Any

from pipelines.extract.captions import CAPTION_NAMED, Caption
from pipelines.extract.markup import HIDDEN_XPATH
from pipelines.extract.text import content_length
from pipelines.fields import comparable

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


def with_standfirst(text: str, descriptions: list[str], story: Any, captions: list[Caption]) -> str:
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

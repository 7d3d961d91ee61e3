"""Photo captions: turned into paragraphs before extraction, then judged by where they stand.

Captions often name the child and the village, and trafilatura throws them away. Each
one becomes a paragraph where its figure stood, without its photo credit, so
trafilatura's own boilerplate detection still decides whether it belongs to the
article; the story's place on the page then decides which stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html

from pipelines.extract.markup import HIDDEN_XPATH, contains, screen_reader_label
from pipelines.extract.text import WORD, content_length, normalise, without_lines
from pipelines.fields import comparable


def without_captions_naming_no_one_new(
    text: str, captions: list[Caption], body: Any, story: Any
) -> tuple[str, list[Caption]]:
    """The text and captions without the story's captions outside the body that name no one new.

    A lead photo's caption is worth keeping when it names the child or the village; one
    that only repeats names the story already gives adds nothing a search could find and
    is not the story the journalist wrote. Captions inside the body are the body's.
    """
    if body is None or story is None or story is body:
        return text, captions
    lead = [c for c in captions if contains(story, c.element) and not contains(body, c.element)]
    if not lead:
        return text, captions
    rest = without_lines(text, {comparable(c.text) for c in lead})
    words = frozenset(word.casefold() for word in WORD.findall(rest))
    dull = {comparable(c.text) for c in lead if not _names_someone_new(c.text, words)}
    if not dull:
        return text, captions
    return without_lines(text, dull), [c for c in captions if comparable(c.text) not in dull]


# A capitalised word after one of these starts a sentence and need not be a name.
SENTENCE_WORD = re.compile(r"\w+|[.!?:;]")
MIN_NAME_LENGTH = 3


def _names_someone_new(caption: str, words: frozenset[str]) -> bool:
    """Whether the caption holds a capitalised word (not a sentence's first) the text lacks.

    In a script without capitals (Chinese, Japanese) names cannot be told from
    other words this way, so such a caption counts as naming someone.
    """
    if not any(character.isupper() for character in caption):
        return True
    starts_sentence = True
    for match in SENTENCE_WORD.finditer(caption):
        word = match.group()
        if not word[0].isalnum():
            starts_sentence = True
            continue
        if (
            not starts_sentence
            and word[0].isupper()
            and len(word) >= MIN_NAME_LENGTH
            and word.casefold() not in words
        ):
            return True
        starts_sentence = False
    return False


def drop_stray_captions(text: str, captions: list[Caption], story: Any) -> str:
    """Remove caption lines that trafilatura kept but that stand outside the story.

    trafilatura judges a caption paragraph like any other, so a caption in the
    site's header, a sidebar or a neighbouring story's card can ride along
    with the body; a photo caption of this article stands in its story.
    """
    return without_lines(
        text,
        {comparable(c.text) for c in captions if story is None or not contains(story, c.element)},
    )


CAPTION_NAMED = "contains(@class, 'caption') or contains(@id, 'caption')"
CAPTION_XPATH = (
    "//figcaption"
    " | //*[@itemprop='caption' or @itemprop='description'][ancestor::figure]"
    f" | //*[self::div or self::p or self::span or self::small][{CAPTION_NAMED}]"
)
# Captions of embedded players are the titles of other stories, not photo captions.
HOLDS_PLAYER = ".//video or .//iframe or .//*[contains(@class, 'player')]"
PLAYER_XPATH = (
    "ancestor-or-self::*[contains(@class, 'video') or contains(@class, 'player')"
    " or contains(@id, 'video') or contains(@id, 'player')]"
    f" | ancestor::figure[1][{HOLDS_PLAYER}]"
)
GALLERY_XPATH = (
    "ancestor::*[contains(@class, 'gallery') or contains(@class, 'carousel')"
    " or contains(@class, 'slideshow') or contains(@class, 'lightbox')"
    " or contains(@class, 'swiper') or contains(@id, 'gallery')]"
)
# A shop's product card ("H & M - Plateausneaker … 24,99 € Zum Shop") is no photo's caption.
PRODUCT_XPATH = "ancestor::*[contains(@class, 'ecommerce') or contains(@class, 'product-card')][1]"
# A "caption" class on an element holding headings, menus or the article is a theme's name for
# a page region (`<div id="page" class="... caption">`), not a photo's caption: turned into
# one paragraph, it would swallow the whole page.
PAGE_REGION_XPATH = (
    "descendant::*[self::h1 or self::h2 or self::h3 or self::nav or self::article"
    " or self::main or self::header or self::footer][1]"
)
# A caption this short is a photo credit ("(Image: GETTY)", "Photo: AP").
MIN_CAPTION_LENGTH = 5
# A caption whose text is at least this share link text is a teaser's headline.
LINKED_CAPTION_SHARE = 0.5
CONTAINERS = frozenset({"html", "body", "article", "main", "section"})


@dataclass(slots=True)
class Caption:
    """A caption turned into a paragraph: its text and the `<p>` that now stands for it."""

    text: str
    element: Any
    # The photo credits beside the caption in its figure ("Friso Gentsch/dpa" in a
    # `<span class="…-source">` after the caption's `<span>`): no line of the text.
    credits: tuple[str, ...] = ()


def captions_to_paragraphs(tree: Any) -> list[Caption]:
    """Replace each figure (or image box) by a plain paragraph holding its caption.

    The wrapper climbed is the largest ancestor whose only text is the
    caption, so an article container is never replaced. The returned records
    let `drop_stray_captions` and `restore_captions` judge each caption by
    where it stands against the body trafilatura chose.
    """
    captions = tree.xpath(CAPTION_XPATH)
    inner = [c for c in captions if not any(o is not c and contains(c, o) for o in captions)]
    found: list[Caption] = []
    seen: set[str] = set()
    for caption in inner:
        if caption.getparent() is None or caption.xpath(PLAYER_XPATH):
            continue
        if caption.xpath(PRODUCT_XPATH):
            continue
        if caption.xpath(HIDDEN_XPATH) or caption.xpath(PAGE_REGION_XPATH):
            continue
        # A gallery, carousel or lightbox repeats captions; the article's own copy is the
        # first one outside them, and any further copy would only repeat it.
        key = comparable(caption.text_content())
        if key in seen or caption.xpath(GALLERY_XPATH):
            continue
        seen.add(key)
        text = _caption_text(caption)
        if content_length(text) < MIN_CAPTION_LENGTH or _is_link_text(caption, text):
            continue
        wrapper = caption
        parent = wrapper.getparent()
        shown = normalise(caption.text_content())
        while (
            parent is not None
            and parent.tag not in CONTAINERS
            and normalise(parent.text_content()) == shown
        ):
            wrapper, parent = parent, parent.getparent()
        if parent is None or _beside_a_player(parent, wrapper):
            continue
        credits = _figure_credits(parent, wrapper, shown)
        found.append(Caption(text, _as_paragraph(wrapper, text), credits))
    return found


def _beside_a_player(figure: Any, caption: Any) -> bool:
    """Whether the caption shares a box with a video player and no prose: it titles the video.

    A site can put the player and its caption side by side in a box its class
    does not name (CBC's `mediaEmbed`), where `PLAYER_XPATH` does not see them.
    """
    if figure.tag in CONTAINERS or not figure.xpath(HOLDS_PLAYER):
        return False
    return not any(p is not caption and not contains(caption, p) for p in figure.iter("p"))


def _figure_credits(figure: Any, caption: Any, shown: str) -> tuple[str, ...]:
    """The credits beside the caption when `figure` holds nothing else: a larger block
    (the body around a figure) holds lines of its own, which are no credits."""
    credits = [
        normalise(credit.text_content())
        for credit in figure.xpath(FIGURE_CREDIT_XPATH)
        if not contains(caption, credit)
    ]
    rest = normalise(figure.text_content())
    for part in (shown, *credits):
        rest = rest.replace(part, "", 1)
    return tuple(credits) if credits and not rest.strip() else ()


def without_credit_lines(text: str, captions: list[Caption]) -> str:
    """The text without lines that are only a caption's photo credit.

    A caption turned into a paragraph leaves the credit beside it on its own, where
    trafilatura can keep it as a line: the credit names the photographer, not
    anyone in the story.
    """
    return without_lines(text, {comparable(credit) for c in captions for credit in c.credits})


def _as_paragraph(wrapper: Any, text: str) -> Any:
    """Put a paragraph holding the caption where its figure stood; return the paragraph.

    A figure inside a text paragraph (an inline image box before the first
    sentence) gives its paragraph to the text around it and the caption goes
    just before that paragraph: a paragraph inside a paragraph would lose the
    text that follows it.
    """
    paragraph = lxml_html.Element("p")
    paragraph.text = text
    enclosing = next((a for a in wrapper.iterancestors("p")), None)
    if enclosing is None:
        paragraph.tail = wrapper.tail
        wrapper.getparent().replace(wrapper, paragraph)
        return paragraph
    wrapper.drop_tree()
    enclosing.addprevious(paragraph)
    paragraph.tail = None
    return paragraph


# The photographer's or agency's credit, in its own element or at the caption's end:
# "(AP Photo/Alan Diaz, File)", "(Credit: Getty Images)", "[File: Reuters]", "Image: NASA".
CREDIT_XPATH = (
    ".//*[contains(@class, 'credit') or contains(@class, 'copyright')"
    " or contains(@class, 'photographer') or contains(@class, 'byline')"
    " or contains(@class, 'attribution')]"
)
AGENCY = (
    r"(?:AP|AFP|Reuters|Getty Images|EPA|PA|AAP|Shutterstock|iStock|dpa|EFE|ANSA|Keystone"
    r"|KNA|epd|Xinhua|Kyodo|Yonhap)"
)
# The word a credit starts with, in the languages of the sets the stage is measured on:
# "Foto:", "Bild:", "Quelle:", "Kuva:", "crédito:", "Fuente:", "Grafik:".
CREDIT_WORD = (
    r"photo|photograph|image|picture|credit|source|foto|bild|bildquelle|quelle|kuva|crédit"
    r"|crédito|credito|fuente|fonte|grafik|infografik|montage"
)
# One credit: its word and who ("Quelle: fhm/Getty Images", "Credit... Doug Mills/The New
# York Times"); a caption may end in several, "Quelle: fhm/Getty Images; Montage: Infografik
# WELT". The New York Times also prints "Credit Credit Chang W. Lee/The New York Times".
CREDIT_CLAUSE = (
    rf"\b(?:{CREDIT_WORD})s?\s*(?:by|via)?\s*(?:[:：/]|\.{{3}}|…)\s*(?:[^.:]|\.(?=\S)){{2,60}}\.?"
    r"|\b(?-i:Credit(?:\s+Credit)?\s+[A-Z])[^/:]{1,40}/[^/:]{2,40}"
)
# A credit in Chinese, Japanese or Korean: a bracket naming who took the photo or where it
# came from ("（新华社记者 李贺 摄）", "（潟沼義樹撮影）", "（图片来源：视觉中国）", "[사진 출처 =
# 연합뉴스]"), a reporter's "记者 李贺 摄" closing the caption, or an agency after "＝" ("＝ＡＰ").
CJK_CREDIT = (
    r"[（(\[【][^（）()\[\]【】]{0,40}(?:摄|攝|撮影|图片来源|圖片來源|图源|来源|來源|供图|供圖|사진)"
    r"[^（）()\[\]【】]{0,40}[）)\]】]"
    r"|(?:^|(?<=[。！？\s]))\S{0,8}(?:记者|記者)\s*[^\s，。,.]{2,4}\s*(?:摄|攝)"
    r"|＝(?:ＡＰ|ＡＦＰ|ＥＰＡ|AP|AFP|EPA|ロイター|共同|時事|新華社|ゲッティ|聯合)"
)
TRAILING_CREDIT = re.compile(
    rf"\s*(?:[(\[](?:[^()\[\]]*\b(?:{CREDIT_WORD}|file|courtesy)"
    rf"\b[^()\[\]]*|{AGENCY})(?:[)\]]|$)"
    rf"|(?:(?:{CREDIT_CLAUSE})\s*)+"
    # the credit's word left alone when its name was an element of its own ("… gibt« Foto:")
    rf"|\b(?:{CREDIT_WORD})s?\s*[:：]"
    r"|\bbild\s+via\b.{0,60}"
    # a credit written as a sentence: "Photo by Jane Doe/Rappler", "Screenshot by …"
    rf"|(?:^|(?<=[.!?]))\s*(?:{CREDIT_WORD}|screenshot|screengrab|illustration)s?"
    r"\s+(?:by|via|courtesy of)\s+(?-i:[A-Z])(?:[^.:]|\.(?=\S)){1,60}\.?"
    rf"|[^.()/]{{2,40}}/\s*{AGENCY}\b[^.()]{{0,20}}"
    # a photographer and the paper or agency in brackets: "(Evan Mitsui/CBC)"
    r"|\((?-i:[A-Z])[^()/]{1,40}(?:/[^()/]{2,40}){1,3}\)"
    # a copyright sign and its holder: "© FUNKE Foto Services | Reto Klar", "©Getty Images"
    r"|[©ⓒ][^©ⓒ]{1,60}"
    # a word alone after the last sentence: "… from the ground up. Supplied" (Postmedia)
    r"|(?<=[.!?])\s*(?:supplied|handout)(?: (?:photo|image|picture))?"
    # an agency, or an agency and its photographer, after the last sentence: "… Losail. EFE",
    # "… Kesselfestival. Lichtgut/Christoph Schmidt"
    rf"|(?<=[.!?])\s*{AGENCY}"
    r"|(?<=[.!?])(?<!\b[A-Z]\.)\s*(?-i:[A-Z])[^\s./][^./]{0,30}/\s*(?-i:[A-Z])[^./]{2,30}"
    rf"|{CJK_CREDIT})"
    r"\s*$",
    re.IGNORECASE,
)
# Beside a caption in its figure, an element naming the photo's source is its credit too.
FIGURE_CREDIT_XPATH = CREDIT_XPATH[:-1] + " or contains(@class, 'source')]"
# A part of the caption (a `<span>` of its own) that is only a credit: "J. Smith / AP file".
CREDIT_PART = re.compile(rf"^[^()/]{{2,40}}/\s*{AGENCY}\b[^()]{{0,20}}$", re.IGNORECASE)


def _caption_text(caption: Any) -> str:
    """A caption's words without the photo credit: the credit names no one in the story.

    The credit is an element of its own (class `credit`, `copyright`, …), a
    part of the caption that only names a photographer and an agency, or the
    caption's tail ("(AP Photo/Jane Doe)", "[File: Reuters]", "Image: NASA").
    The parts are joined with spaces: a credit's `<span>` often follows the
    caption's last word without one.
    """
    credits = {normalise(part) for c in caption.xpath(CREDIT_XPATH) for part in c.itertext()}
    # a label only screen readers hear ("Legende:", "Image caption, ") is no word of it either
    not_words = credits | {label for e in caption.iter() if (label := screen_reader_label(e))}
    parts = [normalise(part) for part in caption.itertext()]
    kept = [p for p in parts if p and p not in not_words and not CREDIT_PART.match(p)]
    return TRAILING_CREDIT.sub("", " ".join(kept)).strip()


def _is_link_text(caption: Any, text: str) -> bool:
    """Whether a caption is mostly the text of links: a teaser card's headline, not a photo's.

    A story card in a "featured stories" list puts the other story's title in
    a `<figcaption>` link; a photo caption names what the photo shows and at
    most links a name or a credit.
    """
    linked = sum(len(normalise(a.text_content())) for a in caption.iter("a"))
    for ancestor in caption.iterancestors():
        if ancestor.tag == "a":
            return True
        if ancestor.tag in CONTAINERS:
            break
    return linked >= LINKED_CAPTION_SHARE * len(text)


def restore_captions(text: str, captions: list[Caption], body: Any, story: Any) -> str:
    """Put back lead captions of the story that trafilatura's block choice left out.

    A caption comes back only when it stands in the story around the body
    container (see `story_of`) and above the body: a lead photo between the
    headline and the body. A caption inside the body that trafilatura judged
    not to belong (a teaser card), or one outside the story, stays out.
    """
    if body is None or story is None:
        return text
    present = comparable(text)
    missing = {
        id(c.element): c
        for c in captions
        if comparable(c.text) not in present and contains(story, c.element)
    }
    lead: list[str] = []
    for element in story.iter():
        if element is body:
            break
        caption = missing.get(id(element))
        if caption is not None:
            lead.append(caption.text)
    else:
        lead = []
    return "\n".join([*lead, text])

"""What a page's `<h1>` is when it is not the article's headline.

Both the title (`pipelines.extract`) and the date line (`pipelines.dates`) ask it: a
site's logo set in an `<h1>` names no article, and a `<header>` holding the logo and the
site's menu is the masthead, whose date is the day the page was saved.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

__all__ = ["is_logo"]


def is_logo(h1: Any) -> bool:
    """Whether the `<h1>` is the site's logo: one link to the home page holding all of it
    (`<h1><a href="/" rel="home">WordPress.com</a></h1>`, or the logo's image alone)."""
    links = h1.findall(".//a")
    if len(links) != 1:
        return False
    href = (links[0].get("href") or "").strip()
    home = links[0].get("rel") == "home" or (
        bool(href) and not href.startswith("#") and urlsplit(href).path in ("", "/")
    )
    return home and _words(links[0].text_content()) == _words(h1.text_content())


def _words(text: str) -> str:
    return " ".join(text.split())

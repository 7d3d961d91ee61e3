"""`homeward extract`: what a crawl would read from one saved page.

Before adding a site to the sources, an advocate checks that Homeward takes its
articles' text, title, date and authors right, and a stored article's evidence copy
(`homeward evidence ID -o page.html`) can be read again the same way. The stages are
the crawl's own (the charset checked against the bytes, the extraction with its size
limit, the language), so what is shown is what a crawl would store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from cli.terminal import clean_for_terminal
from crawler.workers import PageTooLarge, decode_and_extract
from pipelines.extract import DEFAULT_OPTIONS
from pipelines.language import detect_language

# Fields shown above the text, in this order, with the record's key for each.
SHOWN_FIELDS = (
    ("title", "Title"),
    ("published", "Published"),
    ("authors", "Authors"),
    ("site_name", "Site"),
    ("language", "Language"),
    ("url", "URL"),
)


# An address given where a saved page is wanted: the command fetches nothing.
ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _page_bytes(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, bytes]:
    """The page's name and bytes; an address or an unreadable file is a usage error."""
    if value == "-":
        with click.open_file("-", "rb") as stdin:
            return "<stdin>", stdin.read()
    if ADDRESS.match(value):
        raise click.BadParameter(
            f"{value!r} is an address; save the page first (curl -o page.html '{value}')"
            " and give the file, with --url for its address"
        )
    try:
        return value, Path(value).read_bytes()
    except OSError as error:
        raise click.BadParameter(f"{value!r}: {error.strerror}") from error


@click.command("extract")
@click.argument("page", callback=_page_bytes)
@click.option(
    "--url",
    default="",
    help="The page's address, as a crawl knows it: a day in it (/2019/05/04/) dates an "
    "article whose page states none, and its host names the site.",
)
@click.option("--json", "as_json", is_flag=True, help="The record as JSON, for programs.")
def extract(page: tuple[str, bytes], url: str, as_json: bool) -> None:
    """Show what Homeward reads from PAGE, a saved web page ('-' reads standard input).

    The title, date, authors, site and language, then the article's text, one
    paragraph a line. Exit status 1 when the page holds no article.
    """
    name, body = page
    try:
        article = decode_and_extract(body, None, url)
    except PageTooLarge as error:
        raise click.ClickException(f"{name}: too large to read, {error}") from error
    if article is None:
        raise click.ClickException(
            f"{name}: no article found (no text of at least {DEFAULT_OPTIONS.min_length}"
            " words, or characters in Chinese or Japanese, outside the page's menus and"
            " teasers)"
        )
    record = {
        "url": url or None,
        "title": article.title,
        "published": article.published,
        "authors": article.authors,
        "site_name": article.site_name,
        "language": detect_language(article.text, article.language),
        "description": article.description,
        "text": article.text,
    }
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    for key, label in SHOWN_FIELDS:
        value = record[key]
        shown = ", ".join(value) if isinstance(value, list) else value
        click.echo(f"{label}: {clean_for_terminal(shown or '-')}")
    click.echo()
    for line in article.text.split("\n"):
        click.echo(clean_for_terminal(line))

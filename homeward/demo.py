"""`homeward demo`: show a new user what Homeward does, on their own machine, offline."""

from __future__ import annotations

from importlib import resources

import click

from homeward.article import read_jsonl
from search.backend import open_archive
from search.query import build_request

SAMPLE_ARTICLES = "sample_articles.jsonl"
DEMO_QUERIES = ("trafficking OR 拐卖", "place:Shanxi", "year:1997")


def run_demo(archive_url: str | None) -> None:
    """Load the bundled sample articles into the archive and run a few searches."""
    sample = resources.files("homeward.data").joinpath(SAMPLE_ARTICLES)
    with sample.open(encoding="utf-8") as lines, open_archive(archive_url) as archive:
        report = archive.upsert(read_jsonl(lines, source=SAMPLE_ARTICLES))
        archive.refresh()
        click.echo(f"Loaded {report.stored} sample articles into {archive.url}")
        for query in DEMO_QUERIES:
            result = archive.search(build_request(query, limit=5))
            click.echo(f"\n$ homeward search {query!r}   -> {result.total} article(s)")
            for hit in result.hits:
                click.echo(f"  {(hit.article.published or '')[:10]}  {hit.article.title}")
    click.echo("\nTry: homeward search 'person:\"Wang Min\"' --json")

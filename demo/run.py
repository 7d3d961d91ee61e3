"""`homeward demo`: the whole job on a new user's machine, offline.

It serves the bundled sample news web on loopback, crawls it into the archive with
the real crawler and pipeline, and shows what the archive now answers. The sample
web always gets the same two ports, so a second demo is a real recrawl: it fetches
the feeds and finds nothing new to store, as a nightly crawl would.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from alerts.run import deliver_after_run
from crawler.run import run_crawl
from crawler.summary import format_summary
from demo.server import serve_sample_web
from homeward.paths import resolve_archive_url, shown_url
from search.open import open_archive
from search.query import build_request

DEMO_PORTS = {"news": 8751, "mirror": 8752}
DEMO_QUERIES = ("trafficking OR 拐卖", "place:Shanxi", "year:1997", '"Wang Min"')
# The sample stories date from 2023 on: take every feed and sitemap entry, whatever its age.
DEMO_SETTINGS = {"HOMEWARD_MAX_AGE_DAYS": 0, "HOMEWARD_CONTACT": "homeward-demo@localhost"}


def run_demo(archive_url: str | None) -> str:
    """Crawl the sample web into the archive and print a few searches; return the URL."""
    url = resolve_archive_url(archive_url)
    try:
        web = serve_sample_web(ports=DEMO_PORTS)
    except OSError as error:
        ports = ", ".join(str(port) for port in DEMO_PORTS.values())
        raise click.ClickException(
            f"cannot serve the sample news web on 127.0.0.1 ports {ports} ({error}); "
            "stop whatever uses them and run the demo again"
        ) from error
    with web, tempfile.TemporaryDirectory(prefix="homeward-demo-") as scratch:
        sources = Path(scratch) / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        click.echo(f"Serving the sample news web at {web.urls['news']} and {web.urls['mirror']}")
        click.echo(f"Crawling it into {shown_url(url)} …")
        summary = run_crawl(sources, url, settings_overrides=DEMO_SETTINGS)
    click.echo(format_summary(summary))
    deliver_after_run(url, summary.run_id, report=click.echo)
    with open_archive(url) as archive:
        click.echo(f"\nThe archive now holds {archive.count()} article(s).")
        for query in DEMO_QUERIES:
            result = archive.search(build_request(query, limit=5))
            click.echo(f"\n$ homeward search {query!r}   -> {result.total} article(s)")
            for hit in result.hits:
                date = (hit.article.published or "")[:10]
                click.echo(f"  {date}  {hit.article.title}")
    return url

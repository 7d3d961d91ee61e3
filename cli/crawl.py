"""`homeward crawl` and `homeward evidence`: fetch the sources, and read back what was captured."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from alerts.run import deliver_after_run
from cli.options import (
    FiniteFloatRange,
    archive_option,
    check_output,
    opened_archive,
    text_value,
    write_output,
)
from cli.terminal import clean_for_terminal
from crawler.homeward_settings import (
    MAX_DAYS,
    MAX_DEPTH,
    MAX_PAGES_PER_SOURCE,
    MAX_WORKERS,
    SettingError,
)
from crawler.run import CrawlError, run_crawl
from crawler.scrapyd import ScrapydError, crawl_on_scrapyd, parse_node_urls
from crawler.sources import SourcesError
from crawler.summary import format_summary
from homeward.paths import (
    archive_state_dir,
    default_sources_path,
    resolve_archive_url,
    shown_url,
)
from homeward.runs import EXIT_CODES
from search.evidence import EvidenceError, read_capture


@click.command()
@click.option(
    "--sources",
    type=click.Path(dir_okay=False, path_type=Path),
    help="sources.toml to crawl (default: $HOMEWARD_SOURCES, then ./sources.toml, "
    "then the sources.toml that ships with Homeward).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where crawl state lives (seen URLs, resume queue, WARC evidence); "
    "default: a folder per archive under the user's data folder.",
)
@click.option(
    "--scrapyd",
    "scrapyd_nodes",
    metavar="URL[,URL...]",
    help="Deploy to these Scrapyd nodes and split the sources among them; they all write "
    "to the (Elasticsearch) archive. See docs/scaling.md.",
)
@click.option(
    "--max-age-days",
    type=FiniteFloatRange(min=0, max=MAX_DAYS),
    metavar="DAYS",
    help="Once a source has been crawled, skip its feed and sitemap entries older than this; "
    f"0 takes them all; at most {MAX_DAYS:,} "
    "(default: $HOMEWARD_MAX_AGE_DAYS, then 30).",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Backfill: take every feed and sitemap entry published on or after this date "
    "(sitemap indexes included) and follow listing pages' pagination deeper.",
)
@click.option(
    "--pages-per-source",
    type=click.IntRange(min=0, max=MAX_PAGES_PER_SOURCE),
    metavar="N",
    help=f"Most article pages per source in this crawl; 0 = no limit; at most "
    f"{MAX_PAGES_PER_SOURCE:,} (default: $HOMEWARD_PAGES_PER_SOURCE, then 500).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0, max=MAX_DEPTH),
    metavar="N",
    help=f"Pagination steps followed from each listing page, at most {MAX_DEPTH:,} "
    "(default: $HOMEWARD_MAX_DEPTH, then 2).",
)
@click.option(
    "--relevance-threshold",
    type=FiniteFloatRange(min=0),
    metavar="SCORE",
    help="Minimum topic score to keep an article "
    "(default: $HOMEWARD_RELEVANCE_THRESHOLD, then the lexicon's own).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0, max=MAX_WORKERS),
    metavar="N",
    help=f"Processes for extraction, language and entities; 0 = none; at most {MAX_WORKERS} "
    "(default: $HOMEWARD_WORKERS, then one per CPU, at most 4).",
)
@click.option(
    "--entities/--no-entities",
    default=None,
    help="Tag people, places and years (default: $HOMEWARD_ENTITIES, then on).",
)
@archive_option
def crawl(
    sources: Path | None,
    as_json: bool,
    state_dir: Path | None,
    scrapyd_nodes: str | None,
    archive_url: str | None,
    **policy: Any,
) -> None:
    """Crawl the sources into the archive and print a run summary.

    A source's first crawl takes everything its feeds and sitemaps list; later crawls
    take what is new (--max-age-days), and --since backfills an older period.
    Progress goes to standard error while it runs. Ctrl-C stops it cleanly; the
    next crawl resumes where it stopped. Pages already stored or judged off-topic
    are never fetched again. Every crawl is recorded (`homeward runs`).
    """
    sources_path = sources or default_sources_path()
    if policy["since"] is not None:
        if policy["max_age_days"] is not None:
            raise click.UsageError("--since sets the window itself; leave out --max-age-days")
        policy["since"] = policy["since"].date().isoformat()
    # Options given on the command line win over the environment (HOMEWARD_<NAME>).
    overrides = {f"HOMEWARD_{name.upper()}": v for name, v in policy.items() if v is not None}
    try:
        if scrapyd_nodes:
            if state_dir:
                raise click.UsageError("--state-dir is for local crawls; nodes keep their own")
            summary = _crawl_on_scrapyd(sources_path, archive_url, scrapyd_nodes, overrides)
        else:
            summary = run_crawl(
                sources_path,
                resolve_archive_url(archive_url),
                state_dir=state_dir,
                settings_overrides=overrides,
            )
    except (SourcesError, SettingError) as error:
        raise click.UsageError(str(error)) from error
    except CrawlError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_summary(summary))
    # Saved searches look at what this run stored; a failed alert never fails the crawl.
    deliver_after_run(
        resolve_archive_url(archive_url),
        summary.run_id,
        report=lambda line: click.echo(line, err=as_json),
    )
    # The exit status tells how it ended: 0 ok, 1 failed, 124 time limit, 130 stopped.
    if code := EXIT_CODES.get(summary.state or "", 0):
        raise SystemExit(code)


def _crawl_on_scrapyd(
    sources_path: Path, archive_url: str | None, nodes: str, overrides: dict[str, Any]
) -> Any:
    try:
        return crawl_on_scrapyd(
            sources_path,
            resolve_archive_url(archive_url),
            parse_node_urls(nodes),
            settings_overrides=overrides,
            report=lambda line: click.echo(line, err=True),
        )
    except ScrapydError as error:
        raise click.ClickException(str(error)) from error


@click.command()
@click.argument("article_id", callback=text_value)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the captured page to, replaced only when it is complete; a regular "
    "file, never a link, device or pipe (default: standard output).",
)
@click.option("--headers", is_flag=True, help="Print the captured HTTP headers instead.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The crawl state folder, if not the default.",
)
@archive_option
def evidence(
    article_id: str,
    output: Path | None,
    headers: bool,
    state_dir: Path | None,
    archive_url: str | None,
) -> None:
    """Write out the page exactly as it was captured when ARTICLE_ID was stored.

    The body is checked against the SHA-256 recorded with the article.
    """
    if output is not None:  # a link or a missing folder is named before any work
        check_output(output)
    url = resolve_archive_url(archive_url)
    with opened_archive(url) as archive:
        article = archive.get(article_id)
    if article is None:
        raise click.ClickException(f"no article {article_id!r} in {shown_url(url)}")
    if article.evidence is None:
        raise click.ClickException(f"article {article_id} has no evidence capture")
    folder = archive_state_dir(url, state_dir) / "evidence"
    try:
        captured_headers, body = read_capture(article.evidence, search_dirs=[folder])
    except EvidenceError as error:
        raise click.ClickException(str(error)) from error
    if headers:
        for name, value in captured_headers:
            click.echo(f"{clean_for_terminal(name)}: {clean_for_terminal(value)}")
        return
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        written = write_output(output, lambda handle: handle.write(body))
        click.echo(f"wrote {written} bytes to {output}", err=True)

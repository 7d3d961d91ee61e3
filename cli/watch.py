"""`homeward watch`: saved searches, checked after every crawl (search/watches.py)."""

from __future__ import annotations

from typing import Any

import click

from cli.options import archive_option, opened_archive, query_options, text_value
from cli.terminal import clean_for_terminal, shorten
from search.archive import Archive
from search.watches import Watch, WatchError, mark_seen, stored_since


@click.group()
def watch() -> None:
    """Saved searches: after every crawl each one is run over the new and changed
    articles, and new matches go to its Atom feed (/watch/ID/feed.atom), e-mail and
    webhook."""


@watch.command("add")
@click.argument("name", callback=text_value)
@query_options
@click.option("--email", multiple=True, metavar="ADDRESS", help="Send new matches here.")
@click.option("--webhook", metavar="URL", help="POST new matches to this URL as JSON.")
@click.option("--mask-names", is_flag=True, help="Mask children's names in what is sent.")
@archive_option
def add(
    name: str,
    query: str,
    email: tuple[str, ...],
    webhook: str | None,
    mask_names: bool,
    archive_url: str | None,
    sort: str,
    **filters: Any,
) -> None:
    """Save a search as NAME (QUERY and filters as `homeward search` takes them)."""
    try:
        saved = Watch.new(name, query, filters, email=email, webhook=webhook, mask_names=mask_names)
        with opened_archive(archive_url) as archive:
            archive.create_watch(saved)
    except WatchError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"saved search {saved.name!r} ({saved.id}): {clean_for_terminal(saved.shown())}")


@watch.command("list")
@archive_option
def list_(archive_url: str | None) -> None:
    """List the saved searches."""
    with opened_archive(archive_url) as archive:
        watches = archive.list_watches()
    if not watches:
        click.echo("no saved searches (`homeward watch add NAME QUERY` saves one)")
    for saved in watches:
        pending = ", ".join(
            f"{channel} failing: {shorten(clean_for_terminal(p.get('error', '')), 80)}"
            for channel, p in saved.pending.items()
        )
        click.echo(
            f"{saved.id}  {clean_for_terminal(saved.name)}  "
            f"{shorten(clean_for_terminal(saved.shown()), 60)}  "
            f"last run {saved.last_run_at or 'never'}, {len(saved.matches)} match(es)"
            + (f"  [{pending}]" if pending else "")
        )


@watch.command("show")
@click.argument("name", callback=text_value)
@archive_option
def show(name: str, archive_url: str | None) -> None:
    """A saved search's matches, new ones (stored since you last looked) marked *."""
    with opened_archive(archive_url) as archive:
        saved = _found(archive, name)
        click.echo(f"{clean_for_terminal(saved.name)}: {clean_for_terminal(saved.shown())}")
        new = 0
        for match in saved.matches:
            article = archive.get(match["id"])
            if article is None:
                continue
            fresh = stored_since(article, saved.last_seen_at)
            new += fresh
            date = (article.published or "")[:10] or "-"
            title = shorten(clean_for_terminal(article.title or article.url), 90)
            click.echo(f"{'*' if fresh else ' '} {date:10}  {title}  {article.id}")
        click.echo(f"{new} new since you last looked, {len(saved.matches)} in all")
        archive.update_watch(saved.id, mark_seen)


@watch.command("remove")
@click.argument("name", callback=text_value)
@archive_option
def remove(name: str, archive_url: str | None) -> None:
    """Delete a saved search."""
    with opened_archive(archive_url) as archive:
        saved = _found(archive, name)
        if not archive.delete_watch(saved.id):
            raise _missing(name)
    click.echo(f"removed saved search {saved.name!r}")


def _found(archive: Archive, name: str) -> Watch:
    """The saved search with this name or id; a message naming it when there is none."""
    saved = archive.find_watch(name)
    if saved is None:
        raise _missing(name)
    return saved


def _missing(name: str) -> click.ClickException:
    return click.ClickException(f"no saved search named {name!r} (`homeward watch list`)")

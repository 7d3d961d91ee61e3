"""`homeward serve` and `homeward demo`: the web page, and the sample web crawled into it."""

from __future__ import annotations

import os

import click
import uvicorn

from cli.options import archive_option
from demo.run import run_demo
from homeward.paths import shown_url
from search.archive import ArchiveError
from web import create_app
from web.security import TOKEN_ENV, is_loopback

PORT = click.IntRange(1, 65535)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=PORT, default=8000, show_default=True)
@archive_option
def serve(host: str, port: int, archive_url: str | None) -> None:
    """Serve the web search page and JSON API (see docs/web.md).

    Only this computer can connect unless --host names another address; then the
    access token in HOMEWARD_TOKEN is required for every page and API call.
    """
    token = os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise click.UsageError(
            f"--host {host} would let other machines read the archive; set {TOKEN_ENV} to "
            "an access token (16+ random characters) first, or serve on 127.0.0.1"
        )
    try:
        app = create_app(archive_url, token=token)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    except ArchiveError as error:
        raise click.ClickException(str(error)) from error
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(
        f"Homeward at {where} (archive {shown_url(app.state.archive.url)}); Ctrl-C stops it",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, server_header=False, proxy_headers=False)


@click.command()
@click.option(
    "--serve/--no-serve",
    "then_serve",
    default=True,
    show_default=True,
    help="Serve the archive in the browser afterwards, as `homeward serve` does.",
)
@click.option("--port", type=PORT, default=8000, show_default=True, help="Port to serve on.")
@archive_option
@click.pass_context
def demo(ctx: click.Context, then_serve: bool, port: int, archive_url: str | None) -> None:
    """Serve the bundled sample news web, crawl it into the archive, show searches,
    then serve the archive at http://127.0.0.1:8000/ (Ctrl-C stops it)."""
    url = run_demo(archive_url)
    if then_serve:
        ctx.invoke(serve, host="127.0.0.1", port=port, archive_url=url)

"""The `homeward` command: the top floor, one module per command group.

Commands are listed here as dotted paths and imported when they are used, so
`homeward search` starts without loading Scrapy, FastAPI or WeasyPrint (as
Scrapy picks its components from tables of dotted paths).

Exit status: 0 success, 1 a failure with a message (archive unreachable, bad
import line), 2 bad usage (including a query syntax error, which names the token).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click

__all__ = ["COMMANDS", "main"]

# command name -> "module:attribute"
COMMANDS = {
    "search": "cli.search:search",
    "stats": "cli.search:stats",
    "export": "cli.export:export",
    "import": "cli.archive:import_",
    "retag": "cli.archive:retag",
    "rescore": "cli.rescore:rescore",
    "crawl": "cli.crawl:crawl",
    "evidence": "cli.crawl:evidence",
    "extract": "cli.extract:extract",
    "serve": "cli.serve:serve",
    "demo": "cli.serve:demo",
    "schedule": "cli.schedules:schedule",
    "runs": "cli.runs:runs",
    "sources": "cli.runs:sources",
    "watch": "cli.watch:watch",
    "marks": "cli.marks:marks",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, from `COMMANDS`."""

    def __init__(self, *args: Any, commands_table: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands_table = commands_table

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands_table)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.commands_table.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(import_module(module), attribute)
        return command


@click.group(
    cls=LazyGroup,
    commands_table=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="homeward")
def main() -> None:
    """Homeward: crawl, search and export news on child abduction and trafficking."""


if __name__ == "__main__":  # pragma: no cover - `python -m cli.main`
    main()

"""Where Homeward keeps things: the archive, crawl state, and the sources list.

Every layer asks here, so the CLI, the crawler, the scheduler and the web app
agree on one archive and one state folder for it without importing each other.
Each lookup follows one order: an explicit argument, then the environment
variable, then a default under the user's data folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from platformdirs import user_data_dir

__all__ = [
    "ARCHIVE_ENV",
    "SHIPPED_SOURCES",
    "SOURCES_ENV",
    "archive_state_dir",
    "default_archive_url",
    "default_sources_path",
    "default_state_root",
    "resolve_archive_url",
    "shown_url",
]

ARCHIVE_ENV = "HOMEWARD_ARCHIVE"
SOURCES_ENV = "HOMEWARD_SOURCES"
SHIPPED_SOURCES = Path(__file__).resolve().parent.parent / "sources.toml"


def data_dir() -> Path:
    return Path(user_data_dir("homeward"))


def default_archive_url() -> str:
    return "sqlite:///" + str(data_dir() / "archive.sqlite")


def resolve_archive_url(url: str | None) -> str:
    """`--archive`, then HOMEWARD_ARCHIVE, then the embedded file in the user's data dir."""
    return url or os.environ.get(ARCHIVE_ENV) or default_archive_url()


# scheme://userinfo@ : the userinfo is what comes before the authority's last "@".
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#]*)@")


def shown_url(url: str) -> str:
    """A URL fit for a message or a log: a password in it (`http://user:pw@host`) shown
    as `***`. Never fails, whatever the text; one that is no URL comes back as it is."""
    found = _USERINFO.match(url)
    if found is None or ":" not in found["userinfo"]:
        return url
    user = found["userinfo"].split(":", 1)[0]
    return f"{found['scheme']}{user}:***@{url[found.end() :]}"


def default_state_root() -> Path:
    return data_dir() / "state"


def archive_state_dir(archive_url: str, state_root: str | Path | None = None) -> Path:
    """The state directory of one archive: readable prefix plus a hash of its URL, so two
    archives crawled from one machine never share memory of what was stored."""
    root = Path(state_root).expanduser() if state_root else default_state_root()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", archive_url.split("://", 1)[-1]).strip("-")[-40:]
    digest = hashlib.sha256(archive_url.encode("utf-8")).hexdigest()[:12]
    return root / f"{slug or 'archive'}-{digest}"


def default_sources_path() -> Path:
    """$HOMEWARD_SOURCES, then sources.toml here, then the list that ships with Homeward."""
    configured = os.environ.get(SOURCES_ENV)
    if configured:
        return Path(configured)
    here = Path("sources.toml")
    return here if here.exists() else SHIPPED_SOURCES

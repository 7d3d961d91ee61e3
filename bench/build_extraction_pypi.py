"""Install the real article pages of newspaper4k's PyPI source distribution as an evaluation set.

    .venv/bin/python bench/build_extraction_pypi.py [--archive SDIST]

`scripts/setup.sh` runs it, so CI and every fresh machine have a set of real pages
with checked title, authors, date and text whose floors are held in every test run
(tests/test_extraction_real.py). The pages come from a package registry, pinned by
version and SHA-256: `pip download` fetches the source distribution, its hash is
checked, and its `tests/data` (MIT, like the package) becomes
`.venv/eval-data/extraction-pypi/` (or `$HOMEWARD_EVAL_DATA/extraction-pypi/`) with
the package's licence. Nothing of it is committed. The pages, their corrections and
their tuning/held-out parts are those of the same pages in the larger
`extraction-real` set, built by the same code (`newspaper_pages`). A set already
built from the pinned version is left as it is, so a second setup needs no network.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_real import FolderTree, add_page, newspaper_pages, write_truth  # noqa: E402
from bench.pinned_archive import PinnedArchive, builder_main  # noqa: E402

SET = "extraction-pypi"
PACKAGE = "newspaper4k"
VERSION = "0.9.6"
SHA256 = "a3f2f0e017dddb6f1019ee77aaa8980e13e6ecea0b949abc7167aae4770d2d0e"
PINNED = PinnedArchive(PACKAGE, VERSION, SHA256)


def download(folder: Path) -> Path:
    """The pinned source distribution, fetched with pip (no dependencies)."""
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"),
            *("--no-deps", "--no-binary", ":all:", "--dest", str(folder)),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    return folder / f"{PACKAGE}-{VERSION}.tar.gz"


def install(archive: Path, target: Path) -> int:
    """Build the set from `archive` into `target`; BadArchive unless it is the pinned one."""
    PINNED.check(archive)
    prefix = f"{PACKAGE}-{VERSION}"
    with tempfile.TemporaryDirectory() as unpacked, tarfile.open(archive) as tar:
        wanted = [
            member
            for member in tar.getmembers()
            if member.name.startswith(f"{prefix}/tests/data/") or member.name == f"{prefix}/LICENSE"
        ]
        tar.extractall(unpacked, members=wanted, filter="data")
        tree = FolderTree(Path(unpacked) / prefix)
        (target / "html").mkdir(parents=True, exist_ok=True)
        pages: dict[str, dict[str, object]] = {}
        for key, (entry, raw) in newspaper_pages(tree).items():
            add_page(target, pages, key, entry, raw)
        licence = tree.read("LICENSE") or b""
    write_truth(target, pages, licences={"LICENSE-newspaper4k": licence})
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    return builder_main(argv, __doc__, SET, PINNED, install, download)


if __name__ == "__main__":
    sys.exit(main())

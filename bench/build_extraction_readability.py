"""Install Mozilla Readability's real article pages, as a Go port ships them, as an evaluation set.

    .venv/bin/python bench/build_extraction_readability.py [--archive MODULE_ZIP]

The 79 Readability pages of the real set (`extraction-real`, made from a repository
snapshot and so kept in the steering repository's shared folder) also ship in the Go
port of Readability, `codeberg.org/readeck/go-readability/v2`, which the Go module proxy
serves: a package registry the project's own scripts may reach. `scripts/setup.sh`
installs them from there, so every machine, CI included, holds the extraction floors
on them. The module's zip is pinned by version and SHA-256; a different archive is
refused. The pages are built by the real set's own code (`readability_pages`, with its
hand-checked corrections) and keep the parts they have there; the text truth is the
port's expected output, which differs from Mozilla's on a few pages. Pages the port
added after the real set was made are left out, so both sets hold the same pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_real import (  # noqa: E402
    READABILITY_SKIP,
    add_page,
    readability_pages,
    write_truth,
)
from bench.pinned_archive import PinnedArchive, builder_main, module_files  # noqa: E402

SET = "extraction-readability"
MODULE = "codeberg.org/readeck/go-readability/v2"
VERSION = "v2.1.3"
SHA256 = "1ebdeed0ad5ce08e9cc0b05db617327d86538c7b36c53eeb5cba3d2a47f4f26a"
PINNED = PinnedArchive(MODULE, VERSION, SHA256)
# Test pages the port has and the real set does not: two synthetic ones, three added later.
NOT_IN_REAL_SET = frozenset(
    {"keep-images-2", "noscript-img-1", "noscript-img-2", "solarmagazine", "substack"}
)
# The real set counts its parts over newspaper4k's 22 pages first, then Readability's.
PAGES_BEFORE_IN_REAL_SET = 22


def install(archive: Path, target: Path) -> int:
    """Build the set from `archive` into `target`; BadArchive unless it is the pinned one."""
    with module_files(PINNED, archive, target) as tree:
        pages: dict[str, dict[str, object]] = {}
        corpus = readability_pages(tree, "test-pages", READABILITY_SKIP | NOT_IN_REAL_SET)
        for key, (entry, raw) in corpus.items():
            add_page(target, pages, key, entry, raw)
        licence = tree.read("LICENSE") or b""
    write_truth(
        target,
        pages,
        first_index=PAGES_BEFORE_IN_REAL_SET,
        licences={"LICENSE-go-readability": licence},
    )
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    return builder_main(argv, __doc__, SET, PINNED, install)


if __name__ == "__main__":
    sys.exit(main())

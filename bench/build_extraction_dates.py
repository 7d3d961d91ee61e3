"""Install 195 real news pages of 2020 with hand-checked publication days as an evaluation set.

    .venv/bin/python bench/build_extraction_dates.py [--archive MODULE_ZIP]

The pages are the Media Cloud sample of htmldate's evaluation (news sites of many
countries and languages, each page's publication day determined by hand; collected by
the Data Culture Group at Northeastern University). They ship, with their dates, in the
Go port of htmldate (github.com/markusmobius/go-htmldate, Apache License 2.0), which the
Go module proxy serves: a package registry the project's own scripts may reach, so
`scripts/setup.sh` installs the set on every machine and CI holds its date floors. The
module's zip is pinned by version and SHA-256; a different archive is refused. It
becomes `.venv/eval-data/extraction-dates/` (or `$HOMEWARD_EVAL_DATA/extraction-dates/`)
in the real set's format (`truth.json`, `html/`): only `date` is stated, so the pages
are scored for the date alone. Every third page is held out, as in the real set.

Bare trafilatura finds dates with htmldate, which was measured on these very pages:
the bar the stage is held against is a high one here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_real import add_page, write_truth  # noqa: E402
from bench.go_tables import go_entries  # noqa: E402
from bench.pinned_archive import PinnedArchive, builder_main, module_files  # noqa: E402

SET = "extraction-dates"
MODULE = "github.com/markusmobius/go-htmldate"
VERSION = "v1.10.1"
SHA256 = "b43e703ea7605917239029f51af7d035067c66756c4e2f5dcc2a916b38212302"
PINNED = PinnedArchive(MODULE, VERSION, SHA256)
SOURCE = "go-htmldate"
PAGES = "test-files/mediacloud/"
DATES = "scripts/comparison/data-mediacloud.go"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def dated_pages(dates_table: str) -> dict[str, tuple[str, str]]:
    """File name -> (url, day) for every page the table dates ("nan": no date, left out)."""
    pages = {}
    for _, fields in go_entries(dates_table):
        url, file_name, day = (str(fields.get(name, "")) for name in ("URL", "File", "Date"))
        if DAY.fullmatch(day):
            pages[file_name] = (url, day)
    return pages


def install(archive: Path, target: Path) -> int:
    """Build the set from `archive` into `target`; BadArchive unless it is the pinned one."""
    with module_files(PINNED, archive, target) as tree:
        table = (tree.read(DATES) or b"").decode("utf-8")
        dates = dated_pages(table)
        pages: dict[str, dict[str, object]] = {}
        missing = 0
        for file_name, (url, day) in sorted(dates.items()):
            raw = tree.read(PAGES + file_name)
            if raw is None:
                missing += 1
                continue
            entry = {
                "title": None,
                "authors": None,
                "date": day,
                "text": None,
                "url": url,
                "language": None,
                "source": SOURCE,
            }
            add_page(target, pages, f"mediacloud-{Path(file_name).stem}", entry, raw)
        licence = tree.read("LICENSE") or b""
    left_out = {
        "the source dates none": len(go_entries(table)) - len(dates),
        "not in the module": missing,
    }
    write_truth(target, pages, licences={"LICENSE-go-htmldate": licence}, left_out=left_out)
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    return builder_main(argv, __doc__, SET, PINNED, install)


if __name__ == "__main__":
    sys.exit(main())

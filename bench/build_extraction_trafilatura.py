"""Install trafilatura's 983 annotated evaluation pages as an evaluation set.

    .venv/bin/python bench/build_extraction_trafilatura.py [--archive MODULE_ZIP]

trafilatura's own evaluation: real pages (German-language news sites, blogs, public
bodies and shops for the most part; Polish news and English pages besides), each
annotated by hand with passages the article's text must hold (`with`) and passages of
page furniture it must not (`without`), and for most of them the title, the date and
the authors. They ship, with the annotations, in the Go port of trafilatura
(github.com/markusmobius/go-trafilatura, Apache License 2.0), which the Go module proxy
serves, so `scripts/setup.sh` installs the set on every machine and CI holds its floors.
The module's zip is pinned by version and SHA-256; a different archive is refused. It
becomes `.venv/eval-data/extraction-trafilatura/` (or
`$HOMEWARD_EVAL_DATA/extraction-trafilatura/`) in the real set's format, the snippets
in `with`/`without` instead of a text. Every third page is held out.

trafilatura was written against these very pages: the bar bare trafilatura sets here
is a high one. The annotated authors are the byline as the page gives it, so they
include organisations ("Greenpeace"), where the stage names people only; a byline is
split into the names it holds, without its opening word ("Von Roland Brockmann und
Sebastian Drescher" is two names; `names_of`), as the real set states authors.

A title annotated in capitals that the page writes in mixed case (the annotator copied
what CSS `text-transform` shows) is the title as the page writes it: "EUROPAS
TOPATHLETEN FIT FÜR MÜNCHEN 2022" is "Europas Topathleten fit für München 2022" in
the page's markup and in every extractor's output (`as_written`, 25 of 28 capital
titles, in both parts alike). Three annotated days written other than as ISO 8601 by a
slip of the pen ("2022-29-11", "2022-25-10", "2022-01.26") are read as the day they name
(`annotated_day`); "2022-11-1", which may have lost a digit, stays as written.
"""

from __future__ import annotations

import html
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_real import add_page, write_truth  # noqa: E402
from bench.go_tables import go_entries  # noqa: E402
from bench.pinned_archive import PinnedArchive, builder_main, module_files  # noqa: E402
from pipelines.decode import decode_html  # noqa: E402

SET = "extraction-trafilatura"
MODULE = "github.com/markusmobius/go-trafilatura"
VERSION = "v1.12.2"
SHA256 = "7da0a1455b901cfab79f27801aac9ff1e99774d0cb7ef4ab6d3eaee17cb2d5b2"
PINNED = PinnedArchive(MODULE, VERSION, SHA256)
SOURCE = "go-trafilatura"
TABLE = "scripts/comparison/data.go"
# The pages of the comparison, and the few the port keeps with its unit tests' pages.
PAGE_FOLDERS = ("test-files/comparison", "test-files/mock")


def as_written(title: str | None, page: bytes) -> str | None:
    """A title annotated in capitals, as the page's markup writes it where it does."""
    if not title or title != title.upper() or title == title.lower():
        return title
    words = r"\s+".join(re.escape(word) for word in title.split())
    text = html.unescape(decode_html(page).text)
    written = (m[0] for m in re.finditer(words, text, re.IGNORECASE) if m[0] != m[0].upper())
    return " ".join(next(written, title).split())


# Where an annotated byline names several people, or opens with its own word: "Benjamin
# Fischer und Marcus Theurer", "Daniel Braun, Davor Pasoski", "Von Roland Brockmann und …".
BYLINE_OPENING = re.compile(r"^(?:von|by)\s+", re.IGNORECASE)
NAMES_SEPARATOR = re.compile(r"\s+(?:und|and|&)\s+|\s*[,;/]\s*", re.IGNORECASE)


def names_of(annotated: list[str]) -> list[str]:
    """The names an annotated byline holds, each apart: authors are scored name by name,
    as the real set states them."""
    names = []
    for byline in annotated:
        for part in NAMES_SEPARATOR.split(BYLINE_OPENING.sub("", byline.strip())):
            if part.strip() and part.strip() not in names:
                names.append(part.strip())
    return names


ANNOTATED_DAY = re.compile(r"^(\d{4})[-.](\d{2})[-.](\d{2})$")
MONTHS_IN_A_YEAR = 12


def annotated_day(value: str | None) -> str | None:
    """The annotated day as ISO 8601 where a slip of the pen left it none: a dot for a
    dash ("2022-01.26"), the day before the month ("2022-29-11"). Other values stay."""
    match = ANNOTATED_DAY.match(value or "")
    if match is None:
        return value or None
    year, month, day = match.groups()
    if int(month) > MONTHS_IN_A_YEAR >= int(day):
        month, day = day, month
    return f"{year}-{month}-{day}"


def truth_entry(url: str, fields: dict[str, str | list[str]], page: bytes) -> dict[str, object]:
    """One page's truth in the real set's format; None where the annotation states nothing."""
    authors = fields.get("Authors")
    return {
        "title": as_written(str(fields.get("Title") or ""), page) or None,
        "authors": names_of(list(authors)) if authors else None,
        "date": annotated_day(str(fields.get("Date") or "")),
        "text": None,
        "with": fields.get("With") or [],
        "without": fields.get("Without") or [],
        "url": url,
        "language": None,
        "source": SOURCE,
    }


def mended_fields(fields: dict[str, str | list[str]], entry: dict[str, object]) -> list[str]:
    """What the rules above changed in one page's annotation, said for the build's summary."""
    authors = [name.strip() for name in fields.get("Authors") or [] if name.strip()]
    changed = {
        "titles in capitals as the markup writes them": entry["title"]
        != (fields.get("Title") or None),
        "days written other than ISO": entry["date"] != (fields.get("Date") or None),
        "bylines split into names": bool(authors) and entry["authors"] != authors,
    }
    return [why for why, is_changed in changed.items() if is_changed]


def install(archive: Path, target: Path) -> int:
    """Build the set from `archive` into `target`; BadArchive unless it is the pinned one."""
    with module_files(PINNED, archive, target) as tree:
        pages: dict[str, dict[str, object]] = {}
        mended: Counter[str] = Counter()
        missing = 0
        for url, fields in go_entries((tree.read(TABLE) or b"").decode("utf-8")):
            file_name = str(fields.get("File", ""))
            raw = next(
                (page for folder in PAGE_FOLDERS if (page := tree.read(f"{folder}/{file_name}"))),
                None,
            )
            if url is None or raw is None:
                missing += 1
                continue
            key = f"trafilatura-{Path(file_name).stem}"
            entry = truth_entry(url, fields, raw)
            mended.update(mended_fields(fields, entry))
            add_page(target, pages, key, entry, raw)
        licence = tree.read("LICENSE") or b""
    left_out = {"without their page or address in the module": missing}
    write_truth(
        target,
        pages,
        licences={"LICENSE-go-trafilatura": licence},
        left_out=left_out,
        mended=dict(mended),
    )
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    return builder_main(argv, __doc__, SET, PINNED, install)


if __name__ == "__main__":
    sys.exit(main())

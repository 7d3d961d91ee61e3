"""Build the current news-page set from Fundus's parser test data (run once, by hand).

    .venv/bin/python bench/build_extraction_fundus.py FUNDUS_GIT

The set is written to ../shared/homeward-data/extraction-fundus/ (or
$HOMEWARD_EVAL_DATA/extraction-fundus/), never into the repository: it is data from
another repository's snapshot (bench/data_sets.py; tests/data/extraction-fundus/README.md).

FUNDUS_GIT is the git directory (a bare mirror is fine) of Fundus
(<https://github.com/flairNLP/fundus>, MIT), a news crawler with a hand-written parser
per publisher. Its `tests/resources/parser/test_data/<country>/` holds pages of news
sites saved between 2023 and 2026 (`<Publisher>_<YYYY_MM_DD>.html.gz`, their address
and crawl time in `meta.info`) and, per publisher, what each version of its parser
must extract from them (`<Publisher>.json`: title, authors, publishing date, and the
body as summary and sections of headlines and paragraphs). The truth is that
expectation, checked by Fundus's own tests against each page:

* text: the summary (the standfirst), then each section's headlines and paragraphs,
  a line each. Captions are not in it (Fundus keeps them with the images), nor the
  headline;
* authors: the people Fundus names, without the agencies, desks, publishers, initials
  and places in `NOT_PEOPLE` (the stage keeps organisations apart from people); `null`
  where Fundus names no one (its parser may not read bylines on that site) or a page's
  byline is not whole;
* date: the day of `publishing_date` as the publisher writes it: a stamp with a local
  offset gives its own day, a UTC stamp the day the page writes (`local_day`), else none.

A page is paired with the parser version whose expected title or opening the page
holds; a page no version matches is left out and counted. Pages are split by
publisher, so no site's template is in both parts: of the publishers sorted by
country and name, every third is held out.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.build_extraction_real import (  # noqa: E402
    GitTree,
    Tree,
    add_page,
    local_day,
    write_truth,
)
from bench.data_sets import data_folder  # noqa: E402
from pipelines.decode import decode_html  # noqa: E402

TEST_DATA = "tests/resources/parser/test_data"
SET = "extraction-fundus"
README = ROOT / "tests" / "data" / SET / "README.md"

# Credits Fundus lists among a page's authors that name no person by name: agencies,
# desks, publishers, initials and a dateline's place (checked by hand over every author
# the set holds; the stage keeps organisations apart from people).
NOT_PEOPLE = frozenset(
    {
        # agencies
        "AAP",
        "AFP",
        "AFP Deutschland",
        "AFP, MANILA",
        "AP",
        "Anadolu Ajansı",
        "Associated Press",
        "DPA",
        "Deutsche Presse-Agentur",
        "Reuters",
        "SDA",
        "SID",
        "The Associated Press",
        "dpa",
        # publishers, desks and teams
        "BBC News",
        "BR24 Redaktion",
        "DER SPIEGEL",
        "Dizindaba",
        "Euronews",
        "FOCUS online",
        "Gear Team",
        "Guardian staff reporter",
        "Habertürk",
        "IN-Redaktion",
        "Landesspiegel",
        "Le Figaro et AFP",
        "Le Monde",
        "Les Echos",
        "MDR SACHSEN-ANHALT",
        "MM-Redaktion",
        "MND Staff",
        "Nine",
        "ORF.at",
        "Redaktion hessenschau.de",
        "Salzburger Nachrichten",
        "TPN",
        "kicker",
        "mbl.is",
        "ndr.de",
        "nieuwsblad.be",
        "ntv.com.tr",
        "sportschau.de",
        "t-online",
        "Última Hora",
        "दैनिक भास्कर",
        "中日新聞Web",
        "日刊現代",
        "朝日新聞デジタル",
        "東京新聞デジタル",
        "読売新聞オンライン",
        # initials and desk codes
        "dan",
        "kesm",
        "srf/hosb",
        "ssi",
        # a dateline's place
        "Lille",
        "Nairobi",
        # "and one more": the byline is not whole
        "박준석 기자 외 1명",
    }
)
SPACE = re.compile(r"\s+")
PAGE_FILE = re.compile(r"^(?P<publisher>.+?)_(?P<day>\d{4}_\d{2}_\d{2})\.html\.gz$")
MATCHED_OPENING = 60


def _plain(value: str) -> str:
    return SPACE.sub(" ", html.unescape(value)).strip()


def body_text(body: dict[str, object] | None) -> str | None:
    """The article's text as Fundus states it: summary, then each section's headlines and
    paragraphs, a line each; None where it states no body."""
    if not body:
        return None
    lines = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        lines += list(section.get("headline") or [])
        lines += list(section.get("paragraphs") or [])
    text = "\n".join(line for line in (_plain(str(part)) for part in lines) if line)
    return text or None


def people(authors: list[str] | None) -> list[str] | None:
    named = [_plain(name) for name in authors or [] if _plain(name) not in NOT_PEOPLE]
    return named or None


def stated_day(published: str | None, page: str) -> str | None:
    """The day the publisher writes for Fundus's `publishing_date`."""
    if not published:
        return None
    instant = datetime.fromisoformat(published)
    offset = instant.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        return instant.date().isoformat()
    return local_day(instant.isoformat(), page)


def _matches(expected: dict[str, object], shown: str) -> bool:
    """Whether the page's text (`shown`, see `_plain`) holds this parser version's expected
    title or text opening."""
    title = _plain(str(expected.get("title") or ""))
    opening = (body_text(expected.get("body")) or "")[:MATCHED_OPENING]  # type: ignore[arg-type]
    return bool(title and title in shown) or bool(opening and opening in shown)


def fundus_pages(
    tree: Tree, left_out: Counter[str]
) -> dict[str, tuple[dict[str, object], bytes, str]]:
    """Every page of the test data paired with its expected extraction, keyed
    `fundus-<country>-<file>`, with its publisher (`<country>/<name>`)."""
    pages: dict[str, tuple[dict[str, object], bytes, str]] = {}
    for country in tree.names(TEST_DATA):
        folder = f"{TEST_DATA}/{country}"
        meta = tree.read(f"{folder}/meta.info")
        if meta is None:
            continue
        info = json.loads(meta)
        for name in sorted(info):
            match = PAGE_FILE.match(name)
            compressed = tree.read(f"{folder}/{name}")
            expected_file = tree.read(f"{folder}/{match['publisher']}.json") if match else None
            if match is None or compressed is None or expected_file is None:
                left_out["no page or no expectation"] += 1
                continue
            raw = gzip.decompress(compressed)
            page = decode_html(raw).text
            shown = _plain(page)
            versions = [v for v in json.loads(expected_file).values() if _matches(v, shown)]
            if len(versions) != 1:
                left_out["no one parser version matched"] += 1
                continue
            expected = versions[0]
            key = f"fundus-{country}-{name.removesuffix('.html.gz')}"
            entry: dict[str, object] = {
                "source": "fundus",
                "url": info[name].get("url") or "",
                "language": None,
                "title": _plain(str(expected.get("title") or "")) or None,
                "authors": people(expected.get("authors")),  # type: ignore[arg-type]
                "date": stated_day(expected.get("publishing_date"), page),  # type: ignore[arg-type]
                "text": body_text(expected.get("body")),  # type: ignore[arg-type]
            }
            pages[key] = (entry, raw, f"{country}/{match['publisher']}")
    return pages


def split_by_publisher(pages: dict[str, dict[str, object]], publishers: dict[str, str]) -> None:
    """Of the publishers sorted by country and name, every third is held out whole."""
    ordered = sorted(set(publishers.values()))
    held_out = {publisher for index, publisher in enumerate(ordered) if index % 3 == 2}
    for key, entry in pages.items():
        entry["split"] = "held-out" if publishers[key] in held_out else "tuning"


def build(tree: Tree, target: Path) -> dict[str, dict[str, object]]:
    """Write the set from Fundus's test data in `tree` to `target`; return its truth."""
    (target / "html").mkdir(parents=True, exist_ok=True)
    left_out: Counter[str] = Counter()
    pages: dict[str, dict[str, object]] = {}
    publishers: dict[str, str] = {}
    for key, (entry, raw, publisher) in fundus_pages(tree, left_out).items():
        add_page(target, pages, key, entry, raw)
        publishers[key] = publisher
    split_by_publisher(pages, publishers)
    licence = {"LICENSE-fundus": tree.read("LICENSE") or b""}
    write_truth(target, pages, licences=licence, left_out=left_out, split=False)
    (target / "README.md").write_bytes(README.read_bytes())
    return pages


if __name__ == "__main__":
    build(GitTree(sys.argv[1]), data_folder(SET))

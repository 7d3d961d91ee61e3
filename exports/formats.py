"""Exports of a search or a set: what people hand to reports, spreadsheets and authorities.

Every writer streams: it takes the archive's article iterator and writes as it
goes, so an export of the whole archive runs in constant memory. CSV cells are
neutralised so a scraped title such as `=HYPERLINK(...)` stays text in a spreadsheet;
XLSX cells are written as strings (never formulas). All formats sit in one
registry, `WRITERS`, which the CLI, the JSON API and the web page all read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

import xlsxwriter

from exports.job import ExportJob
from exports.report import write_report
from homeward.article import Article, parse_published
from search.triage import TriageMark

CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "published",
    "language",
    "source",
    "authors",
    "names",
    "places",
    "years",
    "relevance",
    "fetched_at",
    "duplicates",
    "evidence_sha256",
    "triage",
    "triage_note",
    "triage_marked_at",
    "text",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
NOTE_COLUMN = "note"


def safe_cell(value: str) -> str:
    """A spreadsheet-safe cell: OWASP's advice, a leading quote before a formula trigger
    (and before a value that already looks quoted, so `cell_text` can undo it exactly)."""
    if value.startswith(FORMULA_PREFIXES) or _looks_quoted(value):
        return "'" + value
    return value


def cell_text(cell: str) -> str:
    """The value `safe_cell` was given: what an import of our CSV reads back."""
    return cell[1:] if _looks_quoted(cell) else cell


def _looks_quoted(value: str) -> bool:
    return value.startswith("'") and value[1:].startswith((*FORMULA_PREFIXES, "'"))


def csv_row(article: Article, mark: TriageMark | None = None) -> list[str]:
    values = row_values(article, mark)
    return [safe_cell(values[column]) for column in CSV_COLUMNS]


def row_values(article: Article, mark: TriageMark | None = None) -> dict[str, str]:
    """An article (and a reader's triage mark on it) as the flat text columns every
    spreadsheet export shares."""
    values: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "published": article.published or "",
        "language": article.language or "",
        "source": article.source or "",
        "authors": LIST_SEPARATOR.join(article.authors),
        "names": LIST_SEPARATOR.join(article.names),
        "places": LIST_SEPARATOR.join(place.name for place in article.places),
        "years": LIST_SEPARATOR.join(str(year) for year in article.years),
        "relevance": "" if article.relevance is None else f"{article.relevance:g}",
        "fetched_at": article.fetched_at or "",
        "duplicates": LIST_SEPARATOR.join(article.duplicates),
        "evidence_sha256": article.evidence.sha256 if article.evidence else "",
        "triage": mark.wording if mark else "",
        "triage_note": mark.note if mark else "",
        "triage_marked_at": mark.marked_at if mark else "",
        "text": article.text,
    }
    return {column: str(value) for column, value in values.items()}


def write_csv(
    articles: Iterable[Article], out: IO[str], notes: Mapping[str, str] | None = None
) -> int:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese correctly.

    With `notes` (an export of a set), a last column `note` holds each article's note.
    """
    entries = ((article, (notes or {}).get(article.id, ""), None) for article in articles)
    return _write_csv_entries(entries, out, with_notes=notes is not None)


def _write_csv_entries(
    entries: Iterable[tuple[Article, str, TriageMark | None]], out: IO[str], with_notes: bool
) -> int:
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*CSV_COLUMNS, NOTE_COLUMN) if with_notes else CSV_COLUMNS)
    written = 0
    for article, note, mark in entries:
        row = csv_row(article, mark)
        if with_notes:
            row.append(safe_cell(note))
        writer.writerow(row)
        written += 1
    return written


def write_jsonl(
    articles: Iterable[Article], out: IO[str], marks: Mapping[str, TriageMark] | None = None
) -> int:
    """One article record per line; a marked article also carries its `triage` object,
    which `homeward import` and `homeward marks import` take back."""
    return _write_jsonl_entries(((a, (marks or {}).get(a.id)) for a in articles), out)


def _write_jsonl_entries(entries: Iterable[tuple[Article, TriageMark | None]], out: IO[str]) -> int:
    written = 0
    for article, mark in entries:
        record = article.to_dict()
        if mark is not None:
            record["triage"] = {k: v for k, v in mark.to_dict().items() if k != "article_id"}
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        written += 1
    return written


# --- what to export --------------------------------------------------------------------


Writer = Callable[[ExportJob, IO[bytes]], int]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    write: Writer
    media_type: str
    extension: str
    help: str


def _text_writer(write: Callable[[ExportJob, IO[str]], int]) -> Writer:
    """A text writer as a byte writer: every format writes to one kind of stream."""

    def write_bytes(job: ExportJob, out: IO[bytes]) -> int:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)  # type: ignore[type-var]
        try:
            return write(job, text)
        finally:
            text.flush()
            text.detach()

    return write_bytes


def export_csv(job: ExportJob, out: IO[str]) -> int:
    return _write_csv_entries(job.marked_entries(), out, with_notes=job.notes is not None)


def export_jsonl(job: ExportJob, out: IO[str]) -> int:
    return _write_jsonl_entries(((a, mark) for a, _, mark in job.marked_entries()), out)


# --- XLSX ------------------------------------------------------------------------------

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TEXT_MAX = 32_767  # characters in one Excel cell
XLSX_URL_MAX = 2_079  # characters in one Excel link
XLSX_LINKS_MAX = 65_530  # links in one worksheet; later URLs are written as text
XLSX_TRUNCATED = " …[cut at Excel's cell limit; the full text is in the JSONL export]"
XLSX_DATE_COLUMNS = ("published", "fetched_at")
XLSX_DAY = "yyyy-mm-dd"
XLSX_MINUTE = "yyyy-mm-dd hh:mm"
XLSX_WIDTHS = {"title": 60, "url": 40, "text": 80, "names": 30, "places": 30, NOTE_COLUMN: 40}


def export_xlsx(job: ExportJob, out: IO[bytes]) -> int:
    """One worksheet, written row by row (xlsxwriter's constant_memory mode).

    Every text goes through `write_string`, so no scraped value can become a
    formula; http(s) URLs are links. Dates are Excel dates in the publisher's own
    time (2026-02-10 07:50 +08:00 stays 2026-02-10 07:50, the day the page, the CSV
    and the report give), and each cell shows its zone ("UTC+08:00"): Excel dates
    have none, and converting them to UTC moved articles to the day before.
    """
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # A sheet of half a million articles is over 4 GB of XML, past a plain
            # zip's limit: without ZIP64 the export failed at the very end. A smaller
            # workbook comes out byte for byte the same either way.
            "use_zip64": True,
        },
    )
    sheet = workbook.add_worksheet("articles")
    header = workbook.add_format({"bold": True})
    date_formats: dict[str, Any] = {}

    def date_format(number_format: str) -> Any:  # one Format per zone seen, made once
        if number_format not in date_formats:
            date_formats[number_format] = workbook.add_format({"num_format": number_format})
        return date_formats[number_format]

    link_format = workbook.add_format({"font_color": "blue", "underline": 1})
    columns = (*CSV_COLUMNS, NOTE_COLUMN) if job.notes is not None else CSV_COLUMNS
    for number, name in enumerate(columns):
        sheet.set_column(number, number, XLSX_WIDTHS.get(name, 14))
    for number, name in enumerate(columns):
        sheet.write_string(0, number, name, header)
    sheet.freeze_panes(1, 0)
    links = 0
    row = 0
    for row, (article, note, mark) in enumerate(job.marked_entries(), start=1):
        values = row_values(article, mark)
        values[NOTE_COLUMN] = note
        for number, name in enumerate(columns):
            value = values[name]
            if name in XLSX_DATE_COLUMNS and value:
                moment, number_format = _excel_datetime(value)
                sheet.write_datetime(row, number, moment, date_format(number_format))
            elif name == "relevance" and article.relevance is not None:
                sheet.write_number(row, number, article.relevance)
            elif name == "url" and links < XLSX_LINKS_MAX and _linkable(value):
                sheet.write_url(row, number, value, link_format, string=value)
                links += 1
            else:
                sheet.write_string(row, number, _fit_cell(value))
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    workbook.close()
    return row


def _excel_datetime(value: str) -> tuple[datetime, str]:
    """The wall-clock time the value states (Excel has no time zones) and the number
    format that shows it with its zone: a bare date stays a date, a time with an offset
    says it ("yyyy-mm-dd hh:mm \"UTC+08:00\""), a time without one is shown as given."""
    if len(value) == 10:
        return parse_published(value).replace(tzinfo=None), XLSX_DAY
    moment = parse_published(value)
    if not _has_offset(value):
        return moment.replace(tzinfo=None), XLSX_MINUTE
    return moment.replace(tzinfo=None), f'{XLSX_MINUTE} "{_zone_name(moment)}"'


def _has_offset(value: str) -> bool:
    """Whether an ISO datetime names its zone (Z or ±hh:mm); parse_published reads a
    naive one as UTC, which this cell must not claim."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def _zone_name(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _linkable(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= XLSX_URL_MAX


def _fit_cell(value: str) -> str:
    if len(value) <= XLSX_TEXT_MAX:
        return value
    return value[: XLSX_TEXT_MAX - len(XLSX_TRUNCATED)] + XLSX_TRUNCATED


# --- the registry ------------------------------------------------------------------------


WRITERS: dict[str, Format] = {
    "csv": Format(
        "csv",
        _text_writer(export_csv),
        "text/csv; charset=utf-8",
        "csv",
        "UTF-8 with BOM; formula cells neutralised",
    ),
    "jsonl": Format(
        "jsonl",
        _text_writer(export_jsonl),
        "application/x-ndjson; charset=utf-8",
        "jsonl",
        "one article per line; `homeward import` reads it back",
    ),
    "xlsx": Format(
        "xlsx",
        export_xlsx,
        XLSX_MEDIA_TYPE,
        "xlsx",
        "Excel workbook; dates as dates, URLs as links, no formulas",
    ),
    "report": Format(
        "report",
        write_report,
        "text/html; charset=utf-8",
        "html",
        "HTML or PDF document: title page, charts, one citation per article",
    ),
}
REPORT_TYPES = {"html": ("text/html; charset=utf-8", "html"), "pdf": ("application/pdf", "pdf")}


def file_type(format_name: str, report_format: str = "html") -> tuple[str, str]:
    """The media type and file extension of an export in `format_name`."""
    if format_name == "report":
        return REPORT_TYPES[report_format]
    chosen = WRITERS[format_name]
    return chosen.media_type, chosen.extension


# --- jobs: a search or a set -------------------------------------------------------------

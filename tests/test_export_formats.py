"""The export writers (csv, jsonl, xlsx, report html/pdf), name masking and `homeward export`."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from web_fixtures import HOSTILE_TITLE, SAMPLE_COUNT, hostile_article, load_archive, sample_articles

from cli.main import main
from exports import report
from exports.formats import CSV_COLUMNS, WRITERS, XLSX_TEXT_MAX
from exports.job import ExportJob
from exports.masking import initials, mask_article, mask_text
from homeward.article import Article, read_jsonl
from search.open import open_archive
from search.sets import ArticleSet

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture
def articles(tmp_path) -> list[Article]:
    return [*sample_articles(), hostile_article(tmp_path / "evidence")]


def export(job: ExportJob, format_name: str) -> bytes:
    out = io.BytesIO()
    written = WRITERS[format_name].write(job, out)
    assert written > 0
    return out.getvalue()


def job_of(articles: list[Article], **options) -> ExportJob:
    return ExportJob(source=lambda: iter(articles), **options)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; run scripts/setup.sh")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Liu Sirui", "L. S."),
        ("Nguyen Van Minh", "N. V. M."),
        ("Jean-Paul Okoye", "J. P. O."),
        ("刘思睿", "刘某"),
        ("Laura Durán", "L. D."),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_mask_text_catches_full_names_parts_and_case():
    text = (
        "Liu Sirui was four. His mother, Zhang Hua, searched; ZHANG HUA said Sirui "
        "laughed. Zhang added. 刘思睿回家了，思睿很高兴。Liuzhou is a city."
    )
    masked = mask_text(text, ["Liu Sirui", "Zhang Hua", "刘思睿"])
    assert masked == (
        "L. S. was four. His mother, Z. H., searched; Z. H. said S. "
        "laughed. Z. added. 刘某回家了，某某很高兴。Liuzhou is a city."
    )


def test_mask_article_touches_title_text_and_names_only(articles):
    article = next(a for a in articles if "Liu Sirui" in a.names)
    masked = mask_article(article)
    assert "Liu Sirui" not in masked.title + masked.text
    assert masked.names == ["L. S.", "Z. H."]
    assert masked.url == article.url and masked.places == article.places
    assert article.names == ["Liu Sirui", "Zhang Hua"]  # the original is untouched


# --- csv and jsonl ---------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_adds_notes_for_sets(articles):
    hostile = articles[-1]
    data = export(job_of(articles, notes={hostile.id: "+1 555 call"}), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [*CSV_COLUMNS, "note"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[hostile.id]["title"] == "'" + HOSTILE_TITLE
    assert by_id[hostile.id]["note"] == "'+1 555 call"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    plain = export(job_of(articles), "csv").decode("utf-8-sig")
    assert plain.splitlines()[0] == ",".join(CSV_COLUMNS)


def test_jsonl_round_trips(articles):
    lines = export(job_of(articles), "jsonl").decode("utf-8").splitlines()
    assert [a.to_dict() for a in read_jsonl(lines)] == [a.to_dict() for a in articles]


# --- xlsx ------------------------------------------------------------------------------------


def read_sheet(data: bytes) -> tuple[list[list[ElementTree.Element]], str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        rels = book.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    root = ElementTree.fromstring(sheet)
    rows = [list(row) for row in root.iter(f"{SHEET}row")]
    return rows, sheet, rels


def cell_text(cell: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{SHEET}t"))


def test_xlsx_has_no_formulas_dates_as_dates_urls_as_links(articles):
    long_text = Article.from_dict(
        {"url": "https://x.test/long", "title": "long", "text": "y" * 40_000}
    )
    rows, sheet, rels = read_sheet(export(job_of([*articles, long_text]), "xlsx"))
    assert "<f>" not in sheet and "<f " not in sheet
    header = [cell_text(c) for c in rows[0]]
    assert header == list(CSV_COLUMNS)
    cells = {cell_text(row[0]): row for row in rows[1:]}
    hostile = cells[articles[-1].id]
    title = hostile[header.index("title")]
    assert title.get("t") == "inlineStr" and cell_text(title) == HOSTILE_TITLE
    published = hostile[header.index("published")]
    assert published.get("t") is None  # a number: an Excel date
    assert float(published.find(f"{SHEET}v").text) == pytest.approx(45717.0)  # 2025-03-01
    assert rels.count('TargetMode="External"') == len(articles) + 1
    assert "https://hostile.test/story?x=%3cscript%3e" in rels
    text = cell_text(cells[long_text.id][header.index("text")])
    assert len(text) == XLSX_TEXT_MAX and text.endswith("JSONL export]")


def test_xlsx_past_the_zip_size_limit_is_still_written(articles, monkeypatch):
    """An export of 445,000 articles is a sheet of more than 4 GB, which a plain zip
    cannot hold: the workbook failed when it was closed. The limit is made small here."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 10_000)
    rows, _, _ = read_sheet(export(job_of(articles), "xlsx"))
    assert len(rows) == len(articles) + 1


def xlsx_styles(data: bytes) -> list[str]:
    """The number format codes of the workbook's cell styles, in style-index order."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        root = ElementTree.fromstring(book.read("xl/styles.xml"))
    codes = {n.get("numFmtId"): n.get("formatCode") for n in root.iter(f"{SHEET}numFmt")}
    builtin = {"0": "General", "14": "m/d/yyyy"}
    cell_xfs = root.find(f"{SHEET}cellXfs")
    return [codes.get(xf.get("numFmtId"), builtin.get(xf.get("numFmtId"), "?")) for xf in cell_xfs]


def test_xlsx_dates_are_the_publishers_own_with_the_zone_shown():
    """2026-02-10 07:50 +08:00 is 2026-02-09 23:50 UTC: the sheet must still say the 10th,
    as the page, the CSV and the report do, and say which zone the time is in."""
    dated = [
        Article.from_dict(
            {
                "url": f"https://x.test/{n}",
                "title": f"t{n}",
                "text": "x",
                "published": published,
                "fetched_at": "2026-02-10T01:02:03+00:00",
            }
        )
        for n, published in enumerate(
            ["2026-02-10T07:50:00+08:00", "2026-02-10T07:50:00-05:30", "2026-02-10T07:50:00"]
        )
    ]
    data = export(job_of(dated), "xlsx")
    rows, _, _ = read_sheet(data)
    header = [cell_text(c) for c in rows[0]]
    styles = xlsx_styles(data)
    shown = []
    for row in rows[1:]:
        cell = row[header.index("published")]
        # 2026-02-10 07:50 as an Excel serial: 46063 days + 7h50m
        assert float(cell.find(f"{SHEET}v").text) == pytest.approx(46063 + (7 * 60 + 50) / 1440)
        shown.append(styles[int(cell.get("s"))])
        fetched = row[header.index("fetched_at")]
        assert float(fetched.find(f"{SHEET}v").text) == pytest.approx(46063 + 3723 / 86400)
        assert styles[int(fetched.get("s"))] == 'yyyy-mm-dd hh:mm "UTC"'
    assert shown == [
        'yyyy-mm-dd hh:mm "UTC+08:00"',
        'yyyy-mm-dd hh:mm "UTC-05:30"',
        "yyyy-mm-dd hh:mm",  # no zone given, none claimed
    ]


def test_xlsx_notes_column_for_sets(articles):
    rows, _, _ = read_sheet(export(job_of(articles[:1], notes={articles[0].id: "=1+1"}), "xlsx"))
    assert cell_text(rows[0][-1]) == "note"
    assert cell_text(rows[1][-1]) == "=1+1" and rows[1][-1].get("t") == "inlineStr"


# --- reports ---------------------------------------------------------------------------------


def test_html_report_title_page_charts_and_citations(articles):
    job = job_of(
        articles,
        title="Shanxi <case>",
        query="abducted OR 拐卖",
        filters={"place": ["Shanxi"]},
        set_note="For the <b>hearing</b>",
    )
    html = export(job, "report").decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "Shanxi &lt;case&gt;" in html and "For the &lt;b&gt;hearing&lt;/b&gt;" in html
    assert "abducted OR 拐卖" in html and "Filter: place" in html
    assert f"<dt>Articles</dt><dd>{SAMPLE_COUNT + 1}</dd>" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 3
    assert html.count('<table class="chart-data">') == 2  # the time charts' numbers
    assert html.count('class="entry"') == SAMPLE_COUNT + 1
    hostile = articles[-1]
    assert f"Captured {hostile.evidence.captured_at}, SHA-256 {hostile.evidence.sha256}." in html
    assert "No capture of this page is kept in the archive." in html


def test_report_citations_name_authors_and_syndicated_copies(articles):
    hostile = articles[-1]
    authored = Article.from_dict(
        {
            **hostile.to_dict(),
            "id": "authored",
            "authors": ["Li Wei", "Jane <Doe>"],
            "published": "2026-02-10T07:50:00+08:00",
        }
    )
    html = export(job_of([authored]), "report").decode("utf-8")
    cite = re.search(r'<p class="cite">Cite as: (.*?)</p>', html).group(1)
    assert cite.startswith("Li Wei; Jane &lt;Doe&gt;. ")
    assert "(2026-02-10)." in cite  # the publisher's day, not UTC's 2026-02-09
    assert "Also published at: javascript:alert(8); https://mirror.test/copy." in cite
    assert "By Li Wei; Jane &lt;Doe&gt;" in html
    assert (
        "Also published at (syndicated copies): javascript:alert(8); https://mirror.test/copy"
        in html
    )
    assert 'href="javascript:' not in html
    plain = Article.from_dict({"url": "https://x.test/p", "title": "Plain", "text": "x"})
    bare = export(job_of([plain]), "report").decode("utf-8")
    assert "Cite as: Unknown source (undated). “Plain”. https://x.test/p." in bare
    assert "Also published at" not in bare and "By " not in bare


def test_report_charts_coverage_over_time_on_true_axes(articles):
    html = export(job_of(articles), "report").decode("utf-8")
    published = re.search(r'<svg[^>]*id="chart-published".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in published and '<title id="chart-published-title">' in published
    assert '<desc id="chart-published-desc">13 articles from 2023-11 to 2026-02' in published
    # the sample spans 2023-11-08 … 2026-02-11: 28 months, a bar for each, empty ones too
    ticks = re.findall(r'text-anchor="\w+">(\d{4}-\d{2})</text>', published)
    assert ticks[:3] == ["2024-01", "2024-04", "2024-07"] and ticks[-1] == "2026-01"
    assert "periods have none" in published
    mentioned = re.search(r'<svg[^>]*id="chart-mentioned".*?</svg>', html, re.S).group(0)
    years = sorted({y for a in articles for y in a.years})
    assert f"from {years[0]} to {years[-1]}, one bar per year" in mentioned
    bars = dict(re.findall(r"<title>(\d{4}): \d+</title><rect[^>]* x=\"([\d.]+)\"", mentioned))
    assert set(bars) == {str(y) for y in years}  # an empty year has no bar, but its place
    step = float(bars["1991"]) - float(bars["1990"])
    assert float(bars["1990"]) - float(bars["1980"]) == pytest.approx(10 * step, abs=1)
    table = re.search(
        r'<table class="chart-data"><caption>Articles by year mentioned.*?</table>', html, re.S
    ).group(0)
    assert all(f'<th scope="row">{y}</th>' in table for y in years)


def test_set_report_is_titled_by_the_set(loaded, tmp_path):
    with open_archive(loaded) as archive:
        article = next(iter(archive.iter_articles()))
        kept = archive.create_set(ArticleSet.new("山西 拐卖案 <review>", note=""))
        archive.update_set(kept.id, lambda s: s.add(article.id, ""))
    out = tmp_path / "set.html"
    result = run(
        "export", "--set", kept.id, "--format", "report", "-o", str(out), "--archive", loaded
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<dt>Set</dt><dd>山西 拐卖案 &lt;review&gt;</dd>" in html
    assert "(every article)" not in html and "<dt>Query</dt>" not in html
    assert "Homeward set report" in html


def test_html_report_streams(articles):
    """Bytes reach the output while articles are still being read: nothing is held."""
    many = articles * 20
    out = io.BytesIO()
    written_when_half_read: list[int] = []

    def source() -> Iterator[Article]:
        for number, article in enumerate(many):
            if number == len(many) // 2:
                written_when_half_read.append(out.tell())
            yield article

    WRITERS["report"].write(ExportJob(source=source), out)
    # pass one (counts) reads everything first; pass two writes as it reads
    assert written_when_half_read[0] == 0
    assert written_when_half_read[1] > 50_000
    assert out.getvalue().count(b'class="entry"') == len(many)


def test_pdf_report(articles, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "PDF_MAX_ENTRIES", 3)
    data = export(job_of(articles, title="Case 拐卖 report", report_format="pdf"), "report")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "Case 拐卖 report" in text
    assert f"quotes the first 3 of {SAMPLE_COUNT + 1} articles" in re.sub(r"\s+", " ", text)
    assert "Articles by publication date" in text and "Articles by place" in text
    assert "[3]" in text and "[4]" not in text


# --- homeward export -------------------------------------------------------------------------


@pytest.fixture
def loaded(archive_url: str, tmp_path: Path) -> str:
    load_archive(archive_url, tmp_path / "evidence")
    return archive_url


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_report_needs_an_output_and_knows_pdf_by_its_name(loaded, tmp_path):
    missing = run("export", "--format", "report", "--archive", loaded)
    assert missing.exit_code == 2 and "--output" in missing.output
    unknown = run(
        "export", "--format", "report", "-o", str(tmp_path / "r.doc"), "--archive", loaded
    )
    assert unknown.exit_code == 2 and ".html or .pdf" in unknown.output
    clash = tmp_path / "r.pdf"
    result = run(
        "export",
        "--format",
        "report",
        "--report-format",
        "html",
        "-o",
        str(clash),
        "--archive",
        loaded,
    )
    assert result.exit_code == 2
    out = tmp_path / "shanxi.pdf"
    result = run(
        "export", "place:Shanxi", "--format", "report", "-o", str(out), "--archive", loaded
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and not out.with_name("shanxi.pdf.part").exists()
    assert "place:Shanxi" in pdf_text(out.read_bytes(), tmp_path)


def test_cli_exports_a_set_by_name_with_masked_names(loaded, tmp_path):
    with open_archive(loaded) as archive:
        article = next(a for a in archive.iter_articles() if "Liu Sirui" in a.names)
        kept = archive.create_set(ArticleSet.new("Liu Sirui case", note="Liu Sirui's mother"))
        archive.update_set(kept.id, lambda s: s.add(article.id, "Zhang Hua quoted"))
    out = tmp_path / "set.html"
    result = run(
        "export", "--set", "liu sirui CASE", "--mask-names", "--format", "report",
        "-o", str(out), "--archive", loaded,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Liu Sirui" not in html and "Zhang Hua" not in html
    assert "L. S. case" in html and "Z. H. quoted" in html and "L. S.&#39;s mother" in html
    xlsx = tmp_path / "set.xlsx"
    assert (
        run(
            "export", "--set", kept.id, "--format", "xlsx", "-o", str(xlsx), "--archive", loaded
        ).exit_code
        == 0
    )
    rows, _, _ = read_sheet(xlsx.read_bytes())
    assert len(rows) == 2 and cell_text(rows[1][-1]) == "Zhang Hua quoted"
    both = CliRunner().invoke(
        main, ["export", "x", "--set", kept.id, "--format", "csv", "--archive", loaded]
    )
    assert both.exit_code == 2
    nothing = CliRunner().invoke(
        main, ["export", "--set", "nope", "--format", "csv", "--archive", loaded]
    )
    assert nothing.exit_code == 1 and "no set" in nothing.output


def test_cli_xlsx_and_jsonl_to_stdout(loaded):
    result = CliRunner().invoke(
        main, ["export", "--format", "jsonl", "--mask-names", "--archive", loaded]
    )
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == SAMPLE_COUNT + 1
    assert all("Liu Sirui" not in r["text"] for r in records)
    binary = CliRunner().invoke(main, ["export", "--format", "xlsx", "--archive", loaded])
    assert binary.exit_code == 0 and binary.stdout_bytes.startswith(b"PK")

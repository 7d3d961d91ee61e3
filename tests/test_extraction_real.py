"""The extraction stage on 235 real pages, and its metadata rules on small real-looking snippets.

The floors are the figures measured when the rules were written (a little
below), for the tuning part and the held-out part of the real set
(../shared/homeward-data/extraction-real, see tests/data/extraction-real/README.md)
separately; bare trafilatura's figures on the
same run are the other bar the stage must not fall under. Text counts on the
101 pages whose corpus states the article's text; the 134 Postlight pages
count for title, date and authors.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import conftest
import pytest
from conftest import eval_data
from trafilatura.utils import load_html

from bench.build_extraction_dates import PINNED as DATES_PINNED
from bench.build_extraction_dates import SET as DATES_SET
from bench.build_extraction_dates import dated_pages
from bench.build_extraction_dates import main as build_extraction_dates
from bench.build_extraction_pypi import PINNED, SHA256, install
from bench.build_extraction_pypi import SET as PYPI_SET
from bench.build_extraction_pypi import main as build_extraction_pypi
from bench.build_extraction_readability import PINNED as READABILITY_PINNED
from bench.build_extraction_readability import SET as READABILITY_SET
from bench.build_extraction_readability import main as build_extraction_readability
from bench.build_extraction_real import (
    asserted_fields,
    local_day,
    postlight_authors,
    restore_meta,
    split_parts,
    write_truth,
)
from bench.build_extraction_trafilatura import PINNED as TRAFILATURA_PINNED
from bench.build_extraction_trafilatura import SET as TRAFILATURA_SET
from bench.build_extraction_trafilatura import (
    annotated_day,
    as_written,
    mended_fields,
    names_of,
    truth_entry,
)
from bench.build_extraction_trafilatura import main as build_extraction_trafilatura
from bench.data_sets import MissingDataSet, data_folder, shared_data
from bench.extraction import PRECISION_MARGIN
from bench.extraction import bare_fields as bare
from bench.extraction import stage_fields as stage
from bench.go_tables import go_entries
from bench.pinned_archive import BadArchive, PinnedArchive, module_proxy
from bench.score_extraction import (
    REAL_SET,
    FieldScore,
    RealPage,
    SnippetCounts,
    authors_f1,
    evaluate_fields,
    load_real_set,
    same_day,
    snippet_counts,
    title_matches,
)
from pipelines.authors import (
    chinese_byline,
    find_authors,
    json_ld_authors,
    korean_byline,
    parse_byline,
)
from pipelines.dates import shown_date
from pipelines.extract import Extracted, ExtractOptions, extract_article
from pipelines.fields import clean_field

# Measured on 2026-12-02 (bench/extraction.py, 235 pages), stage vs bare trafilatura, after the
# layout-glued bylines, writer links, "By" lines, credits lists, blog and two-<h1> titles:
#   tuning    text F1 0.954 (0.953)  title 0.993 (0.664)  date 0.981 (0.914)  authors 0.983 (0.645)
#   held-out  text F1 0.934 (0.935)  title 0.897 (0.705)  date 0.962 (0.887)  authors 0.902 (0.733)
# Then the truth of three tuning pages moved to the day the page shows (its UTC stamp had
# been taken for the local day: forward.com, pagesix.com, newyorker.com magazine), where
# the stage states the instant in UTC: tuning date 0.981 -> 0.952 (bare 0.914). A UTC stamp
# is now filed on the neighbouring day the page shows (pipelines/dates.py): tuning date
# 0.952 -> 0.981, held-out unchanged at 0.962. Titles: a label before the metadata's
# headline ("Opinion | ") and a JSON-LD headline beside a different lone <h1> give way to
# the <h1> (rules drawn from the shared benchmark's pages, which have no title truth):
# held-out 0.897 -> 0.923, tuning unchanged. Authors: agencies' job titles, web addresses,
# desks named after the site and the site's name glued to a person's are not people (also
# from the shared benchmark's pages): held-out 0.902 -> 0.918, tuning unchanged (0.983).
# The floors sit a little below. Session 11 (logo and subtitle <h1>s, from trafilatura's
# set): held-out title 0.923 -> 0.949. Session 12 (fox13now's truth names its byline; a
# desk crediting the site's own address is no author): tuning authors 0.976 -> 0.991.
# Session 13 (the lines of readers' comments, sign-up forms and consent notices named by their
# class are taken out of the text): tuning text F1 0.955 -> 0.961, held-out unchanged (0.934).
# Session 15 (a lead caption repeating the story's names stays out): held-out 0.934 -> 0.936
# (bare 0.935), its one page behind (readability-folha, a lead caption) no longer behind.
# Session 19 (a section's name in og:title gives way to the <h1> the <title> names, drawn
# from trafilatura's tuning pages): held-out title 0.949 -> 0.962, the issue's 0.95 now held.
FLOORS = {
    "tuning": {"text_f1": 0.958, "title": 0.98, "date": 0.97, "authors": 0.98},
    "held-out": {"text_f1": 0.93, "title": 0.95, "date": 0.95, "authors": 0.90},
}
# Pages whose text precision may fall more than PRECISION_MARGIN under bare trafilatura's,
# each for a caption or standfirst of the story that the truth leaves out: on the tuning
# part newspaper4k-chinese_article (captions inside the body) and readability-liberation-1
# (standfirst and lead photo in the article's header), none on the held-out part.
MAX_PAGES_BEHIND = {"tuning": 2, "held-out": 0}


@pytest.fixture(scope="module")
def real_set() -> Path:
    return eval_data(REAL_SET)


@pytest.fixture(scope="module")
def pages(real_set: Path) -> list[RealPage]:
    return load_real_set(real_set)


@pytest.fixture(scope="module")
def scores(pages: list[RealPage]) -> dict[str, FieldScore]:
    return {
        split: evaluate_fields(stage, [p for p in pages if p.split == split])
        for split in ("tuning", "held-out")
    }


def test_real_set_is_large_and_licensed(pages: list[RealPage], real_set: Path) -> None:
    assert len(pages) >= 230
    assert len([p for p in pages if p.text is not None]) >= 100
    assert {p.split for p in pages} == {"tuning", "held-out"}
    assert len([p for p in pages if p.split == "held-out"]) >= 75
    for licence in ("LICENSE-readability", "LICENSE-newspaper4k", "LICENSE-postlight", "README.md"):
        assert (real_set / licence).is_file()


def test_homeward_eval_data_is_the_folder_the_real_sets_are_read_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A set put elsewhere is read from there; a folder without it is named with its
    builder, and fails the tests in CI rather than skipping them."""
    folder = tmp_path / REAL_SET
    (folder / "html").mkdir(parents=True)
    page = "<html><head><title>Found here</title></head><body><p>Only here.</p></body></html>"
    (folder / "html" / "elsewhere-1.html.gz").write_bytes(gzip.compress(page.encode()))
    truth = {"elsewhere-1": {"title": "Found here", "text": "Only here.", "split": "held-out"}}
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(tmp_path))
    pages = load_real_set(shared_data(REAL_SET))
    assert [(p.key, p.title, p.split) for p in pages] == [("elsewhere-1", "Found here", "held-out")]

    missing = tmp_path / "nowhere"
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(missing))
    with pytest.raises(MissingDataSet) as error:
        shared_data(REAL_SET)
    assert str(missing / REAL_SET) in str(error.value)
    assert "bench/build_extraction_real.py" in str(error.value)
    # A set the steering repository places is skipped without it, even in CI, and named
    # at the end of the run; a set setup installs fails CI when it is missing.
    monkeypatch.setattr(conftest, "MISSING_SETS", {})
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception, match=r"build_extraction_real\.py"):
        eval_data(REAL_SET)
    assert list(conftest.MISSING_SETS) == [REAL_SET]
    with pytest.raises(pytest.fail.Exception, match="CI=true and evaluation data set"):
        eval_data(PYPI_SET)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match=r"build_extraction_pypi\.py"):
        eval_data(PYPI_SET)
    assert list(conftest.MISSING_SETS) == [REAL_SET]

    monkeypatch.delenv("HOMEWARD_EVAL_DATA")
    checkout = Path(__file__).resolve().parents[1]
    assert data_folder(REAL_SET) == checkout.parent / "shared" / "homeward-data" / REAL_SET
    assert data_folder(PYPI_SET) == checkout / ".venv" / "eval-data" / PYPI_SET


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_floors_on_real_pages(scores: dict[str, FieldScore], split: str) -> None:
    score, floor = scores[split], FLOORS[split]
    assert score.text.f1 >= floor["text_f1"], score.text
    assert score.title >= floor["title"]
    assert score.date >= floor["date"]
    assert score.authors >= floor["authors"]


def test_stage_is_not_behind_bare_trafilatura(
    pages: list[RealPage], scores: dict[str, FieldScore]
) -> None:
    for split, score in scores.items():
        theirs = evaluate_fields(bare, [p for p in pages if p.split == split])
        assert score.text.f1 >= theirs.text.f1 - 0.005, split
        assert score.title >= theirs.title, split
        assert score.date >= theirs.date, split
        assert score.authors >= theirs.authors, split
        behind = [
            ours.key
            for ours, bare_page in zip(score.pages, theirs.pages, strict=True)
            if ours.counts is not None
            and bare_page.counts is not None
            and ours.counts.precision < bare_page.counts.precision - PRECISION_MARGIN
        ]
        assert len(behind) <= MAX_PAGES_BEHIND[split], (split, behind)


def test_no_title_holds_an_entity_or_a_tag(pages: list[RealPage]) -> None:
    for page in pages:
        found = stage(page.html, page.url)
        for value in (found.title, *found.authors):
            assert value is None or not any(
                mark in value for mark in ("&#", "&quot;", "&amp;", "<")
            ), (
                page.key,
                value,
            )


# --- the pages setup installs from PyPI: held in every run, CI included ---------------------

# Measured on 2026-12-02 (session 13) on newspaper4k 0.9.6's 22 pages, stage vs bare trafilatura:
#   text F1 0.950 (0.931)  title 1.000 (0.455)  date 1.000 (1.000)  authors 0.896 (0.556)
# (text F1 was 0.932 before the lines of readers' comments and sign-up forms were taken out)
PYPI_FLOORS = {"text_f1": 0.945, "title": 0.95, "date": 0.98, "authors": 0.88}


@pytest.fixture(scope="module")
def pypi_pages() -> list[RealPage]:
    return load_real_set(eval_data(PYPI_SET))


def test_floors_on_pypi_pages(pypi_pages: list[RealPage]) -> None:
    ours, theirs = evaluate_fields(stage, pypi_pages), evaluate_fields(bare, pypi_pages)
    assert ours.text.f1 >= PYPI_FLOORS["text_f1"], ours.text
    assert ours.text.f1 >= theirs.text.f1 - 0.005, (ours.text, theirs.text)
    for field in ("title", "date", "authors"):
        assert getattr(ours, field) >= PYPI_FLOORS[field], field
        assert getattr(ours, field) >= getattr(theirs, field), field


def test_pypi_pages_are_the_real_sets_own(
    pypi_pages: list[RealPage], pages: list[RealPage]
) -> None:
    """One builder for both sets: the same pages, truth and parts wherever a page is in both."""
    real = {page.key: page for page in pages}
    for page in pypi_pages:
        assert page == real[page.key], page.key


def test_a_source_distribution_that_is_not_the_pinned_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "newspaper4k-0.9.6.tar.gz"
    fake.write_bytes(gzip.compress(b"not the package"))
    with pytest.raises(BadArchive, match="not the pinned"):
        install(fake, tmp_path / "set")
    assert not (tmp_path / "set" / "truth.json").exists()
    assert not PINNED.is_installed(tmp_path / "set")
    # The same through the command: `--archive` is used instead of a download, and refused.
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(tmp_path / "data"))
    assert build_extraction_pypi(["--archive", str(fake)]) == 1
    assert f"not the pinned {SHA256}" in capsys.readouterr().err
    assert not (tmp_path / "data" / PYPI_SET / "truth.json").exists()


def test_a_set_built_from_the_pinned_version_is_not_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / PYPI_SET
    folder.mkdir()
    (folder / "truth.json").write_text("{}", encoding="utf-8")
    (folder / "source.json").write_text(json.dumps(PINNED.source()), encoding="utf-8")
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(tmp_path))
    monkeypatch.setattr("bench.build_extraction_pypi.download", lambda _: pytest.fail("fetched"))
    assert build_extraction_pypi([]) == 0
    assert "pages are installed in" in capsys.readouterr().out


def test_a_set_built_by_other_builder_code_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand correction of the truth changes the builders' code: every installed copy is
    rebuilt on the next setup, not left with the old truth."""
    folder = tmp_path / PYPI_SET
    folder.mkdir()
    (folder / "truth.json").write_text("{}", encoding="utf-8")
    older = {**PINNED.source(), "builder": "0" * 64}
    (folder / "source.json").write_text(json.dumps(older), encoding="utf-8")
    assert not PINNED.is_installed(folder)
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(tmp_path))
    fetched: list[Path] = []

    def download(into: Path) -> Path:
        fetched.append(into)
        raise OSError("offline")

    monkeypatch.setattr("bench.build_extraction_pypi.download", download)
    assert build_extraction_pypi([]) == 1
    assert fetched


# --- Readability's pages of the real set, installed from the Go module proxy ----------------

# Measured on 2026-12-02 on go-readability v2.1.3's copy of the real set's 79 Readability pages
# (the port's expected text), stage vs bare trafilatura:
#   tuning    text F1 0.961 (0.958)  title 1.000 (0.774)  date 1.000 (0.950)  authors 0.977 (0.709)
#   held-out  text F1 0.928 (0.929)  title 0.923 (0.808)  date 1.000 (0.889)  authors 0.950 (0.667)
# Session 11 (logo and subtitle <h1>s, no rule drawn from these pages): held-out title 0.962.
READABILITY_FLOORS = {
    "tuning": {"text_f1": 0.955, "title": 0.98, "date": 0.98, "authors": 0.95},
    "held-out": {"text_f1": 0.92, "title": 0.95, "date": 0.98, "authors": 0.92},
}


@pytest.fixture(scope="module")
def readability_pages() -> list[RealPage]:
    return load_real_set(eval_data(READABILITY_SET))


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_floors_on_readability_pages(readability_pages: list[RealPage], split: str) -> None:
    part = [page for page in readability_pages if page.split == split]
    ours, theirs = evaluate_fields(stage, part), evaluate_fields(bare, part)
    floors = READABILITY_FLOORS[split]
    assert ours.text.f1 >= floors["text_f1"], ours.text
    assert ours.text.f1 >= theirs.text.f1 - 0.005, (ours.text, theirs.text)
    for field in ("title", "date", "authors"):
        assert getattr(ours, field) >= floors[field], field
        assert getattr(ours, field) >= getattr(theirs, field), field


def test_readability_pages_keep_their_part_and_metadata_of_the_real_set(
    readability_pages: list[RealPage], pages: list[RealPage]
) -> None:
    """Same pages, parts, titles and days as the real set's Readability pages (the port's
    expected text and one byline it states where Mozilla's states none may differ)."""
    real = {page.key: page for page in pages}
    assert {page.key for page in readability_pages} == {
        key for key in real if key.startswith("readability-")
    }
    for page in readability_pages:
        twin = real[page.key]
        assert (page.split, page.title, (page.date or "")[:10]) == (
            twin.split,
            twin.title,
            (twin.date or "")[:10],
        ), page.key
        assert twin.authors is None or page.authors == twin.authors, page.key


# --- news pages of 2020 with hand-checked dates, installed from the Go module proxy --------

# Measured on 2026-12-02 on go-htmldate v1.10.1's Media Cloud pages, stage vs bare trafilatura
# (whose htmldate was measured on these very pages), before -> after the date line read from
# "time" classes, Italian month names, unpadded stamps and page regions named "caption":
#   tuning    date 0.908 -> 0.931 (0.900)
#   held-out  date 0.892 -> 0.892 (0.908)
DATES_FLOORS = {"tuning": 0.92, "held-out": 0.88}


@pytest.fixture(scope="module")
def dated_news() -> list[RealPage]:
    return load_real_set(eval_data(DATES_SET))


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_date_floors_on_dated_news(dated_news: list[RealPage], split: str) -> None:
    part = [page for page in dated_news if page.split == split]
    ours, theirs = evaluate_fields(stage, part), evaluate_fields(bare, part)
    assert ours.date >= DATES_FLOORS[split], (ours.date, theirs.date)
    if split == "tuning":
        assert ours.date > theirs.date, (ours.date, theirs.date)


def test_the_dates_table_is_read_and_undated_pages_are_left_out() -> None:
    table = (
        'var mediacloudData = []comparisonEntry{\n\t{\n\t\tURL: "https://a.example/x?q=\\"1\\"",'
        '\n\t\tFile: "1.html",\n\t\tDate: "2020-06-07",\n\t\tFast: "2020-06-07",\n\t}, {'
        '\n\t\tURL: "https://b.example/",\n\t\tFile: "2.html",\n\t\tDate: "nan",\n\t},\n}'
    )
    assert dated_pages(table) == {"1.html": ('https://a.example/x?q="1"', "2020-06-07")}


@pytest.mark.parametrize(
    ("build", "name", "pinned"),
    [
        (build_extraction_dates, DATES_SET, DATES_PINNED),
        (build_extraction_readability, READABILITY_SET, READABILITY_PINNED),
        (build_extraction_trafilatura, TRAFILATURA_SET, TRAFILATURA_PINNED),
    ],
)
def test_a_module_zip_that_is_not_the_pinned_one_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    build: Callable[[list[str]], int],
    name: str,
    pinned: PinnedArchive,
) -> None:
    fake = tmp_path / "module.zip"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("LICENSE", "not the module")
    monkeypatch.setenv("HOMEWARD_EVAL_DATA", str(tmp_path / "data"))
    assert build(["--archive", str(fake)]) == 1
    assert f"not the pinned {pinned.sha256}" in capsys.readouterr().err
    assert not (tmp_path / "data" / name / "truth.json").exists()


@pytest.mark.parametrize(
    ("goproxy", "proxy"),
    [
        ("", "https://proxy.golang.org"),
        ("https://goproxy.internal/,direct", "https://goproxy.internal"),
        ("off", "https://proxy.golang.org"),
    ],
)
def test_the_module_is_fetched_from_the_proxy_goproxy_names(
    monkeypatch: pytest.MonkeyPatch, goproxy: str, proxy: str
) -> None:
    monkeypatch.setenv("GOPROXY", goproxy)
    assert module_proxy() == proxy


# --- trafilatura's evaluation pages, installed from the Go module proxy ---------------------

# Measured on 2026-12-02 on go-trafilatura v1.12.2's 983 pages, stage vs bare trafilatura
# (written against these very pages); text from the annotated passages. When the set came:
#   tuning    snippets F1 0.920 (0.919) title 0.745 (0.548) date 0.845 (0.855) authors 0.550 (0.535)
#   held-out  snippets F1 0.913 (0.905) title 0.818 (0.599) date 0.876 (0.868) authors 0.546 (0.528)
# After kickers, address names, wall-clock <time>s and bylines in other languages, drawn
# from the tuning part: title 0.792 / 0.836, date 0.851 / 0.876, authors 0.577 / 0.562
# (pages read through the decode stage: snippets F1 0.924 (0.922) / 0.917 (0.910)).
# Session 11 (titles in capitals compared as the markup writes them, 25 pages, both
# extractors; day-first dates, logo and subtitle <h1>s, byline labels): title 0.837 (0.565)
# / 0.856 (0.610), date 0.871 (0.855) / 0.876 (0.868), authors 0.583 (0.535) / 0.568 (0.528);
# bylines scored name by name, slipped annotated days read, card labels in four more
# languages, the article's <time> as a statement, credits with licences, glued descriptions:
# snippets F1 0.926 / 0.917, title 0.841 / 0.863, date 0.880 (0.859) / 0.884 (0.868),
# authors 0.625 (0.565) / 0.607 (0.570). Session 12 ("Posted by", writers' pages in more
# folders, date lines naming the writer, the site's own credit giving way): authors 0.663
# / 0.623; titles led by a day, in capitals, cut at a quote: tuning title 0.846. Session 13
# (JSON-LD with raw line breaks, a WebPage's author, categories and "Alle Beiträge" as no
# writers; an arrow before the headline): authors 0.674 / 0.629, tuning title 0.847.
# Session 14 (labelled byline fields, catalogue tags, "og"/"och", no photographer): tuning
# authors 0.681, snippets F1 0.927. Session 19 (user names written in full, commenters,
# profile mentions and menu folders as no writers): authors 0.701 / 0.645.
TRAFILATURA_FLOORS = {
    "tuning": {"snippets_f1": 0.915, "title": 0.84, "date": 0.87, "authors": 0.69},
    "held-out": {"snippets_f1": 0.905, "title": 0.85, "date": 0.875, "authors": 0.63},
}


@pytest.fixture(scope="module")
def trafilatura_pages() -> list[RealPage]:
    return load_real_set(eval_data(TRAFILATURA_SET))


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_floors_on_trafilatura_pages(trafilatura_pages: list[RealPage], split: str) -> None:
    part = [page for page in trafilatura_pages if page.split == split]
    ours, theirs = evaluate_fields(stage, part), evaluate_fields(bare, part)
    floors = TRAFILATURA_FLOORS[split]
    assert ours.snippets is not None and theirs.snippets is not None
    assert ours.snippets.f1 >= floors["snippets_f1"], ours.snippets
    assert ours.snippets.f1 >= theirs.snippets.f1 - 0.005, (ours.snippets, theirs.snippets)
    for field in ("title", "date", "authors"):
        assert getattr(ours, field) >= floors[field], (field, getattr(ours, field))
    assert ours.title > theirs.title


def test_widget_lines_leave_trafilatura_s_choice_alone(trafilatura_pages: list[RealPage]) -> None:
    """Taking the recipe site's feedback dialog out of the page before extraction made
    trafilatura's fallback win, and half the steps went; taking the widgets' lines out of
    the text afterwards removes those lines and nothing else."""
    page = next(p for p in trafilatura_pages if p.key == "trafilatura-backen.de.maulwurfkuchen")
    cleaned = extract_article(page.html, page.url)
    whole = extract_article(page.html, page.url, ExtractOptions(drop_page_widgets=False))
    assert cleaned is not None and whole is not None
    assert "und schneide sie in kleine Würfel" in cleaned.text  # a step of the recipe
    dialog = "Möchtest du uns Feedback geben?"
    assert dialog in whole.text and dialog not in cleaned.text
    assert set(cleaned.text.split("\n")) < set(whole.text.split("\n"))


def test_a_built_set_writes_its_licence_and_counts_the_pages_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages: dict[str, dict[str, object]] = {"a": {"source": "go-htmldate"}}
    write_truth(
        tmp_path,
        pages,
        licences={"LICENSE-x": b"Apache License"},
        left_out={"the source dates none": 5, "not in the module": 0},
    )
    assert (tmp_path / "LICENSE-x").read_bytes() == b"Apache License"
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["a"]["split"]
    printed = capsys.readouterr().out
    assert "1 pages written" in printed
    assert "(left out: 5 the source dates none)" in printed  # a reason with none is not named
    write_truth(tmp_path, pages, mended={"titles in capitals as the markup writes them": 25})
    assert "(mended by rule: 25 titles in capitals" in capsys.readouterr().out


def test_the_truths_a_rule_mends_are_counted() -> None:
    fields: dict[str, str | list[str]] = {
        "Title": "EUROPAS TOPATHLETEN",
        "Date": "2022-29-11",
        "Authors": ["Daniel Braun, Davor Pasoski"],
    }
    page = b"<h1>Europas Topathleten</h1>"
    assert set(mended_fields(fields, truth_entry("https://x.de/a", fields, page))) == {
        "titles in capitals as the markup writes them",
        "days written other than ISO",
        "bylines split into names",
    }
    kept: dict[str, str | list[str]] = {"Title": "Ein Titel", "Authors": ["Jil Schuller"]}
    assert mended_fields(kept, truth_entry("https://x.de/a", kept, page)) == []


def test_pages_are_read_through_the_decode_stage(tmp_path: Path) -> None:
    """A Latin-1 page reaches the extractors as the crawler would read it, not as U+FFFD."""
    (tmp_path / "html").mkdir()
    page = '<html><head><meta charset="iso-8859-1"></head><body><h1>Höhere Erlösobergrenzen</h1>'
    (tmp_path / "html" / "p.html.gz").write_bytes(gzip.compress(page.encode("latin-1")))
    (tmp_path / "truth.json").write_text(json.dumps({"p": {"title": "x"}}), encoding="utf-8")
    [loaded] = load_real_set(tmp_path)
    assert "Höhere Erlösobergrenzen" in loaded.html


def test_a_title_annotated_in_capitals_is_compared_as_the_page_writes_it() -> None:
    page = b"<title>Europas Topathleten fit f&uuml;r M&uuml;nchen 2022 | DOSB</title>"
    annotated = "EUROPAS TOPATHLETEN FIT FÜR MÜNCHEN 2022"
    assert as_written(annotated, page) == "Europas Topathleten fit für München 2022"
    # written in capitals on the page too, or not there at all: kept as annotated
    assert as_written("ORSO MARSICANO", b"<h1>ORSO MARSICANO</h1>") == "ORSO MARSICANO"
    assert as_written("OFFSHORE-WINDENERGIE", b"<p>none</p>") == "OFFSHORE-WINDENERGIE"
    assert as_written("Mixed Case Stays", b"<h1>MIXED CASE STAYS</h1>") == "Mixed Case Stays"


@pytest.mark.parametrize(
    ("annotated", "day"),
    [
        ("2022-29-11", "2022-11-29"),  # the day before the month
        ("2022-01.26", "2022-01-26"),  # a dot for a dash
        ("2022-11-05", "2022-11-05"),
        ("2022-11-1", "2022-11-1"),  # a digit may be lost: kept as written
        ("", None),
    ],
)
def test_an_annotated_day_written_by_a_slip_of_the_pen_is_read(annotated: str, day: str) -> None:
    assert annotated_day(annotated) == day


@pytest.mark.parametrize(
    ("annotated", "names"),
    [
        (
            ["Von Roland Brockmann und Sebastian Drescher"],
            ["Roland Brockmann", "Sebastian Drescher"],
        ),
        (["Daniel Braun, Davor Pasoski"], ["Daniel Braun", "Davor Pasoski"]),
        (["David Brand and Ramsey Khalifeh"], ["David Brand", "Ramsey Khalifeh"]),
        (["APA/AP"], ["APA", "AP"]),
        (["Greenpeace", "Greenpeace"], ["Greenpeace"]),
        (["Vondran Müller"], ["Vondran Müller"]),  # "Von" only as a word of its own
    ],
)
def test_an_annotated_byline_is_scored_name_by_name(annotated: list[str], names: list[str]) -> None:
    assert names_of(annotated) == names


def test_snippets_are_found_with_spacing_aside() -> None:
    counts = snippet_counts(
        "The boy was found\nin  Guangdong. Share this",
        wanted=(" was found in Guangdong.", "his mother"),
        unwanted=("Share this", "Impressum"),
    )
    assert counts == SnippetCounts(tp=1, fn=1, fp=1, tn=1)
    assert (counts.precision, counts.recall, counts.f1) == (0.5, 0.5, 0.5)
    assert SnippetCounts().f1 == 0.0


def test_go_tables_read_map_and_slice_entries() -> None:
    source = (
        "var data = map[string]ComparisonEntry{\n"
        '\t"https://a.example/": {\n\t\tFile: "a.html",\n\t\tTitle: "Say \\"hi\\"\tnow",\n'
        '\t\tWith: []string{"one", "two, three"},\n\t\tWithout: []string{},\n\t},\n}\n'
        'var list = []entry{\n\t{\n\t\tURL: "https://b.example/",\n\t\tDate: "nan",\n\t},\n}'
    )
    assert go_entries(source) == [
        (
            "https://a.example/",
            {
                "File": "a.html",
                "Title": 'Say "hi"\tnow',
                "With": ["one", "two, three"],
                "Without": [],
            },
        ),
        (None, {"URL": "https://b.example/", "Date": "nan"}),
    ]


# --- every installed set: there, whole, licensed, built from its pinned archive ------------

# Per set: its pinned archive, licence file and the licence's words, its number of pages, and
# what each page states (text and metadata; a date alone; passages in place of a text).
INSTALLED_SETS: dict[str, tuple[PinnedArchive, str, str, int, Callable[[RealPage], bool]]] = {
    PYPI_SET: (PINNED, "LICENSE-newspaper4k", "MIT License", 22, lambda page: bool(page.text)),
    READABILITY_SET: (
        READABILITY_PINNED,
        "LICENSE-go-readability",
        "MIT License",
        79,
        lambda page: bool(page.text) and page.key.startswith("readability-"),
    ),
    DATES_SET: (
        DATES_PINNED,
        "LICENSE-go-htmldate",
        "Apache License",
        195,
        lambda page: bool(page.date) and not page.title and page.text is None,
    ),
    TRAFILATURA_SET: (
        TRAFILATURA_PINNED,
        "LICENSE-go-trafilatura",
        "Apache License",
        983,
        lambda page: bool(page.with_snippets) and page.text is None,
    ),
}


@pytest.mark.parametrize("name", list(INSTALLED_SETS))
def test_an_installed_set_is_whole_with_its_licence(name: str) -> None:
    pinned, licence, licence_words, size, shape = INSTALLED_SETS[name]
    folder = eval_data(name)
    pages = load_real_set(folder)
    assert len(pages) == size
    assert all(shape(page) for page in pages)
    assert {page.split for page in pages} == {"tuning", "held-out"}
    assert licence_words in (folder / licence).read_text(encoding="utf-8")
    assert pinned.is_installed(folder)


# --- unescaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Donna Kelce Calls Taylor Swift&#8217;s Song", "Donna Kelce Calls Taylor Swift’s Song"),
        ("&#039;This new search box&#039; is here", "'This new search box' is here"),
        ("Strava unveils &#8230;", "Strava unveils …"),
        ("フジテレビ問題…&quot;総スカン&quot;", 'フジテレビ問題…"総スカン"'),
        ("Tom &amp;amp; Jerry", "Tom & Jerry"),
        ("&amp;#8220;Quoted&amp;#8221;", "“Quoted”"),
        ("AT&T and T-Mobile", "AT&T and T-Mobile"),
        ("Q&paragraph &copy2020", "Q&paragraph &copy2020"),
        ("  Boy,\n 7, <em>found</em>\u00a0safe ", "Boy, 7, found safe"),
        ("‘Single’ and “double” quotes", "‘Single’ and “double” quotes"),
        ("Mes\u00adsen\u00adger\u00addiens\u00adte", "Messengerdienste"),  # soft hyphens
        ("", None),
        ("&nbsp;", None),
    ],
)
def test_fields_are_unescaped_once_and_normalised(raw: str, clean: str | None) -> None:
    assert clean_field(raw) == clean


def test_a_malformed_address_does_not_stop_the_extraction() -> None:
    """The site's name is also read from the address; an address that cannot be split
    (an unclosed IPv6 bracket) gives no name, and the article is still extracted."""
    article = extracted(page_with("", "<h1>Millbrook boy found safe</h1>"), "http://[::1/a")
    assert article.title == "Millbrook boy found safe"


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        (
            '<h1><span class="overline">Die Zukunft der Arbeit</span>"Wir dekorieren auf der'
            ' Titanic die Liegestühle um"</h1>',
            '"Wir dekorieren auf der Titanic die Liegestühle um"',
        ),
        (
            '<h1><span class="article__subheadline">Open Progress</span><br><span'
            ' class="article__headline">Why collaborative thinking beats individual'
            " smarts</span></h1>",
            "Why collaborative thinking beats individual smarts",
        ),
        (
            "<h1> <small>Tunesien</small><br> Große Aufgaben für die neue Regierung </h1>",
            "Große Aufgaben für die neue Regierung",
        ),
        (
            '<h1><span class="titleheader">Coronavirus und andere Zoonosen</span><span'
            ' aria-hidden="true"> – </span><span>Wie Umweltzerstörung neue Epidemien'
            " begünstigt</span></h1>",
            "Wie Umweltzerstörung neue Epidemien begünstigt",
        ),
        (
            '<h1 class="entry-title"><div class="entry-section"><a href="/politics/">Politics |'
            ' </a></div><span class="dfm-title">St. Louis Park elects a new mayor</span></h1>',
            "St. Louis Park elects a new mayor",
        ),
        # a first word set apart without a kicker's name is part of the headline
        (
            "<h1><em>Guardian</em> investigation finds missing boys sold</h1>",
            "Guardian investigation finds missing boys sold",
        ),
        # the label inside the link that holds the whole <h1> (a forum thread's prefix)
        (
            '<h1 class="p-title-value"><a href="/threads/patchnotes.3976/"><span class="label'
            ' label--blue">Patch Notes</span><span class="label-append">&#160;</span>Patchnotes'
            " 4.47.4 - Bugfix Build</a></h1>",
            "Patchnotes 4.47.4 - Bugfix Build",
        ),
    ],
)
def test_a_kicker_printed_in_the_h1_is_not_the_headline(h1: str, title: str) -> None:
    assert page_article("", h1).title == title


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        # a subtitle in a <small> closing the <h1>
        (
            '<h1 class="article-title"><span class="article-highlight">Dezuka Suisan: Fish'
            ' Cakes, Hot <span class="conjunction">and</span> Fresh</span><small'
            ' class="article-subtitle">Welcome to the Flavor Capital</small></h1>',
            "Dezuka Suisan: Fish Cakes, Hot and Fresh",
        ),
        # a date and section line after a line break
        (
            "<h1>Zuschauerrückkehr bei den Proficlubs<br><small>02.02.2022 • Presse ,"
            " Allgemein</small></h1>",
            "Zuschauerrückkehr bei den Proficlubs",
        ),
        # a part hidden from readers
        (
            '<h1 class="title">Was wir über uns nicht hören wollen<span'
            ' class="element-invisible"> | FASSETTE.NET</span></h1>',
            "Was wir über uns nicht hören wollen",
        ),
    ],
)
def test_a_line_the_h1_prints_after_the_headline_is_not_the_headline(h1: str, title: str) -> None:
    assert page_article("", h1).title == title


def test_a_style_sheet_inside_the_h1_is_no_part_of_the_headline() -> None:
    """CSS-in-JS themes (emotion's server rendering) write `<style>` inside the heading."""
    h1 = (
        '<h1><style data-emotion="css 1">.css-1{font-size:16px;display:block;}</style>'
        '<span class="css-1">Impfen und Boostern ist <style>.css-2{clip:rect(0 0 0 0)}</style>'
        "bis Ende Februar möglich</span></h1>"
    )
    assert page_article("", h1).title == "Impfen und Boostern ist bis Ende Februar möglich"


def test_a_byline_closing_the_h1_names_the_author_and_is_not_in_the_title() -> None:
    h1 = "<h1>米朝首脳直通電話 習氏に挑むトランプ戦術の成否<small>編集委員 中沢克二</small></h1>"
    article = extracted(f"<html><body><header>{h1}</header><article>{BODY}</article></body></html>")
    assert article.title == "米朝首脳直通電話 習氏に挑むトランプ戦術の成否"
    assert article.authors == ["中沢克二"]


@pytest.mark.parametrize(
    "logo",
    [
        '<h1 class="wpcom-title"><a href="https://wordpress.com/"><span>WordPress.com</span></a></h1>',
        '<h1 id="site-title"><a href="/" rel="home">WordPress Blog and News</a></h1>',
    ],
)
def test_the_sites_logo_in_an_h1_is_not_the_headline(logo: str) -> None:
    head = '<meta property="og:title" content="Want to See a More Diverse WordPress Community?">'
    html = page_with(head, "<h2>Want to See a More Diverse WordPress Community?</h2>")
    html = html.replace("<body>", f"<body><header>{logo}</header>")
    assert extracted(html).title == "Want to See a More Diverse WordPress Community?"


@pytest.mark.parametrize(
    ("stated", "h1", "title"),
    [
        # the site's name after "»" (and "›", "·")
        (
            "Ladensterben dramatisch » Journalistenwatch e.V. - Aktuelle Geschehnisse",
            "<h1>Ladensterben dramatisch</h1>",
            "Ladensterben dramatisch",
        ),
        # an <h1> of three words or more going on into a longer SEO line or subtitle
        (
            "Daten von Rheinmetall gehackt - Interne Unterlagen im Netz",
            "<h1>Daten von Rheinmetall gehackt</h1>",
            "Daten von Rheinmetall gehackt",
        ),
        (
            "1000 Euro Kredit » 1000 EUR sofort aufs Konto",
            "<h1>1000 Euro Kredit</h1>",
            "1000 Euro Kredit",
        ),
        # ... but a section's name before a longer headline is no headline
        (
            "Pressemitteilungen - Olafur Eliasson gestaltet die Titelseite",
            "<h1>Pressemitteilungen</h1>",
            "Pressemitteilungen - Olafur Eliasson gestaltet die Titelseite",
        ),
    ],
)
def test_the_h1_is_the_headline_the_stated_title_goes_on_from(
    stated: str, h1: str, title: str
) -> None:
    head = (
        f'<meta property="og:title" content="{stated}">'
        '<meta property="og:site_name" content="Journalistenwatch e.V. - Aktuelle Geschehnisse">'
    )
    assert page_article(head, h1).title == title


@pytest.mark.parametrize(
    ("title", "url", "headline"),
    [
        (
            "EU-Taxonomie: Atomkraft und Erdgas sind nicht nachhaltig | Umweltbundesamt",
            "https://www.umweltbundesamt.de/themen/eu-taxonomie",
            "EU-Taxonomie: Atomkraft und Erdgas sind nicht nachhaltig",
        ),
        (
            "Perturbazione polare al Centro e al Sud - La Stampa",
            "https://www.lastampa.it/meteo/2022/01/24/news/perturbazione",
            "Perturbazione polare al Centro e al Sud",
        ),
        (
            "Wärmepumpe im Altbau - Wann es sich lohnt | heizung.de",
            "https://heizung.de/waermepumpe/altbau",
            "Wärmepumpe im Altbau - Wann es sich lohnt",
        ),
        (
            "BMAS - Änderung der Anforderungen an Impfnachweise",
            "https://www.bmas.de/DE/Service/Presse/a.html",
            "Änderung der Anforderungen an Impfnachweise",
        ),
        # an address with hyphens spells the name with spaces
        (
            "Professionelles Design für Unternehmen | VON DER SEE",
            "https://von-der-see.de/design/",
            "Professionelles Design für Unternehmen",
        ),
        # the paper's full name, ending in the address's name
        (
            "„Unermüdlicher Einsatz“ - Die Neue Südtiroler Tageszeitung",
            "https://www.tageszeitung.it/2025/04/16/unermuedlicher-einsatz/",
            "„Unermüdlicher Einsatz“",
        ),
        # a tail that is not the address's name stays
        (
            "Boy found in Guangdong - Police appeal",
            "https://www.police.example/appeal",
            "Boy found in Guangdong - Police appeal",
        ),
    ],
)
def test_a_title_loses_the_name_its_address_spells(title: str, url: str, headline: str) -> None:
    head = f'<meta property="og:title" content="{title}">'
    assert page_article(head, "<h2>Latest</h2>", url).title == headline


def test_double_escaped_json_ld_headline_is_stored_clean() -> None:
    html = (
        """<html><head><title>x</title>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Donna Kelce Calls Taylor Swift&#8217;s Song &amp;quot;Great&amp;quot;",
      "datePublished": "2025-02-01T10:00:00Z",
      "description": "She said &amp;quot;no&amp;quot; &#8211; AT&T&#8217;s <b>call</b>",
      "author": {"@type": "Person", "name": "Jane O&#8217;Neil"}}</script>
    <meta property="og:site_name" content="Fox &amp;amp; Friends"></head>
    <body><article><p>"""
        + "Paragraph of the story with enough words to count. " * 6
        + """</p>
    </article></body></html>"""
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert article.title == 'Donna Kelce Calls Taylor Swift’s Song "Great"'
    assert article.authors == ["Jane O’Neil"]
    assert article.site_name == "Fox & Friends"
    assert article.description == 'She said "no" – AT&T’s call'


# --- authors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "people", "organisations"),
    [
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"], []),
        ("By A. Lee, B. Kim and C. Park", ["A. Lee", "B. Kim", "C. Park"], []),
        ("Ana Sandoiu | Reuters", ["Ana Sandoiu"], ["Reuters"]),
        (
            "Dana A. Ford, James S.A. Corey, and Tom Watkins, CNN",
            ["Dana A. Ford", "James S.A. Corey", "Tom Watkins"],
            ["CNN"],
        ),
        ("By Brenda Goodman, MA", ["Brenda Goodman"], []),
        ("Joshua Sokol May 4, 2017", ["Joshua Sokol"], []),
        ("Ben Silverman, Games Editor", ["Ben Silverman"], []),
        ("Last Updated: January 7, 2025", [], []),
        ("Our Foreign Staff", [], ["Our Foreign Staff"]),
        ("https://www.facebook.com/someone", [], []),
        ("Par Sébastien Farcis", ["Sébastien Farcis"], []),
        ("责任编辑：崔宁宁", [], []),
        ("新华社", [], ["新华社"]),
        ("Sam Stein Senior Politics Editor", ["Sam Stein"], []),
        ("Howard BlumeStaff Writer", ["Howard Blume"], []),
        ("Andrew Husband, Culture Writer", ["Andrew Husband"], []),
        ("Steven Shepard Link Copied", ["Steven Shepard"], []),
        ("Gillman, Steve", ["Steve Gillman"], []),
        (
            "Pete Evans · CBC News · Posted: Oct 14, 2022 4:00 AM ET | Last Updated: October 14",
            ["Pete Evans"],
            ["CBC News"],
        ),
        ("Xxx", [], []),
        ("作者： Diogo Carleto 翻訳者 中村 真子", ["Diogo Carleto"], []),
        ("文● オカモト／ASCII編集部", ["オカモト"], ["ASCII編集部"]),
        ("著者：後藤大地", ["後藤大地"], []),
        ("ASCII", [], ["ASCII"]),
        # an agency's job title, a web address and a name led by "The" are no person's
        ("TOM KRISHER, AP Auto Writer", ["TOM KRISHER"], ["AP Auto Writer"]),
        ("CNN Editor-at-large", [], ["CNN Editor-at-large"]),
        ("Troy L. Smith, Cleveland.com", ["Troy L. Smith"], ["Cleveland.com"]),
        ("The Water Coolest", [], ["The Water Coolest"]),
        # "on" and the day after the name; a dietitian's credentials
        ("By Louis Jacobson on Monday, November 18th, 2019 at 11:04 a.m.", ["Louis Jacobson"], []),
        ("Written by Rachael Link, MS, RD on November 14, 2019", ["Rachael Link"], []),
        # a name and its paper joined by a full stop; a credit's label in Russian or German
        (
            "Finian Cunningham. Sputnik International",
            ["Finian Cunningham"],
            ["Sputnik International"],
        ),
        ("Текст Венера Ерофеева", ["Венера Ерофеева"], []),
        ("Text: Jana Müller", ["Jana Müller"], []),
        ("Гость", [], []),
        # a category label with an exclamation mark is not a name
        ("Carlos Nadalim | Comente! Alfabetização", ["Carlos Nadalim"], []),
        # "By" in German, French and Spanish bylines, with their credit words
        ("Ein Artikel von Pamela Sladky", ["Pamela Sladky"], []),
        ("Von David Hutzler, dpa", ["David Hutzler"], ["dpa"]),
        ("Autor: Peter Maahn/SP-X", ["Peter Maahn"], ["SP-X"]),
        # Danish, Norwegian and Swedish "and"
        (
            "Trine Juncher Jørgensen og Tôrtia Reimer-Johansen",
            ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"],
            [],
        ),
        ("Anna Berg och Lars Holm", ["Anna Berg", "Lars Holm"], []),
        ("Foto: Mads Claus Rasmussen", [], []),  # a photo's credit
        ("Publié par Claire Martin", ["Claire Martin"], []),
        ("Christoph Hein Chefredakteur", ["Christoph Hein"], []),  # a job title
        ("Veröffentlicht von", [], []),  # the label alone
        ("Name", [], []),  # a comment form's field
        # a label without its colon; a byline's opening word alone; web addresses
        ("Author Jane Doe", ["Jane Doe"], []),
        ("Autor Petra Ruland", ["Petra Ruland"], []),
        ("Author Redaktion", [], []),
        ("Von", [], []),
        ("By https://www.heartlandnewsfeed.com/author/staffreport/", [], []),
        ("Frank Bueltge http://bueltge.de", ["Frank Bueltge"], []),
        ("David · https://www.facebook.com/zugreiseblog", ["David"], []),
        # "Posted by" and "Published by" open a byline; "Posted:" opens a date line
        (
            "Posted by Nathan Parker, Varun Khaneja and Kiran C Nair - Chrome Safe Browsing team",
            ["Nathan Parker", "Varun Khaneja", "Kiran C Nair"],
            ["Chrome Safe Browsing team"],
        ),
        ("Published by Jane Doe", ["Jane Doe"], []),
        ("Posted: Oct 14, 2020", [], []),
        ("Published 3 hours ago", [], []),
        ("Redaktion: Eberhard Fuhr (Pressesprecher des EJW)", ["Eberhard Fuhr"], []),
        # a link to the writer's other pieces
        ("Alles von Martin Junker", ["Martin Junker"], []),
        ("View all posts by Jane Doe", ["Jane Doe"], []),
        ("Mehr von Jane Doe", ["Jane Doe"], []),
        # the interviewer wrote the piece; the one interviewed did not
        ("Interview: Julia Lauter", ["Julia Lauter"], []),
        ("Interview Julia Lauter", ["Julia Lauter"], []),
        ("Interviewed by Jane Doe", ["Jane Doe"], []),
        ("Entrevista: Ana Pérez", ["Ana Pérez"], []),
        ("Interview with Jane Doe", [], []),
        ("Interview mit Jane Doe", [], []),
        ("Alle Beiträge", [], []),  # the link to the writer's other pieces, without the name
        ("all posts", [], []),  # in lower case, as a theme writes it under its CSS capitals
    ],
)
def test_parse_byline(byline: str, people: list[str], organisations: list[str]) -> None:
    found = parse_byline(byline)
    assert found.people == people
    assert found.organisations == organisations


def test_a_date_in_the_byline_element_names_no_one() -> None:
    header = (
        '<h1>Expertinnen in der Krise</h1><div class="entry-meta"><span class="author vcard">'
        '<a href="/author/heiko-sauer/" rel="author">Heiko Sauer</a></span><br>'
        '<span class="byline"><time datetime="2020-04-09T07:59:57+02:00">Do  9 Apr 2020</time>'
        "</span></div>"
    )
    assert page_article("", header).authors == ["Heiko Sauer"]


def test_json_ld_author_shapes() -> None:
    assert json_ld_authors("Jeffrey Gettleman").people == ["Jeffrey Gettleman"]
    assert json_ld_authors({"@type": "Person", "name": "Joan Biskupic"}).people == ["Joan Biskupic"]
    mixed = json_ld_authors(
        [
            {"@type": "Person", "name": "Stella Kim"},
            {"@type": "Person", "name": "STELLA KIM"},
            {"@type": "Organization", "name": "NBC News"},
            "Jennifer Jett",
        ]
    )
    assert mixed.people == ["Stella Kim", "Jennifer Jett"]
    assert mixed.organisations == ["NBC News"]
    assert json_ld_authors({"@type": "Organization", "name": "Reuters"}).people == []


def test_json_ld_creator_names_the_author_where_no_author_is_stated() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Der enge'
        ' Partner wird zum Fremden", "creator": ["Thomas Hanke"]}</script>'
    )
    assert page_article(head, "<h1>Der enge Partner wird zum Fremden</h1>").authors == [
        "Thomas Hanke"
    ]


def test_authors_from_graph_and_organisation_kept_apart() -> None:
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
      "@graph": [{"@type": "WebSite", "name": "Daily Bugle"},
                 {"@type": "NewsArticle", "headline": "Bridge reopens after repairs",
                  "datePublished": "2025-05-02",
                  "author": [{"@type": "Person", "name": "Peter Parker"},
                             {"@type": "Organization", "name": "Daily Bugle"}]}]}</script>
    </head><body><article><h1>Bridge reopens after repairs</h1><p>"""
    html += "The bridge over the river reopened this morning after months of work. " * 5
    html += "</p></article></body></html>"
    article = extract_article(html, "https://bugle.example/bridge")
    assert article is not None
    assert article.authors == ["Peter Parker"]
    assert article.organisations == ["Daily Bugle"]


def test_meta_author_and_rel_author_byline() -> None:
    body = "<p>" + "A long paragraph about the council's decision on the new school. " * 5
    meta = '<html><head><meta name="author" content="By Mary Major and Ian Minor"></head>'
    from_meta = extract_article(f"{meta}<body><article>{body}</p></article></body></html>", "")
    assert from_meta is not None and from_meta.authors == ["Mary Major", "Ian Minor"]
    visible = (
        '<html><body><article><p class="byline">By <a rel="author" href="/a/ruth">Ruth Reporter'
        f"</a></p>{body}</p></article></body></html>"
    )
    from_byline = extract_article(visible, "")
    assert from_byline is not None and from_byline.authors == ["Ruth Reporter"]


def test_a_catalogues_surname_first_author_tags_name_each_author() -> None:
    """Dublin Core's `dc.creator`, one "Surname, Given" tag per author (Nature's pages)."""
    head = (
        '<meta name="dc.creator" content="You, Xiaoying">'
        '<meta name="dc.creator" content="Lenharo, Mariana">'
    )
    assert page_article(head, "<h1>Climate talks</h1>").authors == [
        "Xiaoying You",
        "Mariana Lenharo",
    ]


def test_a_photos_author_in_its_figure_is_not_the_articles() -> None:
    """schema.org marks the photographer as the image's `author` inside the figure."""
    header = (
        '<h1>Grønland og USA</h1><figure><img src="a.jpg"><figcaption>Et stort flertal ønsker'
        ' ikke det.</figcaption><figcaption itemprop="author">Mads Claus Rasmussen/Ritzau'
        ' Scanpix</figcaption></figure><p class="byline">Trine Juncher Jørgensen og Tôrtia'
        " Reimer-Johansen</p>"
    )
    assert page_article("", header).authors == ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("本报记者 张三 李四\n正文第一段", ["张三", "李四"]),
        ("（记者 刘洋 通讯员 陈晨）", ["刘洋", "陈晨"]),
        ("新华社记者王小明报道", ["王小明"]),
        ("责任编辑：崔宁宁", []),
        ("（编辑：王芳）", []),
    ],
)
def test_chinese_bylines(text: str, names: list[str]) -> None:
    assert chinese_byline(text) == names


def test_chinese_page_byline_in_text_not_editor() -> None:
    body = "".join(
        f"<p>{'警方在当地解救了被拐卖的儿童并抓获犯罪嫌疑人。' * 3}</p>" for _ in range(3)
    )
    html = (
        "<html><head><title>警方解救被拐儿童</title></head><body><article>"
        "<h1>警方解救被拐儿童</h1><p>本报记者 张伟 通讯员 李娜</p>"
        f"{body}<p>责任编辑：王芳</p></article></body></html>"
    )
    article = extract_article(html, "https://news.example.cn/a")
    assert article is not None
    assert article.authors == ["张伟", "李娜"]


def test_find_authors_prefers_json_ld_people_over_meta() -> None:
    tree = load_html("<html><body><p>x</p></body></html>")
    found = find_authors(
        tree, {"@type": "Person", "name": "Alex Heath"}, {"author": "The Verge Staff"}
    )
    assert found.people == ["Alex Heath"]


# --- the scorer ---------------------------------------------------------------------------------


def test_metadata_scores() -> None:
    assert title_matches("Boy found  safe", "Boy found safe")
    assert not title_matches("Taylor Swift’s", "Taylor Swift&#8217;s")
    assert same_day("2024-12-06T22:00:40.000Z", "2024-12-06")
    assert not same_day("2024-12-06", None)
    assert authors_f1(("Jane Doe", "John Roe"), ("jane doe",)) == pytest.approx(2 / 3)
    assert authors_f1((), ()) == 1.0
    assert authors_f1((), ("CNN Wire",)) == 0.0
    assert authors_f1(("Rodolfo Costa.",), ("Rodolfo Costa",)) == 1.0  # a closing full stop


# --- titles -------------------------------------------------------------------------------------

BODY = (
    "<p>" + "The council met on Tuesday to discuss the new school crossing at length. " * 5 + "</p>"
)


def page_with(head: str, header: str) -> str:
    return f"<html><head>{head}</head><body><article>{header}{BODY}</article></body></html>"


def extracted(html: str, url: str = "") -> Extracted:
    """The stage's article on a page that holds one."""
    article = extract_article(html, url)
    assert article is not None, "no article extracted"
    return article


def page_article(head: str, header: str, url: str = "") -> Extracted:
    """The article of `page_with(head, header)`."""
    return extracted(page_with(head, header), url)


@pytest.mark.parametrize(
    ("head", "header", "title"),
    [
        # a JSON-LD headline written for search gives way to the one headline the page prints
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Sweden drops Assange rape investigation",'
            ' "datePublished": "2019-11-19T10:00:00+00:00"}</script>',
            "<h1>Julian Assange: Sweden drops rape investigation</h1>",
            "Julian Assange: Sweden drops rape investigation",
        ),
        (  # ... and one cut at 110 characters to the <h1> it was cut from
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Hunter'
            " diagnosed with bubonic plague after eating a rabbit making him third Beijing local"
            ' to contract", "datePublished": "2019-11-18T10:00:00+00:00"}</script>',
            "<h1>Hunter diagnosed with bubonic plague after eating a rabbit making him third"
            " Beijing local to contract medieval disease</h1>",
            "Hunter diagnosed with bubonic plague after eating a rabbit making him third"
            " Beijing local to contract medieval disease",
        ),
        # the <h1> shows the headline without the section's label the metadata puts first
        (
            '<meta property="og:title" content="Opinion | Republicans Are Following Trump">',
            "<h1>Republicans Are Following Trump</h1>",
            "Republicans Are Following Trump",
        ),
        (  # ... and a kicker of a few words (a German paper's Dachzeile)
            '<meta property="og:title"'
            ' content="Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer">',
            '<h1 itemprop="headline">Kaeser verarscht Neubauer</h1>',
            "Kaeser verarscht Neubauer",
        ),
        (  # the <h1> prints a section's label before the stated title
            '<meta property="og:title"'
            ' content="Ehrengast der Frankfurter Buchmesse: Was lesen die Philippinen?">',
            "<h1>Kultur : Ehrengast der Frankfurter Buchmesse: Was lesen die Philippinen?</h1>",
            "Ehrengast der Frankfurter Buchmesse: Was lesen die Philippinen?",
        ),
        (  # ... or a kicker in an element the markup glues to it with no space
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Der 9. Juli naht: OGBL und LCGB demonstrieren Stärke"}</script>',
            "<h1><span>Nationale Demo</span>Der 9. Juli naht: OGBL und LCGB demonstrieren"
            " Stärke</h1>",
            "Der 9. Juli naht: OGBL und LCGB demonstrieren Stärke",
        ),
        (  # an <h1> that carries the site's name itself
            '<meta property="og:site_name" content="Umweltbundesamt">'
            '<meta property="og:title" content="EU-Taxonomie: Atomkraft und Erdgas sind nicht'
            ' nachhaltig">',
            "<h1>EU-Taxonomie: Atomkraft und Erdgas sind nicht nachhaltig | Umweltbundesamt</h1>",
            "EU-Taxonomie: Atomkraft und Erdgas sind nicht nachhaltig",
        ),
        (  # a two-word <h1> ends the title; it is not the headline
            '<meta property="og:title" content="What the Mayor Knew: A Timeline">',
            "<h1>A Timeline</h1>",
            "What the Mayor Knew: A Timeline",
        ),
        # the <h1> shows the headline without the site's tail
        (
            '<meta property="og:title" content="Court files expose spy operation -- Sott.net">',
            "<h1>Court files expose spy operation</h1>",
            "Court files expose spy operation",
        ),
        (
            "<title>短缺药品保供稳价 全力保障临床用药需求-新华网</title>",
            "<h1>短缺药品保供稳价 全力保障临床用药需求</h1>",
            "短缺药品保供稳价 全力保障临床用药需求",
        ),
        # the <h1> carries a byline, the title a photo credit and the paper's name
        (
            '<meta property="og:title"'
            ' content="米朝首脳直通電話 習氏に挑むトランプ戦術の成否'
            ' （写真＝ロイター） ：日本経済新聞">',
            "<h1>米朝首脳直通電話 習氏に挑むトランプ戦術の成否 <span>編集委員 中沢克二</span></h1>",
            "米朝首脳直通電話 習氏に挑むトランプ戦術の成否",
        ),
        # same words, the reader sees curly quotes
        (
            '<meta property="og:title" content="Faker wins as T1 embody Heartsteel\'s song">',
            "<h1>Faker wins as T1 embody Heartsteel’s song</h1>",
            "Faker wins as T1 embody Heartsteel’s song",
        ),
        # the <h1> is the site's logo: the publisher's title stands
        (
            '<meta property="og:title" content="Get your Frontend JavaScript Code Covered">',
            "<h1>Hi, I'm Nicolas.</h1>",
            "Get your Frontend JavaScript Code Covered",
        ),
        # no title in the metadata and the <h1> is a section label: the <title> names the <h2>
        (
            "<title>Superbugs: What They Are and How You Get Them | Health Guide</title>",
            "<h1>Information and Resources</h1>"
            "<h2>Superbugs: What They Are and How You Get Them</h2>",
            "Superbugs: What They Are and How You Get Them",
        ),
        # the <title> alone, naming no heading, is not the headline (it has the site's tail)
        (
            "<title>Mozilla - Wikipedia</title>",
            "<h1>Information and Resources</h1><h2>Contents</h2>",
            "Information and Resources",
        ),
        # the og:title is a share text the page does not show: its one <h1> is the headline
        (
            '<meta property="og:title" content="Lady Gaga Shares Pic of Ex With Her Mom">',
            "<h1>Lady Gaga Shares Photo of Ex Hanging With Her Mom and Now We’re Confused</h1>",
            "Lady Gaga Shares Photo of Ex Hanging With Her Mom and Now We’re Confused",
        ),
        # ... but not an <h1> sharing no word with it (a logo or a section)
        (
            '<meta property="og:title" content="Council closes the school crossing">',
            "<h1>Weekend Reading Digest</h1>",
            "Council closes the school crossing",
        ),
        # ... nor an <h1> that abridges it (a kicker)
        (
            '<meta property="og:title" content="The 5 Biggest Decorating Mistakes Millennials'
            ' Make — and How to Solve Them">',
            "<h1>Millennial Decorating Mistakes</h1>",
            "The 5 Biggest Decorating Mistakes Millennials Make — and How to Solve Them",
        ),
        # a typewriter quote in the og:title, a curly one shown, the og:title has a section tail
        (
            '<meta property="og:title" content="Why Donald Trump won\'t change | CNN Politics">',
            "<h1>Why Donald Trump won’t change</h1>",
            "Why Donald Trump won’t change",
        ),
        # the site's name after ":" and in another case than trafilatura's site name
        (
            '<meta property="og:title" content="描画できる「Treeviz」:phpspot開発日誌">'
            '<meta property="og:site_name" content="phpspot開発日誌">',
            "<h1>phpspot開発日誌</h1>",
            "描画できる「Treeviz」",
        ),
        # of two metadata titles, the one the page shows wins
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Vision Pro hands-on: the Retina moment"}</script>'
            '<meta property="og:title" content="Vision Pro is the Retina display moment">',
            "<h1>Vision Pro is the Retina display moment</h1>",
            "Vision Pro is the Retina display moment",
        ),
    ],
)
def test_title_is_the_headline_the_page_shows(head: str, header: str, title: str) -> None:
    article = extract_article(page_with(head, header), "https://news.example/a")
    assert article is not None
    assert article.title == title


def test_json_ld_in_cdata_is_read() -> None:
    head = (
        '<script type="application/ld+json">//<![CDATA[\n{"@type": "NewsArticle",'
        ' "headline": "Bridge reopens", "datePublished": "2024-12-06T22:00:40.000Z",'
        ' "author": [{"@type": "Person", "name": "Stella Kim"}]}\n//]]></script>'
        '<meta property="article:published_time" content="2024-12-07T12:43:39Z">'
    )
    article = extract_article(page_with(head, "<h1>Bridge reopens</h1>"), "")
    assert article is not None
    assert article.published is not None and article.published.startswith("2024-12-06")
    assert article.authors == ["Stella Kim"]


# --- visible bylines and teaser captions ----------------------------------------------------------


def test_first_visible_byline_wins_over_sidebar_bylines() -> None:
    header = (
        '<h1>Uber and the sharing economy</h1><span class="byline">'
        '<a href="/writer/eskow">Richard Eskow</a></span>'
    )
    sidebar = (
        '<aside><ul><li><a href="/s1">Other story</a><span class="byline">Joanna Rothkopf'
        "</span></li></ul></aside>"
    )
    html = page_with("", header).replace("</article>", f"</article>{sidebar}")
    article = extracted(html)
    assert article.authors == ["Richard Eskow"]


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("Dan Goodin - Apr 16, 2015 8:02 pm UTC", ["Dan Goodin"]),
        ("James Akinaka • 8h", ["James Akinaka"]),
        ("Laura June Topolsky July", ["Laura June Topolsky"]),
        ("By Theresa May", ["Theresa May"]),
        ("By", []),
        (
            "Martin Untersinger (avec Damien Leloup et Morgane Tual)",
            ["Martin Untersinger", "Damien Leloup", "Morgane Tual"],
        ),
        ("By Ruth Reporter", ["Ruth Reporter"]),
        ("约翰·米勒-怀特、王小明", ["约翰·米勒-怀特", "王小明"]),
        ("Jane Doe · John Roe", ["Jane Doe", "John Roe"]),
        # a broadcaster's interview: both are credited
        (
            "Richard David Precht im Gespräch mit Karin Fischer",
            ["Richard David Precht", "Karin Fischer"],
        ),
        ("Jane Doe in conversation with John Roe", ["Jane Doe", "John Roe"]),
        # sentence words around a name, a credit, a label, a date's month: no one
        ("von deinen Hochzeitsbloggern", []),
        ("in Uncategorized", []),
        ("Quelle: Shanghai Electric", []),
        ("Auteur", []),
        ("Dezember", []),
        # a site's administrator account names no one
        ("Wordpressadmin", []),
        ("siteadmin", []),
        # a name's own particle and an all lower-case user name stay
        ("van der Berg", ["van der Berg"]),
        ("jane doe", ["jane doe"]),
    ],
)
def test_byline_dates_and_placeholders(byline: str, people: list[str]) -> None:
    assert parse_byline(byline).people == people


@pytest.mark.parametrize("name", ["IT Finanzmagazin", "Ärzte Zeitung", "Rhein-Nachrichten"])
def test_a_papers_or_magazines_name_is_an_organisation(name: str) -> None:
    byline = parse_byline(f"{name}, Jane Doe")
    assert (byline.people, byline.organisations) == (["Jane Doe"], [name])


def test_teaser_card_caption_that_is_a_link_stays_out() -> None:
    teaser = (
        '<div class="featured-stories"><ul><li class="story"><figure><img src="a.jpg">'
        '<figcaption><a href="/2015/drake">Drake Assaulted in Dubai Nightclub After Show'
        "</a></figcaption></figure></li></ul></div>"
    )
    photo = (
        '<figure><img src="b.jpg"><figcaption>Volunteers search the fields behind Hollins Lane,'
        " Millbrook</figcaption></figure>"
    )
    html = page_with("", f"<h1>Search goes on</h1>{photo}").replace(
        "</article>", f"</article>{teaser}"
    )
    article = extract_article(html, "")
    assert article is not None
    assert "Volunteers search the fields behind Hollins Lane" in article.text
    assert "Drake Assaulted" not in article.text


def test_gallery_captions_stay_out_and_a_repeated_caption_counts_once() -> None:
    photo = (
        '<figure><img src="b.jpg"><figcaption>Volunteers search the fields behind Hollins Lane,'
        " Millbrook</figcaption></figure>"
    )
    gallery = (
        '<div class="photo-gallery"><figure><img src="c.jpg"><figcaption>Fans queue outside'
        " the stadium before the cup final</figcaption></figure></div>"
    )
    html = page_with("", f"<h1>Search goes on</h1>{photo}{gallery}{photo}")
    article = extract_article(html, "")
    assert article is not None
    assert article.text.count("Volunteers search the fields behind Hollins Lane") == 1
    assert "Fans queue outside" not in article.text


# --- additions judged by where they stand: captions and the standfirst ------------------------

PARAGRAPHS = "".join(
    f"<p>{sentence * 3}</p>"
    for sentence in (
        "Police said the seven-year-old boy was found safe in a parked car on Thursday. ",
        "Detectives thanked the volunteers who searched the fields for two days and nights. ",
        "A 34-year-old man was arrested near the industrial estate and remains in custody. ",
    )
)


def story_page(header: str = "", body_extra: str = "", outside: str = "", head: str = "") -> str:
    """An article page; `body_extra` stands between the body's paragraphs."""
    return (
        f"<html><head>{head}</head><body><div class='site-header'>{outside}</div>"
        f"<article><h1>Millbrook boy found safe</h1>{header}"
        f"<div class='story-body'>{PARAGRAPHS}{body_extra}{PARAGRAPHS}</div></article>"
        "</body></html>"
    )


def test_caption_credit_is_not_part_of_the_caption() -> None:
    photo = (
        "<figure><img src='a.jpg'><figcaption><span>Volunteers search the fields behind Hollins"
        " Lane, Millbrook.</span><span>J. Scott Applewhite / AP file</span></figcaption></figure>"
        "<figure><img src='b.jpg'><figcaption>Parents left flowers at the school gate"
        " (AP Photo/Jane Doe, File)</figcaption></figure>"
        "<figure><img src='c.jpg'><figcaption>The search team met at Millbrook Lodge."
        " Supplied</figcaption></figure>"
        "<figure><img src='d.jpg'><figcaption>Supplied water lined the road to Millbrook"
        " Lodge</figcaption></figure>"
    )
    article = extract_article(story_page(body_extra=photo), "")
    assert article is not None
    assert "Volunteers search the fields behind Hollins Lane, Millbrook." in article.text
    assert "Parents left flowers at the school gate" in article.text
    assert "Applewhite" not in article.text and "Jane Doe" not in article.text
    lines = article.text.split("\n")
    assert "The search team met at Millbrook Lodge." in lines
    assert "Supplied water lined the road to Millbrook Lodge" in lines


CAPTION_WORDS = "Volunteers search the fields behind Hollins Lane."


def lines_with_caption(caption: str) -> list[str]:
    """The text's lines of a story whose body holds one photo with this caption."""
    photo = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
    return extracted(story_page(body_extra=photo)).text.split("\n")


@pytest.mark.parametrize(
    "credit",
    [
        # several credits, each with its word (Die Welt, Wired)
        "Quelle: fhm/Getty Images; Montage: Infografik WELT",
        "Photograph: Jane Doe; Getty Images",
        # The New York Times: "Credit..." and "Credit Credit" before the photographer
        "Credit... Jane Doe/The New York Times",
        "Credit Credit Chang W. Lee/The New York Times",
        # the credit's word left when its name stood in an element of its own (Der Spiegel)
        "Foto:",
        # an agency, or an agency and its photographer, after the last sentence
        "EFE",
        "Lichtgut/Christoph Schmidt",
    ],
)
def test_a_credit_closing_the_caption_is_no_part_of_it(credit: str) -> None:
    assert CAPTION_WORDS in lines_with_caption(f"{CAPTION_WORDS} {credit}")


@pytest.mark.parametrize(
    "caption",
    [
        "Volunteers and their mother/father search the fields behind Hollins Lane",
        "A tax credit and/or rebate for the volunteers of Millbrook",
        "Volunteers search the fields behind Hollins Lane, police say: all of them",
        "Volunteers search the fields behind Hollins Lane with Sgt. J. Doe/Smith",
    ],
)
def test_words_shaped_like_a_credit_stay_in_the_caption(caption: str) -> None:
    assert caption in lines_with_caption(caption)


@pytest.mark.parametrize(
    "label",
    [
        # BBC News: a hidden "Image caption, " before the words (old and new markup)
        "<span class='ssrcss-1f39n02-VisuallyHiddenText'>Image caption, </span>",
        "<span class='off-screen'>Image caption</span>",
        # SRF: "Legende:" kept off screen
        "<span class='h-offscreen'>Legende:</span>",
    ],
)
def test_a_label_only_screen_readers_hear_is_no_word_of_the_caption(label: str) -> None:
    assert CAPTION_WORDS in lines_with_caption(f"{label}{CAPTION_WORDS}")


def test_an_icons_title_is_no_word_of_the_caption_or_the_headline() -> None:
    """The West Australian draws a camera icon in each caption, an `<svg>` whose `<title>`
    ("Camera Icon") is there for screen readers; it was read as the caption's first words."""
    icon = "<svg viewBox='0 0 17 14'><title>{}</title><path d='M10 11z'/></svg>"
    photo = (
        f"<figure><img src='a.jpg'><figcaption>{icon.format('Camera Icon')}Volunteers search"
        " the fields behind Hollins Lane.</figcaption></figure>"
    )
    html = story_page(body_extra=photo).replace(
        "<h1>Millbrook boy found safe</h1>",
        f"<h1>{icon.format('Live')}Millbrook boy found safe</h1>",
    )
    article = extracted(html)
    assert "Volunteers search the fields behind Hollins Lane." in article.text.split("\n")
    assert "Camera Icon" not in article.text
    assert article.title == "Millbrook boy found safe"


@pytest.mark.parametrize(
    "credit_class", ["image-container-source__rbsO4", "credit", "FeaturedImageCaption-credit"]
)
def test_a_credit_beside_the_caption_in_its_figure_is_no_line(credit_class: str) -> None:
    photo = (
        '<div class="image-container"><img src="a.jpg"><div class="image-container-text">'
        '<span class="image-container-caption">Volunteers search the fields behind Hollins'
        f' Lane, Millbrook.</span><span class="{credit_class}">Friso Gentsch/dpa</span>'
        "</div></div>"
    )
    article = extract_article(story_page(body_extra=photo), "")
    assert article is not None
    assert "Volunteers search the fields behind Hollins Lane, Millbrook." in article.text
    assert "Gentsch" not in article.text


def test_a_line_of_the_body_beside_a_caption_is_no_credit() -> None:
    """Only a figure holding nothing but the caption and its credits gives credits: in a
    body holding a caption among its paragraphs, a paragraph classed `source` is prose."""
    photo = (
        '<span class="caption">Volunteers search the fields behind Hollins Lane.</span>'
        '<p class="source-note">Sources at the county police said the search would go on'
        " through the night.</p>"
    )
    article = extract_article(story_page(body_extra=photo), "")
    assert article is not None
    assert "Sources at the county police said the search would go on" in article.text


@pytest.mark.parametrize(
    ("caption", "kept", "credit"),
    [
        (
            "Familias esperan noticias en el puerto de Montevideo. Foto: Archivo El País",
            "Familias esperan noticias en el puerto de Montevideo.",
            "Archivo",
        ),
        (
            "Ein Jäger sucht mit Helfern am Waldrand (Quelle: Fleischmann/Unsplash/DJV)",
            "Ein Jäger sucht mit Helfern am Waldrand",
            "Unsplash",
        ),
        (
            "Poliisi etsii kadonnutta poikaa metsästä. Kuva: ALEXANDER BECHER",
            "Poliisi etsii kadonnutta poikaa metsästä.",
            "BECHER",
        ),
        (
            "Voluntários procuram o menino em Brasília (crédito: Minervino Júnior",
            "Voluntários procuram o menino em Brasília",
            "Minervino",
        ),
        # a credit with its licence or its agency's address, and a closing full stop
        (
            "Helfer suchen den Jungen am Waldrand bei Cottbus. Foto: Timur | flickr | CC BY 2.0",
            "Helfer suchen den Jungen am Waldrand bei Cottbus.",
            "flickr",
        ),
        (
            "Die Suche nach dem Jungen geht am Montag weiter. Quelle: jorisvo / Fotolia.com",
            "Die Suche nach dem Jungen geht am Montag weiter.",
            "Fotolia",
        ),
        (
            "Voluntarios buscan al niño en el puerto de Montevideo. Foto: Archivo El País.",
            "Voluntarios buscan al niño en el puerto de Montevideo.",
            "Archivo",
        ),
        # a photographer and the paper or agency in brackets, with no credit word
        (
            "Volunteers search the fields behind the school. (Evan Mitsui/CBC)",
            "Volunteers search the fields behind the school.",
            "Evan Mitsui",
        ),
        # Chinese, Japanese and Korean credits
        ("张雅婷与母亲在社会局相拥而泣。（新华社记者 李贺 摄）", "相拥而泣。", "李贺"),
        ("张雅婷与母亲在社会局相拥而泣。新华社记者 李贺 摄", "相拥而泣。", "李贺"),
        ("拐卖儿童案件的受害者家属在法院外（图片来源：视觉中国）", "法院外", "视觉中国"),
        ("移送のため警視庁を出る容疑者＝13日、東京・霞ケ関で（潟沼義樹撮影）", "霞ケ関で", "潟沼"),
        ("韓国の国会前で警備に当たる警察官ら＝ＡＰ", "警察官ら", "ＡＰ"),
        ("지지자들을 향해 인사하고 있다. [사진 출처 = 연합뉴스]", "인사하고 있다.", "연합뉴스"),
        # a credit written as a sentence after the caption's own
        (
            "Volunteers search the fields behind the school. Photo by Jane Doe/Riverside Herald",
            "Volunteers search the fields behind the school.",
            "Jane Doe",
        ),
        ("Screenshot by Amanda Tan/ONE Esports", "", "Amanda Tan"),
        # a photo's author named in the caption's own words is what it shows
        (
            "The boy in a photo by Sarah Jones, his mother",
            "The boy in a photo by Sarah Jones, his mother",
            "Jane Doe",
        ),
        ("Photo by his mother, on the morning he left", "Photo by his mother", "Jane Doe"),
    ],
)
def test_a_credit_in_other_languages_is_not_part_of_the_caption(
    caption: str, kept: str, credit: str
) -> None:
    photo = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
    article = extracted(story_page(body_extra=photo))
    assert kept in article.text
    assert credit not in article.text


def test_a_bracket_closing_a_caption_without_a_slash_is_no_credit() -> None:
    """Only a slash between a photographer and a paper makes a bracket a credit."""
    for caption in (
        "Mario Voigt (CDU) und Björn Höcke (AfD)",
        "Police officers search the canal near Millbrook (Tuesday, March 12)",
    ):
        photo = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
        assert caption in extracted(story_page(body_extra=photo)).text


def test_a_product_card_and_a_caption_repeating_the_headline_are_not_captions() -> None:
    card = (
        "<div class='item-ecommerce'><img src='s.jpg'><div class='caption'><div>H &amp; M"
        "</div><div>H &amp; M - Plateausneaker - White - Damen</div><div>24,99 €</div>"
        "<div>Zum Shop</div></div></div>"
    )
    repeat = "<figure><img src='b.jpg'><figcaption>Millbrook boy found safe</figcaption></figure>"
    article = extracted(story_page(body_extra=card + repeat))
    assert "Plateausneaker" not in article.text and "Zum Shop" not in article.text
    assert "Millbrook boy found safe" not in article.text
    assert article.title == "Millbrook boy found safe"


def test_section_headings_set_as_h1s_stay_in_the_text() -> None:
    html = story_page(body_extra="<h1>What the neighbours saw</h1>")
    assert "What the neighbours saw" in extracted(html).text


@pytest.mark.parametrize(
    ("figure", "caption_start"),
    [
        (  # a video player's caption
            "<figure><div class='media-player-wrapper'><figure class='media-player'"
            " data-playable='{}'></figure></div><figcaption>Who is the man behind the"
            " Millbrook investigation?</figcaption></figure>",
            "Who is the man behind",
        ),
        (  # a caption the page hides
            "<figure><img src='a.jpg'><figcaption class='caption dis-none'>Volunteers search"
            " the fields behind Hollins Lane, Millbrook</figcaption></figure>",
            "Volunteers search",
        ),
    ],
    ids=["video-player", "hidden"],
)
def test_caption_not_shown_with_a_photo_stays_out(figure: str, caption_start: str) -> None:
    article = extract_article(story_page(body_extra=figure), "")
    assert article is not None
    assert caption_start not in article.text


def test_lead_caption_in_the_story_comes_back_but_not_one_outside_it() -> None:
    lead = (
        "<figure><img src='a.jpg'><figcaption>Volunteers search the fields behind Hollins Lane,"
        " Millbrook, where Daniel Hartley was last seen</figcaption></figure>"
    )
    other = (
        "<figure><img src='b.jpg'><figcaption>Fans queue outside the stadium before the cup"
        " final in Corbridge</figcaption></figure>"
    )
    article = extract_article(story_page(header=lead, outside=other), "")
    assert article is not None
    assert "Volunteers search the fields behind Hollins Lane" in article.text
    assert "Fans queue outside the stadium" not in article.text


def test_a_lead_caption_naming_no_one_the_story_lacks_stays_out() -> None:
    """A lead photo's caption that only repeats the story's names adds nothing to find."""
    repeating = (
        "<figure><img src='a.jpg'><figcaption>Detectives and volunteers searched the fields for"
        " two days, police said</figcaption></figure>"
    )
    html = story_page(header=repeating)
    assert "Detectives and volunteers searched" not in extracted(html).text
    kept_by_option = extract_article(html, "", ExtractOptions(lead_captions_need_names=False))
    assert kept_by_option is not None
    assert "Detectives and volunteers searched" in kept_by_option.text
    # inside the body a caption is the body's, names or not
    assert "Detectives and volunteers searched" in extracted(story_page(body_extra=repeating)).text


def test_a_caption_beside_a_video_player_in_a_box_of_its_own_stays_out() -> None:
    """CBC's `mediaEmbed`: the player and its caption side by side, the box's class naming
    neither; the caption titles another story's video."""
    box = (
        "<span class='mediaEmbed'><div class='player-placeholder-ui-container'>"
        "<h3>Some residents worry the appointment could stall the talks</h3></div>"
        "<span class='media-caption'>Councillors in Millbrook say the bypass vote will"
        " decide the budget for a decade.</span></span>"
    )
    photo = (
        "<span class='photo'><img src='a.jpg'><span class='media-caption'>Councillors in"
        " Millbrook voted on the bypass on Tuesday.</span></span>"
    )
    text = extracted(story_page(body_extra=box + photo)).text
    assert "Councillors in Millbrook say the bypass vote" not in text
    assert "Councillors in Millbrook voted on the bypass on Tuesday." in text


def test_standfirst_in_the_story_is_kept_but_not_a_summary_outside_it() -> None:
    summary = "Police found the seven-year-old safe in a parked car after a two-day search."
    head = f'<meta name="description" content="{summary}">'
    kept = extract_article(story_page(header=f"<p class='dek'>{summary}</p>", head=head), "")
    apart = extract_article(story_page(outside=f"<p class='dek'>{summary}</p>", head=head), "")
    assert kept is not None and apart is not None
    assert kept.text.startswith(summary)
    assert summary not in apart.text


def test_a_description_shown_as_the_lead_photos_caption_is_no_standfirst() -> None:
    """A publisher may describe the story by its lead photo (Funke's papers: the JSON-LD
    description is the caption). With captions off, that caption does not come back in as
    the story's standfirst: whether it is text is the captions' call."""
    caption = "Police said the boy was safe and well after the search of the car."
    head = f'<meta name="description" content="{caption}">'
    photo = f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>"
    options = ExtractOptions(keep_captions=False)
    article = extract_article(story_page(header=photo, head=head), "", options)
    assert article is not None and "Detectives thanked the volunteers" in article.text
    assert caption not in article.text
    # the same words shown as the story's standfirst come in
    shown = extract_article(story_page(header=f"<p>{caption}</p>", head=head), "", options)
    assert shown is not None and shown.text.startswith(caption)


@pytest.mark.parametrize(
    "caption",
    [
        # names someone the story does not: kept in the text as the lead caption
        "Detective Sergeant Ana Kowalczyk led the search of the car park in Hollins Lane.",
        # names no one new: left out, and still a caption, not a standfirst
        "Detectives thanked the volunteers who searched the fields on Thursday.",
    ],
)
def test_a_description_that_is_a_caption_does_not_hide_the_standfirst(caption: str) -> None:
    """Funke's papers again, captions on: the JSON-LD description is the lead photo's
    caption, and `og:description` is the standfirst shown under the headline. Whether the
    caption is kept or not, it is no standfirst, nor a sign that the standfirst is there."""
    standfirst = "The seven-year-old was found safe after two days; police thank the volunteers."
    head = (
        f'<script type="application/ld+json">{{"@type": "NewsArticle",'
        f' "description": "{caption}"}}</script>'
        f'<meta property="og:description" content="{standfirst}">'
    )
    header = (
        f"<div class='lead'><span class='city'>Millbrook.</span> <span>{standfirst}</span></div>"
        f"<figure><img src='a.jpg'><figcaption>{caption} © Millbrook Gazette | J. Doe"
        "</figcaption></figure>"
    )
    text = extracted(story_page(header=header, head=head)).text
    assert text.startswith(standfirst)
    assert (caption in text) is ("Kowalczyk" in caption)
    assert "Gazette" not in text


def test_a_description_glued_from_the_body_is_no_standfirst() -> None:
    """Some sites fill the description with the body's own paragraphs, run together: the
    element holding the body shows it whole, yet it repeats the article."""
    first = (
        "Teamchef Michael Kohlmann hat die Mannschaft für die Qualifikation bekanntgegeben. " * 3
    )
    second = (
        "Erfahrenster Akteur ist damit Jan-Lennard Struff, der schon elf Partien bestritt. " * 3
    )
    teaser = "Read more: Davis Cup"  # a teaser line the stage drops
    description = f"{first}{second}{teaser}"
    html = (
        f'<html><head><meta name="description" content="{description}"></head><body>'
        f"<article><h1>Davis Cup: Das Team steht</h1><div class='text'><p>{first}</p>"
        f"<p>{second}</p><p><a href='/kohlmann'>{teaser}</a></p></div></article></body></html>"
    )
    article = extracted(html)
    assert article.text.count("Erfahrenster Akteur") == 3
    assert description not in article.text


def test_image_box_inside_a_paragraph_keeps_the_paragraph() -> None:
    inline = (
        "<p><span class='storyimage'><img src='a.jpg'><span class='caption'>Volunteers search"
        " the fields behind Hollins Lane, Millbrook</span></span>"
        "Nintendo and Apple shocked the world earlier this year by announcing a new game for"
        " phones, the company's first foray into mobile gaming.</p>"
    )
    article = extract_article(story_page(body_extra=inline), "")
    assert article is not None
    assert "Nintendo and Apple shocked the world" in article.text
    assert "Volunteers search the fields behind Hollins Lane" in article.text


# --- authors from meta tags ------------------------------------------------------------------


def test_publisher_in_author_meta_gives_way_to_the_article_author() -> None:
    head = (
        '<meta name="author" content="Condé Nast">'
        '<meta name="copyright" content="Copyright (c) Condé Nast 2022">'
        '<meta property="article:author" content="Emma Grey Ellis">'
    )
    article = page_article(head, "<h1>An Ode to Rosetta</h1>")
    assert article.authors == ["Emma Grey Ellis"]
    own_blog = (
        '<meta name="author" content="Jane Roe"><meta name="copyright" content="© 2024 Jane Roe">'
    )
    blog = page_article(own_blog, "<h1>Notes from the allotment</h1>")
    assert blog.authors == ["Jane Roe"]


def test_profile_links_name_the_people_the_page_shows() -> None:
    head = (
        '<meta property="article:author" content="https://news.example/profile/julia-carrie-wong,'
        'https://news.example/profile/sam-levin,https://news.example/profile/not-shown">'
    )
    header = "<h1>Protesters hold out</h1><p>Julia Carrie Wong and Sam Levin in Cannon Ball</p>"
    article = page_article(head, header)
    assert article.authors == ["Julia Carrie Wong", "Sam Levin"]


# --- the builder of the real set and its scoring ------------------------------------------------


def test_pages_without_text_truth_are_scored_for_metadata_only() -> None:
    page = RealPage(
        "k",
        "",
        page_with("", "<h1>Council closes the crossing</h1>"),
        None,
        "Council closes the crossing",
        (),
        None,
        "tuning",
    )
    score = evaluate_fields(stage, [page])
    assert score.pages[0].counts is None
    assert score.text.pages == 0
    assert score.title == 1.0


def test_builder_keeps_earlier_parts_when_a_source_joins() -> None:
    first = {f"readability-{i:02d}": {"source": "readability"} for i in range(7)}
    first |= {f"newspaper4k-{i:02d}": {"source": "newspaper4k"} for i in range(4)}
    split_parts(first)
    before = {key: entry["split"] for key, entry in first.items()}
    grown = {key: dict(entry) for key, entry in first.items()}
    grown |= {f"postlight-{i:02d}": {"source": "postlight"} for i in range(5)}
    split_parts(grown)
    assert {key: grown[key]["split"] for key in before} == before
    assert [key for key in sorted(grown) if grown[key]["split"] == "held-out"][:2] == [
        "newspaper4k-02",
        "postlight-00",
    ]


def test_builder_reads_postlight_assertions_and_restores_meta_tags() -> None:
    test = (
        "url = 'https://a.example/x';\n"
        "const html = fs.readFileSync('./fixtures/a.example.html');\n"
        "assert.equal(title, 'It\\'s a ' + 'headline');\n"
        "assert.equal(author, 'Jane Doe and John Roe');\n"
        "assert.equal(date_published, '2019-04-03T15:00:00.000Z');\n"
    )
    fields = asserted_fields(test)["a.example"]
    assert fields["title"] == "It's a headline"
    assert postlight_authors(fields["author"]) == ["Jane Doe", "John Roe"]
    # 15:00 UTC is midnight in Tokyo: the page's own timestamp gives its day
    assert local_day(fields["date_published"], "2019-04-04T00:00:00+09:00") == "2019-04-04"
    assert local_day("2016-12-22T23:47:00.000Z", "<p>Dec. 22, 2016</p>") == "2016-12-22"
    assert local_day("2016-12-22T23:47:00.000Z", "no date here") is None
    restored = restore_meta(b'<meta value="Jane" name="author"><meta value="T" name="og:title">')
    assert restored == b'<meta content="Jane" name="author"><meta content="T" property="og:title">'


def test_one_author_tag_per_author_and_a_user_name_last() -> None:
    head = "".join(
        f'<meta property="article:author" content="https://news.example/by/{slug}">'
        for slug in ("marc-santora", "william-k-rashbaum")
    )
    header = "<h1>Suspect arrested</h1><p>By Marc Santora and William K. Rashbaum</p>"
    article = page_article(head, header)
    assert article.authors == ["Marc Santora", "William K. Rashbaum"]
    handle = (
        '<meta name="sailthru.author" content="mikecason">'
        '<meta name="byline" content="Mike Cason | mcason@al.com">'
    )
    named = page_article(handle, "<h1>Two arrested</h1>")
    assert named.authors == ["Mike Cason"]
    alone = page_article(handle.split('<meta name="byline"')[0], "<h1>x</h1>")
    assert alone.authors == ["mikecason"]


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("<p><i>von Daniela Obers</i></p>", ["Daniela Obers"]),
        ("<p><em>Text von Christian Seiler</em></p>", ["Christian Seiler"]),
        (
            '<div class="metaInfo">Ein Artikel von <strong>Pamela Sladky</strong> |'
            " 27.01.2022 - 12:45</div>",
            ["Pamela Sladky"],
        ),
        ("<p>Par Didier Roy</p>", ["Didier Roy"]),
        # a box of labelled fields, each label in an element of its own
        (
            '<div class="info"><h5>Datum: </h5>03.11.2021<br><h5>Autor: </h5>Peter Maahn/SP-X'
            "</div>",
            ["Peter Maahn"],
        ),
        (
            "<div><span>Datum:</span> 19.11.2021<br><span>Autor:</span> Fritz Imhof<br>"
            "<span>Quelle:</span> Livenet</div>",
            ["Fritz Imhof"],
        ),
        # ... but an unlabelled "von" opening a later line goes on a sentence
        ("<div>Die Praxis für Kinder<br>von Anna Berg und Jan Kühn gegründet</div>", []),
        # a sentence that starts with the word is no byline
        ("<p>Von Montag an gilt die neue Regel für alle Schulen.</p>", []),
    ],
)
def test_a_by_line_in_other_languages_names_the_author(line: str, people: list[str]) -> None:
    article = page_article("", f"<h1>Grenzen setzen lernen</h1>{line}")
    assert article.authors == people


def test_an_author_element_naming_no_one_gives_way_to_the_next() -> None:
    header = (
        '<h1>Digital transition</h1><span class="author-date">January</span>'
        '<p>Posted by <a class="blog-author-link" href="/blog/author/kori-schulman">'
        "Kori Schulman</a></p>"
    )
    article = page_article("", header)
    assert article.authors == ["Kori Schulman"]


@pytest.mark.parametrize(
    ("date_line", "published"),
    [
        ('<p class="date">2019年04月21日 12時00分更新</p>', "2019-04-21"),
        ('<p class="article__readTime date">2019年2月27日</p>', "2019-02-27"),
        ('<span class="post-date">2024/3/9</span>', "2024-03-09"),
        # a date line whose class names the time (a Japanese blog, a Chinese portal)
        ('<span class="entry-top-info-time">2020年07月12日</span>', "2020-07-12"),
        ('<span class="pubtime">2020-03-17 10:31</span>', "2020-03-17"),
        # day first with dots (German, Russian, Scandinavian pages), spaced or not
        ('<li class="Date">29.04.2020, 12:01 Uhr</li>', "2020-04-29"),
        ('<div class="att-publish-date">Von Deutscher Tennis Bund 4. 2. 2022.</div>', "2022-02-04"),
        # a named month, and a slashed date only one way can read
        ('<span class="headline-date">02. November 2021</span>', "2021-11-02"),
        ('<span class="post-date">25/10/2022</span>', "2022-10-25"),
    ],
)
def test_date_line_when_the_metadata_states_no_date(date_line: str, published: str) -> None:
    footer = '<footer><p class="date">2022/07/01</p></footer>'
    today = '<div class="today-date">2022.08.11</div>'
    html = page_with("", f"{today}<h1>Palm Phone review</h1>{date_line}").replace(
        "</body>", f"{footer}</body>"
    )
    article = extracted(html)
    assert article.published == published
    stated = '<meta property="article:published_time" content="2019-04-20T10:00:00+09:00">'
    with_meta = page_article(stated, f"<h1>Palm Phone review</h1>{date_line}")
    assert with_meta.published == "2019-04-20T10:00:00+09:00"


# What the page shows before the article's own date line, and is not the article's day.
NOT_THE_ARTICLES_DATE_LINES = [
    # the site's masthead: the day the page was saved
    '<header><h1><a href="/">Deutschlandfunk</a></h1><nav><a href="/a">News</a></nav>'
    '<span class="dlf-date">Mittwoch, 26.02.2020</span></header>',
    # a forum's clock, an update line
    '<p class="responsive-center time">Aktuelle Zeit: 14.10.2020, 12:18</p>',
    '<span>Updated <span class="entry-date">Jul 24, 2018</span></span>',
    # teasers of other stories: a box of related stories, a slider, a "read next" list
    '<div class="view-related"><span class="post-date">16.02.2022</span></div>',
    '<div class="splide__slide"><div class="date">Über das Spiel 24. Oktober 2023</div></div>',
    '<div class="news-list-view nextread"><small class="news-list-date">31.01.2022</small></div>',
    # a reader's comment
    '<div class="comment-body"><span class="comment-date">16.02.2022</span></div>',
]


@pytest.mark.parametrize("before", NOT_THE_ARTICLES_DATE_LINES)
def test_a_date_line_that_is_not_the_articles_is_passed_over(before: str) -> None:
    html = page_with("", f'{before}<h1>Palm Phone review</h1><p class="date">2017-05-01</p>')
    assert extracted(html).published == "2017-05-01"


def test_a_slashed_date_either_way_is_no_date_line_alone() -> None:
    """ "03/05/2022" is 3 May in Brazil and 5 March in the United States: without a stamp
    beside it the date line settles nothing."""
    tree = load_html('<html><body><span class="date">03/05/2022</span></body></html>')
    assert shown_date(tree) is None
    tree = load_html('<html><body><span class="date">13/05/2022</span></body></html>')
    assert shown_date(tree) == "2022-05-13"


@pytest.mark.parametrize(
    ("shown", "published"),
    [
        # the article's <time> and the page name the day; the meta tag was stamped again
        (
            '<time datetime="2022-03-09" class="hero__meta-label">09.03.2022</time>',
            "2022-03-09",
        ),
        # ... not an update's <time>, nor a reader's comment's
        (
            '<time class="updated" datetime="2022-03-09">09.03.2022</time>',
            "2022-11-17T10:33:13+00:00",
        ),
        (
            '<div class="comment-list"><time datetime="2022-03-09">09.03.2022</time></div>',
            "2022-11-17T10:33:13+00:00",
        ),
    ],
)
def test_the_articles_time_the_page_shows_settles_a_lone_statement(
    shown: str, published: str
) -> None:
    head = '<meta property="article:published_time" content="2022-11-17T10:33:13Z">'
    assert page_article(head, f"<h1>Wärmepumpe im Altbau</h1>{shown}").published == published


@pytest.mark.parametrize(
    ("statements", "shown", "published"),
    [
        # JSON-LD's datePublished two days before the meta tag and the page's date line
        (
            ("2022-01-04T07:29:00.000Z", "2022-01-06T08:29:34"),
            '<div class="v-A_-article__info-item">06.01.2022</div>',
            "2022-01-06T08:29:34",
        ),
        # the day shown is an update's: the first statement stands
        (
            ("2017-12-15T08:50:02-05:00", "2018-07-24T14:15:58-04:00"),
            '<span>Updated <time datetime="2018-07-24">Jul 24, 2018, 2:15pm EDT</time></span>',
            "2017-12-15T08:50:02-05:00",
        ),
        # the page shows no day: the first statement stands
        (("2022-01-04T07:29:00Z", "2022-01-06T08:29:34"), "", "2022-01-04T07:29:00+00:00"),
    ],
)
def test_statements_naming_different_days_are_settled_by_the_day_shown(
    statements: tuple[str, str], shown: str, published: str
) -> None:
    json_ld, meta = statements
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Vanlife",'
        f' "datePublished": "{json_ld}"}}</script>'
        f'<meta property="article:published_time" content="{meta}">'
    )
    assert page_article(head, f"<h1>Vanlife</h1>{shown}").published == published


STATED_THE_DAY_BEFORE = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Martial law",'
    ' "datePublished": "2024-12-03T23:17:00+09:00"%s}</script>'
)


@pytest.mark.parametrize(
    ("head", "published"),
    [
        # the date line shows the day the publisher says it modified the article
        (
            STATED_THE_DAY_BEFORE % ', "dateModified": "2024-12-04T00:06:42+09:00"',
            "2024-12-03T23:17:00+09:00",
        ),
        # ... stated in a meta tag the same
        (
            STATED_THE_DAY_BEFORE % ""
            + '<meta property="article:modified_time" content="2024-12-04T00:06+09:00">',
            "2024-12-03T23:17:00+09:00",
        ),
        # no modification stated: the day the page shows settles it, as before
        (STATED_THE_DAY_BEFORE % "", "2024-12-04T00:05:00"),
    ],
)
def test_a_date_line_showing_the_modified_day_dates_an_update(head: str, published: str) -> None:
    shown = (
        '<div class="article-header-date">'
        '<time datetime="2024-12-04T00:05">2024/12/04 00:05</time></div>'
    )
    assert page_article(head, f"<h1>Martial law declared</h1>{shown}").published == published


def test_byline_by_id_and_the_site_word_in_it() -> None:
    head = '<meta property="og:site_name" content="ITmedia PC USER">'
    header = '<h1>Intel NUC SSD test</h1><div id="byline"><b>[</b>田中宏昌，<b>ITmedia]</b></div>'
    article = page_article(head, header)
    assert article.authors == ["田中宏昌"]


def test_an_organisation_credit_ends_the_search_among_author_elements() -> None:
    header = (
        '<h1>Zimbabwe coup</h1><span class="author">Our Foreign Staff</span>'
        '<div class="author">Telegraph View</div>'
    )
    article = page_article("", header)
    assert article.authors == []


# --- bylines glued by layout, credits lists, unmarked bylines; blog and two-<h1> titles -------


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("Politik · Jochen Bittner, Tina Hildebrandt", ["Jochen Bittner", "Tina Hildebrandt"]),
        ("By Smith and Jones", ["Smith", "Jones"]),
        ("Andrew Husband | Twitter | News & Culture Writer", ["Andrew Husband"]),
        ("Ellyn Shook | Creating the most truly human company", ["Ellyn Shook"]),
        ("Lauren del Valle", ["Lauren del Valle"]),
        ("Caitlin Wooters using MAC Cosmetics", []),
    ],
)
def test_section_labels_link_labels_and_sentences_are_not_names(
    byline: str, people: list[str]
) -> None:
    assert parse_byline(byline).people == people


@pytest.mark.parametrize(
    ("header", "people", "organisations"),
    [
        # the name and its paper in two <div>s, the date in a <time>: no space between them
        (
            '<div class="article_byline | font_size_14"><div>By <span>Joe Davidson</span></div>'
            '<div class="flex"><div>Washington Post</div><time>Dec 13, 2016 at 3:45 pm</time>'
            "</div></div>",
            ["Joe Davidson"],
            ["Washington Post"],
        ),
        # two names in two <span>s that touch
        (
            '<div class="byline" itemprop="author"><span itemprop="name">Paul Wiseman</span>'
            '<span itemprop="name">Fatima Hussein, The Associated Press</span></div>',
            ["Paul Wiseman", "Fatima Hussein"],
            ["The Associated Press"],
        ),
        # a follow link's label glued to the name
        (
            '<div class="byline enhanced"><span class="author vcard"><a rel="author">Andrew'
            ' Husband</a><a href="https://twitter.com/x"><i>Twitter</i></a></span></div>',
            ["Andrew Husband"],
            [],
        ),
    ],
)
def test_bylines_glued_by_layout_are_split(
    header: str, people: list[str], organisations: list[str]
) -> None:
    article = extract_article(page_with("", f"<h1>Energy Department rejects</h1>{header}"), "")
    assert article is not None
    assert article.authors == people
    assert article.organisations == organisations


def test_an_author_element_keeps_the_initials_as_written() -> None:
    header = '<h1>Hummus on Slack</h1><p class="author-name">By Laura E. Adkins December 28</p>'
    article = page_article("", header)
    assert article.authors == ["Laura E. Adkins"]


@pytest.mark.parametrize("label", ["Written by", "Verfasst von", "Écrit par :", "Scritto da"])
def test_twitter_card_written_by_when_nothing_else_names_the_author(label: str) -> None:
    card = (
        f'<meta name="twitter:label1" content="{label}">'
        '<meta name="twitter:data1" content="Ellyn Shook">'
        '<meta name="twitter:label2" content="Est. reading time">'
        '<meta name="twitter:data2" content="2 min read">'
    )
    article = page_article(card, "<h1>Set your soul on fire</h1>")
    assert article.authors == ["Ellyn Shook"]
    shown = (
        '<h1>The Anglosphere</h1><div class="byline"><a class="byline__name">Duncan Bell</a></div>'
    )
    bylined = page_article(card, shown)
    assert bylined.authors == ["Duncan Bell"]


def test_a_by_line_under_the_headline_without_a_class() -> None:
    header = (
        '<h1>Nigeria’s economy is making a comeback</h1><div class="_ceVT">By '
        '<span class="rlwyg">Yomi Kazeem</span></div><div class="rpyRU">Published '
        "<time>February 24, 2020</time></div>"
    )
    article = page_article("", header)
    assert article.authors == ["Yomi Kazeem"]
    sentence = "<h1>Nigeria’s economy</h1><p>By the time the markets opened, rates had moved.</p>"
    unsigned = page_article("", sentence)
    assert unsigned.authors == []


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("<p><i>von Daniela Obers</i></p>", ["Daniela Obers"]),
        # another role credited in the line is not the writer's name
        (
            "<p><em>Text von Christian Seiler &nbsp; Illustration von Markus Roost</em></p>",
            ["Christian Seiler"],
        ),
        # a "von" inside a line does not open a byline
        ("<div>1 Beitrag <span>• Seite 1</span> von <span>1</span></div>", []),
    ],
)
def test_a_by_line_on_a_page_without_an_h1(line: str, people: list[str]) -> None:
    html = (
        f"<html><body><div class='text'>{line}<h2>Grenzen, das Fundament</h2>{BODY}</div>"
        "</body></html>"
    )
    assert extracted(html).authors == people


def test_an_author_tag_listing_production_credits_gives_way_to_the_byline() -> None:
    credits = (
        '<meta name="author" content="Connie Wang,Sharokh Mirzai,Ariel Pierre-Louis at MSA'
        ' Models,Caitlin Wooters using MAC Cosmetics">'
    )
    header = '<h1>Conversation-starter tees</h1><span class="byline">By Connie Wang</span>'
    article = page_article(credits, header)
    assert article.authors == ["Connie Wang"]
    plain = '<meta name="author" content="Connie Wang, Sharokh Mirzai">'
    listed = page_article(plain, header)
    assert listed.authors == ["Connie Wang", "Sharokh Mirzai"]


@pytest.mark.parametrize(
    ("head", "header", "title"),
    [
        # a blog: its name is the <h1>, the post's title a lower heading, both in <title>
        (
            "<title>高木浩光＠自宅の日記 - 改正NICT法がプチ炎上</title>",
            "<h1>高木浩光＠自宅の日記</h1><h3>■ 改正NICT法がプチ炎上</h3>",
            "改正NICT法がプチ炎上",
        ),
        # "Headline - Site - Section" over the headline's <h1> is not split
        (
            "<title>港特首梁振英就住宅违建事件道歉 - BBC中文网 - 两岸三地</title>",
            "<h1>港特首梁振英就住宅违建事件道歉</h1><h2>相关新闻话题</h2>",
            "港特首梁振英就住宅违建事件道歉",
        ),
        # the metadata states the headline with its first words cut; the <h1> has them
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "三名记者获准保释"}</script>',
            "<h1>被控煽动罪 三名记者获准保释</h1>",
            "被控煽动罪 三名记者获准保释",
        ),
    ],
)
def test_blog_titles_and_abridged_headlines(head: str, header: str, title: str) -> None:
    article = page_article(head, header)
    assert article.title == title


def test_the_articles_own_h1_wins_over_a_roll_up_bar_repeating_the_shared_title() -> None:
    shared = "Trump’s Promises to Rural Voters Were a Con"
    html = (
        f'<html><head><meta property="og:title" content="{shared}"></head><body>'
        f'<header class="roll-up"><div class="front"><h1>{shared}</h1></div>'
        f'<div class="back"><h1>{shared}</h1></div></header>'
        f"<article><header><h1>Broken Pledge</h1></header>{BODY}</article></body></html>"
    )
    article = extracted(html)
    assert article.title == "Broken Pledge"
    same = html.replace("<h1>Broken Pledge</h1>", f"<h1>{shared}</h1>")
    repeated = extract_article(same, "")
    assert repeated is not None and repeated.title == shared
    # teaser cards with <h1>s of their own: a page of many stories, the stated title stands
    teasers = html.replace(
        "</body>", "<div class='more'><h1>Tres imputados por secuestro</h1></div></body>"
    )
    assert extracted(teasers).title == shared


def test_a_link_to_the_writers_page_names_the_author() -> None:
    header = (
        "<h1>WinRARに脆弱性、アップデートを</h1><time>2019/02/22 17:23</time>"
        '<a class="articleHeader_name gtm" href="/author/180/">著者：後藤大地</a>'
    )
    article = page_article("", header)
    assert article.authors == ["後藤大地"]
    related = '<h1>WinRARに脆弱性</h1><aside><a href="/author/7/">山田太郎</a></aside>'
    unsigned = page_article("", related)
    assert unsigned.authors == []


# --- a UTC stamp filed on the day the page shows ---------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "shown", "published"),
    [
        # New York, 8.32 pm on the 28th: stated in UTC as the 29th
        ("2016-12-29T01:32:00Z", "<span>December 28, 2016</span>", "2016-12-28"),
        ("2016-12-20T00:08:44+00:00", '<p class="byline-date">Dec. 19, 2016</p>', "2016-12-19"),
        ("2016-12-29T01:32:00Z", "<span>28 décembre 2016</span>", "2016-12-28"),
        # Beijing, 9 am on the 29th: stated in UTC as the 28th
        ("2016-12-28T20:00:00Z", "<span>2016年12月29日 09:00</span>", "2016-12-29"),
        # Bari, 0.15 am on the 6th, the stamp's seconds written without their zero
        ("2020-12-05T23:15:0Z", '<p class="data">06 Dicembre 2020</p>', "2020-12-06"),
        # the page shows the UTC day too: the stamp's own day stands
        (
            "2016-12-29T01:32:00Z",
            "<span>December 28, 2016</span><span>December 29, 2016</span>",
            "2016-12-29T01:32:00+00:00",
        ),
        # ... but an update's day is not the publication's
        (
            "2016-12-29T01:32:00Z",
            "<span>December 28, 2016</span><span>Updated December 29, 2016</span>",
            "2016-12-28",
        ),
        # day first with dots; slashed, read the way that lands beside the stamp: day first
        # in Curitiba (21:44 on the 3rd), month first in New York (10:54 pm on 1 May)
        ("2022-11-06T23:00:00Z", "<time>7.11.2022</time>", "2022-11-07"),
        ("2022-05-04T00:44:52Z", "<span>03/05/2022 21:44</span>", "2022-05-03"),
        ("2020-05-02T02:54:29Z", "<span>5/1/2020</span>", "2020-05-01"),
        # no zone puts 3 pm UTC on the day before
        ("2016-12-29T15:00:00Z", "<span>December 28, 2016</span>", "2016-12-29T15:00:00+00:00"),
        # no newsroom's zone puts 12.53 UTC on the next day (Tunis is UTC+1: the paper's
        # edition date is not the article's)
        ("2020-02-18T12:53:40+00:00", "<span>19 février 2020</span>", "2020-02-18T12:53:40+00:00"),
        # an embedded tweet's day is the tweet's, not the article's
        (
            "2022-05-04T00:53:29Z",
            '<span>3 de mayo de 2022</span><blockquote class="twitter-tweet"><p>JxC no'
            ' les dará quórum</p>&mdash; (@marioraulnegri) <a href="#">May 4, 2022</a>'
            "</blockquote>",
            "2022-05-03",
        ),
        # a stamp with its own offset already names the publisher's day
        (
            "2016-12-29T01:32:00+08:00",
            "<span>December 28, 2016</span>",
            "2016-12-29T01:32:00+08:00",
        ),
        # a placeholder stamp at the end of the calendar is left as it is
        ("9999-12-31T23:00:00Z", "<span>December 30, 2016</span>", "9999-12-31T23:00:00+00:00"),
        # two days apart: not the same instant
        ("2016-12-29T01:32:00Z", "<span>December 27, 2016</span>", "2016-12-29T01:32:00+00:00"),
    ],
)
def test_a_utc_stamp_is_filed_on_the_day_the_page_shows(
    stamp: str, shown: str, published: str
) -> None:
    head = f'<meta property="article:published_time" content="{stamp}">'
    article = page_article(head, f"<h1>Two arrested</h1>{shown}")
    assert article.published == published


@pytest.mark.parametrize(
    ("stamp", "shown", "url", "published"),
    [
        # the page's <time> states the same instant in the newsroom's zone: kept whole
        (
            "2016-09-19T11:46:01Z",
            '<time datetime="2016-09-19T07:46:01-04:00">Sept. 19, 2016</time>',
            "https://www.nytimes.com/2016/09/20/nyregion/a.html",
            "2016-09-19T07:46:01-04:00",
        ),
        # the page's <time> states it as the newsroom's wall clock, without an offset
        (
            "2023-11-09T05:30:59Z",
            '<p>November 9th 2023</p><p>PUBLISHED: <time datetime="2023-11-08 23:30:59">'
            "November 8, 2023 at 11:30 p.m.</time></p>",
            "https://www.twincities.com/2023/11/08/a/",
            "2023-11-08T23:30:59-06:00",
        ),
        # a wall-clock time that is not the same instant (other seconds) restates nothing
        (
            "2023-11-09T05:30:59Z",
            '<p>UPDATED: <time datetime="2023-11-09 00:21:49">November 9, 2023</time></p>',
            "",
            "2023-11-09T05:30:59+00:00",
        ),
        # no day on the page: the address's day, written by the newsroom's system
        ("2019-11-19T04:58:46Z", "", "https://techcrunch.com/2019/11/18/a/", "2019-11-18"),
        # a printed paper's address names the next day's edition: the page's own day wins
        (
            "2016-09-19T11:46:01Z",
            "<span>Sept. 19, 2016</span>",
            "https://www.nytimes.com/2016/09/20/nyregion/a.html",
            "2016-09-19T11:46:01+00:00",
        ),
    ],
)
def test_the_publishers_day_from_the_pages_time_or_address(
    stamp: str, shown: str, url: str, published: str
) -> None:
    head = f'<meta property="article:published_time" content="{stamp}">'
    article = page_article(head, f"<h1>Two arrested</h1>{shown}", url)
    assert article.published == published


@pytest.mark.parametrize(
    ("stamp", "published"),
    [
        ("2020-12-05T23:15:0Z", "2020-12-05T23:15:00+00:00"),
        ("2020-12-05T9:05+01:00", "2020-12-05T09:05:00+01:00"),
    ],
)
def test_a_stamp_written_without_leading_zeros_is_read(stamp: str, published: str) -> None:
    head = f'<meta property="article:published_time" content="{stamp}">'
    article = page_article(head, "<h1>Two arrested</h1>")
    assert article.published == published


def test_a_day_shown_only_outside_the_story_does_not_move_the_stamp() -> None:
    head = '<meta property="article:published_time" content="2016-12-29T01:32:00Z">'
    html = page_with(head, "<h1>Two arrested</h1>").replace(
        "</body>", "<footer><p>Posted December 28, 2016</p></footer></body>"
    )
    article = extracted(html)
    assert article.published == "2016-12-29T01:32:00+00:00"


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z"])
def test_a_placeholder_date_gives_way_to_the_next_statement(placeholder: str) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Two arrested",'
        f' "datePublished": "{placeholder}"}}</script>'
        '<meta property="article:published_time" content="2019-11-19T10:00:00-05:00">'
    )
    article = page_article(head, "<h1>Two arrested</h1>")
    assert article.published == "2019-11-19T10:00:00-05:00"


@pytest.mark.parametrize(
    ("site", "author", "people"),
    [
        ("USA TODAY", "Kevin McCoy USA TODAY", ["Kevin McCoy"]),  # the site glued after him
        ("CNN", "CNN Business", []),  # a desk named after the site
        ("The Telegraph", "Telegraph Sport", []),
        ("Bradley M. Kuhn (Brad)", "Bradley M. Kuhn", ["Bradley M. Kuhn"]),  # his own blog
    ],
)
def test_the_sites_own_credits_are_not_people(site: str, author: str, people: list[str]) -> None:
    head = f'<meta property="og:site_name" content="{site}"><meta name="author" content="{author}">'
    article = page_article(head, "<h1>Two arrested</h1>")
    assert article.authors == people


def test_the_articles_one_h1_beside_footer_h1s_and_naming_the_site_is_the_title() -> None:
    head = (
        '<meta property="og:site_name" content="PolitiFact">'
        '<meta property="og:title" content="PolitiFact’s guide to understanding tariffs and trade">'
        '<meta property="article:published_time" content="2019-11-18T10:00:00-05:00">'
    )
    headline = "PolitiFact’s guide to understanding tariffs and international trade"
    html = page_with(head, f"<h1>{headline}</h1>").replace(
        "</body>", "<footer><h1>Offices</h1><h1>State Editions</h1></footer></body>"
    )
    article = extracted(html)
    assert article.title == headline
    masthead = page_with(head, "<h1>PolitiFact</h1>")
    article = extract_article(masthead, "")
    assert article is not None and article.title == (
        "PolitiFact’s guide to understanding tariffs and trade"
    )


ELIASSON = "Olafur Eliasson gestaltet Titelseite für die Zeitungen"


POST_TITLE = "Das vermutlich schwulste Musikvideo der Welt"


def test_a_blogs_post_title_under_a_logo_h1_is_the_titles_longest_part() -> None:
    head = f"<title>{POST_TITLE} : Krimiblog | Ermittlungen zum Verfall eines Genres</title>"
    logo = '<h1><a href="https://krimiblog.example/" rel="home">Krimiblog-Archiv</a></h1>'
    # the post's title in the theme's <h3>, the `<title>` adding the blog and its tagline
    shown = f"<h3 class='entry-title'>{POST_TITLE}</h3>"
    assert page_article(head, f"{logo}{shown}").title == POST_TITLE
    # no heading shows the longest part (a sidebar's shows a short one): the `<title>` alone
    # is never the headline
    sidebar = "<h3>Krimiblog</h3>"
    assert page_article(head, f"{logo}{sidebar}").title != POST_TITLE


@pytest.mark.parametrize(
    ("html_title", "h1", "title"),
    [
        # the `<title>` names the `<h1>` beside the site's shorter name: the `<h1>` is the headline
        (f"BDZV: {ELIASSON}", ELIASSON, ELIASSON),
        (ELIASSON, ELIASSON, ELIASSON),
        # the `<h1>` prints a kicker before the headline the `<title>` states whole
        (ELIASSON, f"Medienmitteilung der Direktion :{ELIASSON}", ELIASSON),
        # a logo's `<h1>` is the shorter name beside the `<title>`'s headline: the og:title stays
        (f"{ELIASSON} | Verlagshaus", "Verlagshaus", "Pressemitteilungen"),
    ],
)
def test_a_section_name_in_og_title_gives_way_to_the_h1_the_title_tag_names(
    html_title: str, h1: str, title: str
) -> None:
    head = (
        f"<title>{html_title}</title>"
        '<meta property="og:title" content="Pressemitteilungen">'
        '<meta property="article:published_time" content="2019-05-02T10:00:00+02:00">'
    )
    assert page_article(head, f"<h1>{h1}</h1>").title == title


def test_the_one_h1_of_the_marked_article_beside_the_sites_other_h1s_is_the_title() -> None:
    head = (
        '<meta property="og:title" content="The Resurrection of the Greatest Sci-Fi Writer">'
        '<meta name="description" content="John M. Ford wrote some of the best novels.">'
        '<meta property="article:published_time" content="2019-11-15T10:00:00-05:00">'
    )
    html = page_with(head, "<h1>The Disappearance of John M. Ford</h1>").replace(
        "</body>",
        "<div class='adblock-message'><h1>We Need to Talk About Your Ad Blocker</h1>"
        "<h1>Want to Block Ads But Still Support Slate?</h1></div></body>",
    )
    article = extracted(html)
    assert article.title == "The Disappearance of John M. Ford"


def test_a_written_by_line_under_the_headline_names_the_author() -> None:
    header = (
        "<h1>How to overcome binge eating</h1><div class='css-12r7hj0'>Written by"
        " <a href='/nutrition-team'>Rachael Link, MS, RD</a> on November 14, 2019</div>"
    )
    article = page_article("", header)
    assert article.authors == ["Rachael Link"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("(서울=연합뉴스) 김철수 기자 = 경찰은 어제 실종된 어린이를 찾았다.", ["김철수"]),
        ("경찰은 남성을 체포했다.\n박영희 특파원 park@yna.co.kr", ["박영희"]),
        ("취재 기자가 현장에 도착했다.", []),  # "reporting reporter", a trade word
        ("기자회견에서 경찰이 밝혔다.", []),  # a press conference names no one
    ],
)
def test_korean_bylines(text: str, names: list[str]) -> None:
    assert korean_byline(text) == names


def test_a_korean_article_names_its_reporter() -> None:
    body = "경찰은 어제 실종된 7살 어린이를 이틀 만에 무사히 찾았다고 밝혔다. " * 3
    header = f"<h1>실종 어린이 무사히 발견</h1><p>(서울=연합뉴스) 김철수 기자 = {body}</p>"
    article = page_article("", header)
    assert article.authors == ["김철수"]


# --- bylines: "Posted by", writers' pages, date lines naming the writer, the site's own credit ---


@pytest.mark.parametrize(
    "href",
    [
        "https://abc13.com/about/newsteam/alex-bozarjian",
        "/auteur/alex-bozarjian-187",
        "/profil/es_detail/A7M7AUXCTH/alex-bozarjian?cHash=9a67d3f8",
        "/journalists/alex-bozarjian",
    ],
)
def test_a_link_to_a_newsroom_or_profile_page_names_the_author(href: str) -> None:
    header = f'<h1>Man arrested at salon</h1><span><a href="{href}">Alex Bozarjian</a></span>'
    assert page_article("", header).authors == ["Alex Bozarjian"]


def test_a_commenter_in_a_recent_comments_list_is_no_writer() -> None:
    """The byline's element names no one ("LD"); the next author element is a commenter's."""
    header = (
        '<h1>Geheimdienste</h1><span class="byline">by <span class="author vcard">'
        '<a class="url fn n" href="/author/levente/">LD</a></span></span>'
    )
    sidebar = (
        '<div class="widget_recent_comments"><h3>Neueste Kommentare</h3><ul id="recentcomments">'
        '<li class="recentcomments"><span class="comment-author-link"><a class="url"'
        ' href="https://commenter.example">Dieter Brecheis</a></span> bei <a href="/x">X</a>'
        "</li></ul></div>"
    )
    html = page_with("", header).replace("</body>", f"{sidebar}</body>")
    assert extracted(html).authors == []
    signed = html.replace(">LD<", ">Levente Dobszay<")
    assert extracted(signed).authors == ["Levente Dobszay"]


def test_a_writers_folder_alone_is_a_sections_page_not_a_writers() -> None:
    menu = '<ul><li class="cat-item"><a href="https://news.example/profile/">Profile</a></li></ul>'
    assert page_article("", f"{menu}<h1>Transit plan approved</h1>").authors == []
    writer = '<span><a href="https://news.example/profile/jane-doe">Jane Doe</a></span>'
    assert page_article("", f"{menu}<h1>Transit plan approved</h1>{writer}").authors == ["Jane Doe"]


def test_a_profile_linked_in_the_storys_prose_is_no_byline() -> None:
    """A sports site links a player's name to the player's profile; the player wrote nothing."""
    mention = (
        "<h1>Zverev zieht ins Viertelfinale ein</h1><p>Montpellier (SID) – Tennis-Olympiasieger"
        ' <a href="/profil/herren/alexander-zverev/">Alexander Zverev</a> hat nach seiner'
        " Enttäuschung bei den Australian Open zügig wieder in die Spur gefunden, und er gewann"
        " sein erstes Spiel in Montpellier gegen den Amerikaner in zwei Sätzen.</p>"
    )
    assert page_article("", mention).authors == []
    signed = '<p>Von <a href="/profil/redaktion/jana-muster/">Jana Muster</a></p>' + mention
    assert page_article("", signed).authors == ["Jana Muster"]


@pytest.mark.parametrize(
    ("handle", "signature", "authors"),
    [
        # the CMS states the writer's login; the story is signed with the name
        ("christian.stadtfeld", "(Christian P. Stadtfeld) +++", ["Christian P. Stadtfeld"]),
        ("gabor_munier", "Author: Gàbor Muniér", ["Gàbor Muniér"]),
        # the name is not written on the page (or not as a name): the user name stays
        ("christian.stadtfeld", "Fotos: Jana Muster", ["christian.stadtfeld"]),
        ("christian.stadtfeld", "mail christian stadtfeld", ["christian.stadtfeld"]),
    ],
)
def test_a_user_name_stated_as_the_author_is_the_name_the_page_signs_with(
    handle: str, signature: str, authors: list[str]
) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Wahl",'
        f' "author": {{"@type": "Person", "name": "{handle}"}}}}</script>'
    )
    article = extracted(
        page_with(head, "<h1>Wahl</h1>").replace("</article>", f"<p>{signature}</p></article>")
    )
    assert article.authors == authors


def test_writers_linked_together_in_one_line_are_all_the_authors() -> None:
    # the card's "Verfasst von" and the author tag name the site, which names no one
    card = (
        '<meta property="og:site_name" content="Makronom"><meta name="author" content="Makronom">'
        '<meta name="twitter:label1" content="Verfasst von">'
        '<meta name="twitter:data1" content="Makronom">'
    )
    line = (
        '<h1>Warum es ein Ressourcenschutzgesetz braucht</h1><span class="content-left">'
        '<a href="/ueber-uns/autoren/Clara-Loew">Clara Löw</a>, <a href="/ueber-uns/autoren/'
        'Siddharth-Prakash">Siddharth Prakash</a> &amp; <a href="/ueber-uns/autoren/Klaus-Jacob">'
        "Klaus Jacob</a></span>"
    )
    article = page_article(card, line)
    assert article.authors == ["Clara Löw", "Siddharth Prakash", "Klaus Jacob"]
    # a line naming someone without a link to a writer's page is left to the first link
    unlinked = line.replace("</span>", " und Maria Muster</span>")
    assert page_article(card, unlinked).authors == ["Clara Löw"]


@pytest.mark.parametrize(
    "href", ["/topics/alex-bozarjian", "/tag/alex-bozarjian", "/people-in-the-news/alex-b"]
)
def test_a_link_to_a_topic_page_names_no_one(href: str) -> None:
    header = f'<h1>Man arrested at salon</h1><span><a href="{href}">Alex Bozarjian</a></span>'
    assert page_article("", header).authors == []


def test_a_written_by_line_with_a_colon_names_the_author_beside_an_organisation_credit() -> None:
    header = (
        '<h1>Indigenous forest management</h1><div class="author">The Planetary Press</div>'
        '<p><em>Written by: <a href="https://forestsnews.example/63537">Julie Mollins</a></em></p>'
    )
    article = page_article("", header)
    assert article.authors == ["Julie Mollins"]
    assert article.organisations == ["The Planetary Press"]


def test_a_json_ld_person_named_as_the_site_gives_way_to_the_byline() -> None:
    head = (
        '<meta property="og:site_name" content="L\'Opinion">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Glyphosate",'
        ' "author": {"@type": "Person", "name": "L\'Opinion"}}</script>'
    )
    header = (
        '<h1>Glyphosate</h1><span class="article_author-name">'
        '<a href="/auteur/emmanuelle-ducros-187">Emmanuelle Ducros</a></span>'
    )
    article = page_article(head, header)
    assert article.authors == ["Emmanuelle Ducros"]
    assert "L'Opinion" in article.organisations


@pytest.mark.parametrize(
    ("header", "people"),
    [
        (
            "<h1>Variablen und ihr Zuhause</h1><p class='text-muted'>11.12.2019 - Amelie"
            " Loevenich</p>",
            ["Amelie Loevenich"],
        ),
        (  # over the headline, with the time of day
            "<div><small>04.02.2022 | 13:10 Uhr | Uta Helkenberg</small>"
            "<h1>Stellungnahme der FN</h1></div>",
            ["Uta Helkenberg"],
        ),
        (  # the logo's empty <h1> first; the name in a <span> after the day
            "<h1><a href='/'><img src='logo.png'></a></h1><h1>Faire Lieferketten</h1>"
            "<div class='news-single-timedata'>05.02.2020 <span>- Redaktion: Eberhard Fuhr"
            " (Pressesprecher des EJW)</span></div>",
            ["Eberhard Fuhr"],
        ),
        ("<h1>Polizei sucht Zeugen</h1><p>25 March 2021 · Jane Doe</p>", ["Jane Doe"]),
        ("<h1>Polizei sucht Zeugen</h1><p>12.05.2021 - Berlin</p>", []),  # a dateline's place
        ("<h1>Polizei sucht Zeugen</h1><p>12.05.2021 - mehr lesen</p>", []),
        ("<h1>Polizei sucht Zeugen</h1><aside><p>12.05.2021 - Jane Doe</p></aside>", []),
    ],
)
def test_a_date_line_naming_the_writer_after_the_day(header: str, people: list[str]) -> None:
    assert page_article("", header).authors == people


@pytest.mark.parametrize(
    ("header", "people"),
    [
        # the writers' names alone in bold, opening the story (Lesotho Times)
        (
            "<h1>Mining blasts shatter homes</h1><p><em>…as communities cry foul</em></p>"
            "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>",
            ["Mathatisi Sebusi", "Mohalenyane Phakela"],
        ),
        (
            "<h1>Police find boy</h1><p>&nbsp;</p><p><strong>Mohloai Mpesi</strong></p>",
            ["Mohloai Mpesi"],
        ),
        # a bold line a short line follows (a list, a results table) is no byline
        (
            "<h1>Police find boy</h1><p><strong>Ayo Infaq Dakwah</strong></p><p>Rekening BCA</p>",
            [],
        ),
        ("<h1>Results</h1><p><strong>Palm Bay 18 22 13 17 — 70</strong></p>", []),  # a score
        ("<h1>Police find boy</h1><p><strong>Breaking</strong></p>", []),  # one word
    ],
)
def test_names_alone_in_bold_opening_the_story_are_its_byline(
    header: str, people: list[str]
) -> None:
    assert page_article("", header).authors == people


def test_a_date_marked_in_the_page_with_itemprop_is_the_publishers_statement() -> None:
    """A `<time itemprop="datePublished">` states the day like a meta tag; a search of the
    whole page would take a first-publication stamp of an earlier version (2019)."""
    head = '<meta name="DCSext.articleFirstPublished" content="2019-02-05 16:07">'
    header = (
        "<h1>The best heated clothes airers</h1><p>By Jane Doe <time itemprop='datePublished'"
        " datetime='2023-08-30T16:45+0100'>30 August 2023 • 4:45pm</time></p>"
    )
    assert (page_article(head, header).published or "")[:10] == "2023-08-30"
    # one in a box of other stories dates a teaser
    teaser = (
        "<h1>The best heated clothes airers</h1><aside><time itemprop='datePublished'"
        " datetime='2023-08-30'>30 August 2023</time></aside>"
    )
    assert (page_article(head, teaser).published or "")[:10] != "2023-08-30"


# --- titles: a title tag cut at a quote, a day before the headline, an <h1> in capitals --------


def test_a_title_tag_cut_at_the_headlines_quote_gives_way_to_the_heading() -> None:
    headline = 'Senador republicano califica a Biden de "incapacitado"'
    # The template wrote the quotes unescaped: the parser ends the attribute at the first.
    head = f'<meta property="og:title" content="{headline}" />'
    header = f'<h2 class="title"><a href="#">{headline}</a></h2>'
    assert page_article(head, header).title == headline
    # Written properly, a shorter stated title beside a heading that quotes on is kept.
    stated = "Senador republicano califica a Biden de"
    escaped = f'<meta property="og:title" content="{stated}" />'
    assert page_article(escaped, header).title == stated


@pytest.mark.parametrize(
    ("stated", "title"),
    [
        (
            "23.01.2022 - Dorothea Wierer darf beim Antholz-Abschluss noch jubeln",
            "Dorothea Wierer darf beim Antholz-Abschluss noch jubeln",
        ),
        ("March 3, 2021 | Police find missing boy", "Police find missing boy"),
        ("23.01.2022 - Rückblick", "23.01.2022 - Rückblick"),  # the day is most of it
        ("2022: A year of searching", "2022: A year of searching"),  # a year, not a day
    ],
)
def test_a_day_printed_before_the_headline_is_not_part_of_it(stated: str, title: str) -> None:
    head = f'<meta property="og:title" content="{stated}">'
    assert page_article(head, f"<h1>{stated}</h1>").title == title


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("[&gt; Jens Weber", "Jens Weber"),
        ("» Boy found safe after two days", "Boy found safe after two days"),
        ("[Rezi] Love is War", "[Rezi] Love is War"),  # a bracketed label is words
    ],
)
def test_an_arrow_a_theme_prints_before_the_headline_is_not_part_of_it(
    heading: str, title: str
) -> None:
    assert page_article("", f"<h1>{heading}</h1>").title == title


@pytest.mark.parametrize(
    ("h1", "stated"),
    [
        # a separator hidden for screen readers between kicker and headline is read
        (
            '<h1><span data-ob="kicker" class="BOj7">Eskalation im Nordatlantik</span><span'
            ' class="visually-hidden">:</span> <span class="BOj8">„Wenn die Ozeane überhitzen,'
            " droht mehr Wetterextrem“</span></h1>",
            "Eskalation im Nordatlantik: „Wenn die Ozeane überhitzen, droht mehr Wetterextrem“",
        ),
        # a dash opening a quoted headline is the headline's own
        (
            '<h1 class="headline">- Angsten <span class="tm116">vil øke</span></h1>',
            "- Angsten vil øke",
        ),
        # two elements glued without the space the stated title writes between them
        (
            '<h1><span class="c599">Police caught two men:</span>Stolen jewellery found within'
            " two days</h1>",
            "Police caught two men: Stolen jewellery found within two days",
        ),
    ],
)
def test_the_h1_read_as_the_reader_sees_it_matches_the_stated_title(h1: str, stated: str) -> None:
    head = f'<meta property="og:title" content="{stated}">'
    assert page_article(head, h1).title == stated


def test_an_h1_in_capitals_gives_the_stated_titles_case() -> None:
    head = '<meta property="og:title" content="Transformationslabor Ernährung">'
    assert page_article(head, "<h1>TRANSFORMATIONSLABOR ERNÄHRUNG</h1>").title == (
        "Transformationslabor Ernährung"
    )
    shouting = '<meta property="og:title" content="BREAKING: BOY FOUND">'
    assert page_article(shouting, "<h1>BREAKING: BOY FOUND</h1>").title == "BREAKING: BOY FOUND"


@pytest.mark.parametrize(
    ("author", "header", "people"),
    [  # the site's own address in the credit: the publisher, and the byline names the writer
        (
            "Deutsche Welle (www.dw.com)",
            "<h1>La perte des terres fertiles</h1><p>Auteur : Kossivi Tiassou</p>",
            ["Kossivi Tiassou"],
        ),
        ("Zone Justice et faits divers - DW.com", "<h1>Un enfant retrouvé</h1>", []),
        # the writer's mail address on the site, and another site's address, are no credit
        ("Mike Cason | mcason@dw.com", "<h1>Un enfant retrouvé</h1>", ["Mike Cason"]),
        ("Jane Doe (www.janedoe.net)", "<h1>Un enfant retrouvé</h1>", ["Jane Doe"]),
    ],
)
def test_an_author_tag_writing_the_sites_own_address_is_the_publisher(
    author: str, header: str, people: list[str]
) -> None:
    head = f'<meta name="author" content="{author}">'
    url = "https://www.dw.com/fr/la-perte-des-terres-fertiles/a-6533123"
    assert page_article(head, header, url).authors == people

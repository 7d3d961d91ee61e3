"""The stage on current news pages (Fundus's parser test data), and the set's builder.

The set lives where the steering repository places it (tests/data/extraction-fundus/
README.md); without it the floors are skipped and the run names the set. The builder's
tests run everywhere, on a small folder laid out as Fundus lays out its test data.
"""

from __future__ import annotations

import gzip
import json
from functools import partial
from pathlib import Path

import pytest
from conftest import eval_data

from bench.build_extraction_fundus import SET, body_text, build, people, stated_day
from bench.build_extraction_real import FolderTree
from bench.extraction import CAPTIONS_OFF, PRECISION_MARGIN, bare_fields, stage_fields
from bench.score_extraction import FieldScore, RealPage, evaluate_fields, load_real_set

# Measured on 2026-12-02 (session 14), stage vs bare trafilatura, side by side:
#   tuning 165 pages:   text P/R/F1 0.918/0.981/0.949 (bare 0.931/0.976/0.953), title 0.745
#                       (0.667), date 0.985 (0.970), authors 0.964 (0.885);
#   held-out 91 pages:  text 0.921/0.953/0.937 (bare 0.936/0.949/0.943), title 0.791 (0.681),
#                       date 0.947 (0.947), authors 0.902 (0.846).
# Session 15 (a lead caption repeating the story's names and a video's caption beside its
# player stay out, more credits, titles read as shown, bold bylines): tuning text
# 0.922/0.981/0.951, title 0.770, date 0.993 (microdata dates), authors 0.980; held-out
# text 0.923/0.953/0.938, title, date and authors unchanged.
# Session 16 (date stamps, Nordic and Polish promotion lines, consent placeholders, a
# story's opening outside the body's box): tuning text 0.923/0.982/0.952; held-out text
# 0.924/0.953/0.938; titles, dates and authors unchanged.
# The text truth leaves captions out and the title truth keeps the metadata's kicker
# (the README says why the stage differs); the floors hold what the stage reaches.
FLOORS = {
    "tuning": {"text_f1": 0.949, "title": 0.765, "date": 0.985, "authors": 0.975},
    "held-out": {"text_f1": 0.93, "title": 0.78, "date": 0.94, "authors": 0.89},
}


@pytest.fixture(scope="module")
def fundus_set() -> Path:
    return eval_data(SET)


@pytest.fixture(scope="module")
def pages(fundus_set: Path) -> list[RealPage]:
    return load_real_set(fundus_set)


@pytest.fixture(scope="module")
def scores(pages: list[RealPage]) -> dict[str, FieldScore]:
    return {
        split: evaluate_fields(stage_fields, [p for p in pages if p.split == split])
        for split in ("tuning", "held-out")
    }


def test_the_set_is_current_large_and_licensed(pages: list[RealPage], fundus_set: Path) -> None:
    assert len(pages) >= 250
    assert len([p for p in pages if p.split == "held-out"]) >= 80
    assert all(p.text for p in pages)
    for name in ("LICENSE-fundus", "README.md"):
        assert (fundus_set / name).is_file()
    # no publisher's template is in both parts
    parts: dict[str, set[str]] = {}
    for page in pages:
        publisher = page.key.rsplit("_", 3)[0]
        parts.setdefault(publisher, set()).add(page.split)
    assert all(len(split) == 1 for split in parts.values())


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_floors_on_current_news_pages(scores: dict[str, FieldScore], split: str) -> None:
    score, floor = scores[split], FLOORS[split]
    assert score.text.f1 >= floor["text_f1"], score.text
    assert score.title >= floor["title"]
    assert score.date >= floor["date"]
    assert score.authors >= floor["authors"]


# --- the builder, on a folder laid out as Fundus's test data ----------------------------------

PAGE = (
    "<html><head><title>Boy found safe | Valley Post</title></head><body><article>"
    "<h1>Boy found safe</h1><p>Police found the boy in the next village.</p>"
    "<p>He is back with his family.</p><time>3 June 2024</time></article></body></html>"
)


def _expected(title: str, authors: list[str], published: str) -> dict[str, object]:
    return {
        "title": title,
        "authors": authors,
        "publishing_date": published,
        "body": {
            "summary": ["A standfirst."],
            "sections": [
                {"headline": [], "paragraphs": ["Police found the boy in the next village."]},
                {"headline": ["Home"], "paragraphs": ["He is back with his family."]},
            ],
        },
    }


def _fundus_folder(root: Path, publishers: list[str]) -> None:
    """Fundus's layout: `<country>/<Publisher>_<day>.html.gz`, `meta.info`, `<Publisher>.json`
    with one expectation per parser version (the page matches only its own version)."""
    folder = root / "tests/resources/parser/test_data/uk"
    folder.mkdir(parents=True)
    (root / "LICENSE").write_text("MIT License\n")
    meta = {}
    for name in publishers:
        file = f"{name}_2024_06_03.html.gz"
        (folder / file).write_bytes(gzip.compress(PAGE.encode()))
        meta[file] = {"url": f"https://{name.lower()}.example/boy", "crawl_date": "2024-06-03"}
        versions = {
            "V1": _expected("Another story", ["Jane Roe"], "2023-01-01 10:00:00+01:00"),
            "V2": _expected("Boy found safe", ["Jane Doe", "AP"], "2024-06-02 22:30:00+00:00"),
        }
        (folder / f"{name}.json").write_text(json.dumps(versions))
    (folder / "Orphan_2024_06_03.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    meta["Orphan_2024_06_03.html.gz"] = {"url": "", "crawl_date": "2024-06-03"}
    (folder / "meta.info").write_text(json.dumps(meta))


def test_the_builder_pairs_each_page_with_its_parser_version_and_splits_by_publisher(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fundus_folder(tmp_path / "fundus", ["Alpha", "Beta", "Gamma"])
    target = tmp_path / SET
    truth = build(FolderTree(tmp_path / "fundus"), target)
    assert "3 pages written" in capsys.readouterr().out
    alpha = truth["fundus-uk-Alpha_2024_06_03"]
    assert alpha["title"] == "Boy found safe"  # V2's, the version the page holds
    assert alpha["authors"] == ["Jane Doe"]  # the agency is no person
    assert alpha["text"] == (
        "A standfirst.\nPolice found the boy in the next village.\nHome\n"
        "He is back with his family."
    )
    # a UTC stamp of 22:30 on 2 June: the page writes 3 June, its newsroom's day
    assert alpha["date"] == "2024-06-03"
    assert [truth[f"fundus-uk-{n}_2024_06_03"]["split"] for n in ("Alpha", "Beta", "Gamma")] == [
        "tuning",
        "tuning",
        "held-out",
    ]
    assert (target / "LICENSE-fundus").read_text() == "MIT License\n"
    assert (target / "README.md").is_file()
    assert [p.key for p in load_real_set(target)] == sorted(truth)


def test_the_builder_counts_the_pages_it_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fundus_folder(tmp_path / "fundus", ["Alpha"])
    build(FolderTree(tmp_path / "fundus"), tmp_path / SET)
    said = capsys.readouterr().out
    assert "1 pages written" in said
    assert "left out: 1 no page or no expectation" in said


def test_truth_fields_as_the_publisher_writes_them() -> None:
    assert body_text(None) is None
    assert body_text({"summary": [], "sections": [{"paragraphs": ["  A  &amp; B "]}]}) == "A & B"
    # a stamp with a local offset names the publisher's day itself
    assert stated_day("2024-06-02 23:30:00+09:00", "") == "2024-06-02"
    # a UTC stamp the page does not settle gives no day
    assert stated_day("2024-06-02 22:30:00+00:00", "<p>no day here</p>") is None
    # agencies are no people; a byline of agencies alone is not checked
    assert people(["Jane Doe", "dpa", " Reuters "]) == ["Jane Doe"]
    assert people(["AP"]) is None


_uncaptioned = partial(stage_fields, options=CAPTIONS_OFF)


# Pages the stage with captions off may have more than the margin behind bare trafilatura:
# measured 0 on both parts on 2026-12-03 (the tuning part's last 2 were lead photos'
# captions that their pages' descriptions repeat, once taken back in as standfirsts).
MAX_UNCAPTIONED_PAGES_BEHIND = {"tuning": 0, "held-out": 0}


@pytest.mark.parametrize("split", ["tuning", "held-out"])
def test_without_captions_the_text_beats_bare_trafilatura(
    pages: list[RealPage], split: str
) -> None:
    """Fundus's truth leaves captions out, the stage keeps them on purpose (DESIGN.md); with
    captions off the text is measured as the truth states it. Measured on 2026-12-03:
    F1 0.962 (bare 0.953) on the tuning part, 0.951 (bare 0.943) on the held-out part."""
    part = [p for p in pages if p.split == split]
    ours = evaluate_fields(_uncaptioned, part)
    bare = evaluate_fields(bare_fields, part)
    assert ours.text.f1 >= bare.text.f1 + 0.005, (ours.text, bare.text)
    behind = [
        o.key
        for o, t in zip(ours.pages, bare.pages, strict=True)
        if o.counts and t.counts and o.counts.precision < t.counts.precision - PRECISION_MARGIN
    ]
    assert len(behind) <= MAX_UNCAPTIONED_PAGES_BEHIND[split], behind

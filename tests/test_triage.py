"""Triage marks: kept on both backends, shown and set on the web page and the API, carried
by exports and taken back by `homeward marks import`, and measured by `homeward rescore`
(the threshold's precision and recall, a model of the lexicon's terms, proposed terms).
Also "new since your last visit" on the search page."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from test_watches import article as watched_article

from cli.main import main
from homeward.article import Article
from pipelines.relevance import DEFAULT_OPTIONS
from pipelines.triage_model import MarkedArticle, candidate_terms, threshold_figures, triage_report
from search.open import open_archive
from search.triage import OFF_TOPIC, RELEVANT, TriageError, TriageMark, parse_verdict
from web.app import create_app
from web.security import CSRF_COOKIE
from web.visits import VISIT_COOKIE, VISIT_GAP, is_new, visit_of

both = pytest.mark.parametrize("archive_url", ("sqlite", "elasticsearch"), indirect=True)
BASE = "http://127.0.0.1"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

RELEVANT_TEXTS = [
    (
        "Boy abducted in Shanxi found after 20 years",
        "The boy was abducted from his home "
        "in 2004. His parents registered their DNA at a police station and a blood match "
        "with the national database brought him home. Child trafficking gangs sold him.",
    ),
    (
        "Parents search for their stolen daughter",
        "The girl was kidnapped in Zhoukou. "
        "Her father joined a volunteer network of parents and gave his DNA sample; the "
        "missing children database found a match.",
    ),
    (
        "拐卖儿童案告破",
        "警方通过DNA比对，帮助被拐儿童与亲生父母团聚。寻亲家长在志愿者帮助下找到孩子。",
    ),
    (
        "Baby selling ring broken up",
        "Police said the babies were sold to buyers. Mothers "
        "gave DNA samples so that each child could be returned.",
    ),
]
OFF_TOPIC_TEXTS = [
    (
        "Drug trafficking gang jailed",
        "Five men were jailed for drug trafficking. A child "
        "was at the house when police raided it, and the court heard of missing money.",
    ),
    (
        "Wildlife traffickers caught",
        "Customs officers seized ivory; the traffickers were "
        "arrested. Children at a nearby school watched the raid.",
    ),
    (
        "Kidnapped businessman released",
        "A businessman who was kidnapped for ransom was released. His children thanked the police.",
    ),
    (
        "School football final",
        "The children of the town played football. The boy who scored "
        "was abducted by his teammates for a celebration, joked the coach.",
    ),
]


def article(tail: str, title: str, text: str, fetched: datetime = NOW, **fields) -> Article:
    """A stored article as test_watches makes them, scored as the crawl would have."""
    return watched_article(tail, title, text, fetched, **{"relevance": 4.0, **fields})


def store(archive_url: str, *articles: Article) -> list[Article]:
    with open_archive(archive_url) as archive:
        assert archive.upsert(articles).failed == []
        archive.refresh()
    return list(articles)


def marked_corpus(archive_url: str) -> tuple[list[Article], list[Article]]:
    relevant = [article(f"r{i}", t, x) for i, (t, x) in enumerate(RELEVANT_TEXTS)]
    off_topic = [article(f"o{i}", t, x) for i, (t, x) in enumerate(OFF_TOPIC_TEXTS)]
    store(archive_url, *relevant, *off_topic)
    with open_archive(archive_url) as archive:
        for item in relevant:
            archive.set_mark(TriageMark.new(item.id, "relevant"))
        for item in off_topic:
            archive.set_mark(TriageMark.new(item.id, "not about this topic", "=HYPERLINK(x)"))
    return relevant, off_topic


# --- the model of a mark, and both backends -----------------------------------------------


def test_verdicts_are_read_in_every_spelling_and_a_bad_one_is_named():
    assert parse_verdict(" Relevant ") == RELEVANT
    assert parse_verdict("Not about  this topic") == OFF_TOPIC
    assert parse_verdict("off_topic") == OFF_TOPIC
    with pytest.raises(TriageError, match="'maybe'"):
        parse_verdict("maybe")
    with pytest.raises(TriageError, match="note too long"):
        TriageMark.new("a" * 32, "relevant", "x" * 2001)


def test_marks_on_both_backends_replace_clear_and_list_in_order(archive):
    first = TriageMark.new("a" * 32, "relevant", "names the child", "2026-01-01T00:00:00+00:00")
    second = TriageMark.new("b" * 32, "off-topic", "", "2026-01-02T00:00:00+00:00")
    archive.set_mark(second)
    archive.set_mark(first)
    assert [m.article_id for m in archive.iter_marks()] == ["a" * 32, "b" * 32]
    again = TriageMark.new("a" * 32, "off-topic", "", "2026-01-03T00:00:00+00:00")
    archive.set_mark(again)
    assert archive.marks_for(["a" * 32, "c" * 32, "a" * 32]) == {"a" * 32: again}
    assert [m.article_id for m in archive.iter_marks()] == ["b" * 32, "a" * 32]
    assert archive.clear_mark("a" * 32) is True
    assert archive.clear_mark("a" * 32) is False
    assert archive.clear_mark("not an id") is False
    assert archive.marks_for(["a" * 32, "b" * 32]) == {"b" * 32: second}
    many = [f"{n:032x}" for n in range(700)]  # past one SQLite statement's chunk
    for article_id in many[:650]:
        archive.set_mark(TriageMark.new(article_id, "relevant", "", "2026-02-01T00:00:00+00:00"))
    assert len(archive.marks_for(many)) == 650


# --- what rescore learns from the marks ----------------------------------------------------


def examples() -> list[MarkedArticle]:
    return [MarkedArticle(t, x, True, 4.0) for t, x in RELEVANT_TEXTS] + [
        MarkedArticle(t, x, False, 3.5) for t, x in OFF_TOPIC_TEXTS
    ]


def test_threshold_figures_count_each_kind_of_agreement():
    figures = threshold_figures([5, 3, 1, 4], [True, False, True, False], 3)
    assert (figures.true_positives, figures.false_positives, figures.false_negatives) == (1, 2, 1)
    assert figures.precision == pytest.approx(1 / 3)
    assert figures.recall == pytest.approx(0.5)
    assert threshold_figures([1], [False], 3).precision is None


def test_the_report_measures_the_threshold_and_proposes_the_words_of_relevant_marks():
    report = triage_report(examples(), DEFAULT_OPTIONS)
    assert (report.relevant, report.off_topic) == (4, 4)
    assert report.stored.precision == pytest.approx(0.5)  # every one was stored: 4 of 8
    current = report.current
    assert current.recall == 1.0  # every relevant text passes today's lexicon
    assert current.false_positives >= 1  # and an off-topic one still does
    assert report.best is not None and report.best.f1 >= current.f1
    assert report.model is not None
    assert report.term_weights and all(w.lexicon_weight > 0 for w in report.term_weights)
    proposed = {term.term: term for term in report.proposed_terms}
    assert "dna" in proposed  # in every relevant text, in no off-topic one
    assert proposed["dna"].relevant_articles == 4 and proposed["dna"].off_topic_articles == 0
    assert not {"the", "was", "police"} & set(proposed)  # stopwords; in both kinds
    assert all("traffick" not in term for term in proposed)  # the lexicon has it


def test_too_few_marks_give_figures_and_say_what_is_missing():
    report = triage_report(examples()[:2] + examples()[-1:], DEFAULT_OPTIONS)
    assert report.model is None and report.proposed_terms == []
    assert "at least 3" in report.notes[0]
    assert report.current.true_positives + report.current.false_negatives == 2


def test_candidate_terms_cover_english_pairs_and_chinese_strings_once():
    found = candidate_terms("DNA match", "the DNA match brought 寻亲家长 home")
    assert ("dna match", "en") in found and ("match", "en") in found
    assert ("寻亲", "zh") in found and ("亲家长", "zh") in found
    assert ("the", "en") not in found


def test_rescore_reports_the_marks(archive_url):
    marked_corpus(archive_url)
    runner = CliRunner()
    shown = runner.invoke(main, ["rescore", "--dry-run", "--archive", archive_url])
    assert shown.exit_code == 0, shown.output
    assert "triage marks: 4 relevant, 4 not about this topic" in shown.output
    assert "stored scores, threshold 3: precision 0.50, recall 1.00" in shown.output
    assert "dna [en]  4 / 0" in shown.output
    as_json = runner.invoke(main, ["rescore", "--dry-run", "--json", "--archive", archive_url])
    marks = json.loads(as_json.output)["marks"]
    assert marks["relevant"] == 4 and marks["stored"]["precision"] == 0.5
    assert any(t["term"] == "dna" for t in marks["proposed_terms"])


# --- the command line, and the round trip through an export --------------------------------


def test_marks_commands_add_list_remove_and_refuse_bad_input(archive_url):
    (item,) = store(archive_url, article("one", "Boy abducted", "A boy was abducted."))
    runner = CliRunner()
    added = runner.invoke(
        main, ["marks", "add", item.id, "off-topic", "--note", "sport", "--archive", archive_url]
    )
    assert added.exit_code == 0 and "not about this topic" in added.output
    listed = runner.invoke(main, ["marks", "list", "--archive", archive_url])
    assert item.id in listed.output and "sport" in listed.output
    assert "1 mark(s): 0 relevant, 1 not about this topic" in listed.output
    as_json = runner.invoke(main, ["marks", "list", "--json", "--archive", archive_url])
    assert json.loads(as_json.output)["verdict"] == "off-topic"
    only = runner.invoke(main, ["marks", "list", "--verdict", "relevant", "--archive", archive_url])
    assert item.id not in only.output
    bad = runner.invoke(main, ["marks", "add", item.id, "maybe", "--archive", archive_url])
    assert bad.exit_code == 2 and "'maybe'" in bad.output
    missing = runner.invoke(main, ["marks", "add", "f" * 32, "relevant", "--archive", archive_url])
    assert missing.exit_code == 1 and "no article with id" in missing.output
    removed = runner.invoke(main, ["marks", "remove", item.id, "--archive", archive_url])
    assert removed.exit_code == 0
    again = runner.invoke(main, ["marks", "remove", item.id, "--archive", archive_url])
    assert again.exit_code == 1 and "has no triage mark" in again.output


@both
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_marks_round_trip_through_an_export(archive_url, fmt, tmp_path: Path):
    relevant, off_topic = marked_corpus(archive_url)
    out = tmp_path / f"export.{fmt}"
    runner = CliRunner()
    exported = runner.invoke(
        main, ["export", "--format", fmt, "--output", str(out), "--archive", archive_url]
    )
    assert exported.exit_code == 0, exported.output
    if fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = {row["id"]: row for row in csv.DictReader(handle)}
        assert rows[relevant[0].id]["triage"] == "relevant"
        assert rows[off_topic[0].id]["triage"] == "not about this topic"
        assert rows[off_topic[0].id]["triage_note"] == "'=HYPERLINK(x)"  # spreadsheet-safe
    if fmt == "xlsx":  # a spreadsheet is for reading: the marks are in its cells
        from test_export_formats import cell_text, read_sheet

        rows, _, _ = read_sheet(out.read_bytes())
        header = [cell_text(cell) for cell in rows[0]]
        table = {
            cell_text(row[0]): dict(zip(header, map(cell_text, row), strict=False))
            for row in rows[1:]
        }
        assert table[relevant[0].id]["triage"] == "relevant"
        assert table[off_topic[0].id]["triage"] == "not about this topic"
        assert table[off_topic[0].id]["triage_note"] == "=HYPERLINK(x)"  # text, not a formula
        return
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    with open_archive(archive_url) as archive:
        originals = {m.article_id: m for m in archive.iter_marks()}
        articles = list(archive.iter_articles())
    store(fresh, *articles[:-1])  # one article the other archive lacks
    taken = runner.invoke(main, ["marks", "import", str(out), "--archive", fresh])
    assert taken.exit_code == 0, taken.output
    assert f"{len(originals) - 1} mark(s) taken" in taken.output
    assert "1 left out: their articles are not in this archive" in taken.output
    with open_archive(fresh) as archive:
        copied = {m.article_id: m for m in archive.iter_marks()}
    assert copied == {k: v for k, v in originals.items() if k != articles[-1].id}


@both
def test_homeward_import_moves_articles_with_their_marks(archive_url, tmp_path: Path):
    relevant, off_topic = marked_corpus(archive_url)
    out = tmp_path / "moved.jsonl"
    runner = CliRunner()
    exported = runner.invoke(
        main, ["export", "--format", "jsonl", "--output", str(out), "--archive", archive_url]
    )
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    marked_line = next(line for line in lines if '"verdict": "relevant"' in line)
    lines.append(marked_line.replace('"verdict": "relevant"', '"verdict": "perhaps"'))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'moved.sqlite'}"
    moved = runner.invoke(main, ["import", str(out), "--archive", fresh])
    assert moved.exit_code == 1  # the one line with a bad mark is refused, by number
    assert f"line {len(lines)}: field 'triage': unknown triage mark 'perhaps'" in moved.output
    with open_archive(fresh) as archive:
        assert archive.count() == 8
        marks = {m.article_id: m.verdict for m in archive.iter_marks()}
    assert marks == {a.id: "relevant" for a in relevant} | {a.id: "off-topic" for a in off_topic}


def test_marks_import_names_a_file_that_carries_none(tmp_path: Path, archive_url):
    plain = tmp_path / "plain.csv"
    plain.write_text("id,title\nabc,x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["marks", "import", str(plain), "--archive", archive_url])
    assert result.exit_code == 1 and "no `triage` column" in result.output
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(f"id,triage\n{'a' * 32},\n{'b' * 32},relevant\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["marks", "import", str(mixed), "--archive", archive_url])
    assert result.exit_code == 0, result.output
    assert "0 mark(s) taken from mixed.csv; 1 left out" in result.output
    assert "; 1 row(s) had no mark" in result.output  # counted, not passed over in silence
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["marks", "import", str(broken), "--archive", archive_url])
    assert result.exit_code == 1 and "line 2 is not JSON" in result.output


# --- the web page and the API --------------------------------------------------------------


@both
def test_marking_from_results_and_article_page_and_the_api(archive_url):
    hostile = '<img src=x onerror="alert(1)">'
    (item,) = store(archive_url, article("web", "Boy abducted in Shanxi", "A boy was abducted."))
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        page = client.get("/search", params={"q": "abducted"})
        assert "Not about this topic" in page.text and "Marked" not in page.text
        csrf = client.cookies[CSRF_COOKIE]
        form = {"csrf": csrf, "verdict": "off-topic", "note": hostile, "next": "/search?q=abducted"}
        done = client.post(f"/articles/{item.id}/mark", data=form, follow_redirects=False)
        assert done.status_code == 303
        assert done.headers["location"] == f"/search?q=abducted#a-{item.id}"
        page = client.get("/search", params={"q": "abducted"})
        assert "Marked <strong>not about this topic</strong>" in page.text
        assert hostile not in page.text and "&lt;img src=x" in page.text
        forged = client.post(f"/articles/{item.id}/mark", data={**form, "csrf": "forged"})
        assert forged.status_code == 403
        bad = client.post(f"/articles/{item.id}/mark", data={**form, "verdict": "maybe"})
        assert bad.status_code == 400 and "maybe" in bad.text
        gone = client.post(f"/articles/{'f' * 32}/mark", data=form)
        assert gone.status_code == 404
        api = client.put(f"/api/articles/{item.id}/mark", json={"verdict": "relevant"})
        assert api.status_code == 200 and api.json()["mark"]["verdict"] == "relevant"
        assert "Marked <strong>relevant</strong>" in client.get(f"/articles/{item.id}").text
        assert [m["verdict"] for m in client.get("/api/marks").json()] == ["relevant"]
        assert client.put(f"/api/articles/{item.id}/mark", json={"verdict": "?"}).status_code == 400
        assert client.delete(f"/api/articles/{item.id}/mark").status_code == 204
        assert client.delete(f"/api/articles/{item.id}/mark").status_code == 404
        cleared = {**form, "verdict": "clear"}
        client.post(f"/articles/{item.id}/mark", data=cleared)
        assert "Marked" not in client.get(f"/articles/{item.id}").text


# --- new since your last visit ----------------------------------------------------------


def test_a_visit_starts_after_a_pause_and_remembers_the_previous_one():
    first = visit_of(None, NOW)
    assert first.previous is None
    assert is_new(NOW.isoformat(), first) is False  # a first visit marks nothing
    later = NOW + timedelta(minutes=5)
    same = visit_of(first.cookie, later)
    assert same.previous is None  # still the first visit
    after_pause = later + VISIT_GAP + timedelta(seconds=1)
    second = visit_of(same.cookie, after_pause)
    assert second.previous == later
    assert is_new((later + timedelta(seconds=1)).isoformat(), second)
    assert not is_new((later - timedelta(seconds=1)).isoformat(), second)
    paging = visit_of(second.cookie, after_pause + timedelta(minutes=10))
    assert paging.previous == later  # reading on keeps the same marks
    for broken in ("junk", "|", "x|y", "a" * 100, "2026-01-01T00:00:00|2026-01-01T00:00:00"):
        assert visit_of(broken, NOW).previous is None  # naive or broken: read as absent


def test_the_search_page_marks_articles_stored_since_the_previous_visit(archive_url):
    now = datetime.now(UTC)
    old = article("old", "Boy abducted long ago", "A boy was abducted.", now - timedelta(days=3))
    new = article("new", "Girl abducted this week", "A girl was abducted.", now)
    store(archive_url, old, new)
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        first = client.get("/search", params={"q": "abducted"})
        assert "new since your last visit" not in first.text
        previous = (now - timedelta(days=1)).isoformat(timespec="seconds")
        latest = (now - timedelta(hours=2)).isoformat(timespec="seconds")
        client.cookies.set(VISIT_COOKIE, f"{previous}|{latest}")
        page = client.get("/search", params={"q": "abducted"})
        assert "1 on this page new since your last visit" in page.text
        assert page.text.count('class="badge new-badge"') == 1
        assert page.text.index("new-badge") < page.text.index("Girl abducted this week")
        kept = page.cookies.get(VISIT_COOKIE) or client.cookies.get(VISIT_COOKIE)
        assert kept and kept.strip('"').startswith(latest[:19])  # this visit began after that

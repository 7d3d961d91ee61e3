"""`homeward retag`: entity tagging re-run over a stored archive, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_articles.jsonl"


@pytest.mark.parametrize("archive_url", ["sqlite", "elasticsearch"], indirect=True)
def test_retag_fills_names_places_and_years(archive_url, tmp_path):
    wiped = tmp_path / "wiped.jsonl"
    with SAMPLE.open(encoding="utf-8") as lines, wiped.open("w", encoding="utf-8") as out:
        for line in lines:
            record = json.loads(line)
            record.update(names=[], places=[], years=[])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(wiped), "--archive", archive_url]).exit_code == 0

    def search(*args: str) -> dict:
        result = runner.invoke(main, ["search", *args, "--json", "--archive", archive_url])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert search("--year", "1997")["total"] == 0
    result = runner.invoke(main, ["retag", "--archive", archive_url])
    assert result.exit_code == 0, result.output
    assert "retagged 12 of 12 article(s)" in result.output
    # One child, every form: the English article's Liu Sirui and the Chinese one's 刘思睿.
    english = {hit["url"].rsplit("/", 1)[1] for hit in search("--person", "Liu Sirui")["hits"]}
    chinese = {hit["url"].rsplit("/", 1)[1] for hit in search("--person", "刘思睿")["hits"]}
    assert english == chinese == {"shanxi-family-reunited", "shanxi-xunqin"}
    shanxi = {hit["url"].rsplit("/", 1)[1] for hit in search("--place", "Shanxi")["hits"]}
    assert {"shanxi-family-reunited", "shanxi-xunqin"} <= shanxi
    # The Chinese article wrote 山西省: it matches its English name and its own form.
    assert "shanxi-xunqin" in {
        hit["url"].rsplit("/", 1)[1] for hit in search("--place", "山西")["hits"]
    }
    assert search("--year", "1997")["total"] == 2
    assert search("")["total"] == 12

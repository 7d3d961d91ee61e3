"""The `homeward` command, driven through Click's CliRunner as a user would type it."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from demo.server import load_expected

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_articles.jsonl"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def loaded(archive_url: str) -> str:
    result = run("import", str(SAMPLE), "--archive", archive_url)
    assert result.exit_code == 0, result.output
    assert "imported 12 article(s)" in result.output
    return archive_url


def search_json(archive_url: str, *args: str) -> dict:
    result = run("search", *args, "--json", "--limit", "100", "--archive", archive_url)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_readme_documents_every_command_and_nothing_else():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `homeward ([a-z]+)", readme, flags=re.MULTILINE))
    assert documented == set(main.list_commands(click.Context(main)))
    for command in documented:
        result = run(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_every_command_in_the_table_loads_under_its_own_name():
    """The command table is strings: a typo would only show when someone runs that command."""
    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert isinstance(command, click.Command), name
        assert command.name == name, (name, command.name)


def test_search_json_shape(loaded):
    data = search_json(loaded, "trafficking OR 拐卖")
    assert set(data) == {"total", "hits", "facets"}
    assert data["total"] == len(data["hits"]) == 7  # 拐卖 finds the traditional 拐賣 too
    assert {
        "id",
        "url",
        "title",
        "text",
        "language",
        "published",
        "source",
        "authors",
        "names",
        "places",
        "years",
        "fetched_at",
        "duplicates",
    } <= set(data["hits"][0])
    facets = {"language", "source", "years", "names", "places", "published"}
    assert set(data["facets"]) == facets  # published: articles by day, for the chart


def test_filters_from_flags(loaded):
    data = search_json(loaded, "--person", "Wang Min", "--place", "Shanxi", "--year", "1991")
    assert [hit["title"] for hit in data["hits"]] == [
        "DNA database helps trace 12,000 abducted children in China"
    ]
    assert search_json(loaded, "--place", "山西")["total"] == 3
    assert search_json(loaded, "--language", "zh", "--since", "2025-01-01")["total"] == 2


def test_table_output_cleans_terminal_escapes(archive_url):
    hostile = {
        "url": "https://x.test/1",
        "title": "Evil \x1b]0;pwned\x07 title trafficking",
        "text": "trafficking",
    }
    assert run("import", "-", "--archive", archive_url, input=json.dumps(hostile)).exit_code == 0
    result = run("search", "trafficking", "--archive", archive_url)
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "1 article(s)" in result.output


def test_query_syntax_error_exits_2_naming_the_token(loaded):
    result = CliRunner().invoke(main, ["search", '"unclosed', "--archive", loaded])
    assert result.exit_code == 2
    assert "unclosed quote at position 1" in result.output


def test_export_jsonl_round_trips_through_import(loaded, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("export", "--format", "jsonl", "-o", str(out), "--archive", loaded).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    assert run("import", str(out), "--archive", copy).exit_code == 0
    assert search_json(copy, "")["facets"] == search_json(loaded, "")["facets"]


def test_export_csv_is_spreadsheet_safe(archive_url, tmp_path):
    rows = [
        {
            "url": "https://x.test/1",
            "title": '=HYPERLINK("http://evil","click")',
            "text": "-2+3 trafficking",
            "names": ["@SUM(A1)"],
            "language": "en",
        },
        {"url": "https://x.test/2", "title": "拐卖儿童案", "text": "拐卖", "language": "zh"},
    ]
    payload = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    assert run("import", "-", "--archive", archive_url, input=payload).exit_code == 0
    out = tmp_path / "x.csv"
    assert run("export", "--format", "csv", "-o", str(out), "--archive", archive_url).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_url = {row["url"]: row for row in table}
    assert by_url["https://x.test/1"]["title"].startswith("'=HYPERLINK")
    assert by_url["https://x.test/1"]["text"].startswith("'-2+3")
    assert by_url["https://x.test/1"]["names"] == "'@SUM(A1)"
    assert by_url["https://x.test/2"]["title"] == "拐卖儿童案"
    for row in table:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_import_reports_bad_lines_and_keeps_good_ones(archive_url, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"url": "https://x.test/1", "title": "ok", "text": "fine"}\n'
        '{"url": "https://x.test/2", "title": "bad", "text": "x", "years": ["1997"]}\n'
        "not json\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", str(bad), "--archive", archive_url])
    assert result.exit_code == 1
    assert "bad.jsonl, line 2: field 'years'" in result.output
    assert "bad.jsonl, line 3: not valid JSON" in result.output
    assert "imported 1 article(s)" in result.output


def test_stats(loaded):
    result = run("stats", "--json", "--archive", loaded)
    counts = json.loads(result.output)
    assert counts["articles"] == 12
    assert counts["language"] == {"en": 7, "zh": 5}
    assert counts["years"]["1997"] == 2


def test_unknown_archive_scheme_is_named():
    result = CliRunner().invoke(main, ["stats", "--archive", "ftp://x/y"])
    assert result.exit_code == 1
    assert "ftp://x/y" in result.output and "unknown scheme" in result.output


def test_corrupt_sqlite_file_is_never_overwritten(tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    before = broken.read_bytes()
    result = CliRunner().invoke(main, ["stats", "--archive", f"sqlite:///{broken}"])
    assert result.exit_code == 1
    assert str(broken) in result.output and "left untouched" in result.output
    assert broken.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (n INTEGER)")
    result = CliRunner().invoke(main, ["stats", "--archive", f"sqlite:///{other}"])
    assert result.exit_code == 1
    assert "invoices" in result.output


def test_unreachable_elasticsearch_is_named():
    result = CliRunner().invoke(main, ["stats", "--archive", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach Elasticsearch at http://127.0.0.1:9" in result.output


def test_archive_falls_back_to_environment(tmp_path, monkeypatch):
    target = tmp_path / "env.sqlite"
    monkeypatch.setenv("HOMEWARD_ARCHIVE", f"sqlite:///{target}")
    assert run("import", str(SAMPLE)).exit_code == 0
    assert target.exists()


def test_demo_crawls_the_sample_web_and_recrawls_nothing(archive_url, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the crawl state
    expected = load_expected()
    on_topic, copies = len(expected["articles"]), len(expected["syndicated"])
    first = run("demo", "--no-serve", "--archive", archive_url)
    assert first.exit_code == 0, first.output
    assert f"stored {on_topic} articles, merged {copies} duplicates" in first.output
    assert f"The archive now holds {on_topic} article(s)." in first.output
    assert "Shanxi father finds son abducted" in first.output
    again = run("demo", "--no-serve", "--archive", archive_url)
    assert again.exit_code == 0, again.output
    assert "stored 0 articles" in again.output
    assert f"The archive now holds {on_topic} article(s)." in again.output


def test_default_archive_lives_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("HOMEWARD_ARCHIVE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert run("import", str(SAMPLE)).exit_code == 0
    assert (tmp_path / "data" / "homeward" / "archive.sqlite").exists()


# Every environment variable the README or docs/ name, with the test (file, function)
# that sets it and sees its effect. A new documented variable without one fails here.
PROVEN_BY = {
    "HOMEWARD_ARCHIVE": ("test_cli", "test_archive_falls_back_to_environment"),
    "HOMEWARD_SOURCES": ("test_crawl", "test_scrapy_crawl_news_from_the_repository_root"),
    "HOMEWARD_STATE_DIR": ("test_crawl", "test_scrapy_crawl_news_from_the_repository_root"),
    "HOMEWARD_CONTACT": ("test_crawl", "test_homeward_contact_is_in_the_user_agent"),
    "HOMEWARD_LEXICON": (
        "test_crawl",
        "test_rescore_promotes_a_kept_off_topic_page_without_fetching_it",
    ),
    "HOMEWARD_KEEP_OFF_TOPIC": (
        "test_crawl",
        "test_every_crawl_setting_works_from_the_environment",
    ),
    "HOMEWARD_REVISIT_DAYS": (
        "test_crawl",
        "test_stored_pages_are_looked_at_again_for_changes_and_removals",
    ),
    "HOMEWARD_REVISITS_PER_RUN": ("test_crawl", "test_revisits_per_run_caps_the_looks"),
    "HOMEWARD_INDEX_BATCH": (
        "test_bad_input",
        "test_crawl_settings_keep_the_bounds_of_the_crawl_options",
    ),
    "HOMEWARD_SINCE": ("test_crawl", "test_since_backfills_an_archive_sitemap_index"),
    "HOMEWARD_BACKFILL_DEPTH": ("test_crawl", "test_a_backfill_pages_listings_deeper"),
    "HOMEWARD_MAX_AGE_DAYS": ("test_crawl", "test_every_crawl_setting_works_from_the_environment"),
    "HOMEWARD_PAGES_PER_SOURCE": (
        "test_crawl",
        "test_every_crawl_setting_works_from_the_environment",
    ),
    "HOMEWARD_MAX_DEPTH": ("test_crawl", "test_every_crawl_setting_works_from_the_environment"),
    "HOMEWARD_RELEVANCE_THRESHOLD": (
        "test_crawl",
        "test_every_crawl_setting_works_from_the_environment",
    ),
    "HOMEWARD_WORKERS": ("test_crawl", "test_every_crawl_setting_works_from_the_environment"),
    "HOMEWARD_ENTITIES": ("test_crawl", "test_every_crawl_setting_works_from_the_environment"),
    "HOMEWARD_ALLOW_PRIVATE_ADDRESSES": (
        "test_network_rule",
        "test_the_opt_out_fetches_what_the_rule_refuses",
    ),
    "HOMEWARD_RUN_ID": ("test_scrapyd", "test_two_scrapyd_nodes_crawl_into_one_archive"),
    "HOMEWARD_RUN_PART": ("test_scrapyd", "test_two_scrapyd_nodes_crawl_into_one_archive"),
    "HOMEWARD_ES_INDEX": ("test_scrapyd", "test_unusable_archives_and_nodes_are_named"),
    "HOMEWARD_TOKEN": ("test_web_api", "test_serve_runs_uvicorn"),
    "HOMEWARD_QUERY_TIMEOUT_SECONDS": ("test_web_api", "test_query_timeout_stops_a_slow_search"),
    "HOMEWARD_SCHEDULES": (
        "test_schedules",
        "test_homeward_schedules_is_the_default_schedules_folder",
    ),
    "HOMEWARD_UNHEALTHY_AFTER": (
        "test_runs",
        "test_homeward_unhealthy_after_sets_the_failing_threshold",
    ),
    "HOMEWARD_CACHE": ("test_elasticsearch_script", "test_url_uses_port"),
    "HOMEWARD_ES_PORT": ("test_elasticsearch_script", "test_url_uses_port"),
    "HOMEWARD_ES_TRANSPORT_PORT": ("test_elasticsearch_script", "test_lifecycle_on_free_ports"),
    "HOMEWARD_ES_HEAP": ("test_elasticsearch_script", "test_es_heap_is_the_nodes_java_heap"),
    "HOMEWARD_ES_VERSION": (
        "test_elasticsearch_script",
        "test_es_version_is_the_version_downloaded_and_started",
    ),
    "HOMEWARD_ES_CLUSTER_PORT": (
        "test_elastic_cluster",
        "test_a_data_node_killed_mid_crawl_loses_nothing_and_searches_go_on",
    ),
    "HOMEWARD_ES_CLUSTER_TRANSPORT_PORT": (
        "test_elastic_cluster",
        "test_a_data_node_killed_mid_crawl_loses_nothing_and_searches_go_on",
    ),
    "HOMEWARD_ES_CLUSTER_HEAP": (
        "test_elastic_cluster",
        "test_a_data_node_killed_mid_crawl_loses_nothing_and_searches_go_on",
    ),
    "HOMEWARD_TEST_ES_URL": (
        "test_elasticsearch_script",
        "test_test_es_url_names_the_node_the_tests_use",
    ),
    "HOMEWARD_EN_NER_MODEL": ("test_entities", "test_en_ner_model_chooses_the_english_backend"),
    "HOMEWARD_CORENLP_HEAP": ("test_entities", "test_corenlp_heap_is_the_taggers_java_heap"),
    "HOMEWARD_CORENLP_JAVA_OPTS": (
        "test_entities",
        "test_corenlp_java_opts_reach_the_taggers_java",
    ),
    "HOMEWARD_CORENLP_SCRIPT": ("test_entities", "test_corenlp_script_is_the_tagger_that_runs"),
    "HOMEWARD_CORENLP_START_TIMEOUT": (
        "test_entities",
        "test_corenlp_start_timeout_bounds_the_wait_for_the_model",
    ),
    "HOMEWARD_CHROMIUM": ("test_web_browser", "test_homeward_chromium_chooses_the_browser"),
    "HOMEWARD_SMTP_HOST": (
        "test_deliveries",
        "test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login",
    ),
    "HOMEWARD_SMTP_PORT": (
        "test_deliveries",
        "test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login",
    ),
    "HOMEWARD_SMTP_USER": (
        "test_deliveries",
        "test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login",
    ),
    "HOMEWARD_SMTP_PASSWORD": (
        "test_deliveries",
        "test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login",
    ),
    "HOMEWARD_SMTP_FROM": (
        "test_deliveries",
        "test_smtp_settings_come_from_the_environment_and_send_over_starttls_with_login",
    ),
    "HOMEWARD_SMTP_STARTTLS": (
        "test_deliveries",
        "test_starttls_off_sends_one_message_with_both_parts_and_scraped_text_escaped",
    ),
    "HOMEWARD_WEBHOOK_SECRET": (
        "test_deliveries",
        "test_webhook_posts_one_json_body_signed_with_the_secret",
    ),
    "HOMEWARD_EVAL_DATA": (
        "test_extraction_real",
        "test_homeward_eval_data_is_the_folder_the_real_sets_are_read_from",
    ),
}


def test_every_documented_environment_variable_has_a_test_that_proves_it():
    root = Path(__file__).resolve().parent.parent
    docs = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    documented = {
        name
        for page in docs
        for name in re.findall(r"\bHOMEWARD_[A-Z_]*[A-Z]\b", page.read_text(encoding="utf-8"))
    }
    assert documented - set(PROVEN_BY) == set(), "documented without a proving test"
    for name, (module, test) in PROVEN_BY.items():
        source = (root / "tests" / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {test}(" in source, f"{name}: {module}.{test} does not exist"
        assert name in source, f"{name}: tests/{module}.py never sets it"

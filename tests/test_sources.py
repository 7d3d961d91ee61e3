"""sources.toml: loading, and errors that name the file, the line and the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sources import Source, SourcesError, load_sources, parse_sources

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
# comment
[[sources]]
name = "Example News"
feeds = ["https://example.com/rss.xml"]
sitemaps = ["https://example.com/news-sitemap.xml"]
pages = ["https://example.com/world/"]

[[sources]]
name = "示例日报"
feeds = [
  "https://example.cn/rss.xml",
  "https://example.cn/china.xml",
]
"""


def test_parses_sources_in_order() -> None:
    sources = parse_sources(GOOD)
    assert [s.name for s in sources] == ["Example News", "示例日报"]
    assert sources[0].feeds == ("https://example.com/rss.xml",)
    assert sources[0].sitemaps == ("https://example.com/news-sitemap.xml",)
    assert sources[0].pages == ("https://example.com/world/",)
    assert sources[1].line == 8
    assert sources[0].start_urls()[0] == ("feed", "https://example.com/rss.xml")


def test_default_sources_file_is_valid() -> None:
    sources = load_sources(REPO / "sources.toml")
    assert len(sources) >= 8
    assert all(isinstance(s, Source) and s.start_urls() for s in sources)
    # English and Chinese outlets both
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in s.name) for s in sources)


def error_of(text: str) -> SourcesError:
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, "sources.toml")
    return caught.value


def test_unknown_key_names_source_and_line() -> None:
    error = error_of(
        GOOD.replace('sitemaps = ["https://example.com', 'sitemap = ["https://example.com')
    )
    assert error.line == 5
    assert str(error).startswith("sources.toml, line 5:")
    assert '"Example News"' in str(error) and "'sitemap'" in str(error)
    assert "known keys: feeds, name, pages, sitemaps" in str(error)


def test_malformed_url_names_source_and_its_line() -> None:
    error = error_of(GOOD.replace('"https://example.cn/china.xml"', '"example.cn/china.xml"'))
    assert error.line == 12
    assert '"示例日报"' in str(error) and "example.cn/china.xml" in str(error)


@pytest.mark.parametrize("port", ["99999", "0", "http", "-1"])
def test_a_port_that_cannot_exist_is_named_before_any_crawl(port: str) -> None:
    bad = f'"https://example.cn:{port}/china.xml"'
    error = error_of(GOOD.replace('"https://example.cn/china.xml"', bad))
    assert error.line == 12
    assert f"example.cn:{port}/china.xml" in str(error) and "1-65535" in str(error)


def test_missing_name_points_at_the_table() -> None:
    error = error_of(GOOD.replace('name = "示例日报"\n', ""))
    assert error.line == 8
    assert "source #2 has no name" in str(error)


def test_toml_syntax_error_has_a_line() -> None:
    error = error_of(GOOD.replace('name = "Example News"', 'name = "Example News'))
    assert error.line == 3
    assert "not valid TOML" in str(error)


def test_duplicate_names_and_empty_sources_are_errors() -> None:
    error = error_of(GOOD.replace("示例日报", "Example News"))
    assert error.line == 8 and "listed twice (first at line 2)" in str(error)
    error = error_of('[[sources]]\nname = "Empty"\n')
    assert error.line == 1 and "lists no feeds, sitemaps or pages" in str(error)
    assert "no [[sources]]" in str(error_of("# nothing\n"))


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="HOMEWARD_SOURCES"):
        load_sources(tmp_path / "nope.toml")

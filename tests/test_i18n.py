"""The interface in English, simplified and traditional Chinese: the locale each request
gets, the switch, and a catalogue that covers every word the templates show."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from web_fixtures import load_archive

from web.app import create_app
from web.i18n import ENGLISH, LOCALE_COOKIE, SIMPLIFIED, TRADITIONAL, negotiate, translations
from web.security import CSRF_COOKIE

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "web" / "locale" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
BASE = "http://127.0.0.1"


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        (None, None, ENGLISH),
        ("", None, ENGLISH),
        ("de-DE,fr;q=0.8", None, ENGLISH),
        ("zh-CN,zh;q=0.9,en;q=0.8", None, SIMPLIFIED),
        ("zh", None, SIMPLIFIED),
        ("zh-SG", None, SIMPLIFIED),
        ("zh-TW,zh;q=0.9", None, TRADITIONAL),
        ("zh-HK", None, TRADITIONAL),
        ("zh-Hant-CN", None, TRADITIONAL),
        ("en;q=0.5,zh-TW;q=0.9", None, TRADITIONAL),  # by quality, not by order
        ("fr,zh-Hans;q=0.1", None, SIMPLIFIED),  # the first one spoken here
        ("zh-TW;q=0", None, ENGLISH),  # q=0 means "not this"
        ("zh;q=abc,en", None, ENGLISH),
        ("zh-CN", "en", ENGLISH),  # the reader's choice wins
        ("en", "zh-Hant", TRADITIONAL),
        ("en", "klingon", ENGLISH),  # an unknown choice is ignored
        ("zh-" * 1000, None, SIMPLIFIED),  # a huge header is cut, not parsed whole
    ],
)
def test_the_locale_of_a_request(header, chosen, expected):
    assert negotiate(header, chosen) == expected


def template_messages() -> set[str]:
    found = extract_from_dir(
        str(REPO / "web"),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={**DEFAULT_KEYWORDS, "tr": (2,)},
    )
    messages: set[str] = set()
    for _, _, message, _, _ in found:
        messages.add(message if isinstance(message, str) else message[0])  # (one, many)
    return messages


def test_every_word_of_the_interface_is_translated():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.string}
    wanted = template_messages()
    assert len(wanted) > 20  # the templates do mark their words
    missing = sorted(wanted - translated)
    assert missing == [], f"add these to {CATALOGUE.relative_to(REPO)}: {missing}"


def test_traditional_is_the_simplified_catalogue_converted():
    simplified = translations(SIMPLIFIED).gettext
    traditional = translations(TRADITIONAL).gettext
    assert simplified("Search") == "搜索" and traditional("Search") == "搜尋"
    assert simplified("Saved searches") == "已保存的搜索"
    assert traditional("Saved searches") == "已儲存的搜尋"
    assert translations(ENGLISH).gettext("Search") == "Search"


def test_pages_speak_the_readers_language_and_the_switch_keeps_it(tmp_path):
    with TestClient(create_app(f"sqlite:///{tmp_path / 'a.sqlite'}"), base_url=BASE) as client:
        english = client.get("/search")
        assert '<html lang="en">' in english.text and ">Saved searches<" in english.text
        simplified = client.get("/search", headers={"Accept-Language": "zh-CN"})
        assert '<html lang="zh-Hans">' in simplified.text
        assert ">已保存的搜索<" in simplified.text
        traditional = client.get("/sets", headers={"Accept-Language": "zh-TW"})
        assert '<html lang="zh-Hant">' in traditional.text and ">已儲存的搜尋<" in traditional.text
        csrf = client.cookies[CSRF_COOKIE]
        form = {"csrf": csrf, "lang": TRADITIONAL, "next": "/sets?x=1"}
        chosen = client.post("/language", data=form, follow_redirects=False)
        assert chosen.status_code == 303 and chosen.headers["location"] == "/sets?x=1"
        assert client.cookies[LOCALE_COOKIE] == TRADITIONAL
        page = client.get("/search", headers={"Accept-Language": "en"})
        assert '<html lang="zh-Hant">' in page.text  # the choice beats the browser
        away = client.post("/language", data={**form, "next": "//evil.example/"})
        assert away.url.path == "/"  # never off the site
        forged = client.post("/language", data={**form, "csrf": "forged"})
        assert forged.status_code == 403
        client.post("/language", data={**form, "lang": "xx"})
        assert LOCALE_COOKIE not in client.cookies
        assert '<html lang="en">' in client.get("/search").text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-CN", ["搜索", "篇文章", "加入文章集", "与本主题无关"]),
        ("zh-TW", ["搜尋", "篇文章", "與本主題無關"]),
    ],
)
def test_every_page_renders_in_both_chinese_interfaces(tmp_path, language, words):
    """The pages a reader walks through, with hostile scraped text, in each interface:
    each renders (no template error in a translated string), says its words in the
    chosen script, and still escapes what it shows."""
    archive_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    hostile = load_archive(archive_url, tmp_path / "evidence")
    headers = {"Accept-Language": language}
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        search = client.get("/search", params={"q": "trafficking"}, headers=headers)
        assert search.status_code == 200
        assert all(word in search.text for word in words), [
            w for w in words if w not in search.text
        ]
        assert "<script>alert" not in search.text
        csrf = client.cookies[CSRF_COOKIE]
        made = client.post(
            "/sets", data={"csrf": csrf, "name": "案件"}, headers=headers, follow_redirects=False
        )
        set_url = made.headers["location"]
        for url in (
            f"/articles/{hostile.id}",
            f"/articles/{hostile.id}/same-case",
            "/sets",
            set_url,
            "/sources",
            "/watches",
            "/facets/person?q=trafficking",
            "/search?q=nothing-matches-this",
            "/search?q=trafficking&page=99",
            "/docs",
            "/articles/" + "f" * 32,
        ):
            page = client.get(url, headers=headers)
            assert page.status_code in (200, 404), (url, page.status_code)
            assert f'<html lang="{"zh-Hant" if language == "zh-TW" else "zh-Hans"}">' in page.text
            assert "<script>alert" not in page.text, url
        missing = client.get("/articles/" + "f" * 32, headers=headers).text
        assert ("存档中没有" if language == "zh-CN" else "存檔中沒有") in missing


def test_query_errors_and_chart_summaries_speak_chinese_too(tmp_path):
    archive_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    load_archive(archive_url, tmp_path / "evidence")
    zh = {"Accept-Language": "zh-CN"}
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        quote = client.get("/search", params={"q": '"abc'}, headers=zh)
        assert quote.status_code == 400 and "第 1 个字符处引号未闭合" in quote.text
        date = client.get("/search", params={"since": "yesterday"}, headers=zh)
        assert "“从”日期需要形如 2024-05-01 的日期" in date.text
        english = client.get("/search", params={"since": "yesterday"})
        assert "The “From” date needs a date like 2024-05-01, not &#39;yesterday&#39;" in (
            english.text
        )
        charts = client.get("/search", params={"q": "trafficking"}, headers=zh).text
        assert "篇文章，每根柱代表一" in charts  # the summary screen readers hear
        assert "具体数字" in charts

"""The decoding stage on saved pages in GBK, GB2312, Big5 and with lying charsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.decode import decode_html, replacement_ratio

PAGES = Path(__file__).resolve().parent / "pages"
SIMPLIFIED = ("周口警方破获拐卖儿童案", "解救被拐儿童3名", "朱镕基同志")  # 镕 is outside GB2312
TRADITIONAL = ("台北破獲人口販運案", "兒童福利聯盟指出", "買賣兒童不但觸犯刑法")


def decoded(name: str, content_type: str | None = None):
    result = decode_html((PAGES / name).read_bytes(), content_type)
    assert replacement_ratio(result.text) < 0.001, f"{name}: {result}"
    return result


def assert_contains(text: str, snippets: tuple[str, ...]) -> None:
    missing = [s for s in snippets if s not in text]
    assert not missing, f"not decoded correctly, missing {missing}"


def test_gbk_declared_in_meta() -> None:
    result = decoded("decode_gbk.html")
    assert_contains(result.text, SIMPLIFIED)
    assert result.encoding == "gb18030"


def test_gb2312_declaration_is_read_as_gb18030() -> None:
    result = decoded("decode_gb2312_declared_gbk_chars.html")
    assert_contains(result.text, SIMPLIFIED)
    assert result.source == "declared"


def test_big5_declared_in_meta() -> None:
    assert_contains(decoded("decode_big5.html").text, TRADITIONAL)


def test_header_charset_wins_over_meta_when_it_is_right() -> None:
    result = decoded("decode_big5.html", "text/html; charset=big5")
    assert_contains(result.text, TRADITIONAL)
    assert result.source == "declared"


@pytest.mark.parametrize(
    ("name", "content_type", "snippets"),
    [
        ("decode_lying_utf8_is_gbk.html", None, SIMPLIFIED),
        ("decode_lying_utf8_is_gbk.html", "text/html; charset=utf-8", SIMPLIFIED),
        ("decode_lying_utf8_is_big5.html", None, TRADITIONAL),
        ("decode_lying_latin1_is_utf8.html", None, SIMPLIFIED),
        ("decode_lying_latin1_is_utf8.html", "text/html; charset=ISO-8859-1", SIMPLIFIED),
        ("decode_gbk.html", "text/html; charset=iso-8859-1", SIMPLIFIED),
        ("decode_gbk.html", "text/html; charset=big5", SIMPLIFIED),
        ("decode_big5.html", "text/html; charset=gb2312", TRADITIONAL),
        ("decode_big5.html", "text/html; charset=utf-8", TRADITIONAL),
        ("decode_undeclared_gbk.html", None, SIMPLIFIED),
    ],
)
def test_wrong_or_missing_declaration_is_corrected(
    name: str, content_type: str | None, snippets: tuple[str, ...]
) -> None:
    result = decoded(name, content_type)
    assert_contains(result.text, snippets)
    assert result.source in {"utf-8", "detected"}


def test_plain_utf8_and_bom() -> None:
    text = "<html><body><p>Missing children: 失踪儿童</p></body></html>"
    assert decode_html(text.encode("utf-8"), "text/html").text == text
    with_bom = decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=gbk")
    assert (with_bom.text, with_bom.source) == (text, "bom")


def test_ascii_page_keeps_its_declaration() -> None:
    body = b'<html><head><meta charset="windows-1252"></head><body>Plain text</body></html>'
    result = decode_html(body, None)
    assert result.text.endswith("Plain text</body></html>")
    assert result.encoding == "cp1252"


def test_undecodable_bytes_still_give_text() -> None:
    result = decode_html(b"\xff\xfe\xfd" * 3 + b"<p>x</p>", "text/html; charset=utf-8")
    assert isinstance(result.text, str)

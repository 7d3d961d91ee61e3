"""Canonical URLs: one canonical URL is one article."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, join_url, looks_like_article, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://News.Example.com:443/world/story.html?utm_source=rss&utm_medium=feed#top",
            "https://news.example.com/world/story.html",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/a?b=2&a=1&fbclid=X&gclid=Y", "http://example.com:8080/a?a=1&b=2"),
        ("https://example.cn/a.html?spm=a2c4g.1&id=7", "https://example.cn/a.html?id=7"),
        ("https://example.com/A/Story/", "https://example.com/A/Story/"),
        ("https://e.com/a?CMP=share_btn_tw&mc_cid=1&ref_src=twsrc", "https://e.com/a"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


def test_join_url_skips_non_http() -> None:
    assert join_url("https://e.com/world/", "../a.html#x") == "https://e.com/a.html"
    assert join_url("https://e.com/", "mailto:x@e.com") is None
    assert join_url("https://e.com/", "javascript:void(0)") is None


def test_same_site_ignores_www_but_not_ports() -> None:
    assert same_site("https://www.e.com/a", "https://e.com/b")
    assert not same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a")


@pytest.mark.parametrize(
    "url",
    [
        "https://e.com/news/2024/05/boy-abducted-from-school.html",
        "https://e.com/world/asia/child-trafficking-ring-dismantled-in-three-countries",
        "https://e.cn/n1/2024/0514/c1008-40235716.html",
        "https://e.com/story/12345678",
    ],
)
def test_article_links(url: str) -> None:
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://e.com/",
        "https://e.com/world/",
        "https://e.com/tag/police/",
        "https://e.com/about/",
        "https://e.com/page/2",
        "https://e.com/rss.xml",
        "https://e.com/photos/a-b-c-d-e.jpg",
    ],
)
def test_navigation_links(url: str) -> None:
    assert not looks_like_article(url)

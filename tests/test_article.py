"""The Article model: the contract between stages, validated with errors naming the field."""

from __future__ import annotations

import re

import pytest

from homeward.article import Article, ArticleError, article_id, read_jsonl

BASE = {"url": "https://news.test/a", "title": "T", "text": "Body"}


def test_id_defaults_to_hash_of_url():
    article = Article.from_dict(BASE)
    assert article.id == article_id("https://news.test/a")
    assert len(article.id) == 32


def test_json_round_trip():
    article = Article.from_dict(
        {
            **BASE,
            "language": "zh",
            "published": "2024-05-01T08:00:00+08:00",
            "places": [
                {"name": "Beijing", "mention": "北京", "country": "CN", "lat": 39.9, "lon": 116.4}
            ],
            "years": [1997],
            "names": ["王敏"],
            "evidence": {
                "captured_at": "2024-05-01T00:00:00+00:00",
                "sha256": "0" * 64,
                "warc_file": "a.warc.gz",
                "warc_offset": 0,
            },
        }
    )
    assert Article.from_json(article.to_json()) == article


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"years": ["1997"]}, "years"),
        ({"years": [97]}, "years"),
        ({"language": "english"}, "language"),
        ({"published": "May 2024"}, "published"),
        ({"names": "Wang Min"}, "names"),
        ({"places": [{"country": "CN"}]}, "places[0]"),
        ({"places": [{"name": "X", "lat": "north"}]}, "places[0]"),
        ({"title": None}, "title"),
        ({"colour": "red"}, "colour"),
        ({"evidence": {"sha256": "x"}}, "evidence"),
    ],
)
def test_validation_names_the_bad_field(change, field):
    with pytest.raises(ArticleError, match=re.escape(field)):
        Article.from_dict({**BASE, **change})


def test_missing_required_field():
    with pytest.raises(ArticleError, match="'text' is missing"):
        Article.from_dict({"url": "https://x.test/", "title": "T"})


def test_jsonl_errors_name_the_line():
    lines = ['{"url": "https://a.test/", "title": "A", "text": "a"}', "", "{not json"]
    with pytest.raises(ArticleError, match=r"f\.jsonl, line 3"):
        list(read_jsonl(lines, source="f.jsonl"))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("山西省", "山西"),
        ("杭州市", "杭州"),
        ("广州", "广州"),
        ("香港特别行政区", "香港"),
        ("区", "区"),
        ("Shanxi", "Shanxi"),
    ],
)
def test_place_filters_match_the_name_without_its_admin_suffix(written, key):
    from homeward.article import Place

    place = Place(name="X", mention=written)
    assert key.casefold() in place.match_keys()

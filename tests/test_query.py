"""The query language: one parser, clear errors, no raw syntax reaching a backend."""

from __future__ import annotations

import pytest

from search.query import (
    MATCH_ALL,
    And,
    DateRange,
    Field,
    Not,
    Or,
    QuerySyntaxError,
    Text,
    build_request,
    cjk_bigrams,
    parse,
    text_segments,
)


def test_words_are_anded():
    assert parse("missing children") == And((Text("missing"), Text("children")))


def test_or_binds_tighter_than_and():
    assert parse("拐卖 OR 拐賣 儿童") == And((Or((Text("拐卖"), Text("拐賣"))), Text("儿童")))


def test_phrase_exclusion_and_groups():
    assert parse('"baby come home" -(drug OR arms)') == And(
        (
            Text("baby come home", phrase=True),
            Not(Or((Text("drug"), Text("arms")))),
        )
    )


def test_fields_are_normalised():
    assert parse('person:"Wang  Min" place:SHANXI year:1997 language:zh-CN source:BBC') == And(
        (
            Field("person", "wang min"),
            Field("place", "shanxi"),
            Field("year", 1997),
            Field("language", "zh"),
            Field("source", "bbc"),
        )
    )


def test_lowercase_or_is_a_word():
    assert parse("boys or girls") == And((Text("boys"), Text("or"), Text("girls")))


def test_hyphenated_word_is_not_an_exclusion():
    assert parse("anti-trafficking") == Text("anti-trafficking")


def test_empty_and_punctuation_only_queries_match_everything():
    assert parse("") == MATCH_ALL
    assert parse("  & ") == MATCH_ALL


@pytest.mark.parametrize(
    ("query", "token", "position"),
    [
        ('"unclosed', '"unclosed', 0),
        ("(missing", "(", 0),
        ("missing)", ")", 7),
        ("OR boys", "OR", 0),
        ("boys OR", "OR", 5),
        ("boys OR OR girls", "OR", 5),
        ("persn:Wang", "persn:", 0),
        ("year:97", "year:97", 5),
        ("year:abcd", "year:abcd", 5),
        ("language:english", "language:english", 9),
        ("person: Wang", "person:", 0),
        ("()", "()", 0),
    ],
)
def test_syntax_errors_name_token_and_position(query, token, position):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.token == token
    assert caught.value.position == position
    assert f"position {position + 1}" in str(caught.value)


def test_segments_split_scripts():
    segments = text_segments("2009年被拐 Liu-Sirui")
    assert [(s.kind, s.tokens) for s in segments] == [
        ("latin", ("2009",)),
        ("cjk", ("年被拐",)),
        ("latin", ("liu", "sirui")),
    ]


def test_cjk_bigrams():
    assert cjk_bigrams("拐卖儿童 and 京") == "拐卖 卖儿 儿童 京"


def test_build_request_combines_filters():
    request = build_request("boys", person=["A", "B"], year=["1997"], since="2024-01-01")
    tree = request.tree()
    assert isinstance(tree, And)
    assert tree.children[0] == Text("boys")
    assert tree.children[1] == Or((Field("person", "a"), Field("person", "b")))
    assert tree.children[2] == Field("year", 1997)
    assert isinstance(tree.children[3], DateRange)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"since": "yesterday"},
        {"year": ["97"]},
        {"sort": "random"},
        {"limit": 5000},
        {"language": ["english"]},
    ],
)
def test_bad_filters_are_errors(kwargs):
    with pytest.raises(QuerySyntaxError):
        build_request("", **kwargs)


def test_relevance_without_words_sorts_by_date():
    assert build_request("year:1997").effective_sort() == "date"
    assert build_request("boys -girls").effective_sort() == "relevance"
    assert build_request("-girls").effective_sort() == "date"

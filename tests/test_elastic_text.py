"""Index version 4 (issue #17): each text analysed once, and the searches it answers
the same on both backends: a Chinese word never spans two runs of characters, a word
of a Hangul or katakana run is found inside it, plurals in every form."""

from __future__ import annotations

import pytest
from conftest import stored_archive

from homeward.article import Article
from search.backends.elastic.articles import from_document, to_document
from search.backends.elastic.query import highlight_query, render
from search.query import build_request


def make(tail: str, title: str, text: str) -> Article:
    return Article.from_dict(
        {"url": f"https://text.test/{tail}", "title": title, "text": text, "language": "zh"}
    )


CORPUS = [
    make("whole", "警方破获拐卖案", "警方破获一起拐卖儿童案，孩子已回家。"),
    # 拐 and 卖 are neighbours only across a comma: no word 拐卖 here.
    make("parted", "男孩被拐", "男孩被拐，卖给外地人家。"),
    make("traditional", "兒童失蹤", "警方說，兒童被拐賣。"),
    make("korean", "실종 아동", "한국어 뉴스: 실종된 아동을 찾았습니다."),
    make("katakana", "ニュース", "カタカナで書かれた記事。"),
    make("mixed", "DNA 比对 helps", "Police said 北京 DNA 比对 found the missing children."),
]


def urls(archive, query: str) -> set[str]:
    return {hit.article.url.rsplit("/", 1)[1] for hit in archive.search(build_request(query)).hits}


@pytest.fixture
def stored(archive):
    return stored_archive(archive, CORPUS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("拐卖", {"whole", "traditional"}),  # not across the comma of "parted"
        ('"被拐卖"', {"traditional"}),  # 被拐賣, folded
        ('"男孩被拐卖"', set()),
        ("卖", {"whole", "parted", "traditional"}),
        ("兒", {"whole", "traditional"}),  # folded: 儿 in 儿童
        ("国语", set()),
        ("한국", {"korean"}),  # a word inside a Hangul run the tokenizer keeps whole
        ("아동", {"korean"}),
        ("カタ", {"katakana"}),
        ("比对", {"mixed"}),
        ("京", {"mixed"}),
        ("missing child", {"mixed"}),
        ('"the missing child"', {"mixed"}),  # a phrase, with the other form of a word
    ],
)
def test_cjk_and_plural_searches_match_on_both_backends(stored, query, expected):
    assert urls(stored, query) == expected


def test_a_text_in_pieces_is_the_record_again():
    document = to_document(CORPUS[1])
    assert document["text"] == ["男孩被拐，", "卖给外地人家。"]
    assert "text_folded" not in document  # simplified Han: the text as published serves
    assert from_document(document) == CORPUS[1]


def test_the_folded_copy_only_where_the_published_text_differs():
    assert to_document(CORPUS[2])["text_folded"] == ["警方说", "儿童被拐卖"]
    korean = to_document(CORPUS[3])["text_folded"]
    assert korean[0] == "한 국 어"
    assert from_document(to_document(CORPUS[3])) == CORPUS[3]
    english = to_document(make("en", "Missing", "No Chinese here at all."))
    assert english["text"] == "No Chinese here at all." and "text_folded" not in english


def test_a_chinese_word_is_marked_whole_in_a_text_in_pieces(stored):
    """Elasticsearch stores such a text in pieces; its marks are SQLite's all the same."""
    archive = stored
    hits = {h.article.url.rsplit("/", 1)[1]: h for h in archive.search(build_request("儿童")).hits}
    assert "<mark>儿童</mark>" in hits["whole"].highlight
    assert "<mark>兒童</mark>" in hits["traditional"].highlight  # in its own script
    hits = {h.article.url.rsplit("/", 1)[1]: h for h in archive.search(build_request("卖")).hits}
    assert "<mark>卖</mark>" in hits["parted"].highlight


def test_the_query_has_every_form_of_a_plural_and_no_copy_of_earlier_versions():
    tree = build_request('"missing children"').tree()
    rendered = str(render(tree))
    assert "'missing child'" in rendered and "'missing children'" in rendered
    assert "_alt" not in rendered
    legacy = str(render(tree, legacy=True))
    assert "text_alt^0.5" in legacy
    # A word of two or more CJK characters is left to the Python snippet.
    assert highlight_query(build_request("拐卖").tree()) == {"match_all": {}}

"""Chinese names and places on real annotated text (tests/data/entities-real), and
what a name can never be (markup, a URL, an ordinary word).

The floors are held on the held-out split, which no rule was tuned on; they sit a
little under the figures `bench/entities.py` prints, so a change that loses names
fails here. See tests/data/entities-real/README.md for the corpus and its licence.
"""

from __future__ import annotations

import functools
import json

import pytest

from bench.score_entities import REAL_DIR, load_real, score_real, tag_gold
from pipelines.entities import tag_entities
from pipelines.entities.models import chinese_words
from pipelines.entities.names import (
    chinese_person_spans,
    is_markup_or_url,
    plausible_chinese_person,
    plausible_english,
)

# (split, field) -> (precision, F1) floors. Measured (bench/entities.py): held-out
# names P 0.714 R 0.678 F1 0.696, places P 0.859 R 0.920 F1 0.888; traditional
# names P 0.730 F1 0.704, places P 0.832 F1 0.866. Before (jieba and rules): names
# F1 0.230 and 0.125, places F1 0.854 and 0.837.
FLOORS = {
    ("heldout", "names"): (0.69, 0.67),
    ("heldout", "places"): (0.83, 0.86),
    ("heldout-traditional", "names"): (0.70, 0.68),
    ("heldout-traditional", "places"): (0.80, 0.84),
}


@functools.cache
def real_scores(split: str):
    gold = load_real(split)
    return score_real(gold, list(tag_gold(gold, ("names", "places"))))


def test_the_real_set_is_there_with_its_licences():
    heldout = load_real("heldout")
    assert len(heldout) >= 300
    assert sum(len(a.text) for a in heldout) >= 50_000
    assert sum(len(a.names) for a in heldout) >= 500
    assert len(load_real("tune")) >= 900
    for name in ("LICENSE-PUD.txt", "LICENSE-GSDSIMP.txt", "README.md"):
        assert (REAL_DIR / name).stat().st_size > 100
    ids = [json.loads(line)["id"] for line in (REAL_DIR / "heldout.jsonl").open()]
    tune = {json.loads(line)["id"] for line in (REAL_DIR / "tune.jsonl").open()}
    assert len(set(ids)) == len(ids) and not tune & set(ids)


@pytest.mark.parametrize(("split", "field"), sorted(FLOORS))
def test_real_text_floor(split, field):
    counts = real_scores(split)[field]
    precision, f1 = FLOORS[(split, field)]
    assert counts.precision >= precision, counts.misses[:60]
    assert counts.f1 >= f1, counts.misses[:60]


def test_ordinary_words_are_not_people():
    """The words the issue found stored as people (古老, 史实, 文明, 温馨, 盛夏, 查明, 孙子)."""
    text = (
        "这座古老的县城见证了许多史实与文明。盛夏时节，街头温馨宜人。"
        "警方查明，孙子被人贩子拐到邵阳，已被解救。"
    )
    assert tag_entities(text, "zh").names == []
    # jieba's dictionary lists all seven as person names (nr), which is how the old
    # rules took them; the model reads them in context. Words it knows as ordinary
    # words are refused even when the model says PER.
    for word in ("文静", "海洋", "周口", "北京", "马路", "黄金", "方便"):
        assert not plausible_chinese_person(word), word


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("母亲王敏此前一直在寻找女儿。", "王敏"),  # not 王敏此
        ("他和溥杰一起回到北京。", "溥杰"),  # not 和溥杰
        ("胡绳曾担任中国社会科学院院长。", "胡绳"),  # not 胡绳曾
    ],
)
def test_names_do_not_swallow_their_neighbours(text, name):
    assert tag_entities(text, "zh").names == [name]


def test_a_place_is_not_a_person():
    entities = tag_entities("记者在邵阳市和周口见到了父亲李四。", "zh")
    assert entities.names == ["李四"]
    assert {p.mention for p in entities.places} >= {"邵阳市", "周口"}


def test_transliterated_names_are_one_person():
    words = [("科瑞", "PER"), ("·", "w"), ("舒尔曼", "PER"), ("说", "v")]
    assert chinese_person_spans(words) == [(0, 6)]
    names = tag_entities("奥巴马的特别助理科瑞·舒尔曼在周一发布的博客中写道。", "zh").names
    assert "科瑞·舒尔曼" in names


@pytest.mark.parametrize(
    "value",
    [
        "<img src=x onerror=alert(1)>",
        "onerror=alert(1)",
        "http://example.com/王敏",
        "www.example.org",
        "王敏@example.com",
        "{{constructor}}",
        "&lt;script&gt;",
    ],
)
def test_markup_and_urls_are_never_names(value):
    assert is_markup_or_url(value)
    assert not plausible_chinese_person(value)
    assert not plausible_english(value)


def test_a_hostile_page_stores_no_markup_as_a_person():
    zh = tag_entities(
        '<img src=x onerror=alert(1)>王敏说，<a href="http://example.com/李明">李明</a>已报警。',
        "zh",
    )
    assert set(zh.names) == {"王敏", "李明"}
    assert not any(is_markup_or_url(name) for name in zh.names)


def test_line_breaks_and_long_texts_keep_offsets():
    """LAC's words spell the text exactly (the name spans index it), whatever its length."""
    text = "李芳说。\n\n负责侦办此案的昆明市公安局民警马骏说\r\n" + "父亲王建国，" * 120 + "完。"
    words = chinese_words(text)
    assert "".join(word for word, _ in words) == text
    assert not any(tag == "PER" for word, tag in words if not word.strip())

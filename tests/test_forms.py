"""homeward/forms.py: one word, person and place in every form (issue 12)."""

from __future__ import annotations

import re

import pytest

from homeward.forms import (
    fold_plural,
    fold_plurals,
    fold_script,
    group_names,
    name_keys,
    place_keys,
    plural_spans,
    script_table,
)
from search.highlight import make_snippet
from search.query import highlight_terms, parse


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("拐賣", "拐卖"), ("尋親", "寻亲"), ("兒童", "儿童"), ("販賣", "贩卖"), ("臺灣", "台湾")],
)
def test_traditional_folds_to_simplified_character_for_character(traditional, simplified):
    assert fold_script(traditional) == simplified
    assert fold_script(simplified) == simplified
    assert len(fold_script("警方破獲拐賣兒童案 and Latin")) == len("警方破獲拐賣兒童案 and Latin")


def test_script_table_is_opencc_one_to_one():
    table = script_table()
    assert len(table) > 3000  # OpenCC's t2s characters, not a hand-made list
    assert all(len(old) == 1 and len(new) == 1 for old, new in table.items())


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("children", "child"), ("Women", "woman"), ("men", "man"), ("people", "person")],
)
def test_irregular_plurals_fold_to_the_singular(plural, singular):
    assert fold_plural(plural) == singular
    assert fold_plurals(f"missing {plural} found") == f"missing {singular} found"


def test_regular_words_are_left_to_the_stemmer():
    assert fold_plurals("the mentor menaced childish mice") == "the mentor menaced childish mouse"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("grandchildren, CHILDREN and ChIlDrEn", "grandchild, child and child"),
        ("policewomen 2children men2 x_men", "policewoman 2child man2 x_man"),
        ("schoolchildrens womenfolk mens", "schoolchildrens womenfolk mens"),
        ("拐卖children的women", "拐卖child的woman"),
        ("\u212amen: a Kelvin sign is no letter", "\u212aman: a Kelvin sign is no letter"),
        ("\u212anives", "\u212anives"),  # lower-cased it reads knives; written, it is not
        ("İstanbul's people", "İstanbul's person"),  # a lower case of another length
    ],
)
def test_plurals_are_whole_words_of_ascii_letters(text, folded):
    assert fold_plurals(text) == folded
    assert [text[start:end] for start, end, _ in plural_spans(text)] == [
        word for word in re.findall("[A-Za-z]+", text) if fold_plural(word) != word
    ]


@pytest.mark.parametrize("form", ["王敏", "Wang Min", "Wáng Mǐn", "Wangmin", "WANG-MIN", "王 敏"])
def test_every_form_of_a_chinese_name_shares_a_key(form):
    assert "wangmin" in name_keys(form)


def test_chinese_name_has_its_western_order_and_traditional_form():
    assert name_keys("王敏") >= {"王敏", "wangmin", "minwang"}
    assert "minwang" in name_keys("Min Wang")
    assert name_keys("劉思睿") & name_keys("刘思睿") >= {"刘思睿", "liusirui"}
    assert "ouyangnana" in name_keys("欧阳娜娜")  # a two-character family name
    assert "shanxiongxin" in name_keys("单雄信")  # 单 is read shan as a family name
    assert name_keys("吕敏") & name_keys("Lü Min") == {"lumin"}  # and Lv Min: lvmin


def test_names_that_are_not_the_same_do_not_share_keys():
    assert not name_keys("王敏") & name_keys("王明")
    assert not name_keys("Wang Min") & name_keys("Wang Ming")
    assert not name_keys("John Smith") & name_keys("Jane Smith")


@pytest.mark.parametrize("form", ["山西", "山西省", "Shanxi", "SHANXI"])
def test_every_form_of_shanxi_shares_a_key(form):
    assert "shanxi" in place_keys(form)


def test_shanxi_and_shaanxi_stay_apart():
    # 陕西 is also "shanxi" in toneless pinyin; the gazetteer's name keeps them apart.
    assert "shanxi" not in place_keys("陕西")
    assert "shaanxi" in place_keys("陕西省")
    assert not place_keys("山西") & place_keys("陕西")


@pytest.mark.parametrize(
    ("chinese", "english"),
    [("北京", "beijing"), ("北京市", "beijing"), ("周口", "zhoukou"), ("臺北", "taipei")],
)
def test_chinese_place_forms_have_the_gazetteer_name(chinese, english):
    assert english in place_keys(chinese)


def test_a_village_the_gazetteer_lacks_keeps_its_forms():
    assert place_keys("張家莊村") >= {"張家莊村", "张家庄村", "张家庄"}


def test_snippet_marks_the_text_in_its_own_script_and_form():
    snippet = make_snippet(
        "警方破獲拐賣兒童案。Traffickers sold women <b>", highlight_terms(parse("拐卖 woman"))
    )
    assert (
        snippet == "警方破獲<mark>拐賣</mark>兒童案。Traffickers sold <mark>women</mark> &lt;b&gt;"
    )


def test_facet_groups_the_forms_of_one_person():
    grouped = dict(
        group_names(
            [("Liu Sirui", 2), ("刘思睿", 1), ("劉思睿", 1), ("Wang Min", 1), ("Zhang Hua", 1)]
        )
    )
    assert grouped == {"Liu Sirui · 刘思睿 · 劉思睿": 4, "Wang Min": 1, "Zhang Hua": 1}
    assert name_keys("Liu Sirui · 刘思睿 · 劉思睿") >= name_keys("刘思睿") | name_keys("Liu Sirui")


def test_facet_never_joins_a_pinyin_to_two_people():
    grouped = dict(group_names([("王敏", 1), ("王民", 1), ("Wang Min", 2)]))
    assert grouped == {"王敏": 1, "王民": 1, "Wang Min": 2}
    assert dict(group_names([("王敏", 1), ("Wang Min", 2)])) == {"Wang Min · 王敏": 3}
    # A transliterated foreign name keeps its own dot.
    assert name_keys("约翰·史密斯") == {"约翰·史密斯"}

"""The entity stage: gold-set floors plus the specific rules users rely on."""

from __future__ import annotations

import pytest

from pipelines.entities import (
    FIELDS,
    EntityModelError,
    english_model_available,
    tag_entities,
)
from pipelines.entities import models as entity_models
from pipelines.entities.names import clean_chinese, clean_english, merge_names
from pipelines.entities.places import resolve
from pipelines.entities.scoring import load_gold, score, tag_gold
from pipelines.entities.years import extract_years

FLOORS = {
    ("years", "en"): 0.95,
    ("years", "zh"): 0.95,
    ("places", "en"): 0.80,
    ("places", "zh"): 0.80,
    ("names", "en"): 0.75,
    ("names", "zh"): 0.70,
}
HAVE_EN_MODEL = english_model_available()


@pytest.fixture(scope="module")
def gold_scores():
    gold = load_gold()
    assert len(gold) >= 40
    assert sum(a.language == "zh" for a in gold) >= 15
    results = {}
    for language in ("en", "zh"):
        subset = [a for a in gold if a.language == language]
        fields = FIELDS if language == "zh" or HAVE_EN_MODEL else ("places", "years")
        results.update(score(subset, tag_gold(subset, fields), fields))
    return results


@pytest.mark.parametrize(("field", "language"), sorted(FLOORS))
def test_gold_floor(gold_scores, field, language):
    if (field, language) == ("names", "en") and not HAVE_EN_MODEL:
        pytest.skip(f"{entity_models.EN_MODEL}=={entity_models.EN_MODEL_VERSION} not installed")
    counts = gold_scores[(field, language)]
    assert counts.f1 >= FLOORS[(field, language)], counts.misses


# --- names ---------------------------------------------------------------------


def test_spacing_variants_and_bare_surname_merge():
    mentions = ["Liu Si Rui", "Liu Jianguo", "Liu Sirui", "Liu", "Sirui"]
    assert merge_names(mentions) == ["Liu Si Rui", "Liu Jianguo"]


def test_honorifics_are_stripped():
    assert clean_english("Mrs. Wang's") == "Wang"
    assert clean_english("Detective Inspector Paul Brennan") == "Paul Brennan"
    assert clean_chinese("刘女士") == "刘"
    assert clean_chinese("陈某") == ""
    assert merge_names(["刘思睿", "刘"]) == ["刘思睿"]


def test_byline_author_is_not_a_name():
    assert merge_names(["Helen Marsh", "Liu Sirui", "Marsh"], exclude=["Helen Marsh"]) == [
        "Liu Sirui"
    ]
    text = "本报记者 王海\n\n父亲刘建国和母亲王秀英一直在寻找女儿。民警赵伟说，案件已侦破。"
    names = tag_entities(text, "zh", authors=["王海"]).names
    assert "王海" not in names
    assert {"刘建国", "王秀英", "赵伟"} <= set(names)


def test_chinese_context_names():
    text = "一名名叫张小花的女孩被拐。民警李明说，嫌疑人已落网。"
    names = tag_entities(text, "zh").names
    assert "张小花" in names
    assert "李明" in names


# --- places --------------------------------------------------------------------


def test_shanxi_is_not_shaanxi():
    places = {p.mention: p for p in resolve(["山西", "陕西", "Shanxi", "Shaanxi"], "zh")}
    assert places["山西"].name == "Shanxi"
    assert places["陕西"].name == "Shaanxi"
    assert places["山西"].region != places["陕西"].region


def test_chinese_and_english_forms_are_one_place():
    zh = resolve(["北京"], "zh")[0]
    en = resolve(["Beijing"], "en")[0]
    assert (zh.name, zh.country) == (en.name, en.country) == ("Beijing", "CN")
    assert zh.lat is not None and zh.lon is not None


def test_ambiguous_name_resolved_by_other_places():
    assert resolve(["Richmond", "Virginia"], "en")[0].country == "US"
    assert resolve(["Richmond", "British Columbia"], "en")[0].country == "CA"


def test_demonyms_are_not_places():
    places = tag_entities("两名中国人和一名越南籍女子在昆明被捕。", "zh", fields=["places"]).places
    assert [p.name for p in places] == ["Kunming"]
    text = "The Chinese girl and an American couple met Vietnamese officials in Hanoi."
    assert [p.name for p in tag_entities(text, "en", fields=["places"]).places] == ["Hanoi"]
    assert tag_entities("Chinese police said", "en", fields=["places"]).places == []


def test_unknown_village_kept_by_name():
    places = tag_entities("她来自洪洞县张家庄村。", "zh", fields=["places"]).places
    assert any(p.name == "张家庄村" and p.country is None for p in places)
    places = tag_entities("She was born in Xiaohe village.", "en", fields=["places"]).places
    assert [p.name for p in places] == ["Xiaohe"]


# --- years ---------------------------------------------------------------------


def test_years_in_context_and_decades():
    assert extract_years("in 1997, since 2010, the 1990s, 2009-2010") == [1997, 2010, 1990, 2009]
    assert extract_years("2009年7月，1997年，上世纪90年代，二〇〇五年") == [2009, 1997, 1990, 2005]


def test_money_counts_and_phones_are_not_years():
    text = "£4,000, 2,400 children, 2000 yuan, 2000 children, call 0800 123 4567, page 1998"
    assert extract_years(text) == []
    assert extract_years("1,500元，2000元，1999名儿童，电话13800138000") == []


def test_years_out_of_range_are_dropped():
    assert extract_years("in 1850 and in 2999") == []


# --- models --------------------------------------------------------------------


def test_missing_english_model_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(entity_models.EN_MODEL_ENV, "homeward_no_such_model")
    entity_models.english_nlp.cache_clear()
    try:
        with pytest.raises(EntityModelError, match="homeward_no_such_model"):
            tag_entities("Liu Sirui was found in Xi'an.", "en")
    finally:
        entity_models.english_nlp.cache_clear()


def test_places_and_years_need_no_english_model(monkeypatch):
    monkeypatch.setenv(entity_models.EN_MODEL_ENV, "homeward_no_such_model")
    entity_models.english_nlp.cache_clear()
    try:
        result = tag_entities("Police in Taiyuan said in 2015.", "en", fields=["places", "years"])
    finally:
        entity_models.english_nlp.cache_clear()
    assert [p.name for p in result.places] == ["Taiyuan"]
    assert result.years == [2015]

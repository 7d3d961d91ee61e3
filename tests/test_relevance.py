"""The relevance stage on realistic on-topic and off-topic snippets in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.relevance import (
    RelevanceOptions,
    is_relevant,
    load_lexicon,
    score_relevance,
)

ON_TOPIC = {
    "en abduction": (
        "A seven-year-old boy was abducted outside his primary school in Millbrook on Tuesday. "
        "Police arrested a 34-year-old man on suspicion of child abduction."
    ),
    "en trafficking": (
        "Eleven children trafficked from Nepal to work in brick kilns were rescued, and two "
        "traffickers were charged, the anti-trafficking unit said."
    ),
    "en baby selling": (
        "The clinic ran a baby-selling ring, paying poor mothers and selling newborns to "
        "childless couples for up to $10,000."
    ),
    "en missing children": "The charity says 200 missing children are still being sought.",
    "zh simplified": "1992年被拐的陈小龙通过打拐DNA系统比对，与亲生父母团聚。人贩子已被抓获。",
    "zh traditional": "失蹤兒童基金會協助母女相認，女兒當年疑遭人販子拐賣。",
    "zh baobei": "他在宝贝回家寻子网登记了寻亲信息。",
}

OFF_TOPIC = {
    "drug trafficking": (
        "Police seized two tonnes of cocaine at the port and arrested 12 suspected drug "
        "traffickers. The drug trafficking network also ran arms trafficking routes."
    ),
    "wildlife trafficking": (
        "Customs officers intercepted ivory and pangolin scales in a wildlife trafficking case."
    ),
    "football": (
        "Rovers were missing their captain and ended up missing a penalty, but a late header "
        "sealed a third straight win to go top of the league."
    ),
    "missing hiker": "A hiker who went missing on the mountain on Sunday has been found safe.",
    "adult kidnapping": (
        "A businessman was kidnapped in Lagos and his kidnappers demanded a ransom of $50,000."
    ),
    "zh drugs": "警方破获一起特大贩毒案，缴获毒品冰毒50公斤，抓获犯罪嫌疑人8名。",
    "zh sports": "国足客场2比1战胜泰国队，武磊梅开二度，球队重返小组第一。",
    "zh economy": "广元一季度GDP同比增长6.1%，工业增加值稳步提升。",
    "zh missing adult": "一名登山者在秦岭失联两天后被救援队找到。",
}


@pytest.mark.parametrize("name", sorted(ON_TOPIC))
def test_on_topic_is_relevant(name: str) -> None:
    result = score_relevance(ON_TOPIC[name])
    assert is_relevant(ON_TOPIC[name]), f"{name}: {result}"
    assert result.terms


@pytest.mark.parametrize("name", sorted(OFF_TOPIC))
def test_off_topic_is_not_relevant(name: str) -> None:
    assert not is_relevant(OFF_TOPIC[name]), f"{name}: {score_relevance(OFF_TOPIC[name])}"


def test_english_inflections_on_word_boundaries() -> None:
    for phrase in (
        "women were trafficked",
        "a trafficking ring",
        "the traffickers fled",
        "a convicted trafficker",
    ):
        assert score_relevance(phrase).terms == ["trafficking"], phrase
    assert score_relevance("Heavy traffic on the A40 this morning").score == 0.0
    assert score_relevance("narcotrafficking routes").score == 0.0


def test_drug_trafficking_does_not_count_but_child_trafficking_does() -> None:
    result = score_relevance("He faces drug trafficking charges and child trafficking charges.")
    assert result.terms == ["child trafficking"]


def test_strong_terms_weigh_more_than_weak() -> None:
    assert score_relevance("男子被拐卖").score > score_relevance("男子失踪").score
    assert score_relevance("missing").score < RelevanceOptions().threshold


def test_simplified_and_traditional_share_a_term() -> None:
    assert score_relevance("拐卖").terms == score_relevance("拐賣").terms == ["拐卖"]
    assert score_relevance("寻亲").terms == score_relevance("尋親").terms == ["寻亲"]


def test_headline_counts_double() -> None:
    text = "The boy's family thanked volunteers."
    assert (
        score_relevance(text, "Boy abducted from school found").score > score_relevance(text).score
    )


def test_threshold_is_configurable() -> None:
    text = ON_TOPIC["zh baobei"]
    assert is_relevant(text)
    assert not is_relevant(text, options=RelevanceOptions(threshold=100.0))


def test_custom_lexicon_file(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(
        '[[en]]\nterm = "orphanage fraud"\npattern = "orphanage (fraud|scams?)"\nweight = 3\n',
        encoding="utf-8",
    )
    options = RelevanceOptions(lexicon=lexicon)
    assert score_relevance("An orphanage scam was exposed.", options=options).terms == [
        "orphanage fraud"
    ]


def test_bad_lexicon_names_file_and_entry(tmp_path: Path) -> None:
    lexicon = tmp_path / "bad.toml"
    lexicon.write_text('[[en]]\nterm = "x"\nweight = 3\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.toml: \[\[en\]\] entry 1"):
        load_lexicon(lexicon)

"""The language stage: script counts, langdetect (seeded) and the declared language."""

from __future__ import annotations

import pytest

from pipelines.language import detect_language, normalise_language, script_language

ENGLISH = (
    "A seven-year-old boy who was abducted outside his primary school on Tuesday afternoon "
    "has been found safe and well after a search lasting more than 30 hours, police said."
)
SIMPLIFIED = (
    "公安部刑侦局有关负责人表示，自2021年开展团圆行动以来，"
    "全国公安机关已找回历年失踪被拐儿童一万余名。"
)
TRADITIONAL = "失蹤兒童基金會執行長表示，基金會目前仍有超過一百名長期失蹤兒童的個案在協尋中。"
FRENCH = (
    "La police a retrouvé vendredi un garçon de sept ans enlevé devant son école primaire, "
    "après des recherches qui ont duré plus de trente heures dans toute la région."
)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("zh-Hans", "zh"),
        ("zh_CN", "zh"),
        ("zh-cn", "zh"),
        ("zh-Hant-TW", "zh"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("zho", "zh"),
        ("", None),
        (None, None),
        ("x-klingon-nonsense", None),
    ],
)
def test_normalise_language(declared: str | None, expected: str | None) -> None:
    assert normalise_language(declared) == expected


def test_english() -> None:
    assert detect_language(ENGLISH, None) == "en"
    assert detect_language(ENGLISH, "en-GB") == "en"


def test_simplified_and_traditional_chinese_are_zh() -> None:
    assert detect_language(SIMPLIFIED, None) == "zh"
    assert detect_language(TRADITIONAL, None) == "zh"
    assert detect_language(TRADITIONAL, "zh-Hant") == "zh"


def test_short_and_mixed_chinese_is_zh_by_character_count() -> None:
    assert detect_language("被拐32年", None) == "zh"
    assert detect_language("男子通过DNA比对与亲生父母团聚 (Reuters)", None) == "zh"
    assert detect_language("李伟 Li Wei 回家了", None) == "zh"


def test_japanese_and_korean_by_script() -> None:
    assert script_language("行方不明の子どもが見つかりました") == "ja"
    assert detect_language("실종 아동이 부모와 다시 만났다", None) == "ko"


def test_wrong_declared_language_is_overruled() -> None:
    assert detect_language(SIMPLIFIED, "en") == "zh"  # a template that says en everywhere
    assert detect_language(ENGLISH, "zh-CN") == "en"
    assert detect_language(FRENCH, "en") == "fr"


def test_declared_language_decides_when_text_is_too_short() -> None:
    assert detect_language("Found safe", "en-US") == "en"
    assert detect_language("", "fr-FR") == "fr"
    assert detect_language("", None) is None


def test_detection_is_deterministic() -> None:
    mixed = "Police said the boy was found. Polizei sagte, der Junge wurde gefunden."
    assert len({detect_language(mixed, None) for _ in range(5)}) == 1

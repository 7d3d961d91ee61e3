"""`--mask-names` cannot leak: every form of every tagged name is masked in every
field, and nothing else changes.

Real articles are masked, then searched for each form of each of their names (the
forms are written out here, independently of search/masking.py): none may be left.
Every ordinary word away from the names must come through unchanged.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata

import pytest
from click.testing import CliRunner
from conftest import eval_data, installed_chinese_news
from web_fixtures import load_archive

from bench.score_entities import REAL_SET, load_gold, load_real
from cli.main import main
from exports.job import ExportJob
from exports.report import write_report
from homeward.article import Article, Version
from homeward.forms import fold_script
from pipelines.entities import tag_entities
from search.masking import initials, mask_article, mask_text, masked_names
from search.open import open_archive

HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
COMPOUND = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯"}


def plain(text: str) -> str:
    """Simplified, lower case, no accents: one character for one (offsets kept)."""
    out = []
    for ch in fold_script(text):
        low = ch.lower() if len(ch.lower()) == 1 else ch
        base = unicodedata.normalize("NFD", low)[:1]
        out.append(base if base.isalpha() else low)
    return "".join(out)


def pinyin_forms(han: str) -> list[str]:
    from pypinyin import lazy_pinyin

    split = 2 if len(han) >= 3 and han[:2] in COMPOUND else 1
    family = "".join(lazy_pinyin(han[:split]))
    given = "".join(lazy_pinyin(han[split:]))
    return [family + given, given + family] if family and given else []


def form_patterns(name: str) -> list[re.Pattern[str]]:
    """Every form of `name` a reader could recognise, as patterns over `plain` text."""
    name = plain(name)
    if HAN.match(name):
        han = name.replace("·", "")
        patterns = [re.escape(name)]
        if len(han) >= 3:
            patterns.append(re.escape(han[-2:]))  # the given name on its own
        for letters in pinyin_forms(han) if 2 <= len(han) <= 4 else []:
            patterns.append(
                r"(?<![a-z])" + r"[\s\-.·]*".join(map(re.escape, letters)) + r"(?![a-z])"
            )
        return [re.compile(p) for p in patterns]
    words = re.findall(r"[^\W\d_]+", name)
    patterns = [r"(?<![^\W\d_])" + re.escape(w) + r"(?![^\W\d_])" for w in words if len(w) >= 2]
    patterns.append(r"(?<![^\W\d_])" + re.escape("".join(words)) + r"(?![^\W\d_])")
    return [re.compile(p) for p in patterns]


def leaks(text: str, names: list[str]) -> list[str]:
    folded = plain(text)
    return [
        f"{name}: {match.group()!r}"
        for name in masked_names(names)
        for pattern in form_patterns(name)
        for match in pattern.finditer(folded)
    ]


def name_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    folded = plain(text)
    return [
        match.span()
        for name in masked_names(names)
        for pattern in form_patterns(name)
        for match in pattern.finditer(folded)
    ]


def changed_words(original: str, masked: str, names: list[str], chinese: bool) -> list[str]:
    """Words of `original` away from every name that the masking changed."""
    unchanged = set()
    for block in difflib.SequenceMatcher(
        None, original, masked, autojunk=False
    ).get_matching_blocks():
        unchanged.update(range(block.a, block.a + block.size))
    spans = name_spans(original, names)
    if chinese:
        import jieba  # lazy: as the entity stage

        words, position = [], 0
        for word in jieba.cut(original):
            words.append((position, position + len(word), word))
            position += len(word)
    else:
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\W\d_]+", original)]
    changed = []
    for start, end, word in words:
        if len(word.strip()) < 2 or any(s < end and start < e for s, e in spans):
            continue
        if not all(i in unchanged for i in range(start, end)):
            changed.append(word)
    return changed


def assert_masks_only_names(texts: list[str], least_names: int) -> None:
    """Each real text, masked with the names the entity stage tags in it, leaks no name
    and changes no other word."""
    articles = [(text, tag_entities(text, "zh", fields=["names"]).names) for text in texts]
    assert sum(len(names) for _, names in articles) >= least_names
    for text, names in articles:
        masked = mask_text(text, names)
        assert leaks(masked, names) == [], text[:80]
        assert changed_words(text, masked, names, chinese=True) == [], text[:80]


def test_real_chinese_news_leaks_no_name_and_changes_no_word():
    """newspaper4k's real Chinese pages (installed by setup) and the gold's Chinese articles."""
    texts = installed_chinese_news()
    assert len(texts) == 3
    assert_masks_only_names(texts + [a.text for a in load_gold() if a.language == "zh"], 60)


def test_real_chinese_sentences_leak_no_name_and_change_no_word():
    """PUD's news and encyclopedia sentences, where the steering repository placed them."""
    articles = load_real("heldout", eval_data(REAL_SET))
    assert_masks_only_names([a.text for a in articles if a.id.startswith("pud-")][:60], 60)


def test_real_english_articles_leak_no_name_and_change_no_word():
    articles = [a for a in load_gold() if a.language == "en"]
    assert len(articles) >= 15
    for article in articles:
        masked = mask_text(article.text, article.names)
        assert leaks(masked, article.names) == [], article.id
        assert changed_words(article.text, masked, article.names, chinese=False) == [], article.id


def test_every_form_of_a_name_is_masked():
    text = (
        "母亲王敏此前说，王敏的女儿刘思睿失踪了。劉思睿的照片，思睿很高兴。"
        "In English: Wang Min, WANG Min, Wáng Mǐn, Min Wang and Wangmin; Liu Si-Rui, Sirui."
    )
    masked = mask_text(text, ["王敏", "刘思睿"])
    assert leaks(masked, ["王敏", "刘思睿"]) == []
    assert "母亲王某此前说" in masked and "刘某的照片，某某很高兴" in masked
    # A latin name's hanzi, and its parts, in any script.
    masked = mask_text("Liu Sirui (刘思睿) and Zhang Hua; 张华说。", ["Liu Sirui", "Zhang Hua"])
    assert masked == "L. S. (刘某) and Z. H.; 张某说。"


def test_only_names_change_and_places_are_not_names():
    text = "孙子被拐到邵阳，警方查明了古老的史实。Liuzhou police met Mr Wang."
    # An old archive may hold bad tags: a place stored as a person is not masked.
    assert mask_text(text, ["邵阳", "孙子"]) == text.replace("孙子", "孙某")
    assert masked_names(["邵阳", "王敏 · Wang Min"]) == ["王敏", "Wang Min"]
    assert mask_text(text, ["王敏"]) == text  # Wang alone is not Wang Min's form
    assert "Liuzhou" in mask_text(text, ["Liu Sirui"])


def test_mask_article_masks_title_text_versions_and_names():
    article = Article(
        id="a1",
        url="https://example.org/wang-min",
        title="王敏寻女",
        text="母亲王敏说。图：王敏在家中。",  # a caption is part of the text
        language="zh",
        names=["王敏"],
        versions=[Version(fetched_at=None, replaced_at="2025-01-01", title="王敏", text="王敏")],
    )
    masked = mask_article(article)
    assert masked.title == "王某寻女" and masked.text == "母亲王某说。图：王某在家中。"
    assert masked.versions[0].title == "王某" and masked.versions[0].text == "王某"
    assert masked.names == ["王某"] and masked.url == article.url
    assert article.text == "母亲王敏说。图：王敏在家中。"


def test_a_masked_report_has_no_name_in_excerpts_notes_or_summary():
    article = Article(
        id="a1",
        url="https://example.org/1",
        title="Wang Min found",
        text="Police said Wang Min, 12, was found. Her father Wang Jun thanked them.",
        language="en",
        names=["Wang Min", "Wang Jun"],
    )
    job = ExportJob(
        source=lambda: iter([article]),
        notes={"a1": "Wang Min's case"},
        mask_names=True,
        title="Wang Min",
    )
    out = io.BytesIO()
    write_report(job, out)
    html = out.getvalue().decode("utf-8")
    assert re.findall(r"\bWang\b|\bMin\b|\bJun\b", html) == []
    assert "W. M." in html and "W. J." in html


def test_initials_of_every_script():
    assert initials("王敏") == "王某"
    assert initials("Wáng Mǐn") == "W. M."


@pytest.mark.parametrize("archive_url", ["sqlite", "elasticsearch"], indirect=True)
def test_export_mask_names_list_shows_what_would_be_masked(archive_url, tmp_path):
    load_archive(archive_url, tmp_path / "evidence")
    with open_archive(archive_url) as archive:
        tagged = {name for article in archive.iter_articles() for name in article.names}
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", "--mask-names", "--list", "--archive", archive_url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert {row[0] for row in rows} == set(masked_names(tagged))
    assert all(row[1] == initials(row[0]) and int(row[2]) >= 1 for row in rows)
    assert "nothing was exported" in result.stderr
    needs_mask = runner.invoke(main, ["export", "--list", "--archive", archive_url])
    assert needs_mask.exit_code == 2 and "--mask-names" in needs_mask.output
    needs_format = runner.invoke(main, ["export", "--archive", archive_url])
    assert needs_format.exit_code == 2 and "--format" in needs_format.output

"""The word lists the entity rules read from spaCy's and jieba's files are theirs,
word for word, and reading them loads neither package (a crawl worker keeps what it
loads: spaCy cost an English worker about 30 MB, jieba a Chinese one about 85 MB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jieba.posseg
from spacy.lang.en.stop_words import STOP_WORDS

from pipelines.entities.lexicon import english_stop_words, ordinary_chinese_words, package_file

REPO = Path(__file__).resolve().parent.parent


def test_the_english_stop_words_are_spacys() -> None:
    assert english_stop_words() == frozenset(STOP_WORDS)
    assert {"most", "in", "the"} <= english_stop_words()


def test_the_ordinary_chinese_words_are_those_jieba_tags_as_anything_but_a_name() -> None:
    tags = jieba.posseg.POSTokenizer().word_tag_tab  # jieba's own table of every word
    expected = {word for word, tag in tags.items() if not tag.startswith("nr")}
    assert ordinary_chinese_words() == expected
    assert {"马上", "黄金", "周末", "王国"} <= ordinary_chinese_words()
    assert "王敏" not in ordinary_chinese_words()
    assert tags["毛泽东"].startswith("nr") and "毛泽东" not in ordinary_chinese_words()


def test_a_missing_package_is_named() -> None:
    try:
        package_file("no_such_package_here", "dict.txt")
    except ModuleNotFoundError as error:
        assert "no_such_package_here" in str(error)
    else:
        raise AssertionError("a missing package was not reported")


def test_tagging_both_languages_loads_neither_spacy_nor_jieba() -> None:
    script = (
        "import json, sys\n"
        "from pipelines.entities import tag_entities\n"
        "tag_entities('警方说，王敏在广州被拐卖。记者李华报道。', 'zh')\n"
        "tag_entities('Most had left Leeds in 2019.', 'en', fields=('places', 'years'))\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'jieba'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []

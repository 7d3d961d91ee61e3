"""Near-duplicates: syndicated and lightly edited copies merge, different reports do not."""

from __future__ import annotations

from pathlib import Path

from crawler.state import SeenStore
from pipelines.dedupe import (
    NearDuplicateIndex,
    minhash,
    published_earlier,
    shingles,
    signature_bytes,
)

STORY = (
    "An eight-year-old boy was abducted from outside Hillcrest Primary School on Tuesday "
    "afternoon, police said, prompting a search across three counties. Witnesses told officers "
    "that a man in a grey van approached the boy as classes ended and drove away towards the "
    "river bridge. Detective Inspector Ruth Okafor said the child abduction was being treated "
    "as the force's highest priority and that specialist officers were supporting the family. "
    "The boy's mother appealed for anyone who saw the van to come forward."
)
EDITED = (
    STORY.replace("on Tuesday afternoon", "on Tuesday").replace("Detective Inspector", "Det Insp")
    + " This story was first published by the Riverside Herald."
)
OTHER = (
    "A twelve-year-old girl who went missing from Oakfield on Friday has been found safe and "
    "well in a neighbouring town, police confirmed on Sunday morning. Officers had issued an "
    "urgent appeal after the missing child failed to return home from a friend's house, and "
    "volunteers searched woodland overnight. A man was arrested on suspicion of child abduction."
)
ZH = (
    "本报讯 近日，广东省公安机关破获一起拐卖儿童案件，成功解救被拐儿童五名，抓获犯罪嫌疑人八名。"
    "据警方介绍，犯罪团伙在云南、贵州等地物色目标，将拐骗来的孩子带往外省出售。"
    "办案民警表示，今年以来全省公安机关持续开展打拐专项行动，坚决打击拐卖妇女儿童犯罪。"
)
ZH_REPOST = "（来源：华南日报）" + ZH.replace("本报讯 近日，", "近日，") + "责任编辑：李明"
ZH_OTHER = (
    "台中市一名七歲男童日前在放學途中失蹤，警方獲報後立即展開搜尋，並調閱沿途監視器畫面。"
    "男童的母親表示，孩子平時都會準時回家，當天卻遲遲未歸，家人擔心孩子遭人誘拐。"
)


def test_cjk_shingles_are_characters() -> None:
    assert "拐 卖 儿" in shingles("破获拐卖儿童案")
    assert "boy was abducted" in shingles("The boy was abducted.")
    assert shingles("ＡＢＣ abc") == {"abc abc"}  # full-width letters fold


def test_light_edits_and_reposts_are_found() -> None:
    index = NearDuplicateIndex()
    index.add("story", minhash(STORY))
    index.add("zh", minhash(ZH))
    assert index.find(minhash(EDITED)) == "story"
    assert index.find(minhash(ZH_REPOST)) == "zh"
    assert index.find(minhash(OTHER)) is None
    assert index.find(minhash(ZH_OTHER)) is None


def test_short_texts_are_never_merged() -> None:
    assert minhash("Boy missing.") is None
    assert NearDuplicateIndex().find(None) is None


def test_signatures_persist_between_crawls(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "seen.sqlite")
    signature = minhash(STORY)
    assert signature is not None
    store.add_signature("story", "https://a.example/story", signature_bytes(signature), 100.0)
    store.close()

    reopened = SeenStore(tmp_path / "seen.sqlite")
    index = NearDuplicateIndex()
    index.load(reopened.iter_signatures())
    assert len(index) == 1 and index.published == {"story": 100.0}
    assert index.find(minhash(EDITED)) == "story"
    reopened.close()


def test_the_earliest_published_copy_is_the_original() -> None:
    assert published_earlier(100.0, 200.0)
    assert not published_earlier(200.0, 100.0)
    assert not published_earlier(None, 100.0) and not published_earlier(100.0, None)
    index = NearDuplicateIndex()
    index.add("copy", minhash(EDITED), published=200.0)
    assert index.find(minhash(STORY)) == "copy" and index.published["copy"] == 200.0
    index.remove("copy")
    index.add("story", minhash(STORY), published=100.0)
    assert index.find(minhash(EDITED)) == "story" and len(index) == 1

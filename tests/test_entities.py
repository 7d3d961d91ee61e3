"""The entity stage: gold-set floors plus the specific rules users rely on.

English names need the English NER model (Stanford CoreNLP, installed by
`scripts/corenlp.sh fetch`, which scripts/setup.sh runs). Tests that need it run
when it is there, FAIL when CI=true and it is not (CI must never pass without
measuring English names), and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from bench.score_entities import load_gold, score, tag_gold
from homeward.forms import PLACE_NAMES_FILE
from pipelines.entities import (
    FIELDS,
    EntityModelError,
    tag_entities,
)
from pipelines.entities import models as entity_models
from pipelines.entities import places as _places
from pipelines.entities.corenlp import SCRIPT, CoreNLPTagger
from pipelines.entities.errors import EN_MODEL_ENV
from pipelines.entities.models import Mention, whole_words
from pipelines.entities.names import clean_chinese, clean_english, english_names, merge_names
from pipelines.entities.place_forms import chinese_place_forms, render_table
from pipelines.entities.places import resolve
from pipelines.entities.years import extract_years

REPO = Path(__file__).resolve().parent.parent

FLOORS = {
    ("years", "en"): 0.95,
    ("years", "zh"): 0.95,
    ("places", "en"): 0.80,
    ("places", "zh"): 0.80,
    ("names", "en"): 0.75,
    ("names", "zh"): 0.70,
}


@functools.cache
def english_model_problem() -> str | None:
    """Why the English NER model cannot be used, or None; asked once, when first needed
    (collecting this module must not start a JVM)."""
    try:
        entity_models.english_ner()
    except EntityModelError as error:
        return str(error)
    return None


def need_english_model() -> None:
    """Fail in CI, skip elsewhere, when the English NER model is missing."""
    problem = english_model_problem()
    if problem is None:
        return
    message = f"English NER model not available: {problem}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def no_english_ner(monkeypatch):
    """The stage as on a machine that loaded no English model yet (restored after)."""
    monkeypatch.setattr(entity_models, "_english", None)
    yield
    entity_models.close_english_ner()


@pytest.fixture(scope="module")
def gold_scores():
    gold = load_gold()
    assert len(gold) >= 40
    assert sum(a.language == "zh" for a in gold) >= 15
    results = {}
    for language in ("en", "zh"):
        subset = [a for a in gold if a.language == language]
        have_model = english_model_problem() is None
        fields = FIELDS if language == "zh" or have_model else ("places", "years")
        results.update(score(subset, tag_gold(subset, fields), fields))
    return results


@pytest.mark.parametrize(("field", "language"), sorted(FLOORS))
def test_gold_floor(gold_scores, field, language):
    if (field, language) == ("names", "en"):
        need_english_model()
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


# --- English NER: rules over the model's mentions (no model needed) --------------


def _mentions(text: str, *spans: tuple[str, str]) -> list[Mention]:
    found, position = [], 0
    for kind, words in spans:
        start = text.index(words, position)
        found.append(Mention(kind, start, start + len(words)))
        position = start + len(words)
    return found


def test_hyphenated_names_are_whole():
    text = "Fatima Waziri-Azi said. He was moved to Rostov-on-Don. A Smith-led team."
    found = _mentions(
        text,
        ("person", "Fatima Waziri"),
        ("place", "Rostov"),
        ("person", "Don"),
        ("person", "Smith"),
    )
    assert [(m.kind, text[m.start : m.end]) for m in whole_words(text, found)] == [
        ("person", "Fatima Waziri-Azi"),
        ("place", "Rostov-on-Don"),
        ("person", "Smith"),
    ]


def test_english_name_rules():
    text = (
        "Her parents, Lisa and Tom Cook, met a man surnamed Hu in Georgia. "
        "Her daughter Dara, 9, was found on Hollins Lane. Mother said so."
    )
    found = _mentions(
        text,
        ("person", "Lisa"),
        ("person", "Tom Cook"),
        ("person", "Georgia"),  # a region of the gazetteer, not a person
        ("person", "Dara"),  # merely some town's name: the model's PERSON label wins
        ("person", "Hollins Lane"),  # a street
        ("person", "Mother"),
    )
    assert english_names(text, found) == ["Lisa Cook", "Tom Cook", "Hu", "Dara"]


def test_a_word_the_text_calls_a_place_is_not_a_person():
    text = "She was taken to Dara. Police in Dara said."
    found = _mentions(text, ("place", "Dara"), ("person", "Dara"))
    assert english_names(text, found) == []


# --- English NER: the model (CoreNLP by default) ------------------------------------


def test_english_names_from_the_model():
    need_english_model()
    text = (
        "Baby taken from Shanxi village found\n\nBy Helen Marsh\n\n"
        "Liu Sirui, now 16, was found in Xi'an. Her father, Liu Jianguo, thanked "
        'Inspector Zhao Wei of the Linfen police. "We never stopped," Mr Liu said.'
    )
    names = tag_entities(text, "en", authors=["Helen Marsh"]).names
    assert names == ["Liu Sirui", "Liu Jianguo", "Zhao Wei"]


def test_tagger_offsets_are_python_indices():
    need_english_model()
    tagger = entity_models.english_ner().tagger
    texts = ["", "\n\n", "😀 Emoji 𝒳 then Liu Sirui\r\n\x00 said Zhao Wei.", "no names here"]
    spans = tagger.tag(texts)
    assert spans[0] == spans[1] == spans[3] == []
    people = [texts[2][s.start : s.end] for s in spans[2] if s.label == "PERSON"]
    assert people == ["Liu Sirui", "Zhao Wei"]


def test_long_texts_are_tagged_in_pieces(monkeypatch):
    need_english_model()
    tagger = entity_models.english_ner().tagger
    text = "\n\n".join(
        f"Paragraph {i}: Liu Sirui met Inspector Zhao Wei in Taiyuan on a Tuesday."
        for i in range(6)
    )
    whole = tagger.tag([text])[0]
    monkeypatch.setattr(tagger, "max_chars", 100)
    assert tagger.tag([text])[0] == whole
    assert [text[s.start : s.end] for s in whole if s.label == "PERSON"] == [
        "Liu Sirui",
        "Zhao Wei",
    ] * 6


def test_an_entity_never_crosses_a_line_break():
    need_english_model()
    tagger = entity_models.english_ner().tagger
    text = "By Helen Marsh\nLiu Sirui was found."
    assert [text[s.start : s.end] for s in tagger.tag([text])[0]] == ["Helen Marsh", "Liu Sirui"]


def test_tagger_is_shared_safely_by_threads():
    need_english_model()
    tagger = entity_models.english_ner().tagger
    texts = [f"Police said Liu Sirui met Zhao Wei {i} times in Taiyuan." for i in range(20)]
    expected = tagger.tag(texts)
    results: list[object] = [None] * 8

    def work(slot: int) -> None:
        results[slot] = tagger.tag(texts)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [expected] * 8


def test_tagger_starts_lazily_restarts_and_stops():
    need_english_model()
    tagger = CoreNLPTagger()
    assert tagger.pid is None  # nothing runs before the first text
    try:
        first = tagger.tag(["Liu Sirui was found."])
        pid = tagger.pid
        assert pid is not None and tagger.version and tagger.model
        os.kill(pid, 9)  # e.g. the kernel's OOM killer
        assert tagger.tag(["Liu Sirui was found."]) == first  # a new tagger took over
        assert tagger.pid not in (None, pid)
        pid = tagger.pid
    finally:
        tagger.close()
    assert tagger.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_corenlp_is_a_clear_startup_error(monkeypatch, tmp_path, no_english_ner):
    monkeypatch.delenv(entity_models.EN_MODEL_ENV, raising=False)
    monkeypatch.setenv("HOMEWARD_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(EntityModelError, match=r"scripts/corenlp\.sh fetch"):
        tag_entities("Liu Sirui was found in Xi'an.", "en")


def test_missing_spacy_model_is_a_clear_error(monkeypatch, no_english_ner):
    monkeypatch.setenv("HOMEWARD_EN_NER_MODEL", "homeward_no_such_model")
    with pytest.raises(
        EntityModelError,
        match=r"'homeward_no_such_model' \(HOMEWARD_EN_NER_MODEL\) is not installed",
    ):
        tag_entities("Liu Sirui was found in Xi'an.", "en")


def test_en_ner_model_chooses_the_english_backend(monkeypatch, tmp_path, no_english_ner):
    """HOMEWARD_EN_NER_MODEL: unset, empty or "corenlp" is CoreNLP; anything else is a
    spaCy pipeline (a package name or a folder), and a broken one is a clear error."""
    spacy = pytest.importorskip("spacy")
    # No CoreNLP in this cache: whichever backend answers is the one the variable chose.
    monkeypatch.setenv("HOMEWARD_CACHE", str(tmp_path / "empty-cache"))
    assert EN_MODEL_ENV == "HOMEWARD_EN_NER_MODEL"
    for value in ("", "corenlp", "CoreNLP"):
        monkeypatch.setenv("HOMEWARD_EN_NER_MODEL", value)
        with pytest.raises(EntityModelError, match=r"scripts/corenlp\.sh fetch"):
            tag_entities("Liu Sirui was found in Xi'an.", "en")

    # A spaCy pipeline folder whose "ner" knows one name (an entity ruler: no training).
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(
        [{"label": "PERSON", "pattern": "Liu Sirui"}]
    )
    nlp.meta.update(name="homeward_test_ruler", version="0.0.1")
    nlp.to_disk(tmp_path / "ruler")
    monkeypatch.setenv("HOMEWARD_EN_NER_MODEL", str(tmp_path / "ruler"))
    result = tag_entities("Liu Sirui was found in Xi'an. Zhao Wei said so.", "en")
    assert result.names == ["Liu Sirui"]  # the ruler's names only: CoreNLP would add Zhao Wei
    assert entity_models.english_ner().description == "spaCy homeward_test_ruler 0.0.1"
    entity_models.close_english_ner()

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text('{"lang": "en", "name": "broken", "version": "1"}')
    (broken / "config.cfg").write_text("not a config [[\n")
    monkeypatch.setenv("HOMEWARD_EN_NER_MODEL", str(broken))
    with pytest.raises(EntityModelError, match=r"\(HOMEWARD_EN_NER_MODEL\) could not be loaded"):
        tag_entities("Liu Sirui was found.", "en")
    nlp.remove_pipe("ner")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "no-ner")
    monkeypatch.setenv("HOMEWARD_EN_NER_MODEL", str(tmp_path / "no-ner"))
    with pytest.raises(EntityModelError, match=r"\(HOMEWARD_EN_NER_MODEL\) has no 'ner'"):
        tag_entities("Liu Sirui was found.", "en")


def test_corenlp_start_timeout_bounds_the_wait_for_the_model(monkeypatch):
    monkeypatch.delenv("HOMEWARD_CORENLP_START_TIMEOUT", raising=False)
    assert CoreNLPTagger(command=["cat"]).start_timeout == 120  # the documented default
    monkeypatch.setenv("HOMEWARD_CORENLP_START_TIMEOUT", "1.5")
    tagger = CoreNLPTagger(command=["cat"])  # never says "ready"; exits when stdin closes
    started = time.monotonic()
    with pytest.raises(
        EntityModelError,
        match=r"did not load its model within 1\.5s \(HOMEWARD_CORENLP_START_TIMEOUT\)",
    ):
        tagger.start()
    assert 1.4 < time.monotonic() - started < 10
    assert tagger.pid is None
    for bad in ("soon", "0", "-5", "inf"):
        monkeypatch.setenv("HOMEWARD_CORENLP_START_TIMEOUT", bad)
        with pytest.raises(
            EntityModelError, match=rf"HOMEWARD_CORENLP_START_TIMEOUT must be .*got '{bad}'"
        ):
            CoreNLPTagger()


# A stand-in for scripts/corenlp.sh: `run` speaks the tagger's protocol
# (scripts/corenlp/HomewardNer.java) and calls the first 9 characters a person.
# A stand-in for scripts/corenlp.sh (no Java); with FAKE_TAGGER_LOG set it logs each start.
FAKE_CORENLP_SCRIPT = """#!/usr/bin/env bash
[[ "${1:-}" == run ]] || exit 2
[[ -z "${FAKE_TAGGER_LOG:-}" ]] || echo "started $$" >> "$FAKE_TAGGER_LOG"
echo "ready 0.0-fake fake.crf.ser.gz"
while read -r length; do
  head -c "$length" >/dev/null
  echo "ok PERSON:0:9"
done
"""

NAMES_IN_A_NEW_PROCESS = """
import json
from pipelines.entities import EntityModelError, tag_entities
from pipelines.entities.models import english_ner
try:
    names = tag_entities("Liu Sirui was found.", "en").names
    print(json.dumps({"names": names, "ner": english_ner().description}))
except EntityModelError as error:
    print(json.dumps({"error": str(error)}))
"""


def _names_in_a_new_process(env: dict[str, str]) -> dict[str, object]:
    """The module reads HOMEWARD_CORENLP_SCRIPT once, at import: a fresh interpreter."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    result = subprocess.run(
        [sys.executable, "-c", NAMES_IN_A_NEW_PROCESS],
        cwd=REPO,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_corenlp_script_is_the_tagger_that_runs(tmp_path):
    script = tmp_path / "elsewhere" / "corenlp.sh"
    script.parent.mkdir()
    script.write_text(FAKE_CORENLP_SCRIPT)
    found = _names_in_a_new_process({"HOMEWARD_CORENLP_SCRIPT": str(script)})
    assert found == {"names": ["Liu Sirui"], "ner": "Stanford CoreNLP 0.0-fake (fake.crf.ser.gz)"}
    # A path with nothing there is a clear error naming the variable (the bare
    # "/name.sh" form once failed at import with an IndexError).
    for missing in (tmp_path / "missing" / "corenlp.sh", Path("/homeward-no-such-corenlp.sh")):
        found = _names_in_a_new_process({"HOMEWARD_CORENLP_SCRIPT": str(missing)})
        assert "HOMEWARD_CORENLP_SCRIPT" in found["error"] and str(missing) in found["error"]


def test_places_and_years_need_no_english_model(monkeypatch, tmp_path, no_english_ner):
    monkeypatch.setenv("HOMEWARD_CACHE", str(tmp_path / "empty-cache"))
    result = tag_entities("Police in Taiyuan said in 2015.", "en", fields=["places", "years"])
    assert [p.name for p in result.places] == ["Taiyuan"]
    assert result.years == [2015]
    assert entity_models._english is None  # and nothing tried to start it


# --- scripts/corenlp.sh (fast: no download, no Java) --------------------------------


def _script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _fake_corenlp_install(tmp_path: Path) -> dict[str, str]:
    """A cache in which CoreNLP looks installed and built, and a "JDK" whose java prints
    its arguments, one a line: `corenlp.sh run` then shows the tagger's command line."""
    version = "4.5.10"
    install = tmp_path / "cache" / "corenlp" / version
    install.mkdir(parents=True)
    source = SCRIPT.parent / "corenlp" / "HomewardNer.java"
    tagger_jar = f"homeward-ner-{hashlib.sha256(source.read_bytes()).hexdigest()[:16]}.jar"
    names = (".homeward-installed", f"stanford-corenlp-{version}.jar", tagger_jar)
    for name in (*names, "english.all.3class.distsim.crf.ser.gz"):
        (install / name).write_text("")
    jdk = tmp_path / "jdk"
    (jdk / "bin").mkdir(parents=True)
    (jdk / "release").write_text('JAVA_VERSION="17.0.99"\n')
    for tool in ("java", "javac", "jar"):
        (jdk / "bin" / tool).write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
        (jdk / "bin" / tool).chmod(0o755)
    return {"HOMEWARD_CACHE": str(tmp_path / "cache"), "HOMEWARD_JAVA_HOME": str(jdk)}


def _tagger_java_args(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_CORENLP_")}
    result = subprocess.run(
        ["bash", str(SCRIPT), "run"],
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    args = result.stdout.splitlines()
    assert args[-3:-1] == ["HomewardNer", "4.5.10"] and "-cp" in args, args
    return args


def test_corenlp_heap_is_the_taggers_java_heap(tmp_path):
    env = _fake_corenlp_install(tmp_path)
    default = _tagger_java_args(env)
    assert [a for a in default if a.startswith("-Xmx")] == ["-Xmx256m"]  # the documented default
    chosen = _tagger_java_args({**env, "HOMEWARD_CORENLP_HEAP": "1g"})
    assert [a for a in chosen if a.startswith("-Xmx")] == ["-Xmx1g"]
    bad = _script("run", env={**env, "HOMEWARD_CORENLP_HEAP": "lots"})
    assert bad.returncode == 1
    assert "HOMEWARD_CORENLP_HEAP must look like 512m or 1g, got 'lots'" in bad.stderr


def test_corenlp_java_opts_reach_the_taggers_java(tmp_path):
    env = _fake_corenlp_install(tmp_path)

    def extra(args: list[str]) -> list[str]:  # between the script's own options and -cp
        return args[args.index("-XX:-UsePerfData") + 1 : args.index("-cp")]

    assert extra(_tagger_java_args(env)) == []
    opts = " -XX:+ExitOnOutOfMemoryError  -Dhomeward.probe=1 "
    args = _tagger_java_args({**env, "HOMEWARD_CORENLP_JAVA_OPTS": opts})
    assert extra(args) == ["-XX:+ExitOnOutOfMemoryError", "-Dhomeward.probe=1"]


def test_corenlp_script_status_usage_and_run_without_fetch(tmp_path):
    env = {"HOMEWARD_CACHE": str(tmp_path / "cache")}
    assert _script("frobnicate", env=env).returncode == 2
    status = _script("status", env=env)
    assert status.returncode == 3 and status.stdout.startswith("missing")
    run = _script("run", env=env)
    assert run.returncode == 1 and "run 'scripts/corenlp.sh fetch'" in run.stderr
    assert not (tmp_path / "cache" / "corenlp" / "downloads").exists()  # run never downloads


def test_corenlp_fetch_rejects_a_bad_checksum(tmp_path):
    version = "4.5.10"
    repo = tmp_path / "repo"
    art = repo / "edu/stanford/nlp/stanford-corenlp" / version
    art.mkdir(parents=True)
    jar = art / f"stanford-corenlp-{version}.jar"
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("not/corenlp.txt", "a jar that is not the pinned one")
    # The published SHA-1 matches, so only the pinned SHA-256 can catch it.
    (art / f"{jar.name}.sha1").write_text(hashlib.sha1(jar.read_bytes()).hexdigest())
    env = {"HOMEWARD_CACHE": str(tmp_path / "cache"), "HOMEWARD_MAVEN_REPO": repo.as_uri()}
    result = _script("fetch", env=env)
    assert result.returncode == 1
    assert "SHA-256 mismatch" in result.stderr, result.stderr
    downloads = tmp_path / "cache" / "corenlp" / "downloads"
    assert not downloads.exists() or not any(downloads.iterdir())  # nothing half-kept


def test_place_forms_table_is_what_the_gazetteer_says():
    """homeward/place_names.txt (what `place:山西` finds Shanxi by) is made from the
    gazetteer; a gazetteer change must remake it (python -m pipelines.entities.place_forms)."""
    table = chinese_place_forms()
    assert PLACE_NAMES_FILE.read_text(encoding="utf-8") == render_table(table)
    assert table["山西"] == ["Shanxi"]
    assert table["陕西"] == ["Shaanxi"]
    assert table["湖南"] == ["Hunan"]  # not also Kōnan, Japan


def test_sentence_start_looks_back_as_the_pattern_did():
    """`english_mentions` asks whether a capitalised word starts a sentence by looking
    back over whitespace only (the regex on the whole text before it was quadratic);
    the answer must be the regex's, at every offset of a text with every kind of end."""
    text = 'In Milan. Most\n  said: "Hope” \u00a0Rome?\tx\u2028 Y; z\n'
    for start in range(len(text) + 1):
        expected = bool(_places._SENTENCE_START.search(text[:start]))
        assert _places._at_sentence_start(text, start) == expected, (start, text[:start])


def test_tagger_jvm_uses_huge_pages(tmp_path):
    """The CRF's feature lookups miss the TLB on ordinary pages; with huge pages for
    its heap the JVM took half the CPU or less (measured side by side), same tags."""
    args = _tagger_java_args(_fake_corenlp_install(tmp_path))
    assert "-XX:+UseTransparentHugePages" in args[: args.index("-cp")]

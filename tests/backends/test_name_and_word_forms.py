"""Issue 12 on both backends: text across scripts and word forms, people and places in
every form, and archives made by the previous version upgraded when opened."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from conftest import dispose, stored_archive
from elasticsearch import Elasticsearch

from homeward.article import Article, Place, normalise_key, published_timestamp
from homeward.forms import fold_plurals, fold_script
from search.backends.elastic import ElasticArchive
from search.backends.elastic.articles import INDEX_VERSION, MAPPING, SETTINGS, to_document
from search.backends.sqlite import SqliteArchive
from search.backends.sqlite import archive as sqlite_archive
from search.query import CJK_RUN, build_request, cjk_bigrams, cjk_unigrams, latin_only

SHANXI = Place(name="Shanxi", mention="山西", country="CN", region="Shanxi")
SHANXI_EN = Place(name="Shanxi", mention="Shanxi", country="CN", region="Shanxi")
SHAANXI = Place(name="Shaanxi", mention="陕西", country="CN", region="Shaanxi")
BEIJING_EN = Place(name="Beijing", mention="Beijing", country="CN", region="Beijing")
ZHOUKOU = Place(name="Zhoukou", mention="周口市", country="CN", region="Henan")


def make(tail: str, title: str, text: str, **fields) -> Article:
    return Article.from_dict(
        {"url": f"https://forms.test/{tail}", "title": title, "text": text, **fields}
    )


CORPUS = [
    make(
        "zh-simplified",
        "警方破获拐卖儿童案",
        "山西警方破获一起拐卖儿童案，寻亲家庭团聚。母亲王敏说，孩子被人贩卖。",
        language="zh",
        names=["王敏"],
        places=[SHANXI],
    ),
    make(
        "zh-traditional",
        "廣東破獲拐賣兒童案",
        "廣東警方破獲一起拐賣兒童案件，尋親家長在北京團聚，嬰兒被販賣。",
        language="zh",
        names=["劉思睿"],
        places=[Place(name="Beijing", mention="北京", country="CN", region="Beijing")],
    ),
    make(
        "en-children",
        "Missing children found",
        "Police found the missing children in Zhoukou after a children abduction case.",
        language="en",
        names=["Wang Min"],
        places=[SHANXI_EN, ZHOUKOU],
    ),
    make(
        "en-child",
        "Missing child found",
        "Police found the missing child in Zhoukou after a child abduction case.",
        language="en",
        names=["Liu Sirui"],
        places=[BEIJING_EN],
    ),
    make(
        "en-women",
        "Women rescued from traffickers",
        "Trafficking gang sold women across the border, said Wáng Mǐn.",
        language="en",
        names=["Wáng Mǐn"],
        places=[SHAANXI],
    ),
    make(
        "en-drug",
        "Drug trafficking trial",
        "The trafficking of drugs was the charge; no person was abducted.",
        language="en",
    ),
]


@pytest.fixture
def stored(archive):
    return stored_archive(archive, CORPUS)


def urls(archive, query: str = "", **filters) -> list[str]:
    result = archive.search(build_request(query, limit=100, **filters))
    assert result.total == len(result.hits)
    return [hit.article.url.rsplit("/", 1)[1] for hit in result.hits]


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [("拐卖", "拐賣"), ("寻亲", "尋親"), ("儿童", "兒童"), ("贩卖", "販賣"), ("儿", "兒")],
)
def test_simplified_and_traditional_find_each_other(stored, simplified, traditional):
    both = {"zh-simplified", "zh-traditional"}
    assert set(urls(stored, simplified)) == both
    assert set(urls(stored, traditional)) == both
    assert set(urls(stored, f'"{traditional}"')) == both


def test_the_stored_text_stays_as_published(stored):
    hits = stored.search(build_request("拐卖")).hits
    [hit] = [h for h in hits if h.article.url.endswith("/zh-traditional")]
    assert hit.article.title == "廣東破獲拐賣兒童案"
    assert "<mark>拐賣</mark>" in hit.highlight


@pytest.mark.parametrize(
    ("query", "exact", "other"),
    [
        ("missing child", "en-child", "en-children"),
        ("missing children", "en-children", "en-child"),
        ("child abduction", "en-child", "en-children"),
        ("children abduction", "en-children", "en-child"),
    ],
)
def test_irregular_plurals_match_and_the_exact_form_ranks_first(stored, query, exact, other):
    assert urls(stored, query) == [exact, other]


def test_the_other_form_is_marked_in_the_snippet(stored):
    hits = {h.article.url.rsplit("/", 1)[1]: h for h in stored.search(build_request("child")).hits}
    assert "<mark>children</mark>" in hits["en-children"].highlight
    assert "<mark>child</mark>" in hits["en-child"].highlight


def test_woman_finds_women_and_person_finds_people(stored):
    assert urls(stored, "woman") == ["en-women"]
    assert urls(stored, '"sold woman"') == ["en-women"]


def test_not_and_and_are_operators(stored):
    assert set(urls(stored, "trafficking NOT drug")) == {"en-women"}
    assert set(urls(stored, "trafficking !drug")) == {"en-women"}
    assert set(urls(stored, "trafficking AND drug")) == {"en-drug"}
    assert set(urls(stored, "trafficking && (drug || women)")) == {"en-drug", "en-women"}


@pytest.mark.parametrize("form", ["王敏", '"Wang Min"', "Wangmin", '"Wáng Mǐn"', '"wang min"'])
def test_person_matches_every_form_of_the_name(stored, form):
    assert set(urls(stored, f"person:{form}")) == {"zh-simplified", "en-children", "en-women"}


def test_person_in_traditional_script_and_pinyin(stored):
    assert set(urls(stored, "person:刘思睿")) == {"zh-traditional", "en-child"}
    assert set(urls(stored, 'person:"Liu Sirui"')) == {"zh-traditional", "en-child"}
    assert urls(stored, "person:王明") == []


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (("山西", "山西省", "Shanxi"), {"zh-simplified", "en-children"}),
        (("北京", "北京市", "Beijing"), {"zh-traditional", "en-child"}),
        (("周口", "周口市", "Zhoukou"), {"en-children"}),
        (("陕西", "Shaanxi"), {"en-women"}),
    ],
)
def test_place_matches_every_form(stored, forms, expected):
    for form in forms:
        assert set(urls(stored, f"place:{form}")) == expected, form
        assert set(urls(stored, place=[form])) == expected, form


# --- archives made by the previous version ------------------------------------------------


def write_schema_8(path, articles: list[Article]) -> None:
    """An archive as version 8 wrote it: unfolded text, one key per name."""
    with sqlite3.connect(path) as db:
        for step in sqlite_archive.MIGRATIONS[:8]:
            for statement in sqlite_archive._statements(step):
                db.execute(statement)
        db.execute("PRAGMA user_version = 8")
        for rowid, article in enumerate(articles, start=1):
            db.execute(
                "INSERT INTO articles (rowid, id, url, language, source, source_key, "
                "published_ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    rowid,
                    article.id,
                    article.url,
                    article.language,
                    None,
                    None,
                    published_timestamp(article.published),
                ),
            )
            db.execute(
                "INSERT INTO article_records (rowid, record) VALUES (?, ?)",
                (rowid, article.to_json()),
            )
            db.execute(
                "INSERT INTO articles_fts (rowid, title, text, title_cjk, text_cjk, "
                "title_uni, text_uni) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    rowid,
                    latin_only(article.title),
                    latin_only(article.text),
                    cjk_bigrams(article.title),
                    cjk_bigrams(article.text),
                    cjk_unigrams(article.title),
                    cjk_unigrams(article.text),
                ),
            )
            db.executemany(
                "INSERT INTO article_names (article, name, key) VALUES (?, ?, ?)",
                [(rowid, name, normalise_key(name)) for name in article.names],
            )
            db.executemany(
                "INSERT INTO article_places (article, name) VALUES (?, ?)",
                [(rowid, place.name) for place in article.places],
            )
            db.executemany(
                "INSERT INTO article_place_keys (article, key) VALUES (?, ?)",
                [(rowid, key) for key in article.place_keys()],
            )


def assert_searches_every_form(archive) -> None:
    assert archive.count() == len(CORPUS)
    assert set(urls(archive, "拐卖")) == {"zh-simplified", "zh-traditional"}
    assert urls(archive, "missing child") == ["en-child", "en-children"]
    assert set(urls(archive, "person:王敏")) == {"zh-simplified", "en-children", "en-women"}
    assert set(urls(archive, "place:山西")) == set(urls(archive, "place:Shanxi"))
    assert archive.get(CORPUS[1].id) == CORPUS[1]


def test_sqlite_archive_of_schema_8_is_upgraded_on_opening(tmp_path):
    path = tmp_path / "schema8.sqlite"
    write_schema_8(path, CORPUS)
    with sqlite3.connect(path) as db:  # before: 拐卖 misses 拐賣
        before = db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
            ['{title_cjk text_cjk} : "拐卖"'],
        ).fetchone()[0]
    assert before == 1
    archive = SqliteArchive(path)
    try:
        assert_searches_every_form(archive)
    finally:
        archive.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == sqlite_archive.SCHEMA_VERSION


# What the indexes of earlier versions held, as their releases wrote them: versions 1
# and 2 also analysed every text in a `cjk` sub-field, version 2 added whole folded
# copies of the text; version 3 had a bigram copy of the folded CJK runs, one folded
# with the english analyzer where folding changed them, and plural-folded copies.
COPIES = ("title_folded", "text_folded")
ENGLISH = {"type": "text", "analyzer": "homeward_english"}
BIGRAMS = {"type": "text", "analyzer": "homeward_cjk"}
OLD_TEXT = {**ENGLISH, "fields": {"cjk": BIGRAMS}}
OLD_SETTINGS = {
    **SETTINGS,
    "analysis": {
        "analyzer": {"homeward_english": {"type": "english"}, "homeward_cjk": {"type": "cjk"}}
    },
}


def old_mapping(version: int) -> dict:
    properties = {k: v for k, v in MAPPING["properties"].items() if k not in COPIES}
    if version < 3:
        properties.update(title=OLD_TEXT, text=OLD_TEXT)
    if version == 2:
        properties.update(title_zh=OLD_TEXT, text_zh=OLD_TEXT, title_alt=ENGLISH, text_alt=ENGLISH)
    if version == 3:
        properties.update(title_cjk=BIGRAMS, text_cjk=BIGRAMS, title_zh=ENGLISH, text_zh=ENGLISH)
        properties.update(title_alt=ENGLISH, text_alt=ENGLISH)
    return {**MAPPING, "properties": properties}


def old_document(article: Article, version: int) -> dict:
    document = {k: v for k, v in to_document(article).items() if k not in COPIES}
    document.update(title=article.title, text=article.text)  # never in pieces
    if version == 1:  # unfolded, one key per name and place form
        document["name_keys"] = sorted(article.name_keys())
        document["place_keys"] = sorted(article.place_keys())
        return document
    for name, value in (("title", article.title), ("text", article.text)):
        if version == 2 and CJK_RUN.search(value):
            document[f"{name}_zh"] = fold_script(value)
        if version == 3 and (runs := " ".join(CJK_RUN.findall(value))):
            document[f"{name}_cjk"] = fold_script(runs)
            if fold_script(runs) != runs:
                document[f"{name}_zh"] = fold_script(runs)
        if (folded := fold_plurals(latin_only(value))) != latin_only(value):
            document[f"{name}_alt"] = folded
    return document


def write_old_version(client: Elasticsearch, alias: str, version: int) -> str:
    """An index as an earlier version wrote it, behind the alias."""
    old_index = f"{alias}-v{version}"
    client.indices.create(
        index=old_index,
        settings={**OLD_SETTINGS, "auto_expand_replicas": "false", "number_of_replicas": 0},
        mappings=old_mapping(version),
        aliases={alias: {"is_write_index": True}},
    )
    for article in CORPUS:
        client.index(index=alias, id=article.id, document=old_document(article, version))
    client.indices.refresh(index=alias)
    return old_index


@pytest.mark.parametrize("version", [1, 2, 3])
def test_elasticsearch_index_of_an_earlier_version_is_upgraded_on_opening(es_url, version):
    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    old_index = f"{alias}-v{version}"
    new_index = f"{alias}-v{INDEX_VERSION}"
    archive = None
    client = Elasticsearch(es_url)
    try:
        write_old_version(client, alias, version)
        # An operator's replica (docs/scaling.md): kept by the new index.
        client.indices.put_settings(index=old_index, settings={"number_of_replicas": 1})
        uuid_of_old = client.indices.get_settings(index=old_index, name="index.uuid")
        identity = uuid_of_old[old_index]["settings"]["index"]["uuid"]
        archive = ElasticArchive(es_url, alias=alias)
        # The same archive after the copy: its crawl state stays bound to it (#15).
        assert archive.identity() == identity
        settings = client.indices.get_settings(index=alias, name="index.number_of_replicas")
        assert settings[new_index]["settings"]["index"]["number_of_replicas"] == "1"
        assert list(client.indices.get_alias(name=alias)) == [new_index]
        assert not client.indices.exists(index=old_index)
        # Each text analysed once: no `cjk` sub-field, the copies of this version.
        mapping = client.indices.get_mapping(index=new_index)[new_index]["mappings"]
        assert mapping["properties"]["text"] == MAPPING["properties"]["text"]
        assert not {"title_cjk", "text_cjk", "title_zh", "text_alt"} & set(mapping["properties"])
        # Copied without refreshes, then refreshed as any archive again.
        interval = client.indices.get_settings(index=new_index, name="index.refresh_interval")
        assert interval.get(new_index, {"settings": {}})["settings"] == {}
        assert_searches_every_form(archive)
        # Opening it again does not copy again.
        ElasticArchive(es_url, alias=alias).close()
        assert archive.count() == len(CORPUS)
    finally:
        if archive is not None:
            dispose(archive)
        client.indices.delete(index=old_index, ignore_unavailable=True)
        client.close()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_elasticsearch_read_only_index_of_an_earlier_version_is_still_searched(es_url, version):
    """A blocked index cannot move: it opens and is searched as it is until the block
    is lifted and the archive opened again; version 1, without the folded copies, finds
    a Chinese query in simplified script only and no other form of a plural."""
    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    client = Elasticsearch(es_url)
    old_index = write_old_version(client, alias, version)
    client.indices.put_settings(index=old_index, settings={"index.blocks.read_only": True})
    folded = version >= 2
    try:
        with ElasticArchive(es_url, alias=alias) as archive:
            assert list(client.indices.get_alias(name=alias)) == [old_index]
            assert not client.indices.exists(index=f"{alias}-v{INDEX_VERSION}")
            both = {"zh-simplified", "zh-traditional"}
            assert set(urls(archive, "拐賣")) == (both if folded else {"zh-simplified"})
            assert set(urls(archive, "兒")) == (both if folded else {"zh-simplified"})
            assert set(urls(archive, "missing children")) == {"en-children", "en-child"}
            other = ["en-children"] if folded else []
            assert urls(archive, "missing child") == ["en-child", *other]
            wang_min = {"zh-simplified", "en-children", "en-women"} if folded else {"en-children"}
            assert set(urls(archive, 'person:"Wang Min"')) == wang_min
            assert archive.count() == len(CORPUS)
    finally:
        client.indices.put_settings(index=old_index, settings={"index.blocks.read_only": None})
        client.indices.delete(index=old_index, ignore_unavailable=True)
        client.close()


def test_the_names_facet_has_one_entry_per_person_with_its_forms(stored):
    names = dict(stored.search(build_request("")).facets["names"])
    # 王敏 and both spellings of Wang Min; 劉思睿 (traditional) and Liu Sirui.
    forms = {frozenset(label.split(" · ")): count for label, count in names.items()}
    assert forms == {
        frozenset({"Wang Min", "Wáng Mǐn", "王敏"}): 3,
        frozenset({"Liu Sirui", "劉思睿"}): 2,
    }
    # The entry filters as it reads: every form.
    for label in names:
        assert len(urls(stored, person=[label])) == names[label]


def test_a_pinyin_shared_by_two_names_joins_neither_in_the_facet(archive):
    articles = [
        make("a", "A", "甲", names=["王敏"]),
        make("b", "B", "乙", names=["王民"]),
        make("c", "C", "c", names=["Wang Min"]),
    ]
    assert archive.upsert(articles).failed == []
    archive.refresh()
    names = dict(archive.search(build_request("")).facets["names"])
    assert names == {"王敏": 1, "王民": 1, "Wang Min": 1}
    # A search may still find both: Wang Min is the pinyin of each.
    assert set(urls(archive, 'person:"Wang Min"')) == {"a", "b", "c"}


def test_a_plural_deep_in_a_long_text_is_found_in_its_other_form(archive):
    """Elasticsearch keeps a folded copy of the passage around each plural only: a
    phrase there, far from the start and end of a long text, still matches."""
    filler = "Officers searched the river banks and the villages nearby. " * 60
    long = make(
        "long",
        "Search goes on",
        f"{filler}The missing children were found alive.{filler}The women said thanks.",
        language="en",
    )
    assert archive.upsert([long, CORPUS[3]]).failed == []
    archive.refresh()
    assert urls(archive, '"missing child were found"') == ["long"]
    assert urls(archive, "missing child") == ["en-child", "long"]
    assert urls(archive, '"the woman said"') == ["long"]
    assert urls(archive, '"missing woman"') == []

"""Article sets: one contract, held on SQLite and on Elasticsearch (the `archive` fixture)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from homeward.article import read_jsonl
from search.archive import Archive
from search.sets import (
    NAME_MAX,
    NOTE_MAX,
    ArticleSet,
    SetError,
    SetNotFound,
    appended_note,
    restored_set,
)

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_articles.jsonl"


@pytest.fixture
def loaded(archive: Archive) -> Archive:
    with SAMPLE.open(encoding="utf-8") as lines:
        report = archive.upsert(read_jsonl(lines))
    assert report.failed == []
    archive.refresh()
    return archive


def reopen(archive: Archive) -> Archive:
    """A second, independent handle on the same stored archive: a server restart."""
    if archive.url.startswith("sqlite:"):
        from search.backends.sqlite import SqliteArchive

        return SqliteArchive(archive.path)
    from search.backends.elastic import ElasticArchive

    return ElasticArchive(archive.url, alias=archive.alias)


def sample_ids(archive: Archive, count: int) -> list[str]:
    return [article.id for article in archive.iter_articles()][:count]


def test_create_get_and_list_by_name(archive):
    second = archive.create_set(ArticleSet.new("zhang family", note="for the court"))
    first = archive.create_set(ArticleSet.new("  Baby   factory\tLagos "))
    assert first.name == "Baby factory Lagos"
    assert [s.name for s in archive.list_sets()] == ["Baby factory Lagos", "zhang family"]
    stored = archive.get_set(second.id)
    assert stored == second and stored.note == "for the court" and stored.items == []
    assert archive.get_set("0" * 16) is None
    assert archive.get_set("not an id; DROP TABLE") is None


def test_names_are_unique_ignoring_case_and_spacing(archive):
    archive.create_set(ArticleSet.new("Shanxi 1997"))
    with pytest.raises(SetError, match="already exists"):
        archive.create_set(ArticleSet.new("shanxi   1997"))
    other = archive.create_set(ArticleSet.new("Lagos"))
    with pytest.raises(SetError, match="already exists"):
        archive.update_set(other.id, lambda s: s.rename("SHANXI 1997"))
    assert archive.get_set(other.id).name == "Lagos"
    # a set may change the case of its own name
    assert archive.update_set(other.id, lambda s: s.rename("LAGOS")).name == "LAGOS"


def test_add_note_remove_articles(loaded):
    first, second, third = sample_ids(loaded, 3)
    kept = loaded.create_set(ArticleSet.new("case"))
    loaded.update_set(kept.id, lambda s: s.add(first, "mother quoted"))
    loaded.update_set(kept.id, lambda s: s.add(second))
    loaded.update_set(kept.id, lambda s: s.add(third, "police statement"))
    # adding again keeps one item and puts the new note below the old one (never lost)
    loaded.update_set(kept.id, lambda s: s.add(first, "mother quoted, para 3"))
    loaded.update_set(kept.id, lambda s: s.add(first, "mother quoted"))  # already there
    loaded.update_set(kept.id, lambda s: s.add(first))  # no note: the note stays
    loaded.update_set(kept.id, lambda s: s.add(second, "  "))
    loaded.update_set(kept.id, lambda s: s.annotate(second, "DNA match"))  # edit: replaces
    stored = loaded.get_set(kept.id)
    assert stored.article_ids() == [first, second, third]
    assert [item.note for item in stored.items] == [
        "mother quoted\n\nmother quoted, para 3",
        "DNA match",
        "police statement",
    ]
    loaded.update_set(kept.id, lambda s: s.remove(second))
    assert loaded.get_set(kept.id).article_ids() == [first, third]
    with pytest.raises(SetError, match="not in the set"):
        loaded.update_set(kept.id, lambda s: s.annotate(second, "gone"))
    assert [a.id for a in loaded.iter_set_articles(loaded.get_set(kept.id))] == [first, third]


def test_rename_describe_delete(archive):
    kept = archive.create_set(ArticleSet.new("draft"))
    archive.update_set(kept.id, lambda s: s.rename("Yuncheng market, 1997"))
    archive.update_set(kept.id, lambda s: s.describe("Articles for the NGO report.\nDraft 2."))
    stored = archive.get_set(kept.id)
    assert stored.name == "Yuncheng market, 1997"
    assert stored.note == "Articles for the NGO report.\nDraft 2."
    assert stored.updated_at >= stored.created_at
    assert archive.delete_set(kept.id) is True
    assert archive.get_set(kept.id) is None
    assert archive.delete_set(kept.id) is False
    assert archive.list_sets() == []
    with pytest.raises(SetNotFound):
        archive.update_set(kept.id, lambda s: s.rename("again"))


def test_sets_survive_a_restart(loaded):
    first = sample_ids(loaded, 1)[0]
    kept = loaded.create_set(ArticleSet.new("kept", note="set note"))
    loaded.update_set(kept.id, lambda s: s.add(first, "item note"))
    again = reopen(loaded)
    try:
        stored = again.get_set(kept.id)
        assert stored.name == "kept" and stored.note == "set note"
        assert [(i.article_id, i.note) for i in stored.items] == [(first, "item note")]
        assert again.find_set("KEPT").id == kept.id
        assert again.find_set(kept.id).id == kept.id
        assert again.find_set("missing") is None
    finally:
        again.close()


def test_deleted_articles_are_skipped_when_reading_a_set(loaded):
    first, second = sample_ids(loaded, 2)
    kept = loaded.create_set(ArticleSet.new("case"))
    loaded.update_set(kept.id, lambda s: [s.add(first), s.add(second)])
    loaded.delete(first)
    loaded.refresh()
    assert [a.id for a in loaded.iter_set_articles(loaded.get_set(kept.id))] == [second]


def test_concurrent_changes_are_not_lost(loaded):
    ids = sample_ids(loaded, 12)
    kept = loaded.create_set(ArticleSet.new("busy"))
    errors: list[BaseException] = []

    def add(article_id: str) -> None:
        try:
            loaded.update_set(kept.id, lambda s: s.add(article_id, f"note {article_id[:4]}"))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(article_id,)) for article_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(loaded.get_set(kept.id).article_ids()) == sorted(ids)


@pytest.mark.parametrize(
    "name, message",
    [("", "needs a name"), ("   \t", "needs a name"), ("x" * (NAME_MAX + 1), "at most")],
)
def test_bad_names_are_refused_before_storage(archive, name, message):
    with pytest.raises(SetError, match=message):
        archive.create_set(ArticleSet.new(name))
    assert archive.list_sets() == []


def test_control_characters_are_cleaned():
    article_set = ArticleSet.new("a\x00b\x1bc", note="line\r\nnext\x07")
    assert article_set.name == "a b c"
    assert article_set.note == "line\nnext"


def test_sqlite_archive_of_schema_1_is_migrated(tmp_path):
    from search.backends.sqlite import archive as sqlite_fts

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        for statement in sqlite_fts._statements(sqlite_fts.MIGRATIONS[0]):
            old.execute(statement)
        old.execute("PRAGMA user_version = 1")
    archive = sqlite_fts.SqliteArchive(path)
    try:
        kept = archive.create_set(ArticleSet.new("after upgrade"))
        assert archive.get_set(kept.id).name == "after upgrade"
    finally:
        archive.close()
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == sqlite_fts.SCHEMA_VERSION


def test_elasticsearch_sets_index_is_strict_and_dropped_with_the_archive(es_url):
    import uuid

    from elasticsearch import Elasticsearch

    from search.backends.elastic import ElasticArchive

    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    archive = ElasticArchive(es_url, alias=alias)
    client = Elasticsearch(es_url)
    try:
        archive.create_set(ArticleSet.new("strict"))
        mapping = client.indices.get_mapping(index=f"{alias}-sets")
        assert list(mapping) == [f"{alias}-sets-v1"]
        assert mapping[f"{alias}-sets-v1"]["mappings"]["dynamic"] == "strict"
        archive.drop()
        assert not client.indices.exists(index=f"{alias}-sets-v1")
        assert not client.indices.exists(index=f"{alias}-v1")
    finally:
        archive.drop()
        archive.close()
        client.close()


def test_an_appended_note_is_never_silently_cut():
    assert appended_note("", "first") == "first"
    assert appended_note("first", "") == "first"
    assert appended_note("first\n\nsecond", "second") == "first\n\nsecond"
    assert appended_note("first", "second") == "first\n\nsecond"
    with pytest.raises(SetError, match="at most"):
        appended_note("a" * (NOTE_MAX - 2), "more")


def test_a_deleted_set_restored_from_its_record_is_the_same_set(archive):
    kept = archive.create_set(ArticleSet.new("Case 拐卖", note="for court"))
    archive.update_set(kept.id, lambda s: s.add("a1", "note one"))
    before = archive.get_set(kept.id)
    assert archive.delete_set(kept.id)
    archive.create_set(restored_set(before.to_dict()))
    assert archive.get_set(kept.id) == before
    for bad in (
        [],
        {"id": "x"},
        {**before.to_dict(), "id": "../x"},
        {**before.to_dict(), "name": " "},
    ):
        with pytest.raises(SetError):
            restored_set(bad)

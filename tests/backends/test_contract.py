"""The archive contract: every behaviour here must hold on SQLite and on Elasticsearch."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from conftest import dispose, make_archive

from homeward.article import Article, Evidence, Place, parse_published, published_timestamp
from homeward.forms import group_names
from search.backends.elastic import ElasticArchive
from search.backends.elastic import archive as elastic_archive
from search.backends.sqlite import SqliteArchive
from search.facets import tie_key
from search.query import QuerySyntaxError, SearchRequest, build_request


def make(url_tail: str, title: str, text: str, **fields) -> Article:
    return Article.from_dict(
        {"url": f"https://news.test/{url_tail}", "title": title, "text": text, **fields}
    )


def store(archive, articles) -> None:
    report = archive.upsert(articles)
    assert report.failed == []
    archive.refresh()


def ids(result) -> set[str]:
    return {hit.article.id for hit in result.hits}


def urls(archive, query: str = "", **filters) -> set[str]:
    result = archive.search(build_request(query, limit=100, **filters))
    assert result.total == len(result.hits)
    return {hit.article.url.rsplit("/", 1)[1] for hit in result.hits}


SHANXI = Place(name="Shanxi", mention="山西", country="CN", region="Shanxi", lat=37.8, lon=112.5)
SHAANXI = Place(name="Shaanxi", mention="陕西", country="CN", region="Shaanxi")
BEIJING = Place(name="Beijing", mention="北京", country="CN", region="Beijing")


@pytest.fixture
def corpus() -> list[Article]:
    return [
        make(
            "en-shanxi",
            "Boy trafficked from Shanxi found after 27 years",
            "Liu Sirui was abducted in 1997. Police said trafficking gangs sold him.",
            language="en",
            published="2024-05-14",
            source="Harbour Herald",
            names=["Liu Sirui", "Zhang Hua"],
            places=[SHANXI],
            years=[1997, 2024],
        ),
        make(
            "en-children",
            "Children of the border",
            "A report on the children of migrant workers in Beijing who go missing.",
            language="en",
            published="2024-06-01T10:00:00+08:00",
            source="Daily Syndicate",
            names=["Wang Min"],
            places=[BEIJING],
            years=[2010],
        ),
        make(
            "en-drugs",
            "Drug trafficking trial opens",
            "The trial of a drug trafficking gang opened; no children were involved.",
            language="en",
            published="2023-01-02",
            source="Daily Syndicate",
            years=[2022],
        ),
        make(
            "zh-guaimai",
            "山西警方破获拐卖儿童案",
            "记者获悉，山西警方破获一起拐卖儿童案，人贩子已落网。2009年被拐的孩子回家。",
            language="zh",
            published="2025-02-01",
            source="海港日报",
            names=["刘思睿"],
            places=[SHANXI],
            years=[2009],
        ),
        make(
            "zh-shaanxi",
            "陕西寻亲家庭团聚",
            "陕西一家人寻亲二十年，终于在北京找到孩子。",
            language="zh",
            published="2025-03-01",
            source="海港日报",
            names=["王敏"],
            places=[SHAANXI, BEIJING],
            years=[2005],
        ),
        make(
            "zh-traditional",
            "廣東破獲販賣嬰兒案",
            "廣東警方破獲一起拐賣嬰兒案件。",
            language="zh",
            published="2023-12-05",
            source="海港日报",
            years=[2018],
        ),
        make(
            "mixed",
            "DNA match 寻亲 success",
            "Volunteers of Baby Come Home (宝贝回家) matched DNA for a family in Shanxi. 拐卖",
            language="en",
            source="Harbour Herald",
            names=["Liu Sirui"],
            places=[SHANXI],
            years=[1997],
        ),
    ]


# --- storing ---------------------------------------------------------------------------


def test_empty_archive(archive):
    result = archive.search(build_request(""))
    assert (archive.count(), result.total, result.hits) == (0, 0, [])
    assert all(buckets == [] for buckets in result.facets.values())
    assert list(archive.iter_articles()) == []
    assert archive.get("nothing") is None


def test_upsert_is_idempotent(archive, corpus):
    store(archive, corpus)
    store(archive, corpus)
    assert archive.count() == len(corpus)
    assert archive.search(build_request("Shanxi")).total == 2


def test_upsert_replaces_the_record(archive, corpus):
    store(archive, corpus)
    changed = Article.from_dict({**corpus[0].to_dict(), "title": "Updated headline about kites"})
    store(archive, [changed])
    assert archive.count() == len(corpus)
    assert archive.get(changed.id).title == "Updated headline about kites"
    assert urls(archive, "kites") == {"en-shanxi"}
    assert urls(archive, "found") == set()


def test_get_round_trips_every_field(archive):
    article = make(
        "full",
        "Full record",
        "Text of it.",
        language="en",
        published="2024-01-02T03:04:05+08:00",
        source="S",
        site_name="Site",
        authors=["A. Writer"],
        names=["N"],
        places=[SHANXI],
        years=[2001],
        fetched_at="2024-01-03T00:00:00+00:00",
        duplicates=["https://copy.test/1"],
        relevance=3.5,
        relevance_terms=["trafficking"],
        evidence=Evidence(
            captured_at="2024-01-03T00:00:00+00:00",
            sha256="ab" * 32,
            warc_file="evidence-1.warc.gz",
            warc_offset=1234,
            status=200,
        ),
    )
    store(archive, [article])
    assert archive.get(article.id) == article


def test_delete(archive, corpus):
    store(archive, corpus)
    assert archive.delete(corpus[0].id) is True
    archive.refresh()
    assert archive.get(corpus[0].id) is None
    assert archive.count() == len(corpus) - 1
    assert urls(archive, "abducted") == set()
    assert archive.delete(corpus[0].id) is False


def test_add_duplicate_links_a_copy_once(archive, corpus):
    store(archive, corpus)
    original = corpus[0].id
    assert archive.add_duplicate(original, "https://mirror.test/copy") is True
    assert archive.add_duplicate(original, "https://mirror.test/copy") is True
    assert archive.add_duplicate(original, "https://mirror.test/other") is True
    archive.refresh()
    assert archive.get(original).duplicates == [
        "https://mirror.test/copy",
        "https://mirror.test/other",
    ]
    assert archive.add_duplicate("no-such-id", "https://mirror.test/x") is False
    assert archive.count() == len(corpus)
    hit = archive.search(build_request("abducted")).hits[0]
    assert hit.article.duplicates[0] == "https://mirror.test/copy"


def test_existing_ids_says_what_the_archive_holds(archive, corpus):
    store(archive, corpus)
    asked = [corpus[0].id, "no-such-id", corpus[1].id, corpus[0].id]
    assert archive.existing_ids(asked) == {corpus[0].id, corpus[1].id}
    assert archive.existing_ids([]) == set()
    archive.delete(corpus[0].id)
    assert archive.existing_ids(asked) == {corpus[1].id}


def test_identity_is_stable_and_unique_per_archive(archive, request, tmp_path):
    first = archive.identity()
    assert first and first == archive.identity()
    other = make_archive(request.node.callspec.params["archive"], tmp_path, request)
    try:
        assert other.identity() != first
    finally:
        dispose(other)


def test_sqlite_identity_survives_reopening_and_changes_when_made_again(tmp_path):
    path = tmp_path / "archive.sqlite"
    with SqliteArchive(path) as archive:
        made = archive.identity()
    with SqliteArchive(path) as archive:
        assert archive.identity() == made
    path.unlink()
    with SqliteArchive(path) as archive:
        assert archive.identity() != made


def test_elastic_identity_changes_when_the_index_is_made_again(es_url):
    alias = f"homeward-test-{uuid.uuid4().hex[:12]}"
    archive = ElasticArchive(es_url, alias=alias)
    made = archive.identity()
    assert ElasticArchive(es_url, alias=alias).identity() == made
    dispose(archive)
    again = ElasticArchive(es_url, alias=alias)
    try:
        assert again.identity() != made
    finally:
        dispose(again)


# --- the query language ------------------------------------------------------------------


def test_words_must_all_match(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "children missing") == {"en-children"}


def test_english_stemming_both_ways(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "trafficked") == {"en-shanxi", "en-drugs"}
    assert urls(archive, "trafficking") == {"en-shanxi", "en-drugs"}
    assert urls(archive, "abduct") == {"en-shanxi"}


def test_phrase_keeps_word_order(archive, corpus):
    store(archive, corpus)
    assert urls(archive, '"children of migrant"') == {"en-children"}
    assert urls(archive, '"migrant of children"') == set()
    assert urls(archive, "migrant children") == {"en-children"}


def test_or(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "abducted OR migrant") == {"en-shanxi", "en-children"}
    assert urls(archive, "拐卖 OR 拐賣") == {"zh-guaimai", "zh-traditional", "mixed"}


def test_exclusion(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "trafficking -drug") == {"en-shanxi"}
    assert urls(archive, '-"drug trafficking"') == {a.url.rsplit("/", 1)[1] for a in corpus} - {
        "en-drugs"
    }


def test_parentheses_group(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "(abducted OR migrant) -Beijing") == {"en-shanxi"}
    # 拐卖 finds the traditional 拐賣 too (homeward/forms.py folds scripts).
    assert urls(archive, "-(trafficking OR 拐卖 OR 寻亲)") == {"en-children"}


def test_chinese_two_and_three_character_words(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "拐卖") == {"zh-guaimai", "mixed", "zh-traditional"}  # and 拐賣
    assert urls(archive, "北京") == {"zh-shaanxi"}
    assert urls(archive, "人贩子") == {"zh-guaimai"}
    assert urls(archive, "寻亲") == {"zh-shaanxi", "mixed"}


def test_chinese_single_character(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "陕") == {"zh-shaanxi"}


def test_chinese_word_needs_adjacent_characters(archive, corpus):
    store(archive, corpus)
    # 儿 and 童 both occur in 拐卖儿童, but 童儿 never does.
    assert urls(archive, "童儿") == set()
    assert urls(archive, "警方") == {"zh-guaimai", "zh-traditional"}


def test_traditional_characters_match_traditional_text(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "販賣") == {"zh-traditional"}
    assert urls(archive, "廣東") == {"zh-traditional"}


def test_mixed_language_record(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "volunteers 宝贝回家") == {"mixed"}
    assert urls(archive, '"baby come home"') == {"mixed"}


def test_digits_next_to_chinese_are_words(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "2009") == {"zh-guaimai"}


# --- filters -----------------------------------------------------------------------------


def test_person_filter_ignores_case(archive, corpus):
    store(archive, corpus)
    # 刘思睿 is Liu Sirui in pinyin: every form finds all three.
    assert urls(archive, 'person:"liu sirui"') == {"en-shanxi", "mixed", "zh-guaimai"}
    assert urls(archive, person=["LIU SIRUI"]) == {"en-shanxi", "mixed", "zh-guaimai"}
    assert urls(archive, "person:刘思睿") == {"zh-guaimai", "en-shanxi", "mixed"}


def test_place_filter_matches_name_mention_and_region(archive, corpus):
    store(archive, corpus)
    shanxi = {"en-shanxi", "zh-guaimai", "mixed"}
    assert urls(archive, "place:Shanxi") == shanxi
    assert urls(archive, "place:山西") == shanxi
    assert urls(archive, place=["shaanxi"]) == {"zh-shaanxi"}
    assert urls(archive, place=["cn"]) == shanxi | {"en-children", "zh-shaanxi"}


def test_year_filter(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "year:1997") == {"en-shanxi", "mixed"}
    assert urls(archive, year=[2009, 2005]) == {"zh-guaimai", "zh-shaanxi"}


def test_language_and_source_filters(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "language:zh") == {"zh-guaimai", "zh-shaanxi", "zh-traditional"}
    assert urls(archive, language=["zh-CN"]) == {"zh-guaimai", "zh-shaanxi", "zh-traditional"}
    assert urls(archive, 'source:"daily syndicate"') == {"en-children", "en-drugs"}


def test_date_range(archive, corpus):
    store(archive, corpus)
    assert urls(archive, since="2024-05-14", until="2024-06-01") == {"en-shanxi", "en-children"}
    assert urls(archive, since="2025-01-01") == {"zh-guaimai", "zh-shaanxi"}
    # 10:00 in Beijing on 1 June is 02:00 UTC: inside the day, not the next.
    assert urls(archive, until="2024-05-31") == {"en-shanxi", "en-drugs", "zh-traditional"}


def test_filters_and_query_combine(archive, corpus):
    store(archive, corpus)
    assert urls(archive, "trafficking", place=["Shanxi"]) == {"en-shanxi"}
    assert urls(archive, "language:en place:Shanxi -DNA") == {"en-shanxi"}


# --- facets, ranking, paging --------------------------------------------------------------


def expected_facets(articles: list[Article], size: int = 20) -> dict[str, list[tuple[object, int]]]:
    counters = {
        "language": Counter(a.language for a in articles if a.language),
        "source": Counter(a.source for a in articles if a.source),
        "years": Counter(y for a in articles for y in set(a.years)),
        # One entry per person, with its forms (Liu Sirui · 刘思睿): homeward/forms.py
        "names": Counter(
            dict(group_names(Counter(n for a in articles for n in set(a.names)).items()))
        ),
        "places": Counter(p for a in articles for p in {pl.name for pl in a.places}),
    }
    expected = {
        # Count first; equal counts by a hash of the value, so no script always leads.
        # (every year: the years chart draws them on a true axis)
        name: sorted(counter.items(), key=lambda item: (-item[1], tie_key(item[0])))[:cut]
        for name, counter in counters.items()
        for cut in [None if name == "years" else size]
    }
    # and every day of publication (UTC) in date order, for the chart of coverage
    days = Counter(parse_published(a.published).date().isoformat() for a in articles if a.published)
    expected["published"] = sorted(days.items())
    return expected


def test_facet_counts(archive, corpus):
    store(archive, corpus)
    assert archive.search(build_request("")).facets == expected_facets(corpus)
    chinese = [a for a in corpus if a.language == "zh"]
    assert archive.search(build_request("language:zh")).facets == expected_facets(chinese)


def test_facet_size_cuts_tied_values_in_the_same_order_on_both_backends(archive):
    """30 names of one count each, half Chinese: a facet cut at 5 (ties crossing the cut,
    which Elasticsearch can only break by key) holds the same 5 on both backends, in
    the hash order, and not only the English ones."""
    english = [f"Person {chr(65 + i)}" for i in range(15)]
    chinese = [f"张{chr(0x4E00 + i)}" for i in range(15)]
    articles = [
        make(f"n{i}", "Missing child", "Child missing.", names=[name])
        for i, name in enumerate(english + chinese)
    ]
    store(archive, articles)
    request = build_request("child")
    request.facet_size = 5
    facets = archive.search(request).facets
    names = facets["names"]
    assert names == expected_facets(articles, 5)["names"]
    assert facets["published"] == []  # undated: no day to count
    assert {value for value, _ in names} - set(english), names
    request.facet_size = 100
    assert archive.search(request).facets["names"] == expected_facets(articles, 100)["names"]


def test_relevance_ranks_title_matches_first(archive):
    store(
        archive,
        [
            make("weak", "Weather report", "Rain today. One line mentions abduction in passing."),
            make("strong", "Abduction case reopened", "The abduction case of 1997 was reopened."),
        ],
    )
    result = archive.search(build_request("abduction"))
    assert [h.article.url.rsplit("/", 1)[1] for h in result.hits] == ["strong", "weak"]
    assert result.hits[0].score > result.hits[1].score


def test_sort_by_date_newest_first_undated_last(archive, corpus):
    store(archive, corpus)
    result = archive.search(build_request("", sort="date", limit=100))
    order = [hit.article.url.rsplit("/", 1)[1] for hit in result.hits]
    assert order == [
        "zh-shaanxi",
        "zh-guaimai",
        "en-children",
        "en-shanxi",
        "zh-traditional",
        "en-drugs",
        "mixed",
    ]


def test_newest_first_pages_break_ties_by_id_across_page_edges(archive, monkeypatch):
    """Every page of a newest-first search is its slice of one order: date, then id,
    undated last. Articles share dates on both sides of page edges, and pages end
    among dated ties, among undated articles and past the last match, which
    Elasticsearch answers in different ways (`_newest_first`)."""
    days = ["2024-03-01T08:00:00Z"] * 4 + ["2024-02-15"] + ["2024-02-01T00:00:00Z"] * 3
    days += ["2024-01-10", "2023-12-24", "2023-12-24"]
    articles = [
        make(f"tie-{n}", f"Missing child report {n}", "A child was reported missing.", **dated)
        for n, dated in enumerate([{"published": day} for day in days] + [{}] * 3)
    ]
    store(archive, articles)
    stamps = {a.id: published_timestamp(a.published) for a in articles}
    expected = sorted(stamps, key=lambda i: (stamps[i] is None, -(stamps[i] or 0), i))
    for query in ("", "child"):
        whole = archive.search(build_request(query, sort="date", limit=100))
        assert [hit.article.id for hit in whole.hits] == expected
        for offset in range(len(articles) + 1):
            for limit in (1, 2, 3, 5):
                page = archive.search(build_request(query, sort="date", offset=offset, limit=limit))
                assert page.total == len(articles)
                assert [hit.article.id for hit in page.hits] == expected[offset : offset + limit]
                assert page.facets == whole.facets
    # An export reads the same order in pages; pages of 2 end inside every run of ties.
    for chunk in (2, 3, 100):
        monkeypatch.setattr(elastic_archive, "BULK_CHUNK", chunk)
        assert [a.id for a in archive.iter_articles()] == expected


def test_filter_only_query_sorts_by_date(archive, corpus):
    store(archive, corpus)
    result = archive.search(build_request("place:Shanxi", sort="relevance"))
    assert [h.article.url.rsplit("/", 1)[1] for h in result.hits] == [
        "zh-guaimai",
        "en-shanxi",
        "mixed",
    ]


def test_pagination_covers_every_hit_once(archive, corpus):
    store(archive, corpus)
    seen = []
    for offset in range(0, 8, 3):
        page = archive.search(build_request("", sort="date", limit=3, offset=offset))
        assert page.total == len(corpus)
        seen.extend(hit.article.id for hit in page.hits)
    assert sorted(seen) == sorted(a.id for a in corpus)


def test_highlights_escape_scraped_markup(archive):
    hostile = make(
        "xss",
        "<script>alert(1)</script> trafficking",
        'Victims of trafficking <img src=x onerror=alert(1)> & "quotes" remain missing.',
    )
    store(archive, [hostile])
    hit = archive.search(build_request("trafficking")).hits[0]
    assert hit.article.title.startswith("<script>")  # the record itself is data, unchanged
    assert "<mark>" in hit.highlight
    assert "<img" not in hit.highlight and "&lt;img" in hit.highlight
    stripped = hit.highlight.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_highlight_marks_chinese_words(archive, corpus):
    store(archive, corpus)
    hit = archive.search(build_request("人贩子")).hits[0]
    assert "贩" in hit.highlight and "<mark>" in hit.highlight


def test_unicode_emoji_and_big5_only_characters(archive):
    article = make("unicode", "尋人啟事 🙏 找回兒子", "香港𡃁仔失蹤，家人焦急 😢 尋找中。")
    store(archive, [article])
    assert archive.get(article.id) == article
    assert urls(archive, "尋人") == {"unicode"}
    assert urls(archive, "𡃁仔") == {"unicode"}


# --- hostile and bad queries ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(a b)",
        "trafficking*",
        "a AND b",
        "title:x",
        "^start",
        "{title}: x",
        "'; DROP TABLE",
        "children) OR (1=1",
        '"unclosed',
        "-",
        "*",
        "NOT",
        "a - b",
        "()",
        "AND OR",
    ],
)
def test_hostile_queries_give_results_or_a_clear_error(archive, corpus, query):
    store(archive, corpus)
    try:
        request = build_request(query)
    except QuerySyntaxError as error:
        assert error.token and error.position >= 0
        return
    result = archive.search(request)
    assert result.total >= 0
    assert archive.count() == len(corpus)


# --- export ----------------------------------------------------------------------------------


def test_export_streams_every_match_in_date_order(archive):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    articles = [
        make(
            f"bulk-{n}",
            f"Article {n}",
            f"Body {n} about {'trafficking' if n % 3 else 'rain'}",
            published=(start + timedelta(hours=n)).isoformat(),
            language="en",
        )
        for n in range(10_000)
    ]
    store(archive, articles)
    assert archive.count() == 10_000
    exported = list(archive.iter_articles())
    assert [a.id for a in exported] == [a.id for a in reversed(articles)]
    matching = list(archive.iter_articles(build_request("trafficking")))
    assert len(matching) == sum(1 for n in range(10_000) if n % 3)
    assert {a.id for a in matching} == {a.id for i, a in enumerate(articles) if i % 3}


def test_request_defaults_match_everything(archive, corpus):
    store(archive, corpus)
    assert archive.search(SearchRequest(limit=0)).total == len(corpus)


def test_off_topic_pages_are_kept_apart_and_read_back_whole(archive):
    """Kept for `homeward rescore`: never searched or counted as articles, read back with
    every field, replaced by id, forgotten on request."""
    pages = [
        make(
            f"off-{n}",
            f"Council budget vote {n}",
            "The council voted on the budget. " * 40 + "县政府预算。",
            relevance=0.5,
            relevance_terms=["missing"],
            published="2026-05-14",
        )
        for n in range(3)
    ]
    assert archive.keep_off_topic(pages) == 3
    assert archive.keep_off_topic(pages[:1]) == 1  # again: replaced, not doubled
    archive.refresh()
    assert archive.count_off_topic() == 3
    assert archive.count() == 0 and archive.search(build_request(query="budget")).total == 0
    kept = list(archive.iter_off_topic())
    assert [a.id for a in kept] == sorted(a.id for a in pages)
    assert {a.id: a for a in kept} == {a.id: a for a in pages}
    assert archive.forget_off_topic([pages[0].id, "no-such-id"]) == 1
    assert archive.count_off_topic() == 2


def test_upstream_history_round_trips_and_status_filters(archive):
    """Versions and removal are part of the record; `status:` finds each kind."""
    earlier = {
        "fetched_at": "2026-05-01T08:00:00+00:00",
        "replaced_at": "2026-05-03T08:00:00+00:00",
        "title": "Boy missing after fair",
        "text": "A boy of seven went missing at the fair on Saturday.",
    }
    live = make("live", "Girl found safe", "A missing girl was found safe. " * 5)
    changed = make(
        "changed",
        "Boy found after fair",
        "The boy of seven who went missing at the fair was found on Monday. " * 3,
        versions=[earlier],
        changed_at="2026-05-03T08:00:00+00:00",
    )
    removed = make("removed", "Toddler taken", "A toddler was taken. " * 5, removed_at="2026-06-01")
    store(archive, [live, changed, removed])
    assert archive.get(changed.id) == changed and archive.get(changed.id).versions[0].title
    assert urls(archive, "status:changed") == {"changed"}
    assert urls(archive, "status:removed") == {"removed"}
    assert urls(archive, "status:live") == {"live"}
    assert urls(archive, "-status:live") == {"changed", "removed"}
    assert urls(archive, "found", status=["changed"]) == {"changed"}
    with pytest.raises(QuerySyntaxError, match="status: needs one of live, changed, removed"):
        build_request(query="status:deleted")


def test_watches_round_trip_rename_rules_and_delete(archive):
    from search.watches import Watch, WatchError, WatchNotFound

    watch = Watch.new("Shanxi case", "trafficking", {"place": ["Shanxi"]}, email=["a@b.test"])
    archive.create_watch(watch)
    assert [w.to_dict() for w in archive.list_watches()] == [watch.to_dict()]
    assert archive.find_watch("shanxi  CASE").id == watch.id
    assert archive.find_watch(watch.id).name == "Shanxi case"
    with pytest.raises(WatchError):
        archive.create_watch(Watch.new("Shanxi Case"))
    changed = archive.update_watch(watch.id, lambda w: w.record_matches(["x", "y"], "2026-01-01"))
    assert changed.reported == ["x", "y"]
    assert archive.get_watch(watch.id).matches[0] == {"id": "x", "matched_at": "2026-01-01"}
    with pytest.raises(WatchNotFound):
        archive.update_watch("0" * 16, lambda w: None)
    assert archive.delete_watch(watch.id) is True
    assert archive.delete_watch(watch.id) is False
    assert archive.get_watch(watch.id) is None


def test_a_watch_request_restricted_to_ids(archive, corpus):
    from search.watches import Watch

    store(archive, corpus)
    wanted = [corpus[0].id, corpus[1].id]
    watch = Watch.new("any", "")
    found = {a.id for a in archive.iter_articles(watch.request(ids=wanted))}
    assert found == set(wanted)
    assert list(archive.iter_articles(watch.request(ids=[]))) == []
    words = Watch.new("words", "Shanxi")
    assert {a.id for a in archive.iter_articles(words.request(ids=wanted))} == {corpus[0].id}

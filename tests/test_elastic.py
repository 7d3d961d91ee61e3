"""What only the Elasticsearch archive has: the server version it accepts, and a date
facet longer than one search may answer."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from elasticsearch.serializer import OrjsonSerializer

from homeward.article import Article
from homeward.forms import group_names
from search.backends.elastic import ElasticArchive
from search.backends.elastic import archive as elastic_archive
from search.backends.elastic.archive import DAY_MS, day_windows
from search.backends.elastic.connection import CLIENT_VERSION, SUPPORTED_MAJOR, version_problem
from search.facets import DATE_FACET, arranged, ordered
from search.query import build_request


def test_elasticsearch_of_another_major_version_is_named():
    assert version_problem("http://es:9200", f"{SUPPORTED_MAJOR}.19.21") is None
    problem = version_problem("http://es:9200", "7.17.9")
    assert problem is not None
    assert "7.17.9" in problem and CLIENT_VERSION in problem and "http://es:9200" in problem


def test_day_windows_cut_a_long_span_at_midnights_and_leave_the_ends_open():
    day = DAY_MS
    assert day_windows(None, 10) == [(None, None)]
    assert day_windows((5 * day + 7, 14 * day), 10) == [(None, None)]  # ten days: fits
    assert day_windows((5 * day + 7, 15 * day), 10) == [(None, 15 * day), (15 * day, None)]
    windows = day_windows((-3 * day + 1, 40 * day), 10)
    assert windows == [
        (None, 7 * day),
        (7 * day, 17 * day),
        (17 * day, 27 * day),
        (27 * day, 37 * day),
        (37 * day, None),
    ]


def test_a_date_facet_longer_than_one_search_counts_every_day(es_url, monkeypatch):
    """Elasticsearch refuses more than search.max_buckets buckets (a million articles
    can span more days): the days are then counted a window at a time, and the facet
    is the one a single search gives."""
    start = datetime(2001, 3, 1, 22, tzinfo=UTC)
    articles = [
        Article(
            id=f"{n:032x}",
            url=f"https://example.test/{n}",
            title=f"Missing child {n}",
            text="Police searched the village.",
            published=(start + timedelta(hours=9 * n)).isoformat(),
        )
        for n in range(60)
    ]
    archive = ElasticArchive(es_url, alias=f"homeward-test-{uuid.uuid4().hex[:12]}")
    try:
        archive.upsert(articles)
        archive.refresh()
        request = build_request("police", limit=5)
        whole = archive.search(request).facets[DATE_FACET]
        monkeypatch.setattr(elastic_archive, "DAYS_PER_SEARCH", 4)
        threads: dict[str, set[int]] = {"main": set(), "windows": set()}
        within = archive._search_within

        def recorded(seconds, body):
            if "query" in body:
                windowed_search = set(body.get("aggs", {})) == {DATE_FACET}
                threads["windows" if windowed_search else "main"].add(threading.get_ident())
            return within(seconds, body)

        monkeypatch.setattr(archive, "_search_within", recorded)
        windowed = archive.search(request)
    finally:
        archive.drop()
        archive.close()
    days = Counter(
        (start + timedelta(hours=9 * n)).astimezone(UTC).date().isoformat() for n in range(60)
    )
    assert whole == sorted(days.items())
    assert windowed.facets[DATE_FACET] == whole
    assert windowed.total == 60 and len(windowed.hits) == 5
    # The windows are counted beside the main search, in a thread of their own.
    assert threads["main"] == {threading.get_ident()}
    assert len(threads["windows"]) == 1 and threads["windows"] != threads["main"]


def test_facet_ties_within_the_headroom_need_no_second_search(es_url, monkeypatch):
    """30 names of one count each, cut at 5: the first answer holds every tied value
    (TIE_HEADROOM), so the facet is ordered without running the query again; with a
    smaller headroom the ties go on past the answer and a second search fetches them.
    Both give the order of search/facets.py."""
    names = [f"Person {chr(65 + i)}" for i in range(15)] + [
        f"张{chr(0x4E00 + i)}" for i in range(15)
    ]
    articles = [
        Article(
            id=f"{n:032x}",
            url=f"https://example.test/{n}",
            title="Missing child",
            text="Child missing.",
            names=[name],
        )
        for n, name in enumerate(names)
    ]
    expected = arranged("names", group_names(ordered([(name, 1) for name in names], 5)), 5)
    archive = ElasticArchive(es_url, alias=f"homeward-test-{uuid.uuid4().hex[:12]}")
    searches: list[dict] = []
    within = archive._search_within
    monkeypatch.setattr(
        archive,
        "_search_within",
        # the searches of the query (not the one reading the span of dates)
        lambda seconds, body: ("query" in body and searches.append(body)) or within(seconds, body),
    )
    try:
        archive.upsert(articles)
        archive.refresh()
        request = build_request("child")
        request.facet_size = 5
        first = archive.search(request).facets["names"]
        one_search = len(searches)
        monkeypatch.setattr(elastic_archive, "TIE_HEADROOM", 8)
        searches.clear()
        second = archive.search(request).facets["names"]
    finally:
        archive.drop()
        archive.close()
    assert first == second == expected
    assert one_search == 1
    assert len(searches) == 2 and searches[1]["aggs"]["names"]["terms"]["min_doc_count"] == 1


def test_the_client_reads_and_writes_json_with_orjson(es_url):
    """Bulk bodies and answers go through orjson (connection.py); what it writes, the
    archive reads back as it was: every script, typographic quotes, a line separator
    that `json` would escape, a date with its offset, numbers."""
    archive = ElasticArchive(es_url, alias=f"homeward-test-{uuid.uuid4().hex[:12]}")
    article = Article(
        id=f"{7:032x}",
        url="https://example.test/orjson",
        title="王敏 “found” \u2028 after 20 years — 拐賣案",
        text="Wang Min, 王敏, was found.\u2028 Ein Kind wurde gefunden. 子供が見つかった。",
        published="2024-03-01T08:00:00+08:00",
        years=[1997, 2017],
    )
    try:
        serializer = archive.client.transport.serializers.get_serializer("application/json")
        assert isinstance(serializer, OrjsonSerializer)
        assert archive.upsert([article]).failed == []
        archive.refresh()
        stored = archive.get(article.id)
        found = archive.search(build_request("王敏")).hits
    finally:
        archive.drop()
        archive.close()
    assert stored is not None
    assert (stored.title, stored.text, stored.years) == (article.title, article.text, [1997, 2017])
    assert stored.published == article.published
    assert [hit.article.id for hit in found] == [article.id]

"""Issue #13 point 4, "same case, other articles": on both backends, a planted case told
in four articles (two English on two sites, two Chinese on a third, 2019 and 2023)
finds its other three articles first, among the sample archive and distractors that
share only common places or years; each suggestion says why; and the pages and API
serve it, with the one-click add to a set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from homeward.article import Article, article_id, read_jsonl
from pipelines.entities import tag_many
from search.archive import Archive
from search.open import open_archive
from search.same_case import same_case, same_case_for_set
from search.sets import ArticleSet
from web import create_app
from web.security import CSRF_COOKIE

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_articles.jsonl"
BASE = "http://127.0.0.1"

# The planted case: one invented child, four reports, three sites, two languages.
PLANTED = [
    {
        "url": "http://a.homeward.test/news/2019/03/zhoukou-girl-missing",
        "title": "Police in Zhoukou search for missing five-year-old girl",
        "text": (
            "Police in Zhoukou, in central China's Henan province, are searching for "
            "Wang Xiaoyu (王晓雨), a five-year-old girl who disappeared from a crowded "
            "market on the morning of 3 March 2019.\n"
            "Her mother said she let go of the girl's hand for less than a minute. "
            "Officers fear she was abducted and sold, and have asked traders at the "
            "market for camera footage."
        ),
        "language": "en",
        "published": "2019-03-05T08:00:00+00:00",
        "source": "Harbour Herald",
    },
    {
        "url": "http://b.homeward.test/stories/four-years-searching-for-wang-xiaoyu",
        "title": "Four years on, a Henan family still hands out leaflets",
        "text": (
            "Every Saturday since 2019 the parents of Wang Xiaoyu (王晓雨) have stood at "
            "the gate of the market in Zhoukou where their daughter vanished.\n"
            "In 2023 they gave a DNA sample to the police, hoping that the girl, who "
            "would now be nine, is found by a trafficking investigation."
        ),
        "language": "en",
        "published": "2023-06-01T10:00:00+00:00",
        "source": "River Times",
    },
    {
        "url": "http://c.homeward.test/zh/2019-03/06/wangxiaoyu.html",
        "title": "河南周口5岁女童王晓雨在集市走失",
        "text": (
            "2019年3月3日上午，河南省周口市一名5岁女童王晓雨在集市上走失。"
            "警方怀疑女童被拐卖，正在调取集市周边的监控录像。\n"
            "王晓雨的母亲说，她只松开女儿的手不到一分钟。"
        ),
        "language": "zh",
        "published": "2019-03-06T02:00:00+00:00",
        "source": "寻亲日报",
    },
    {
        "url": "http://c.homeward.test/zh/2023-06/02/xunzhao-wangxiaoyu.html",
        "title": "寻找王晓雨：周口父母四年未放弃",
        "text": (
            "2019年在周口市集市走失的女童王晓雨至今下落不明。"
            "2023年，她的父母在公安机关采集了DNA血样，希望打拐行动能帮他们找到女儿。"
        ),
        "language": "zh",
        "published": "2023-06-02T03:00:00+00:00",
        "source": "寻亲日报",
    },
]
# Distractors: other cases sharing the planted one's common place (Henan), its years,
# even its prefecture, but not its child.
DISTRACTORS = [
    {
        "url": "http://a.homeward.test/news/2019/08/henan-boy-found",
        "title": "Henan boy abducted in 2019 is found",
        "text": (
            "A boy abducted in Henan province in 2019 has been found in Guangdong, "
            "police said in 2023. Chen Hao was three when he was taken from Zhengzhou."
        ),
        "language": "en",
        "published": "2023-02-01T00:00:00+00:00",
        "source": "Harbour Herald",
    },
    {
        "url": "http://c.homeward.test/zh/2015-05/01/zhoukou-other.html",
        "title": "周口男童李明被拐案告破",
        "text": "2015年，河南省周口市男童李明被拐卖，警方在山东找到了他。",
        "language": "zh",
        "published": "2016-01-10T00:00:00+00:00",
        "source": "寻亲日报",
    },
    {
        "url": "http://b.homeward.test/stories/2023-trafficking-ring",
        "title": "Trafficking ring that sold children in 2019 goes on trial",
        "text": (
            "Eleven people accused of selling children in 2019 went on trial in 2023 in "
            "Yunnan. Prosecutors said the ring moved babies from Vietnam."
        ),
        "language": "en",
        "published": "2023-09-01T00:00:00+00:00",
        "source": "River Times",
    },
]


def tagged(records: list[dict]) -> list[Article]:
    """Records run through the real entity stage, as the crawler stores them."""
    entities = tag_many([(r["text"], r["language"]) for r in records])
    return [
        Article.from_dict(
            {**r, "names": e.names, "places": e.places, "years": e.years, "relevance": 3.0}
        )
        for r, e in zip(records, entities, strict=True)
    ]


@pytest.fixture(scope="module")
def planted() -> list[Article]:
    return tagged(PLANTED)


@pytest.fixture(scope="module")
def distractors() -> list[Article]:
    with SAMPLE.open(encoding="utf-8") as lines:
        sample = list(read_jsonl(lines))
    return sample + tagged(DISTRACTORS)


@pytest.fixture
def loaded(archive: Archive, planted, distractors) -> Archive:
    report = archive.upsert([*planted, *distractors])
    assert report.failed == []
    archive.refresh()
    return archive


def test_the_planted_case_is_tagged_as_the_measurement_needs(planted):
    # What links the scripts: the prefecture (周口市 and Zhoukou are one gazetteer place),
    # the years, and the Chinese name written in the English reports.
    for article in planted:
        assert "Zhoukou" in [p.name for p in article.places], article.title
    assert all("王晓雨" in a.names for a in planted if a.language == "zh")
    assert all("Wang Xiaoyu" in a.names for a in planted if a.language == "en")


def test_the_planted_case_finds_its_other_three_articles_first(loaded, planted, capsys):
    ids = {a.id for a in planted}
    found = 0
    for article in planted:
        suggestions = same_case(loaded, article)
        top = [s.article.id for s in suggestions[:3]]
        found += len(set(top) & (ids - {article.id}))
        assert set(top) == ids - {article.id}, [s.article.title for s in suggestions]
        assert article.id not in [s.article.id for s in suggestions]
    with capsys.disabled():
        backend = "sqlite" if loaded.url.startswith("sqlite:") else "elasticsearch"
        print(f"\nsame case, {backend}: precision@3 = {found / 12:.2f}")
    assert found == 12


def test_why_names_the_shared_names_places_and_years(loaded, planted):
    en_2019, en_2023, zh_2019, _zh_2023 = planted
    by_id = {s.article.id: s for s in same_case(loaded, en_2019)}
    other_en = by_id[en_2023.id]
    assert other_en.shared_names == ["Wang Xiaoyu"]
    assert "Zhoukou" in other_en.shared_places
    assert other_en.shared_years == [2019]
    chinese = by_id[zh_2019.id]
    assert chinese.shared_names == ["王晓雨"]  # tagged there, written here
    assert "Zhoukou" in chinese.shared_places and chinese.shared_years == [2019]
    # Names rank above places above years: the English report that shares the name
    # outranks any suggestion sharing only places and years.
    place_only = [s for s in by_id.values() if not s.shared_names]
    assert all(s.score < other_en.score for s in place_only)
    # A shared year alone is never enough.
    assert all(s.shared_names or s.shared_places for s in by_id.values())


def test_the_article_and_its_merged_copies_are_left_out(loaded, planted):
    first = planted[0]
    copy = Article.from_dict({**planted[1].to_dict(), "id": article_id("http://copy.test/x")})
    copy.url = "http://copy.test/x"
    loaded.upsert([copy])
    loaded.add_duplicate(first.id, copy.url)
    loaded.refresh()
    stored = loaded.get(first.id)
    ids = [s.article.id for s in same_case(loaded, stored)]
    assert first.id not in ids and copy.id not in ids
    assert planted[1].id in ids


def test_a_set_gets_suggestions_for_the_whole_set_without_its_members(loaded, planted):
    case = loaded.create_set(ArticleSet.new("Wang Xiaoyu"))
    loaded.update_set(case.id, lambda s: s.add(planted[0].id))
    loaded.update_set(case.id, lambda s: s.add(planted[2].id))
    suggestions = same_case_for_set(loaded, loaded.get_set(case.id), limit=5)
    ids = [s.article.id for s in suggestions]
    assert planted[0].id not in ids and planted[2].id not in ids
    assert set(ids[:2]) == {planted[1].id, planted[3].id}


def test_an_article_with_nothing_rare_gets_no_suggestion_from_a_year_alone(loaded):
    lonely = Article.from_dict(
        {"url": "http://lonely.test/1", "title": "t", "text": "2019", "years": [2019]}
    )
    assert same_case(loaded, lonely) == []


# --- the web --------------------------------------------------------------------------


@pytest.fixture
def client(archive_url: str, planted, distractors) -> Iterator[TestClient]:
    hostile = Article.from_dict(
        {
            "url": "http://evil.test/x",
            "title": "<script>alert(1)</script> Zhoukou",
            "text": "Zhoukou Wang Xiaoyu",
            "language": "en",
            "source": "<img src=x onerror=alert(2)>",
            "names": ["Wang Xiaoyu"],
            "places": [{"name": "Zhoukou"}],
        }
    )
    with open_archive(archive_url) as archive:
        archive.upsert([*planted, *distractors, hostile])
        archive.refresh()
    with TestClient(create_app(archive_url), base_url=BASE) as test_client:
        yield test_client


both = pytest.mark.parametrize("archive_url", ("sqlite", "elasticsearch"), indirect=True)


@both
def test_api_json_for_an_article_and_a_set(client, planted):
    body = client.get(f"/api/articles/{planted[2].id}/same-case", params={"limit": 3}).json()
    assert set(body) == {"suggestions"} and len(body["suggestions"]) == 3
    first = body["suggestions"][0]
    assert set(first) == {"id", "url", "title", "source", "published", "language", "score", "why"}
    assert set(first["why"]) == {"names", "places", "years"}
    assert {s["id"] for s in body["suggestions"]} == {planted[i].id for i in (0, 1, 3)}
    assert client.get("/api/articles/nope/same-case").status_code == 404
    assert client.get(f"/api/articles/{planted[0].id}/same-case?limit=0").status_code == 400
    made = client.post("/api/sets", json={"name": "case"})
    assert made.status_code == 201, made.text
    set_id = made.json()["id"]
    assert client.put(f"/api/sets/{set_id}/articles/{planted[0].id}").status_code == 200
    body = client.get(f"/api/sets/{set_id}/same-case").json()
    ids = [s["id"] for s in body["suggestions"]]
    assert planted[0].id not in ids and planted[1].id in ids
    assert client.get("/api/sets/0000000000000000/same-case").status_code == 404


@both
def test_page_escapes_titles_and_adds_a_suggestion_in_one_click(client, planted):
    page = client.get(f"/articles/{planted[0].id}")
    assert f'href="/articles/{planted[0].id}/same-case"' in page.text
    client.post("/api/sets", json={"name": "Wang Xiaoyu case"})
    page = client.get(f"/articles/{planted[0].id}/same-case")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert "<img src=x" not in page.text
    assert "王晓雨" in page.text and "Zhoukou" in page.text and "2019" in page.text
    forms = re.findall(r'<form method="post" action="/sets/add".*?</form>', page.text, re.S)
    form = next(f for f in forms if planted[1].id in f)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert fields["csrf"] == client.cookies[CSRF_COOKIE]
    added = client.post("/sets/add", data=fields, follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == f"/articles/{planted[0].id}/same-case"
    kept = client.get("/api/sets").json()
    kept = next(s for s in kept.get("sets", kept) if s["name"] == "Wang Xiaoyu case")
    assert planted[1].id in str(client.get(f"/api/sets/{kept['id']}").json())
    # The set's own page links its suggestions, which leave its members out.
    assert f"/sets/{kept['id']}/same-case" in client.get(f"/sets/{kept['id']}").text
    set_page = client.get(f"/sets/{kept['id']}/same-case")
    assert set_page.status_code == 200
    assert f'name="article_id" value="{planted[1].id}"' not in set_page.text
    assert client.get("/articles/nope/same-case").status_code == 404

"""Person and place pages (issue #12, item 3): every article about one person or place in
every form (Liu Sirui / 刘思睿, Shanxi / 山西), a timeline, who and where comes up with
them, and the links from an article's tags. On both backends, over the sample archive."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from web_fixtures import load_archive

from web.app import create_app

both = pytest.mark.parametrize("archive_url", ("sqlite", "elasticsearch"), indirect=True)
BASE = "http://127.0.0.1"


@pytest.fixture
def client(archive_url, tmp_path):
    load_archive(archive_url, tmp_path / "evidence")
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        yield client


def ids(client, path: str) -> set[str]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return {article["id"] for article in answer.json()["articles"]}


@both
def test_a_person_in_every_form_with_a_timeline_and_the_places_around_them(client):
    english = client.get("/api/people/" + quote("Liu Sirui")).json()
    chinese = client.get("/api/people/" + quote("刘思睿")).json()
    assert english["total"] == chinese["total"] == 2
    assert {a["id"] for a in english["articles"]} == {a["id"] for a in chinese["articles"]}
    assert {a["language"] for a in english["articles"]} == {"en", "zh"}
    assert "刘思睿" in english["forms"] and "Liu Sirui" in chinese["forms"]
    published = [a["published"] for a in english["articles"]]
    assert published == sorted(published, reverse=True)  # newest first
    assert sum(count for _, count in english["timeline"]) == 2
    assert "Shanxi" in {place for place, _ in english["places"]}
    others = {name for name, _ in english["other_people"]}
    assert not {"Liu Sirui", "刘思睿"} & others  # the person is not beside themselves
    page = client.get("/people/" + quote("Liu Sirui"))
    assert page.status_code == 200
    assert "A person named in 2 articles" in page.text and "刘思睿" in page.text
    assert 'id="published-chart"' in page.text  # the timeline
    assert 'href="/places/Shanxi"' in page.text


@both
def test_a_place_in_every_form(client):
    assert ids(client, "/api/places/" + quote("山西")) == ids(client, "/api/places/Shanxi")
    assert ids(client, "/api/places/" + quote("北京")) == ids(client, "/api/places/Beijing")
    shanxi = client.get("/api/places/Shanxi").json()
    assert shanxi["total"] >= 2 and "山西" not in {p for p, _ in shanxi["other_places"]}
    # one entry per person, its forms together
    assert "刘思睿 · Liu Sirui" in {name for name, _ in shanxi["people"]}
    nowhere = client.get("/places/Atlantis")
    assert nowhere.status_code == 200 and "No article names it" in nowhere.text


@both
def test_an_article_links_each_tag_to_its_page(client):
    found = client.get("/api/search", params={"q": '"Shanxi family reunited"'}).json()
    article_id = found["hits"][0]["id"]
    page = client.get(f"/articles/{article_id}").text
    assert 'href="/people/Liu%20Sirui"' in page
    assert 'href="/places/Shanxi"' in page


def test_names_are_escaped_and_bad_pages_refused(archive_url, tmp_path):
    load_archive(archive_url, tmp_path / "evidence")
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        hostile = client.get("/people/" + quote("<img src=x onerror=alert(6)>", safe=""))
        assert hostile.status_code == 200
        assert "<img src=x" not in hostile.text and "&lt;img src=x" in hostile.text
        assert "A person named in 1 article" in hostile.text  # the hostile fixture's tag
        slash = client.get("/people/" + quote("a/b", safe=""))
        assert slash.status_code == 200 and "<h1>a/b</h1>" in slash.text
        assert client.get("/api/people/x", params={"page": 0}).status_code == 400
        quoted = client.get("/people/" + quote('"', safe=""))  # a value, never query syntax
        assert quoted.status_code == 200 and "No article names it" in quoted.text
        zh = client.get("/places/Shanxi", headers={"Accept-Language": "zh-CN"})
        assert "篇文章提到此地" in zh.text

"""The web app through FastAPI's test client: JSON API, pages, security, on both backends."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import fastapi.routing
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator
from web_fixtures import CAPTURED_PAGE, HOSTILE_TITLE, SAMPLE_COUNT, load_archive

from cli.main import main
from homeward.article import Article
from search.open import open_archive
from search.query import QueryTimeout
from web import create_app
from web.security import CSRF_COOKIE, UNSAFE_METHODS

BACKENDS = ("sqlite", "elasticsearch")
both = pytest.mark.parametrize("archive_url", BACKENDS, indirect=True)
BASE = "http://127.0.0.1"
TOKEN = "correct-horse-battery-staple-42"


class Site:
    """A running app over a loaded archive, and the hostile article in it."""

    def __init__(self, client: TestClient, hostile: Article, archive_url: str) -> None:
        self.client = client
        self.hostile = hostile
        self.archive_url = archive_url

    def csrf(self) -> str:
        """Visit a page, as a browser would, to get the CSRF cookie its forms carry."""
        self.client.get("/sets")
        return self.client.cookies[CSRF_COOKIE]

    def sample_id(self, query: str = "Shanxi") -> str:
        return self.client.get("/api/search", params={"q": query}).json()["hits"][0]["id"]


@pytest.fixture
def site(archive_url: str, tmp_path: Path) -> Iterator[Site]:
    hostile = load_archive(archive_url, tmp_path / "evidence")
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        yield Site(client, hostile, archive_url)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]


# --- search --------------------------------------------------------------------------------


@both
def test_api_search_is_the_json_of_the_cli(site):
    query = ["trafficking OR 拐卖", "--place", "Yunnan", "--since", "2024-01-01"]
    cli = CliRunner().invoke(
        main, ["search", *query, "--json", "--limit", "50", "--archive", site.archive_url]
    )
    assert cli.exit_code == 0, cli.output
    response = site.client.get(
        "/api/search",
        params={"q": "trafficking OR 拐卖", "place": "Yunnan", "since": "2024-01-01", "limit": 50},
    )
    assert response.status_code == 200
    assert response.json() == json.loads(cli.output)
    assert response.json()["total"] >= 1


@both
def test_api_filters_are_named_as_the_cli_flags(site):
    def total(**params) -> int:
        response = site.client.get("/api/search", params=params)
        assert response.status_code == 200, response.text
        return response.json()["total"]

    assert total() == SAMPLE_COUNT + 1
    assert total(person="Wang Min", place="Shanxi", year="1991") == 1
    assert total(place="山西") == 3
    assert total(language="zh", since="2025-01-01") == 2
    assert total(language=["zh", "en"]) == SAMPLE_COUNT + 1  # several values: any of them
    assert total(source="海港日报", until="2020-01-01") == 0
    hits = site.client.get("/api/search", params={"sort": "date", "limit": 3}).json()["hits"]
    assert [h["published"] for h in hits] == sorted((h["published"] for h in hits), reverse=True)


@both
def test_api_errors_are_json_with_4xx_never_500(site):
    bad_query = site.client.get("/api/search", params={"q": 'kidnap "unclosed'})
    assert bad_query.status_code == 400
    error = error_of(bad_query)
    assert error["reason"] == "unclosed quote"
    assert error["token"] == '"unclosed' and error["position"] == 7
    for params in (
        {"since": "yesterday"},
        {"year": "97"},
        {"sort": "popular"},
        {"limit": "abc"},
        {"limit": "5000"},
        {"offset": "-1"},
        {"offset": "9990", "limit": "20"},
        {"q": "bogus:field"},
    ):
        response = site.client.get("/api/search", params=params)
        assert response.status_code == 400, (params, response.text)
        assert error_of(response)["message"]
    missing = site.client.get("/api/articles/no-such-id")
    assert missing.status_code == 404 and "no-such-id" in error_of(missing)["message"]
    assert site.client.get("/api/nothing-here").status_code == 404


@both
def test_api_article(site):
    response = site.client.get(f"/api/articles/{site.hostile.id}")
    assert response.status_code == 200
    assert response.json() == site.hostile.to_dict()


# --- sets ----------------------------------------------------------------------------------


@both
def test_api_sets_lifecycle(site):
    client = site.client
    article_id = site.sample_id()
    created = client.post("/api/sets", json={"name": "Yuncheng 1997", "note": "for the NGO"})
    assert created.status_code == 201
    set_id = created.json()["id"]
    duplicate = client.post("/api/sets", json={"name": "yuncheng  1997"})
    assert duplicate.status_code == 409 and "already exists" in error_of(duplicate)["message"]
    assert client.post("/api/sets", json={"name": "  "}).status_code == 400
    assert client.post("/api/sets", json={"note": "no name"}).status_code == 400

    added = client.put(f"/api/sets/{set_id}/articles/{article_id}", json={"note": "mother"})
    assert added.status_code == 200
    assert added.json()["items"][0]["article_id"] == article_id
    client.put(f"/api/sets/{set_id}/articles/{site.hostile.id}")
    renamed = client.patch(f"/api/sets/{set_id}", json={"name": "Liu case", "note": "v2"})
    assert renamed.json()["name"] == "Liu case" and renamed.json()["note"] == "v2"
    stored = client.get(f"/api/sets/{set_id}").json()
    assert [(i["article_id"], i["note"]) for i in stored["items"]] == [
        (article_id, "mother"),
        (site.hostile.id, ""),
    ]
    assert [s["name"] for s in client.get("/api/sets").json()["sets"]] == ["Liu case"]

    assert client.put(f"/api/sets/{set_id}/articles/nope").status_code == 404
    assert client.put(f"/api/sets/{'0' * 16}/articles/{article_id}").status_code == 404
    removed = client.delete(f"/api/sets/{set_id}/articles/{article_id}")
    assert [i["article_id"] for i in removed.json()["items"]] == [site.hostile.id]
    assert client.delete(f"/api/sets/{set_id}/articles/{article_id}").status_code == 404
    assert client.delete(f"/api/sets/{set_id}").status_code == 204
    assert client.get(f"/api/sets/{set_id}").status_code == 404
    assert client.delete(f"/api/sets/{set_id}").status_code == 404


@both
def test_sets_from_the_pages_with_csrf(site):
    client = site.client
    csrf = site.csrf()
    article_id = site.sample_id()
    response = client.post(
        "/sets/add",
        data={
            "csrf": csrf,
            "article_id": article_id,
            "new_set": "From the page",
            "note": "seen on the search page",
            "next": f"/articles/{article_id}",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/articles/{article_id}"
    (kept,) = client.get("/api/sets").json()["sets"]
    assert kept["items"][0]["note"] == "seen on the search page"
    # into the chosen set; a name typed for a new set wins over the chosen one
    form = {"csrf": csrf, "article_id": site.hostile.id, "set_id": kept["id"]}
    client.post("/sets/add", data={**form, "new_set": ""})
    client.post("/sets/add", data={**form, "new_set": "Second case"})
    sets = {s["name"]: s for s in client.get("/api/sets").json()["sets"]}
    assert [i["article_id"] for i in sets["From the page"]["items"]] == [
        article_id,
        site.hostile.id,
    ]
    assert [i["article_id"] for i in sets["Second case"]["items"]] == [site.hostile.id]
    client.delete(f"/api/sets/{sets['Second case']['id']}")
    client.delete(f"/api/sets/{kept['id']}/articles/{site.hostile.id}")
    set_page = client.get(f"/sets/{kept['id']}")
    assert "From the page" in set_page.text and "seen on the search page" in set_page.text

    # without the token, or with another one, nothing changes
    for token in ("", "forged"):
        refused = client.post(f"/sets/{kept['id']}/delete", data={"csrf": token})
        assert refused.status_code == 403
    # an off-site redirect target is ignored
    moved = client.post(
        f"/sets/{kept['id']}/rename",
        data={"csrf": csrf, "name": "Renamed", "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert moved.headers["location"] == f"/sets/{kept['id']}"
    client.post(
        f"/sets/{kept['id']}/items/{article_id}/note", data={"csrf": csrf, "note": "edited"}
    )
    assert client.get(f"/api/sets/{kept['id']}").json()["items"][0]["note"] == "edited"
    client.post(f"/sets/{kept['id']}/items/{article_id}/remove", data={"csrf": csrf})
    assert client.get(f"/api/sets/{kept['id']}").json()["items"] == []
    client.post(f"/sets/{kept['id']}/delete", data={"csrf": csrf})
    assert client.get("/api/sets").json()["sets"] == []


# --- exports -------------------------------------------------------------------------------


@both
def test_export_of_a_search_and_of_a_set(site):
    client = site.client
    response = client.get("/api/export", params={"q": "trafficking", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = client.get("/api/search", params={"q": "trafficking"}).json()["total"]
    assert len(rows) == total
    hostile_row = next(row for row in rows if row["id"] == site.hostile.id)
    assert hostile_row["title"].startswith("'=HYPERLINK(")

    set_id = client.post("/api/sets", json={"name": "Export me"}).json()["id"]
    client.put(f"/api/sets/{set_id}/articles/{site.hostile.id}", json={"note": "=cmd|' /C calc'"})
    by_name = client.get("/api/export", params={"set": "export ME", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(by_name.content.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == [site.hostile.id]
    assert rows[0]["note"] == "'=cmd|' /C calc'"

    lines = client.get("/api/export", params={"set": set_id, "format": "jsonl"}).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [site.hostile.id]

    workbook = client.get("/api/export", params={"q": "trafficking", "format": "xlsx"})
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK(" in sheet


@both
def test_export_errors_are_clean(site):
    client = site.client
    assert client.get("/api/export", params={"format": "docx"}).status_code == 400
    assert (
        client.get("/api/export", params={"format": "report", "report_format": "odt"}).status_code
        == 400
    )
    assert client.get("/api/export", params={"q": "(", "format": "csv"}).status_code == 400
    assert client.get("/api/export", params={"set": "nope", "format": "csv"}).status_code == 404
    set_id = client.post("/api/sets", json={"name": "s"}).json()["id"]
    both_kinds = client.get("/api/export", params={"set": set_id, "q": "x", "format": "csv"})
    assert both_kinds.status_code == 400 and "not both" in error_of(both_kinds)["message"]


def test_report_export_masks_names(site):
    response = site.client.get(
        "/api/export",
        params={"person": "Liu Sirui", "format": "report", "mask_names": "true"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Liu Sirui" not in html and "Zhang Hua" not in html
    assert "L. S." in html and "Z. H." in html
    assert "Names of people are replaced by initials" in html


# --- pages ---------------------------------------------------------------------------------


@both
def test_search_page_keeps_the_search_in_the_url(site):
    page = site.client.get("/search", params={"q": "trafficking", "place": "Yunnan"})
    assert page.status_code == 200
    html = page.text
    assert 'value="trafficking"' in html
    assert 'href="/search?q=trafficking"' in html  # the chip that removes place:Yunnan
    assert "/search?q=trafficking&amp;place=Yunnan&amp;sort=date" in html
    assert "<mark>" in html
    assert "Police break cross-border ring trafficking babies from Vietnam" in html


def test_a_syntax_error_is_shown_next_to_the_box(site):
    page = site.client.get("/search", params={"q": 'boy "unclosed'})
    assert page.status_code == 400
    assert 'id="query-error"' in page.text
    assert "unclosed quote at position 5" in page.text
    assert 'value="boy &#34;unclosed"' in page.text or 'value="boy &quot;unclosed"' in page.text


def test_scraped_text_is_escaped_everywhere(site):
    client = site.client
    set_id = client.post("/api/sets", json={"name": "<script>alert('set')</script>"}).json()["id"]
    client.put(
        f"/api/sets/{set_id}/articles/{site.hostile.id}",
        json={"note": "<img src=x onerror=alert('note')>"},
    )
    pages = [
        client.get("/search", params={"q": "trafficking"}).text,
        client.get(f"/articles/{site.hostile.id}").text,
        client.get(f"/sets/{set_id}").text,
        client.get("/sets").text,
    ]
    for html in pages:
        assert "<script>" not in html and "<img src=x" not in html
        assert "onerror=alert" not in html or "&lt;img src=x onerror=alert" in html
    article = pages[1]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in article
    assert 'href="javascript:' not in article  # a scraped javascript: URL is never a link
    report = client.get("/api/export", params={"set": set_id, "format": "report"}).text
    assert "<script>" not in report and "&lt;script&gt;alert(2)&lt;/script&gt;" in report


def test_article_page_shows_entities_as_filter_links_and_the_evidence(site):
    html = site.client.get(f"/articles/{site.sample_id()}").text
    assert 'href="/people/Liu%20Sirui"' in html  # the person's page, every form
    assert 'href="/places/Shanxi"' in html and "37.8000, 112.5000" in html
    assert 'href="/search?year=1997"' in html
    assert "No evidence copy of this page is kept" not in html
    uncaptured = site.client.get(f"/articles/{site.sample_id('Lagos')}").text
    assert "No evidence copy of this page is kept" in uncaptured
    hostile = site.client.get(f"/articles/{site.hostile.id}").text
    assert site.hostile.evidence.sha256 in hostile
    assert f'<iframe class="capture" sandbox src="/articles/{site.hostile.id}/capture"' in hostile
    assert "https://mirror.test/copy" in hostile  # merged duplicate copies are listed


@both
def test_article_page_shows_what_changed_upstream_and_a_removal(site):
    """Earlier texts with the publisher's edit (paragraphs removed and added), and the
    removal notice; scraped text in them is escaped like everywhere else."""
    import dataclasses

    from homeward.article import Version
    from search.open import open_archive

    with open_archive(site.archive_url) as archive:
        article = archive.get(site.sample_id())
        earlier = Version(
            fetched_at="2026-05-01T08:00:00+00:00",
            replaced_at="2026-05-03T09:00:00+00:00",
            title="First headline <script>alert(1)</script>",
            text=article.text + "\nA paragraph the publisher later deleted <b>bold</b>.",
            evidence=article.evidence,
        )
        changed = dataclasses.replace(
            article, versions=[earlier], changed_at="2026-05-03T09:00:00+00:00"
        )
        archive.upsert([changed])
        archive.refresh()
    html = site.client.get(f"/articles/{article.id}").text
    assert "The publisher changed this article 1 time, last seen on 2026-05-03" in html
    assert "<del>A paragraph the publisher later deleted &lt;b&gt;bold&lt;/b&gt;.</del>" in html
    assert "First headline &lt;script&gt;" in html and "<script>alert" not in html
    with open_archive(site.archive_url) as archive:
        archive.upsert([dataclasses.replace(changed, removed_at="2026-06-01T10:00:00+00:00")])
        archive.refresh()
    html = site.client.get(f"/articles/{article.id}").text
    assert "Removed upstream on 2026-06-01." in html and "Earlier versions" in html
    listed = site.client.get("/search", params={"q": "status:removed"}).text
    assert f"/articles/{article.id}" in listed


def test_captured_page_is_sandboxed_and_the_warc_record_downloads(site):
    capture = site.client.get(f"/articles/{site.hostile.id}/capture")
    assert capture.status_code == 200
    assert capture.content == CAPTURED_PAGE
    policy = capture.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "img-src data:" in policy and "style-src 'unsafe-inline'" in policy
    assert capture.headers["x-content-type-options"] == "nosniff"

    record = site.client.get(f"/articles/{site.hostile.id}/evidence.warc.gz")
    assert record.status_code == 200
    assert gzip.decompress(record.content).startswith(b"WARC/1")
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(record.content))
    ]
    assert records == [("response", site.hostile.url, CAPTURED_PAGE)]
    assert hashlib.sha256(records[0][2]).hexdigest() == site.hostile.evidence.sha256

    assert site.client.get(f"/articles/{site.sample_id('Lagos')}/capture").status_code == 404


def test_missing_warc_file_is_said_on_the_page(site):
    Path(site.hostile.evidence.warc_file).unlink()
    html = site.client.get(f"/articles/{site.hostile.id}").text
    assert "The evidence copy cannot be shown" in html and "not found" in html
    assert site.client.get(f"/articles/{site.hostile.id}/capture").status_code == 404


def test_unknown_article_and_set_pages_are_404(site):
    assert site.client.get("/articles/nope").status_code == 404
    assert site.client.get(f"/sets/{'0' * 16}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=%22",
        "/search?q=)",
        "/search?q=-",
        "/search?q=OR",
        "/search?q=person:",
        "/search?q=year:abcd",
        "/search?q=%00%01",
        "/search?q=" + "x" * 5000,
        "/search?page=-3",
        "/search?page=99999999",
        "/search?page=x",
        "/search?since=2024-13-45",
        "/search?language=english",
        "/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/search?q=%22&limit=-1",
        "/api/export?format=csv&since=nope",
        "/sets/..%2f..",
    ],
)
def test_user_input_never_gives_a_500(site, path):
    assert site.client.get(path).status_code < 500


# --- security ------------------------------------------------------------------------------


def test_security_headers(site):
    page = site.client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy  # no script may run: default-src 'none' covers it
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    api = site.client.get("/api/search")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]


def test_cross_site_requests_cannot_change_sets(site):
    csrf = site.csrf()
    evil = {"origin": "http://evil.example"}
    response = site.client.post("/sets", data={"csrf": csrf, "name": "x"}, headers=evil)
    assert response.status_code == 403
    fetch_site = {"sec-fetch-site": "cross-site"}
    assert site.client.post("/api/sets", json={"name": "x"}, headers=fetch_site).status_code == 403
    # a form post (no CORS preflight) cannot reach the JSON API
    form = site.client.post("/api/sets", data={"name": "x"})
    assert form.status_code == 415
    assert site.client.get("/api/sets").json()["sets"] == []


def test_every_page_form_refuses_a_request_without_its_csrf_token(site):
    """Every state-changing page route, found from the app's routes (so a new one that
    forgets the guard fails here), refuses a form without the visitor's CSRF token or
    with another one: 403, and nothing changes."""
    client = site.client
    kept = client.post("/api/sets", json={"name": "Kept", "note": "as it was"}).json()
    client.post(f"/api/sets/{kept['id']}/articles/{site.hostile.id}", json={"note": "kept"})
    before = client.get("/api/sets").json()
    # FastAPI >= 0.137 keeps included routers nested in app.routes; this walks them.
    walk = getattr(fastapi.routing, "iter_route_contexts", iter)
    forms = {
        (method, route.path)
        for route in walk(client.app.routes)
        for method in (getattr(route, "methods", None) or set()) & UNSAFE_METHODS
        if not route.path.startswith("/api/")
    }
    assert {("POST", "/sets"), ("POST", "/login"), ("POST", "/logout")} <= forms, forms
    values = {"set_id": kept["id"], "article_id": site.hostile.id}
    site.csrf()  # the visitor has the cookie; only the form's token is missing or wrong
    for method, path in sorted(forms):
        url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m[1], "x"), path)
        for token in (None, "", "forged"):
            form = {"name": "New", "note": "changed", "token": TOKEN, "next": "/"} | values
            if token is not None:
                form["csrf"] = token
            refused = client.request(method, url, data=form, follow_redirects=False)
            assert refused.status_code == 403, (method, path, token, refused.status_code)
            assert "This form has expired or came from another site" in refused.text
    assert client.get("/api/sets").json() == before


def test_only_loopback_host_names_without_a_token(site):
    assert site.client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert site.client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_a_token_guards_every_page_and_api_call(archive_url, tmp_path):
    load_archive(archive_url, tmp_path / "evidence")
    app = create_app(archive_url, token=TOKEN)
    with TestClient(app, base_url="http://archive.example.org") as client:
        assert client.get("/api/search").status_code == 401
        assert client.get("/openapi.json").status_code == 401
        assert client.get("/api/export?format=csv").status_code == 401
        for path in ("/", "/docs", "/sets"):
            redirect = client.get(path, follow_redirects=False)
            assert redirect.status_code == 303
            assert redirect.headers["location"].startswith("/login?next=")
        bearer = {"authorization": f"Bearer {TOKEN}"}
        assert client.get("/api/search", headers=bearer).status_code == 200
        assert (
            client.get("/api/search", headers={"authorization": "Bearer wrong"}).status_code == 401
        )

        login = client.get("/login")
        csrf = client.cookies[CSRF_COOKIE]
        assert login.status_code == 200
        wrong = client.post("/login", data={"csrf": csrf, "token": "nope", "next": "/sets"})
        assert wrong.status_code == 401
        signed_in = client.post(
            "/login", data={"csrf": csrf, "token": TOKEN, "next": "/sets"}, follow_redirects=False
        )
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/sets"
        assert TOKEN not in signed_in.headers["set-cookie"]
        assert "httponly" in signed_in.headers["set-cookie"].lower()
        assert client.get("/sets").status_code == 200
        assert client.get("/api/search").status_code == 200  # the cookie works for the API too


def test_a_short_token_is_refused(archive_url):
    with pytest.raises(ValueError, match="too short"):
        create_app(archive_url, token="short")


def test_api_docs_list_the_endpoints(site):
    html = site.client.get("/docs").text
    for path in ("/api/search", "/api/articles/{article_id}", "/api/sets", "/api/export"):
        assert f"<code>{path}</code>" in html
    schema = site.client.get("/openapi.json").json()
    search = schema["paths"]["/api/search"]["get"]
    names = {parameter["name"] for parameter in search["parameters"]}
    assert {"q", "person", "place", "year", "language", "source", "since", "until"} <= names
    assert {"sort", "limit", "offset"} <= names


# --- homeward serve --------------------------------------------------------------------------


def test_serve_refuses_other_hosts_without_a_token(archive_url, monkeypatch):
    monkeypatch.delenv("HOMEWARD_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--archive", archive_url])
    assert result.exit_code == 2
    assert "HOMEWARD_TOKEN" in result.output


def test_serve_runs_uvicorn(archive_url, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    monkeypatch.setenv("HOMEWARD_TOKEN", TOKEN)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--archive", archive_url])
    assert result.exit_code == 0, result.output
    ((app, options),) = calls
    assert options["host"] == "0.0.0.0" and options["port"] == 8000
    assert app.state.token == TOKEN
    monkeypatch.delenv("HOMEWARD_TOKEN")
    calls.clear()
    assert CliRunner().invoke(main, ["serve", "--archive", archive_url]).exit_code == 0
    assert calls[0][1]["host"] == "127.0.0.1" and calls[0][0].state.token is None


def test_hostile_title_is_in_the_fixture():
    assert HOSTILE_TITLE.startswith("=HYPERLINK(")


def test_docs_name_every_api_route_format_and_option(site):
    """docs/web.md cannot drift from the code."""
    import re

    from exports.formats import WRITERS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    documented = re.sub(r"\{[a-z_]+\}", "{}", docs)
    for path in site.client.get("/openapi.json").json()["paths"]:
        assert re.sub(r"\{[a-z_]+\}", "{}", path) in documented, path
    for name in WRITERS:
        assert f"`{name}`" in docs, name
    export_help = CliRunner().invoke(main, ["export", "--help"]).output
    for option in ("--mask-names", "--set", "--report-format", "--output"):
        assert option in export_help and option in docs, option
    serve_help = CliRunner().invoke(main, ["serve", "--help"]).output
    for option in ("--host", "--port", "--archive"):
        assert option in serve_help and option in docs, option
    assert "HOMEWARD_TOKEN" in docs


# --- no 500s: the findings of issue #15 (the fuzzing is tests/test_web_fuzz.py) --------------


@both
def test_parentheses_nested_250_deep_are_a_clear_400(site):
    """Once a RecursionError in the parser: a 500 on the web and a traceback on the CLI."""
    query = "(" * 250 + "trafficking" + ")" * 250
    api = site.client.get("/api/search", params={"q": query})
    assert api.status_code == 400
    error = error_of(api)
    assert error["reason"] == "parentheses nested too deep: at most 20 levels"
    assert (error["token"], error["position"]) == ("(", 20)
    page = site.client.get("/search", params={"q": query})
    assert page.status_code == 400
    assert "parentheses nested too deep: at most 20 levels at position 21" in page.text
    nested = "(" * 20 + "trafficking" + ")" * 20
    assert site.client.get("/api/search", params={"q": nested}).json()["total"] >= 1
    cli = CliRunner().invoke(main, ["search", query, "--archive", site.archive_url])
    assert cli.exit_code == 2 and "parentheses nested too deep" in cli.output
    assert "Traceback" not in cli.output


@both
def test_999_person_filters_are_refused_before_anything_streams(site):
    """Once a 500 on SQLite (too many SQL variables) and a 200 with an empty CSV from
    /api/export, whose stream failed after its headers had gone."""
    people = [("person", f"Person {i}") for i in range(999)]
    for path in ("/api/search", "/api/export"):
        response = site.client.get(path, params=[*people, ("format", "csv")])
        assert response.status_code == 400, (path, response.text[:200])
        assert error_of(response)["message"] == "too many person values: 999, at most 50"
    page = site.client.get("/search", params=people)
    assert page.status_code == 400 and "too many person values: 999, at most 50" in page.text
    fifty = [("person", f"Person {i}") for i in range(49)] + [("person", "Liu Sirui")]
    assert site.client.get("/api/search", params=fifty).json()["total"] >= 1
    export = site.client.get("/api/export", params=[*fifty, ("format", "csv")])
    assert export.status_code == 200 and "Liu Sirui" in export.content.decode("utf-8-sig")


def test_an_export_that_fails_at_once_is_an_error_not_an_empty_200(site, monkeypatch):
    """Whatever stops an export before its first chunk (here: the archive refusing the
    query) is answered with its own status, never a 200 with an empty file."""
    archive = site.client.app.state.archive

    def refuse(request=None):
        raise QueryTimeout(0.5)
        yield  # a generator, as iter_articles is

    monkeypatch.setattr(archive, "iter_articles", refuse)
    response = site.client.get("/api/export", params={"q": "trafficking", "format": "csv"})
    assert response.status_code == 422
    assert "took longer than 0.5 s" in error_of(response)["message"]


@both
def test_a_pathological_query_is_refused_at_once(site, monkeypatch):
    """'"a" ' * 4000 took 31 s a request on 28 articles (FTS5 and the highlighter).
    Refused before the archive is asked: a search that reached it would fail here."""
    archive = site.client.app.state.archive
    search = archive.search

    def must_not_search(request):
        raise AssertionError(f"the archive was asked: {request.query!r}"[:200])

    monkeypatch.setattr(archive, "search", must_not_search)
    for query, message in (
        ('"a" ' * 4000, "query too long: 15,999 characters, at most 2,000"),
        ('"a" ' * 400, "too many terms: 400, at most 100 (words, phrases and field filters)"),
    ):
        response = site.client.get("/api/search", params={"q": query})
        assert response.status_code == 400 and error_of(response)["message"] == message
    monkeypatch.setattr(archive, "search", search)
    hundred = site.client.get("/search", params={"q": '"a" ' * 100})  # the most allowed
    assert hundred.status_code == 200


def test_query_timeout_stops_a_slow_search(site, monkeypatch):
    """HOMEWARD_QUERY_TIMEOUT_SECONDS is the budget of one search: SQLite's progress
    handler stops the statement, and the answer is a 422 saying to narrow it."""
    import search.backends.sqlite.archive as sqlite_archive

    monkeypatch.setattr(sqlite_archive, "PROGRESS_STEPS", 1)  # look at the clock every step
    monkeypatch.setenv("HOMEWARD_QUERY_TIMEOUT_SECONDS", "0.000001")
    with TestClient(create_app(site.archive_url), base_url=BASE) as client:
        assert client.app.state.query_timeout == 0.000001
        api = client.get("/api/search", params={"q": "trafficking"})
        assert api.status_code == 422
        error = error_of(api)
        assert error["reason"] == "timeout"
        assert error["message"].startswith("the search took longer than 1e-06 s and was stopped")
        page = client.get("/search", params={"q": "trafficking"})
        assert page.status_code == 422 and "narrow it" in page.text
        assert client.get(f"/articles/{site.hostile.id}").status_code == 200  # not a search
    monkeypatch.setenv("HOMEWARD_QUERY_TIMEOUT_SECONDS", "10")
    with TestClient(create_app(site.archive_url), base_url=BASE) as client:
        assert client.get("/api/search", params={"q": "trafficking"}).json()["total"] >= 1
    for bad in ("0", "-1", "soon", "nan", "1e9"):
        monkeypatch.setenv("HOMEWARD_QUERY_TIMEOUT_SECONDS", bad)
        with pytest.raises(ValueError, match="HOMEWARD_QUERY_TIMEOUT_SECONDS must be a number"):
            create_app(site.archive_url)
        served = CliRunner().invoke(main, ["serve", "--archive", site.archive_url])
        assert served.exit_code == 2 and "HOMEWARD_QUERY_TIMEOUT_SECONDS" in served.output


@pytest.mark.parametrize("archive_url", ["elasticsearch"], indirect=True)
def test_query_timeout_reaches_elasticsearch(site, monkeypatch):
    """Elasticsearch gets the budget as the search's `timeout` (and the client waits a
    second more, without retries); a search it cut short is refused, never shown."""
    archive = site.client.app.state.archive
    seen: list[dict] = []

    class Budgeted:
        def __init__(self, client, options):
            self.client, self.options = client, options

        def search(self, **kwargs):
            seen.append({**self.options, **kwargs})
            response = dict(self.client.search(**kwargs))  # the real node takes `timeout`
            return {**response, "timed_out": True}

    real = archive.client
    monkeypatch.setattr(
        archive, "client", type("C", (), {"options": lambda _, **o: Budgeted(real, o)})()
    )
    response = site.client.get("/api/search", params={"q": "trafficking"})
    assert response.status_code == 422 and error_of(response)["reason"] == "timeout"
    assert seen[0]["timeout"] == "10000ms"
    assert (seen[0]["request_timeout"], seen[0]["max_retries"]) == (11.0, 0)


def _damage_evidence(site, offset: int) -> None:
    """Store an evidence offset no reader accepts, past the checks an import makes
    (as an older release, or a hand-edited file, could have left it)."""
    archive = site.client.app.state.archive
    record = site.hostile.to_dict()
    record["evidence"]["warc_offset"] = offset
    if site.archive_url.startswith("sqlite"):
        with sqlite3.connect(archive.path) as db:
            db.execute(
                "UPDATE article_records SET record = ? "
                "WHERE rowid = (SELECT rowid FROM articles WHERE id = ?)",
                (json.dumps(record), site.hostile.id),
            )
        return
    document = archive.client.get(index=archive.alias, id=site.hostile.id)["_source"]
    document["evidence"]["warc_offset"] = offset
    archive.client.index(index=archive.alias, id=site.hostile.id, document=document, refresh=True)


@both
def test_an_evidence_offset_no_file_has_is_said_not_a_500(site):
    """warc_offset 10**19 (an OverflowError when seeked to) on SQLite; Elasticsearch
    stores at most a long, so there it is -1. Each page of the article says the
    record or its evidence cannot be read, with a 4xx."""
    offset = 10**19 if site.archive_url.startswith("sqlite") else -1
    _damage_evidence(site, offset)
    article_id = site.hostile.id
    page = site.client.get(f"/articles/{article_id}")
    assert page.status_code in (200, 422), page.text[:300]
    if page.status_code == 200:
        assert "The evidence copy cannot be shown" in page.text
    assert "warc_offset" in page.text or "usable offset" in page.text
    for suffix in ("/capture", "/evidence.warc.gz"):
        response = site.client.get(f"/articles/{article_id}{suffix}")
        assert response.status_code in (404, 422), (suffix, response.status_code)
        assert "cannot be read" in response.text
    api = site.client.get(f"/api/articles/{article_id}")
    assert api.status_code in (200, 422)
    if api.status_code == 422:
        assert "warc_offset" in error_of(api)["message"]


@both
def test_evidence_past_the_end_of_its_file_is_said_not_a_500(site, tmp_path):
    """An offset a long can hold but the file does not reach, imported the ordinary way."""
    record = site.hostile.to_dict()
    record.update(id="past-the-end", url="https://hostile.test/past-the-end")
    record["evidence"]["warc_offset"] = 2**63 - 1
    with open_archive(site.archive_url) as archive:
        assert archive.upsert([Article.from_dict(record)]).failed == []
        archive.refresh()
    page = site.client.get("/articles/past-the-end")
    assert page.status_code == 200
    assert "The evidence copy cannot be shown" in page.text
    assert "the file ends at" in page.text
    for suffix in ("/capture", "/evidence.warc.gz"):
        response = site.client.get(f"/articles/past-the-end{suffix}")
        assert response.status_code == 404 and "the record is not there" in response.text


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (" " * 16, "is blank"),
        ("\t" * 20, "is blank"),
        ("correct horse battery staple", "spaces or control characters"),
        ("correct-horse-battery-staple\n", "spaces or control characters"),
        ("a" * 32, "too weak"),
        ("abababababababab", "too weak"),
        ("short", "too short"),
    ],
)
def test_a_blank_or_weak_token_is_refused_at_serve(archive_url, monkeypatch, token, problem):
    import uvicorn

    with pytest.raises(ValueError, match=problem):
        create_app(archive_url, token=token)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    monkeypatch.setenv("HOMEWARD_TOKEN", token)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--archive", archive_url])
    assert result.exit_code == 2 and problem in result.output and "Traceback" not in result.output


@both
def test_head_works_like_get(site):
    """HEAD gets the GET's status and headers without a body (it got 405)."""
    set_id = site.client.post("/api/sets", json={"name": "Head case"}).json()["id"]
    for path in (
        "/",
        "/search?q=trafficking",
        "/api/search?q=trafficking",
        f"/articles/{site.hostile.id}",
        f"/api/articles/{site.hostile.id}",
        f"/articles/{site.hostile.id}/evidence.warc.gz",
        "/sets",
        f"/sets/{set_id}",
        "/api/sets",
        "/docs",
        "/openapi.json",
        "/sources",
        "/api/export?format=csv&q=trafficking",
        "/static/style.css",
    ):
        get, head = site.client.get(path), site.client.head(path)
        assert (head.status_code, get.status_code) == (200, 200), path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers["content-security-policy"] == get.headers["content-security-policy"]
    assert site.client.head("/articles/no-such-id").status_code == 404
    assert site.client.head("/api/search?q=%22").status_code == 400
    assert site.client.head("/logout").status_code == 405  # POST only: HEAD is not a GET there


# --- issue #16: facets, sets, navigation as advocates use them ------------------------------


@both
def test_facet_ties_favour_no_script_and_more_pages_every_value(site):
    """Equal counts are ordered by a hash of the value (search/facets.py), not A→Z, so
    a cut facet shows Chinese and English names alike; /api/facets pages on, and its
    pages joined are the facet in full."""
    from search.facets import tie_key

    params = {"q": "trafficking OR 拐卖"}
    full = site.client.get("/api/search", params={**params, "facet_size": 1000}).json()
    names = [(b["value"], b["count"]) for b in full["facets"]["names"]]
    assert len(names) > 6
    assert names == sorted(names, key=lambda b: (-b[1], tie_key(b[0])))
    assert names != sorted(names, key=lambda b: (-b[1], b[0]))  # not alphabetical
    cut = site.client.get("/api/search", params={**params, "facet_size": 5}).json()
    assert [(b["value"], b["count"]) for b in cut["facets"]["names"]] == names[:5]
    shown = [value for value, _ in names[:5]]
    assert any(re.search(r"[\u4e00-\u9fff]", v) for v in shown), shown
    assert any(re.search(r"[A-Za-z]", v) for v in shown), shown

    paged, offset = [], 0
    while True:
        page = site.client.get(
            "/api/facets/person", params={**params, "offset": offset, "limit": 3}
        ).json()
        assert page["facet"] == "names" and page["offset"] == offset
        paged += [(b["value"], b["count"]) for b in page["values"]]
        offset += 3
        if not page["more"]:
            break
    assert paged == names
    assert site.client.get("/api/facets/nope").status_code == 404
    bad = site.client.get("/api/facets/names", params={"q": '"unclosed'})
    assert bad.status_code == 400 and "unclosed" in error_of(bad)["message"]
    assert site.client.get("/api/search", params={"facet_size": 0}).status_code in (400, 422)


def test_sqlite_facets_in_sql_and_in_memory_agree(site):
    """The SQLite archive counts small hit sets in SQL and large ones in its facet cache:
    both give the same order, ties included."""
    params = {"q": "trafficking OR 拐卖 OR child", "facet_size": 1000}
    in_sql = site.client.get("/api/search", params=params).json()["facets"]
    site.client.app.state.archive.facet_sql_limit = 0
    in_memory = site.client.get("/api/search", params=params).json()["facets"]
    assert in_sql == in_memory and in_sql["names"]


def test_every_facet_on_the_page_has_more(site, monkeypatch):
    from web import pages

    monkeypatch.setattr(pages, "FACET_SIZE", 2)
    html = site.client.get("/search", params={"q": "trafficking OR 拐卖"}).text
    for parameter, label in (("person", "people"), ("place", "places"), ("source", "source")):
        link = f'href="/facets/{parameter}?q=trafficking+OR+%E6%8B%90%E5%8D%96"'
        assert link in html and f"More {label} →" in html, parameter
    assert "/facets/language" not in html  # two languages: nothing more to show
    more = site.client.get("/facets/person", params={"q": "trafficking OR 拐卖"})
    assert more.status_code == 200
    listed = re.findall(r'<li(?: class="active")?><a href="/search\?[^"]*person=', more.text)
    assert len(listed) == len(
        site.client.get(
            "/api/facets/person", params={"q": "trafficking OR 拐卖", "limit": 1000}
        ).json()["values"]
    )
    assert site.client.get("/facets/nope").status_code == 404


@both
def test_adding_again_appends_the_note_says_so_and_results_show_the_set(site):
    client = site.client
    csrf = site.csrf()
    article_id = site.sample_id()
    form = {"csrf": csrf, "article_id": article_id, "next": "/search?q=Shanxi"}
    first = client.post(
        "/sets/add",
        data={**form, "new_set": "Shanxi case", "note": "mother quoted"},
        follow_redirects=False,
    )
    assert first.status_code == 303 and first.headers["location"] == "/search?q=Shanxi"
    page = client.get("/search", params={"q": "Shanxi"}).text
    assert 'class="flash" role="status">Added to the set “Shanxi case”.' in page
    (kept,) = client.get("/api/sets").json()["sets"]
    assert f'In set: <a href="/sets/{kept["id"]}">Shanxi case</a>' in page
    # the message is shown once
    assert 'class="flash"' not in client.get("/search", params={"q": "Shanxi"}).text

    again = client.post(
        "/sets/add", data={**form, "set_id": kept["id"], "note": "police statement, para 3"}
    )
    assert "your note was added below the earlier one" in again.text
    (item,) = client.get(f"/api/sets/{kept['id']}").json()["items"]
    assert item["note"] == "mother quoted\n\npolice statement, para 3"
    same = client.post("/sets/add", data={**form, "set_id": kept["id"], "note": "mother quoted"})
    assert "nothing changed" in same.text
    assert client.get(f"/api/sets/{kept['id']}").json()["items"][0]["note"] == item["note"]


@both
def test_deleting_a_set_asks_first_and_can_be_undone(site):
    client = site.client
    csrf = site.csrf()
    kept = client.post("/api/sets", json={"name": "拐卖 case <b>", "note": "for court"}).json()
    client.put(f"/api/sets/{kept['id']}/articles/{site.hostile.id}", json={"note": "<i>x</i>"})
    before = client.get(f"/api/sets/{kept['id']}").json()
    page = client.get(f"/sets/{kept['id']}").text
    # the delete button is a second step inside a closed <details>
    assert re.search(r'<details class="confirm">\s*<summary>Delete this set…</summary>', page)
    assert "Yes, delete this set" in page
    deleted = client.post(f"/sets/{kept['id']}/delete", data={"csrf": csrf})
    assert deleted.status_code == 200 and "Undo" in deleted.text
    assert "&lt;b&gt;" in deleted.text and "<b>" not in deleted.text
    assert client.get(f"/api/sets/{kept['id']}").status_code == 404
    record = html_unescape(re.search(r'name="record" value="([^"]*)"', deleted.text)[1])
    restored = client.post("/sets/restore", data={"csrf": csrf, "record": record})
    assert restored.status_code == 200 and restored.url.path == f"/sets/{kept['id']}"
    assert "is back" in restored.text
    assert client.get(f"/api/sets/{kept['id']}").json() == before
    twice = client.post("/sets/restore", data={"csrf": csrf, "record": record})
    assert twice.status_code == 200 and "is already back" in twice.text
    # a record that is not a set is refused with a message, never a 500
    for bad in ("", "[]", '{"id": "x"}', '{"id": "../../etc", "name": "a"}', "[" * 100_000):
        refused = client.post("/sets/restore", data={"csrf": csrf, "record": bad})
        assert refused.status_code == 400, bad
    assert client.post(f"/sets/{kept['id']}x/delete", data={"csrf": csrf}).status_code == 404


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


@both
def test_article_page_returns_to_the_search_and_marks_its_words(site):
    client = site.client
    search = "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96&page=1"
    html = client.get("/search", params={"q": "trafficking OR 拐卖"}).text
    assert "/articles/" + site.hostile.id + "?back=%2Fsearch%3Fq%3Dtrafficking" in html
    page = client.get(f"/articles/{site.hostile.id}", params={"back": search}).text
    assert f'<a href="{search.replace("&", "&amp;")}">← Search</a>' in page
    text = page.split('class="text"', 1)[1].split("</div>", 1)[0]
    assert "<mark>trafficking</mark>" in text
    assert "&lt;script&gt;" in text and "<script>" not in text  # escaped, marks only
    assert "<img" not in text
    chinese = client.get("/api/search", params={"q": "拐卖"}).json()["hits"][0]["id"]
    page = client.get(f"/articles/{chinese}", params={"back": search}).text
    assert re.search(r"<mark>拐[卖賣]</mark>", page)
    # no search, or a target off this site: back to the search page, nothing marked
    for back in ("", "//evil.example/", "https://evil.example/", "/\\evil"):
        page = client.get(f"/articles/{site.hostile.id}", params={"back": back}).text
        assert '<a href="/">← Search</a>' in page and "<mark>" not in page.split("<aside")[0]


@both
def test_past_the_last_page_and_zero_hits_make_sense(site):
    client = site.client
    past = client.get("/search", params={"q": "trafficking", "page": 99}).text
    assert "Page 99 is past the end" in past and "Go to the last page" in past
    assert "No article matches" not in past and "Page 99 of" not in past
    none = client.get("/search", params={"q": "zzzqqqxx"}).text
    assert "No article matches “zzzqqqxx”" in none
    assert "Export these" not in none and "Remove a filter" not in none
    assert 'class="filters"' not in none
    filtered = client.get("/search", params={"q": "zzzqqqxx", "place": "Yunnan"}).text
    assert "Remove a filter above" in filtered
    one = client.get("/search", params={"q": "Shanxi", "place": "Shanxi"}).text
    assert "Export this article" in one or "Export these" in one


def test_a_bad_date_speaks_the_web_form_s_language(site):
    page = site.client.get("/search", params={"since": "yesterday"})
    assert page.status_code == 400
    assert "The “From” date needs a date like 2024-05-01, not &#39;yesterday&#39;." in page.text
    assert "--since" not in page.text
    until = site.client.get("/search", params={"until": "2024-13-40"}).text
    assert "The “To” date needs a date" in until and "--until" not in until
    api = site.client.get("/api/search", params={"since": "yesterday"})
    assert api.status_code == 400 and "--since" not in error_of(api)["message"]
    assert error_of(api)["message"].startswith("since needs a date")


def test_search_page_has_a_heading_a_skip_link_and_filters_first(site):
    html = site.client.get("/search", params={"q": "trafficking"}).text
    assert '<h1 class="visually-hidden">Search the archive</h1>' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<a class="skip-link" href="#results">' in html
    assert html.index('<details class="filters"') < html.index('<ol class="hits"')


@both
def test_search_page_charts_coverage_by_date_and_years_on_a_true_axis(site):
    """Matching articles by date published, each bar a link narrowing the search to its
    dates (and holding that many articles); years mentioned with empty years kept."""
    import html as html_module

    client = site.client
    page = client.get("/search", params={"q": "trafficking OR 拐卖"}).text
    chart = page.split('id="published-chart"', 1)[1].split("</svg>", 1)[0]
    assert '<title id="published-chart-title">Articles by date published</title>' in chart
    bars = re.findall(r'<a href="([^"]+)" aria-label="([^":]+): (\d+)">', chart)
    assert bars and sum(int(count) for _, _, count in bars) == 8
    for href, _, count in bars:
        href = html_module.unescape(href)
        assert "since=" in href and "until=" in href and "q=trafficking" in href
        narrowed = client.get("/api/search" + href.removeprefix("/search"))
        assert narrowed.json()["total"] == int(count), href
    assert 'class="chart-data"' in page  # the numbers as a table, for screen readers
    years = page.split('id="years-chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="group" id="years-chart"' in page  # an image of links is a group
    facet = client.get("/api/search", params={"q": "trafficking OR 拐卖"}).json()["facets"]
    mentioned = sorted(int(b["value"]) for b in facet["years"])
    from exports.charts import year_bars

    axis = year_bars(dict.fromkeys(mentioned, 1))
    assert len(axis) > len(mentioned)  # empty years between are on the axis too
    for year in mentioned:
        assert f'aria-label="{year}: ' in years, year
    one = re.search(r'<a href="([^"]+)" aria-label="(\d{4}): (\d+)"', years)
    narrowed = client.get("/api/search" + html_module.unescape(one[1]).removeprefix("/search"))
    assert narrowed.json()["total"] == int(one[3])
    assert client.get("/search", params={"q": "zzzqqqxx"}).text.count("time-chart") == 0


def test_an_article_opened_from_a_set_returns_to_the_set(site):
    kept = site.client.post("/api/sets", json={"name": "Back to me"}).json()
    site.client.put(f"/api/sets/{kept['id']}/articles/{site.hostile.id}", json={})
    page = site.client.get(f"/sets/{kept['id']}").text
    link = f"/articles/{site.hostile.id}?back=/sets/{kept['id']}"
    assert f'href="{link}"' in page
    article = site.client.get(link).text
    assert f'<a href="/sets/{kept["id"]}">← Set</a>' in article
    assert "<mark>" not in article.split("<aside")[0]  # no search: nothing marked

"""Hypothesis against the real web app, on both archives: no input gives a 500 or hangs.

Every test sends what a careless or hostile visitor could: query strings built from
the characters that mean something to the parser (quotes, parentheses, `-`, `:`,
field names, OR/AND/NOT) mixed with CJK, emoji, control characters and lone
surrogates (percent-encoded as the invalid UTF-8 they become in a URL), filters
repeated up to far past the limits, dates at the ends of time, page numbers of 20
digits, article ids and set names of every kind, and articles whose evidence record
points nowhere. Each answer must be below 500 and arrive within REQUEST_SECONDS
(a correctness bound, not a speed target: the app's own budget is QUERY_SECONDS).

The runs are derandomized (the same inputs on every run, so CI is reproducible) and
keep no example database. EXAMPLES_PER_BACKEND inputs run against each archive:
SQLite, and the real Elasticsearch node of conftest.py (which fails the suite when
CI=true and there is none).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from web_fixtures import load_archive, sample_articles

from homeward.article import Article, Evidence
from search.open import open_archive
from web import create_app

BASE = "http://127.0.0.1"
TOKEN = "correct-horse-battery-staple-42"
QUERY_SECONDS = 2.0  # the app's time budget for one search in these tests
REQUEST_SECONDS = 5.0  # what any one request may take, whatever it asks
# Examples of each test, per backend; their sum is EXAMPLES_PER_BACKEND.
EXAMPLES = {
    "search_api": 1600,
    "search_page": 800,
    "export": 500,
    "articles": 900,
    "sets": 300,
    "raw_urls": 500,
    "headers": 400,
}
EXAMPLES_PER_BACKEND = sum(EXAMPLES.values())


def fuzz_settings(name: str):
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )


# --- the app under test --------------------------------------------------------------------


class FuzzSite:
    """The app over one loaded archive, and what every request it answered looked like."""

    def __init__(self, backend: str, client: TestClient, article_ids: list[str]) -> None:
        self.backend = backend
        self.client = client
        self.guarded = client  # the same archive served with an access token
        self.article_ids = article_ids
        self.statuses: Counter[int] = Counter()
        self.slowest = (0.0, "")
        self.requests = 0
        self.seconds = 0.0

    def call(self, method: str, url: str, *, guarded: bool = False, **kwargs):
        client = self.guarded if guarded else self.client
        started = time.perf_counter()
        response = client.request(method, url, follow_redirects=False, **kwargs)
        elapsed = time.perf_counter() - started
        self.requests += 1
        self.seconds += elapsed
        self.statuses[response.status_code] += 1
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, f"{method} {url[:200]}")
        assert response.status_code < 500, (method, url[:500], response.text[:500])
        assert elapsed < REQUEST_SECONDS, (method, url[:500], f"{elapsed:.1f} s")
        if method != "HEAD" and not url.startswith("/api/export"):  # an empty JSONL is right
            assert response.content or response.status_code in (204, 303, 307), (method, url[:500])
        return response

    def get(self, path: str, params: list[tuple[str, str]] = ()) -> object:
        return self.call("GET", url(path, params))


def url(path: str, params: list[tuple[str, str]] | tuple = ()) -> str:
    """The URL as a browser would send it; a lone surrogate goes out as the invalid
    UTF-8 bytes it stands for (the server must decode them without failing)."""
    if not params:
        return path
    query = "&".join(f"{enc(name)}={enc(value)}" for name, value in params)
    return f"{path}?{query}"


def enc(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def broken_evidence_articles(good: Evidence) -> list[Article]:
    """Articles as an import may bring them: evidence records that point past the end
    of their file, inside a record, at a file that is not a WARC or is not there, or
    at a body with another SHA-256. (Offsets no file has, 10**19 or -1, are refused
    on import and on reading: tests/test_web_api.py covers a record stored before.)"""
    template = sample_articles()[0].to_dict()
    good_record = asdict(good)
    variants = {
        "offset-long-max": {"warc_offset": 2**63 - 1},
        "offset-past-end": {"warc_offset": 10**9},
        "offset-inside-record": {"warc_offset": 7},
        "not-a-warc": {"warc_file": "/etc/passwd"},
        "missing-file": {"warc_file": "/nonexistent/homeward-x.warc.gz"},
        "nul-in-name": {"warc_file": "/tmp/a\x00b.warc.gz"},
        "wrong-sha": {"sha256": "0" * 64},
    }
    articles = []
    for name, change in variants.items():
        record = {
            **template,
            "id": f"broken-{name}",
            "url": f"https://broken.test/{name}",
            "title": f"Broken evidence {name}",
            "evidence": {**good_record, **change},
        }
        articles.append(Article.from_dict(record))
    return articles


@pytest.fixture(scope="module", params=("sqlite", "elasticsearch"))
def fuzz_site(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[FuzzSite]:
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"fuzz-{backend}")
    alias = None
    if backend == "sqlite":
        archive_url = f"sqlite:///{tmp / 'archive.sqlite'}"
    else:
        archive_url = request.getfixturevalue("es_url")
        alias = f"homeward-test-fuzz-{uuid.uuid4().hex[:8]}"
    try:
        with es_index(alias):  # open_archive reads the alias from the environment
            hostile = load_archive(archive_url, tmp / "evidence")
            with open_archive(archive_url) as archive:
                assert archive.upsert(broken_evidence_articles(hostile.evidence)).failed == []
                archive.refresh()
                ids = [article.id for article in archive.iter_articles()]
            app = create_app(archive_url, query_timeout=QUERY_SECONDS)
            guarded_app = create_app(archive_url, token=TOKEN, query_timeout=QUERY_SECONDS)
        assert any(i.startswith("broken-") for i in ids)
        with (
            TestClient(app, base_url=BASE) as client,
            TestClient(guarded_app, base_url="http://archive.example.org") as guarded,
        ):
            site = FuzzSite(backend, client, ids)
            site.guarded = guarded
            yield site
        report(request.config, site)
    finally:
        if alias is not None:  # dropped even when the setup failed half-way
            from search.backends.elastic import ElasticArchive

            dropped = ElasticArchive(archive_url, alias=alias)
            dropped.drop()
            dropped.close()


@contextmanager
def es_index(alias: str | None) -> Iterator[None]:
    previous = os.environ.get("HOMEWARD_ES_INDEX")
    if alias is not None:
        os.environ["HOMEWARD_ES_INDEX"] = alias
    try:
        yield
    finally:
        if alias is not None and previous is None:
            os.environ.pop("HOMEWARD_ES_INDEX", None)
        elif alias is not None:
            os.environ["HOMEWARD_ES_INDEX"] = previous


def report(config: pytest.Config, site: FuzzSite) -> None:
    """One line per backend after its run: requests, time, statuses, the slowest."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    slowest, what = site.slowest
    with capture.global_and_fixture_disabled():
        reporter.write_line(
            f"\nweb fuzz on {site.backend}: {site.requests:,} requests in {site.seconds:.1f} s, "
            f"statuses {dict(sorted(site.statuses.items()))}, slowest {slowest:.2f} s ({what})"
        )


# --- what a visitor can type ---------------------------------------------------------------

FIELD_NAMES = ("person", "place", "year", "language", "source", "status")
MEANINGFUL = [
    '"',
    '""',
    "(",
    ")",
    "()",
    "-",
    "--",
    ":",
    " ",
    "  ",
    "OR",
    "AND",
    "NOT",
    "or",
    "*",
    "^",
    "~",
    "\\",
    "'",
    "%",
    "&",
    "=",
    "+",
    "#",
    "/",
    "?",
    ";",
    "NEAR",
    "{title text}",
    *(f"{name}:" for name in FIELD_NAMES),
    "bogus:",
    "PERSON:",
    "trafficking",
    "trafficked",
    "children",
    "missing",
    "police",
    "Shanxi",
    "Yunnan",
    "Lagos",
    "Liu Sirui",
    "1997",
    "2001",
    "0000",
    "99999",
    "en",
    "zh",
    "zh-Hant",
    "live",
    "changed",
    "removed",
    "a",
    "the",
    "拐卖",
    "拐賣",
    "拐",
    "京",
    "儿童",
    "山西省",
    "人贩子",
    "ひらがな",
    "한국어",
    "🙂",
    "👨‍👩‍👧",
    "🏳️‍🌈",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\t",
    "\n",
    "\r\n",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ufffd",
    "\ud800",
    "\udfff",
    "\U0010ffff",
    "é",
    "İ",
    "ß",
    "ﬁ",
    "Ⅻ",
    "١٩٩٧",
    "<script>",
    "&amp;",
    "%00",
    "%zz",
    "NaN",
    "-1",
    "1e309",
]
piece = st.one_of(
    st.sampled_from(MEANINGFUL),
    st.text(max_size=6),
    st.characters(codec=None, exclude_categories=()).map(str),
)
query_text = st.one_of(
    st.lists(piece, max_size=40).map("".join),
    # Long and repetitive: past the length, term and depth limits.
    st.builds(
        lambda p, n: p * n,
        st.sampled_from(['"a" ', "(", "a ", "-(", "x OR ", "拐"]),
        st.integers(0, 4000),
    ),
    st.builds(lambda n: "(" * n + "a" + ")" * n, st.integers(0, 300)),
)
filter_value = st.one_of(
    st.sampled_from(MEANINGFUL),
    st.lists(piece, max_size=8).map("".join),
    st.text(max_size=300),
)
date_value = st.one_of(
    st.sampled_from(
        [
            "",
            "2024-01-01",
            "2024-13-45",
            "0001-01-01",
            "9999-12-31",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "2024-02-30",
            "2024-01-01T25:00",
            "yesterday",
            "1e10",
            "-1",
        ]
    ),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.text(max_size=30),
)
number_text = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.integers(-5, 60).map(str),
    st.sampled_from(["", "abc", "1.5", "1e3", "NaN", "0x10", "٣", " 7", "+3"]),
)


@st.composite
def search_params(draw, *, paging: str) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    if draw(st.booleans()):
        params.append(("q", draw(query_text)))
    for name in ("person", "place", "year", "language", "source", "status"):
        if draw(st.integers(0, 4)) == 0:
            count = draw(st.one_of(st.integers(1, 3), st.integers(40, 120)))
            values = draw(st.lists(filter_value, min_size=1, max_size=3))
            params.extend((name, values[i % len(values)]) for i in range(count))
    for name in ("since", "until"):
        if draw(st.integers(0, 3)) == 0:
            params.append((name, draw(date_value)))
    if draw(st.booleans()):
        params.append(
            ("sort", draw(st.one_of(st.sampled_from(["relevance", "date"]), st.text(max_size=8))))
        )
    names = ("limit", "offset") if paging == "api" else ("page",)
    for name in names:
        if draw(st.booleans()):
            params.append((name, draw(number_text)))
    return draw(st.permutations(params))


# --- the tests ------------------------------------------------------------------------------


@given(params=search_params(paging="api"))
@fuzz_settings("search_api")
def test_fuzz_api_search(fuzz_site, params):
    response = fuzz_site.get("/api/search", params)
    body = response.json()
    if response.status_code == 200:
        assert {"total", "hits", "facets"} <= set(body)
    else:
        assert set(body) == {"error"} and body["error"]["message"]


@given(
    path=st.sampled_from(["/search", "/"]),
    params=search_params(paging="page"),
    method=st.sampled_from(["GET", "GET", "GET", "HEAD"]),
)
@fuzz_settings("search_page")
def test_fuzz_search_page(fuzz_site, path, params, method):
    response = fuzz_site.call(method, url(path, params))
    if method == "GET" and response.status_code >= 400:
        assert "Query error" in response.text or "That did not work" in response.text


@given(
    params=search_params(paging="none"),
    format_name=st.sampled_from(["csv", "csv", "jsonl", "jsonl", "xlsx", "report", "pdf", ""]),
    report_format=st.sampled_from(["html", "html", "pdfx", ""]),
    mask=st.sampled_from(["true", "false", "maybe", ""]),
    set_ref=st.one_of(st.just(""), st.just(""), filter_value),
)
@fuzz_settings("export")
def test_fuzz_export(fuzz_site, params, format_name, report_format, mask, set_ref):
    extra = [("format", format_name), ("report_format", report_format), ("mask_names", mask)]
    if set_ref:
        extra.append(("set", set_ref))
    response = fuzz_site.get("/api/export", [*params, *extra])
    if response.status_code != 200:
        assert set(response.json()) == {"error"}
    elif format_name != "jsonl":
        assert len(response.content) > 0  # never a 200 with an empty file (JSONL may be)


@given(data=st.data())
@fuzz_settings("articles")
def test_fuzz_articles_and_evidence(fuzz_site, data):
    article_id = data.draw(
        st.one_of(st.sampled_from(fuzz_site.article_ids), filter_value.filter(bool)), label="id"
    )
    suffix = data.draw(st.sampled_from(["", "/capture", "/evidence.warc.gz"]), label="suffix")
    method = data.draw(st.sampled_from(["GET", "GET", "HEAD"]), label="method")
    where = data.draw(st.sampled_from(["/articles/", "/api/articles/"]), label="where")
    if where == "/api/articles/":
        suffix = ""
    response = fuzz_site.call(method, f"{where}{enc(article_id)}{suffix}")
    if article_id.startswith("broken-") and suffix and method == "GET":
        assert response.status_code == 404, response.text[:300]
        assert "cannot be read" in response.text


@given(
    name=filter_value,
    note=st.one_of(st.just(""), filter_value),
    other=filter_value,
    article=st.one_of(filter_value, st.just("")),
    action=st.sampled_from(["rename", "add", "page", "api", "export", "remove"]),
)
@fuzz_settings("sets")
def test_fuzz_sets(fuzz_site, name, note, other, article, action):
    client = fuzz_site
    body = json.dumps({"name": name, "note": note})  # ensure_ascii: lone surrogates as \ud800
    headers = {"content-type": "application/json"}
    created = client.call("POST", "/api/sets", content=body, headers=headers)
    set_id = created.json()["id"] if created.status_code == 201 else other
    article_id = article or (client.article_ids[len(name) % len(client.article_ids)])
    in_set = f"/api/sets/{enc(set_id)}/articles/{enc(article_id)}"
    if action == "rename":
        change = json.dumps({"name": other, "note": note})
        client.call("PATCH", f"/api/sets/{enc(set_id)}", content=change, headers=headers)
    elif action in ("add", "remove"):
        client.call("PUT", in_set, content=json.dumps({"note": note}), headers=headers)
        if action == "remove":
            client.call("DELETE", in_set)
    elif action == "page":
        client.call("GET", f"/sets/{enc(set_id)}")
    elif action == "api":
        client.call("GET", f"/api/sets/{enc(set_id)}")
    else:
        client.get("/api/export", [("set", other if created.status_code != 201 else name)])
    client.call("DELETE", f"/api/sets/{enc(set_id)}")


ROUTES = [
    "/",
    "/search",
    "/api/search",
    "/api/export",
    "/articles/",
    "/api/articles/",
    "/sets",
    "/sets/",
    "/api/sets",
    "/api/sets/",
    "/docs",
    "/openapi.json",
    "/sources",
    "/login",
    "/static/",
    "/nothing",
]


@given(
    route=st.sampled_from(ROUTES),
    tail=st.text(max_size=20),
    query=st.lists(
        st.one_of(
            st.sampled_from(["q=", "q=%22", "page=", "&", "=", "%", "%zz", "%ff%fe", "%ed%a0%80"]),
            st.text(max_size=10).map(enc),
            st.binary(max_size=10).map(lambda raw: quote(raw, safe="")),
        ),
        max_size=12,
    ).map("".join),
    method=st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"]),
)
@fuzz_settings("raw_urls")
def test_fuzz_raw_urls(fuzz_site, route, tail, query, method):
    target = route + enc(tail) + (f"?{query}" if query else "")
    fuzz_site.call(method, target)


header_value = st.one_of(
    st.sampled_from(
        [
            "",
            "http://[",
            "http://127.0.0.1",
            "http://evil.example",
            "null",
            "[::1",
            "127.0.0.1:99999999",
            "abc",
            "-1",
            "99999999999999999999",
            f"Bearer {TOKEN}",
            "Bearer ",
            "bearer  x",
            "homeward_auth=x; homeward_csrf=",
            "cross-site",
            "same-origin",
            "application/json",
            "text/plain",
            "chunked",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40),
)
HEADER_NAMES = [
    "host",
    "origin",
    "sec-fetch-site",
    "authorization",
    "cookie",
    "content-type",
    "content-length",
    "referer",
    "accept",
    "x-forwarded-for",
]


@given(
    headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_value, max_size=5),
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
    route=st.sampled_from(["/", "/search?q=a", "/api/search", "/api/sets", "/sets", "/login"]),
    guarded=st.booleans(),
)
@fuzz_settings("headers")
def test_fuzz_headers(fuzz_site, headers, method, route, guarded):
    """Host, Origin, Sec-Fetch-Site, Authorization, cookies and body headers of every
    kind, on the app with and without an access token."""
    raw = [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]
    body = b'{"name": "x"}' if method in ("POST", "PUT", "PATCH") else None
    fuzz_site.call(method, route, guarded=guarded, headers=raw, content=body)


def test_fuzz_totals_reach_ten_thousand():
    assert EXAMPLES_PER_BACKEND >= 5000  # on each of the two backends

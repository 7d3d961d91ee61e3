"""Download file names: a set or search named in Chinese downloads under its own name
(RFC 6266 `filename*`, UTF-8), with an ASCII `filename` for clients that want one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.utils import collapse_rfc2231_value
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import load_archive

from web.app import create_app
from web.streaming import content_disposition, download_name

WHEN = datetime(2026, 12, 1, tzinfo=UTC)


def names_in(header: str) -> tuple[str, str]:
    """(the plain filename, the name a client that reads filename* saves under), read by
    the standard library's RFC 2231/5987 parser rather than by our own code."""
    message = Message()
    message["Content-Disposition"] = header
    params = message.get_params(header="content-disposition")[1:]
    plain = [value for key, value in params if key == "filename" and isinstance(value, str)]
    starred = [value for key, value in params if key == "filename" and isinstance(value, tuple)]
    assert len(plain) == 1 and len(starred) <= 1
    # RFC 6266 section 4.3: a client that knows filename* takes it over filename
    return plain[0], collapse_rfc2231_value(starred[0]) if starred else plain[0]


@pytest.mark.parametrize(
    "title, plain, chosen",
    [
        ("山西 拐卖案", "homeward-export-20261201.csv", "homeward-山西-拐卖案-20261201.csv"),
        ("Search: 拐卖", "homeward-search-20261201.csv", "homeward-search-拐卖-20261201.csv"),
        ("Laura Durán", "homeward-laura-duran-20261201.csv", "homeward-laura-durán-20261201.csv"),
        ("Search: trafficking", "homeward-search-trafficking-20261201.csv", None),
    ],
)
def test_names_keep_the_titles_letters(title, plain, chosen):
    header = content_disposition(title, "csv", WHEN)
    assert header.startswith("attachment; ")
    assert header.isascii()  # header values are ASCII; the UTF-8 name is percent-encoded
    got_plain, got_chosen = names_in(header)
    assert got_plain == plain == download_name(title, "csv", WHEN)
    assert got_chosen == (chosen or plain)
    assert ("filename*=UTF-8''" in header) == (chosen is not None)


@pytest.mark.parametrize(
    "title", ['../../etc/passwd"; x=1', "a\r\nSet-Cookie: x=1", "\u202e\\..\\evil", "。。。"]
)
def test_hostile_titles_make_plain_names(title):
    header = content_disposition(title, "xlsx", WHEN)
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    for name in names_in(header):
        assert "/" not in name and "\\" not in name and ".." not in name
        assert name.startswith("homeward-") and name.endswith("-20261201.xlsx")
        assert "\u202e" not in name


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    load_archive(url, tmp_path / "evidence")
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        yield client


def test_a_chinese_set_downloads_under_its_name(client):
    set_id = client.post("/api/sets", json={"name": "山西 拐卖案"}).json()["id"]
    for format_name, extension in (("csv", "csv"), ("xlsx", "xlsx"), ("report", "html")):
        response = client.get("/api/export", params={"set": set_id, "format": format_name})
        assert response.status_code == 200
        plain, chosen = names_in(response.headers["content-disposition"])
        assert plain.startswith("homeward-export-") and plain.endswith(f".{extension}")
        assert chosen.startswith("homeward-山西-拐卖案-") and chosen.endswith(f".{extension}")

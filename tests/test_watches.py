"""Saved searches: the model, new matches after a crawl on both backends, the Atom
feed, failed deliveries retried, the CLI and the web pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import alerts.run as alerts_run
from alerts.digest import DeliveryError
from alerts.email import EmailSettings
from alerts.run import deliver_after_crawl
from cli.main import main
from homeward.article import Article
from search.open import open_archive
from search.query import Ids
from search.watches import Watch, WatchError, new_matches, stored_since
from web.app import create_app
from web.security import CSRF_COOKIE

both = pytest.mark.parametrize("archive_url", ("sqlite", "elasticsearch"), indirect=True)
TOKEN = "correct-horse-battery-staple-42"
BASE = "http://127.0.0.1"


def at(minutes: int) -> datetime:
    return datetime(2026, 3, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def article(tail: str, title: str, text: str, fetched: datetime, **fields) -> Article:
    return Article.from_dict(
        {
            "url": f"https://news.test/{tail}",
            "title": title,
            "text": text,
            "language": "en",
            "published": "2026-02-28",
            "source": "Harbour Herald",
            "fetched_at": fetched.isoformat(),
            **fields,
        }
    )


def store(archive_url: str, *articles: Article) -> None:
    with open_archive(archive_url) as archive:
        assert archive.upsert(articles).failed == []
        archive.refresh()


def crawl_one(archive_url: str, since: datetime, *articles: Article, **options):
    """What a crawl leaves: articles stored after it started, then the alerts run."""
    store(archive_url, *articles)
    lines: list[str] = []
    report = deliver_after_crawl(archive_url, since, report=lines.append, **options)
    return report, lines


def watch_of(archive_url: str, name: str) -> Watch:
    with open_archive(archive_url) as archive:
        found = archive.find_watch(name)
    assert found is not None
    return found


# --- the model ---------------------------------------------------------------------------


def test_a_watch_keeps_its_search_and_refuses_a_bad_one():
    watch = Watch.new("  Shanxi   boy ", "trafficking", {"place": ["Shanxi"], "year": [1997]})
    assert watch.name == "Shanxi boy"
    assert watch.filters == {"place": ["Shanxi"], "year": ["1997"]}
    assert watch.shown() == "trafficking --place Shanxi --year 1997"
    request = watch.request(ids=["a", "b"])
    assert request.filters[-1] == Ids(("a", "b"))
    with pytest.raises(WatchError):
        Watch.new("bad", '"unclosed')
    with pytest.raises(WatchError):
        Watch.new("bad", "", {"colour": ["red"]})
    assert Watch.from_dict(watch.to_dict()) == watch


def test_new_matches_skip_reported_and_come_newest_first():
    watch = Watch.new("w")
    old = article("old", "Old", "text", at(0))
    newer = article("newer", "Newer", "text", at(5))
    newest = article("newest", "Newest", "text", at(9))
    watch.record_matches([old.id], "2026-03-01T12:00:00+00:00")
    assert new_matches(watch, [old, newer, newest, newer]) == [newest, newer]
    watch.record_matches([newer.id, old.id], "2026-03-01T13:00:00+00:00")
    assert watch.reported == [old.id, newer.id]
    assert [m["id"] for m in watch.matches] == [newer.id, old.id]


def test_failed_channels_are_kept_until_delivered():
    watch = Watch.new("w", email=["a@b.test"])
    watch.fail("email", ["x"], "refused", "t1")
    watch.fail("email", ["y", "x"], "refused again", "t2")
    assert watch.pending["email"] == {
        "ids": ["x", "y"],
        "error": "refused again",
        "failed_at": "t2",
    }
    watch.delivered("email")
    assert watch.pending == {}


def test_new_since_you_last_looked():
    stored = article("a", "A", "text", at(10))
    assert stored_since(stored, None)
    assert stored_since(stored, at(5).isoformat())
    assert not stored_since(stored, at(15).isoformat())


# --- after a crawl, on both backends ----------------------------------------------------------


@both
def test_a_watch_gets_exactly_the_new_matches_then_nothing(archive_url):
    before = article("before", "Trafficking ring in Shanxi", "Old trafficking story.", at(-60))
    store(archive_url, before)
    with open_archive(archive_url) as archive:
        archive.create_watch(Watch.new("Shanxi", "trafficking"))
        archive.create_watch(Watch.new("Nothing", "zebra"))
    new_match = article("match", "Trafficking suspects held", "A trafficking gang.", at(1))
    other = article("other", "Weather", "Sunny days ahead.", at(2))
    report, lines = crawl_one(archive_url, at(0), new_match, other)
    assert report.candidates == 2
    assert {w.name: w.new for w in report.watches} == {"Shanxi": 1, "Nothing": 0}
    assert lines == ["saved search 'Shanxi': 1 new"]
    watch = watch_of(archive_url, "Shanxi")
    assert watch.reported == [new_match.id] and watch.last_run_at
    assert watch_of(archive_url, "Nothing").last_run_at is None  # nothing new: untouched

    with TestClient(create_app(archive_url), base_url=BASE) as client:
        feed = feedparser.parse(client.get(f"/watch/{watch.id}/feed.atom").content)
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == ["Trafficking suspects held"]

    # A second crawl storing nothing new delivers nothing and changes nothing.
    report, lines = crawl_one(archive_url, at(30))
    assert [w.new for w in report.watches] == [0, 0] and lines == []
    assert watch_of(archive_url, "Shanxi") == watch
    # The same page stored again changed (a new fetched_at) was reported already.
    again = article("match", "Trafficking suspects held", "A trafficking gang, updated.", at(61))
    report, lines = crawl_one(archive_url, at(60), again)
    assert lines == []


@both
def test_a_failed_delivery_is_kept_and_retried_next_run(archive_url, monkeypatch):
    with open_archive(archive_url) as archive:
        archive.create_watch(Watch.new("Mail", "abducted", email=["advocate@example.org"]))
    sent: list = []

    def refuse(digest, to, settings):
        raise DeliveryError("smtp.example.org:587 refused the connection")

    monkeypatch.setattr(alerts_run, "send_digest", refuse)
    settings = EmailSettings(host="smtp.example.org", sender="homeward@example.org")
    first = article("first", "Girl abducted", "She was abducted.", at(1))
    report, lines = crawl_one(archive_url, at(0), first, email_settings=settings)
    assert report.watches[0].failed == {"email": "smtp.example.org:587 refused the connection"}
    assert "email failed (retried next run)" in lines[0]
    assert watch_of(archive_url, "Mail").pending["email"]["ids"] == [first.id]

    monkeypatch.setattr(alerts_run, "send_digest", lambda d, to, s: sent.append((d, to)))
    report, lines = crawl_one(archive_url, at(10), email_settings=settings)  # nothing new
    assert report.watches[0].delivered == ["email"]
    digest, to = sent[0]
    assert to == ["advocate@example.org"] and [a.id for a in digest.articles] == [first.id]
    assert digest.query == "abducted" and digest.watch_name == "Mail"
    assert watch_of(archive_url, "Mail").pending == {}


def test_a_broken_archive_never_raises_out_of_the_alerts(tmp_path):
    lines: list[str] = []
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'archive.sqlite'}"
    deliver_after_crawl(url, at(0), report=lines.append)  # no exception


def test_the_run_record_shows_the_alerts(archive_url):
    from homeward.runs import RunRecord, new_run_id

    with open_archive(archive_url) as archive:
        archive.create_watch(Watch.new("Shanxi", "trafficking"))
        run = RunRecord(id=new_run_id(), started_at=at(0).isoformat())
        archive.record_run(run)
    store(archive_url, article("m", "Trafficking", "trafficking", at(1)))
    alerts_run.deliver_after_run(archive_url, run.id, report=lambda line: None)
    result = CliRunner().invoke(main, ["runs", "--archive", archive_url])
    assert "saved search 'Shanxi': 1 new" in result.output


# --- the command line ---------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@both
def test_cli_add_list_show_remove(archive_url):
    added = run("watch", "add", "Shanxi boy", "trafficking", "--place", "Shanxi",
                "--email", "a@b.test", "--archive", archive_url)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "trafficking --place Shanxi" in added.output
    taken = CliRunner().invoke(main, ["watch", "add", "shanxi BOY", "--archive", archive_url])
    assert taken.exit_code == 2 and "already exists" in taken.output
    listed = run("watch", "list", "--archive", archive_url)
    assert "Shanxi boy" in listed.output and "last run never" in listed.output

    crawl_one(archive_url, at(0), article("m", "Trafficking in Shanxi", "x", at(1),
                                          places=[{"name": "Shanxi"}]))  # fmt: skip
    shown = run("watch", "show", "Shanxi boy", "--archive", archive_url)
    assert "* 2026-02-28  Trafficking in Shanxi" in shown.output
    assert "1 new since you last looked" in shown.output
    shown = run("watch", "show", "Shanxi boy", "--archive", archive_url)
    assert "0 new since you last looked, 1 in all" in shown.output
    assert run("watch", "remove", "Shanxi boy", "--archive", archive_url).exit_code == 0
    gone = CliRunner().invoke(main, ["watch", "remove", "Shanxi boy", "--archive", archive_url])
    assert gone.exit_code == 1


# --- the web ---------------------------------------------------------------------------------


def test_web_button_page_feed_api_and_token(archive_url):
    hostile = '<script>alert(1)</script> trafficking & "quotes"\x0b\x01'  # not XML 1.0
    with TestClient(create_app(archive_url), base_url=BASE) as client:
        page = client.get("/search", params={"q": "trafficking", "place": "Shanxi"})
        assert "Save this search" in page.text
        csrf = client.cookies[CSRF_COOKIE]
        form = {"csrf": csrf, "name": "From the page", "q": "trafficking", "place": "Shanxi"}
        saved = client.post("/watches", data=form, follow_redirects=False)
        assert saved.status_code == 303
        watch_id = saved.headers["location"].rsplit("/", 1)[1]
        refused = client.post("/watches", data={**form, "csrf": "forged"})
        assert refused.status_code == 403
        api = client.get("/api/watches").json()
        assert [(w["name"], w["filters"]) for w in api] == [
            ("From the page", {"place": ["Shanxi"]})
        ]
        created = client.post("/api/watches", json={"name": "Api", "q": "trafficking"})
        assert created.status_code == 201
        bad = client.post("/api/watches", json={"name": "Bad", "q": '"unclosed'})
        assert bad.status_code == 400

    crawl_one(archive_url, at(0), article("h", hostile, "trafficking", at(1)))
    app = create_app(archive_url, token=TOKEN)
    with TestClient(app, base_url="http://archive.example.org") as client:
        api_id = created.json()["id"]
        # The web page's rule: without the token, a page (and its feed) sends to sign-in.
        unsigned = client.get(f"/watch/{api_id}/feed.atom", follow_redirects=False)
        assert unsigned.status_code == 303 and unsigned.headers["location"].startswith("/login")
        auth = {"Authorization": f"Bearer {TOKEN}"}
        feed = client.get(f"/watch/{api_id}/feed.atom", headers=auth)
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert "<script>" not in feed.text
        parsed = feedparser.parse(feed.content)
        assert parsed.bozo == 0 and parsed.entries[0].title == hostile[:-2]
        first = client.get(f"/watch/{api_id}", headers=auth)
        assert "<script>alert" not in first.text and 'class="badge new-badge">new' in first.text
        second = client.get(f"/watch/{api_id}", headers=auth)
        assert 'class="badge new-badge">new' not in second.text
        listing = client.get("/watches", headers=auth)
        assert "From the page" in listing.text and "Api" in listing.text
        assert client.delete(f"/api/watches/{api_id}", headers=auth).status_code == 204
        assert client.delete(f"/api/watches/{api_id}", headers=auth).status_code == 404
    assert watch_id


# --- a real crawl, through the command a user runs ----------------------------------------


@both
def test_a_real_crawl_delivers_its_new_matches_once(archive_url, tmp_path):
    from test_crawl import FAST, MockServer, write_sources

    server = MockServer(tmp_path / "requests.jsonl")
    try:
        sources = write_sources(tmp_path / "sources.toml", server)
        assert run("watch", "add", "Abducted", "abducted", "--archive", archive_url).exit_code == 0
        env = {key: str(value) for key, value in FAST.items() if key.startswith("HOMEWARD_")}
        args = ["crawl", "--sources", str(sources), "--state-dir", str(tmp_path / "state")]
        first = CliRunner(env=env).invoke(main, [*args, "--archive", archive_url])
        assert "saved search 'Abducted':" in first.output, first.output
        with open_archive(archive_url) as archive:
            expected = {a.id for a in archive.iter_articles(Watch.new("x", "abducted").request())}
        watch = watch_of(archive_url, "Abducted")
        assert expected and set(watch.reported) == expected
        with TestClient(create_app(archive_url), base_url=BASE) as client:
            feed = feedparser.parse(client.get(f"/watch/{watch.id}/feed.atom").content)
        assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == expected

        second = CliRunner(env=env).invoke(main, [*args, "--archive", archive_url])
        assert "saved search" not in second.output, second.output
        assert watch_of(archive_url, "Abducted") == watch
    finally:
        server.stop()

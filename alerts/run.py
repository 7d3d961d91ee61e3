"""After a crawl: run every saved search over what the crawl stored, and deliver.

`deliver_after_crawl` is called once a crawl (manual, scheduled or on Scrapyd) has
stored its articles. Each saved search is evaluated only against the articles
fetched since the run started (new pages and changed ones: a revisit that finds a
change stores the page again with a new `fetched_at`), through its own request
restricted to those ids, so the cost follows the crawl's size, not the archive's.

New matches are recorded on the watch (its Atom feed is served from them, so the
feed needs no push) and sent by e-mail and webhook when the watch asks for them. A
failed delivery is kept on the watch (`pending`) and retried on the next run; it is
reported, never raised, so a crawl never fails because an alert could not go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from alerts.digest import DeliveryError, Digest
from alerts.email import EmailSettings, EmailSettingsError, send_digest
from alerts.webhook import post_digest, webhook_secret_from_env
from homeward.article import Article
from homeward.clock import utc_now_iso
from search.archive import Archive
from search.open import open_archive
from search.watches import Watch, WatchError, new_matches

logger = logging.getLogger(__name__)
ID_CHUNK = 500  # candidate ids per restricted search


@dataclass(slots=True)
class WatchReport:
    """What one saved search did after one crawl."""

    watch_id: str
    name: str
    new: int = 0
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # channel -> error

    def line(self) -> str:
        text = f"saved search {self.name!r}: {self.new} new"
        if self.delivered:
            text += f", sent by {' and '.join(self.delivered)}"
        for channel, error in self.failed.items():
            text += f"; {channel} failed (retried next run): {error}"
        return text


@dataclass(slots=True)
class AlertReport:
    candidates: int = 0
    watches: list[WatchReport] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [w.line() for w in self.watches if w.new or w.delivered or w.failed]

    def to_dict(self) -> dict[str, Any]:
        return {"candidates": self.candidates, "lines": self.lines()}


def deliver_after_crawl(
    archive_url: str,
    since: datetime | str,
    *,
    report: Callable[[str], object] = print,
    run_id: str | None = None,
    base_url: str | None = None,
    email_settings: EmailSettings | None = None,
    webhook_secret: str | None = None,
) -> AlertReport:
    """Evaluate every saved search against the articles fetched since `since` (the
    run's start) and deliver what is new; never raises for a delivery or a watch."""
    if isinstance(since, str):
        since = datetime.fromisoformat(since)
    # Fetch times may be kept to the second: an article stored in the run's first second
    # must not fall before it. An earlier one let in is harmless (reported ids count once).
    since = since.replace(microsecond=0)
    outcome = AlertReport()
    try:
        with open_archive(archive_url) as archive:
            watches = archive.list_watches()
            if not watches:
                return outcome
            archive.refresh()
            candidates = sorted({a.id for a in archive.iter_fetched_since(since)})
            outcome.candidates = len(candidates)
            if email_settings is None:
                try:
                    email_settings = EmailSettings.from_env()
                except EmailSettingsError as error:
                    report(f"alerts: e-mail is not set up right: {error}")
            secret = webhook_secret or webhook_secret_from_env()
            for watch in watches:
                try:
                    outcome.watches.append(
                        _run_watch(archive, watch, candidates, base_url, email_settings, secret)
                    )
                except Exception as error:  # one broken watch never stops the others
                    logger.exception("saved search %s failed", watch.id)
                    failed = WatchReport(watch.id, watch.name, failed={"search": str(error)})
                    outcome.watches.append(failed)
            for line in outcome.lines():
                report(line)
            if run_id and outcome.lines():
                _note_on_run(archive, run_id, outcome.lines())
    except Exception as error:  # the crawl is done; alerts never fail it
        logger.exception("alerts after the crawl failed")
        report(f"alerts: not delivered this run ({error}); they are retried next run")
    return outcome


def _run_watch(
    archive: Archive,
    watch: Watch,
    candidates: list[str],
    base_url: str | None,
    email_settings: EmailSettings | None,
    secret: str | None,
) -> WatchReport:
    outcome = WatchReport(watch.id, watch.name)
    matched = list(_matching(archive, watch, candidates))
    fresh = new_matches(watch, matched)
    outcome.new = len(fresh)
    now = utc_now_iso()
    # Per channel: the new matches plus what an earlier run failed to deliver.
    sends: dict[str, list[Article]] = {}
    for channel in watch.channels():
        pending_ids = [i for i in watch.pending.get(channel, {}).get("ids", [])]
        retry = [a for i in pending_ids if (a := archive.get(i)) is not None]
        articles = list({a.id: a for a in [*fresh, *retry]}.values())
        if articles:
            sends[channel] = articles
    delivered: list[str] = []
    failures: dict[str, tuple[list[str], str]] = {}
    for channel, articles in sends.items():
        digest = Digest(
            watch_id=watch.id,
            watch_name=watch.name,
            query=watch.shown(),
            articles=tuple(sorted(articles, key=_newest, reverse=True)),
            masked=watch.mask_names,
            feed_url=f"{base_url.rstrip('/')}/watch/{watch.id}/feed.atom" if base_url else None,
        )
        try:
            _send(channel, digest, watch, email_settings, secret)
            delivered.append(channel)
        except (DeliveryError, WatchError) as error:
            failures[channel] = ([a.id for a in articles], str(error))
    outcome.delivered = delivered
    outcome.failed = {channel: error for channel, (_, error) in failures.items()}
    if not fresh and not delivered and not failures:
        return outcome  # nothing new, nothing retried: the watch is left as it was

    def change(stored: Watch) -> None:
        stored.record_matches([a.id for a in fresh], now)
        stored.last_run_at = now
        for channel in delivered:
            stored.delivered(channel)
        for channel, (ids, error) in failures.items():
            stored.fail(channel, ids, error, now)

    archive.update_watch(watch.id, change)
    return outcome


def _matching(archive: Archive, watch: Watch, candidates: list[str]) -> Iterable[Article]:
    for start in range(0, len(candidates), ID_CHUNK):
        yield from archive.iter_articles(watch.request(ids=candidates[start : start + ID_CHUNK]))


def _send(
    channel: str,
    digest: Digest,
    watch: Watch,
    email_settings: EmailSettings | None,
    secret: str | None,
) -> None:
    if channel == "email":
        if email_settings is None:
            raise DeliveryError("no mail server set (HOMEWARD_SMTP_HOST)")
        send_digest(digest, watch.email, email_settings)
    elif channel == "webhook" and watch.webhook:
        post_digest(digest, watch.webhook, secret)


def _newest(article: Article) -> tuple[str, str]:
    return (article.fetched_at or "", article.id)


def _note_on_run(archive: Archive, run_id: str, lines: list[str]) -> None:
    def change(run: Any) -> None:
        summary = dict(run.summary or {})
        summary["alerts"] = lines
        run.summary = summary

    try:
        archive.update_run(run_id, change)
    except Exception:  # the record may be gone or read-only; the lines were printed
        logger.warning("could not add the alerts to run %s", run_id, exc_info=True)


def deliver_after_run(
    archive_url: str, run_id: str | None, *, report: Callable[[str], object] = print
) -> AlertReport | None:
    """`deliver_after_crawl` for a recorded run: from its start, noted on its record."""
    if not run_id:
        return None
    try:
        with open_archive(archive_url) as archive:
            run = archive.get_run(run_id)
    except Exception as error:  # the crawl is done; alerts never fail it
        report(f"alerts: not delivered this run ({error}); they are retried next run")
        return None
    if run is None:
        return None
    return deliver_after_crawl(archive_url, run.started_at, report=report, run_id=run_id)

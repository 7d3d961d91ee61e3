"""New since your last visit: the search page's marks, without accounts.

A browser's visits are told apart by a cookie holding two instants: the end of its
previous visit and its latest request. A request more than `VISIT_GAP` after the
latest one starts a new visit, whose "previous visit" is then that latest request;
every article stored after the previous visit is new. Paging through results or
opening an article does not start a visit, so the marks stay while a person reads.
The cookie is the reader's own bookmark and carries nothing secret: a forged or
broken value only changes what that browser marks as new, and is read as absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

VISIT_COOKIE = "homeward_visit"
VISIT_GAP = timedelta(minutes=30)
COOKIE_DAYS = 400  # the longest lifetime browsers grant a cookie


@dataclass(slots=True, frozen=True)
class Visit:
    """Where this browser stands: the end of its previous visit (None on a first
    visit: then nothing is marked new) and the cookie to send back."""

    previous: datetime | None
    cookie: str


def visit_of(cookie: str | None, now: datetime) -> Visit:
    """The visit a request belongs to, from the cookie it carried."""
    previous, latest = _instants(cookie)
    if latest is not None and (now - latest > VISIT_GAP or latest > now):
        previous = latest  # a new visit begins (a clock set back also ends the old one)
    return Visit(previous, f"{_text(previous)}|{_text(now)}")


def is_new(fetched_at: str | None, visit: Visit) -> bool:
    """Whether an article stored at `fetched_at` came after the previous visit."""
    if visit.previous is None or not fetched_at:
        return False
    try:
        stored = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=visit.previous.tzinfo)
    return stored > visit.previous


def _instants(cookie: str | None) -> tuple[datetime | None, datetime | None]:
    if not cookie or len(cookie) > 80 or cookie.count("|") != 1:
        return None, None
    previous, latest = cookie.split("|")
    return _instant(previous), _instant(latest)


def _instant(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _text(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""

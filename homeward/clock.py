"""The one clock: every time Homeward records (fetched, exported, run started) comes from here.

Always UTC, so records written on machines in different zones sort together; one
function so a test can move time for the whole program in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now", "utc_now_iso"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_now_iso(timespec: str = "seconds") -> str:
    """Now as ISO 8601 in UTC; run records ask for "microseconds" so two runs started
    in the same second still sort apart."""
    return utc_now().isoformat(timespec=timespec)

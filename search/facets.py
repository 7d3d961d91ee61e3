"""How facet values are ordered, the same on both backends.

By count, most first; values with the same count are ordered by a hash of the value
(`tie_key`), not alphabetically. An alphabetical tie-break puts every Latin name before
every Chinese one, so a facet cut at 20 values could show only English names while half
the tied names are Chinese; a hash mixes the scripts, and it is stable (the same value
always gets the same place, from one search to the next and on either backend).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# The most values one facet lists (the API's facet_size and the facet endpoint's
# offset + limit): Elasticsearch refuses an aggregation past 65,536 buckets.
MAX_FACET_SIZE = 10_000


@lru_cache(maxsize=65_536)  # the same names come back search after search
def tie_key(value: Any) -> bytes:
    """Where a value goes among values of the same count: 8 bytes of BLAKE2b of its text."""
    return hashlib.blake2b(str(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()


def ordered(buckets: Iterable[tuple[Any, int]], size: int) -> list[tuple[Any, int]]:
    """The first `size` (value, count) pairs: count descending, then `tie_key`."""
    return sorted(buckets, key=lambda bucket: (-bucket[1], tie_key(bucket[0])))[:size]


# Matching articles by day of publication (UTC), "YYYY-MM-DD": every day that has one,
# in date order and never cut, for the chart of coverage over time.
DATE_FACET = "published"


def by_date(buckets: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    return sorted(bucket for bucket in buckets if bucket[0])


# Years mentioned are a few hundred values at most and draw a chart on a true year axis:
# every one is kept (still most frequent first), whatever the facet size asked.
UNCUT = frozenset({"years"})


def facet_limit(name: str, size: int) -> int:
    """How many values of the facet `name` a search returns when `size` are asked."""
    return MAX_FACET_SIZE if name in UNCUT else size


def arranged(name: str, buckets: Iterable[tuple[Any, int]], size: int) -> list[tuple[Any, int]]:
    """A facet's (value, count) pairs as a search returns them, for `size` values asked."""
    return by_date(buckets) if name == DATE_FACET else ordered(buckets, facet_limit(name, size))

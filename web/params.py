"""Search parameters from a URL, shared by the pages, the JSON API and exports.

The names are the CLI's flags (`q` for the query), so a search moves between the
shell, the browser and a script without translation, and a URL is a bookmark.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request

from search.query import FIELDS, SORTS, QuerySyntaxError, SearchRequest, build_request

# Elasticsearch pages no further than its index.max_result_window (10,000 hits).
MAX_WINDOW = 10_000
PAGE_SIZE = 20
FILTERS = FIELDS  # person, place, year, language, source, status
# The time one search of a page or API call may take before it is stopped (exports,
# which may rightly take minutes, are held to the query limits instead).
QUERY_TIMEOUT_ENV = "HOMEWARD_QUERY_TIMEOUT_SECONDS"
DEFAULT_QUERY_TIMEOUT = 10.0
MAX_QUERY_TIMEOUT = 3600.0


def query_timeout_default(environ: Mapping[str, str] | None = None) -> float:
    """HOMEWARD_QUERY_TIMEOUT_SECONDS, or 10; ValueError naming the variable when it is
    not a number of seconds (so `homeward serve` stops at once, saying why)."""
    raw = (os.environ if environ is None else environ).get(QUERY_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_QUERY_TIMEOUT
    return check_query_timeout(raw, QUERY_TIMEOUT_ENV)


def check_query_timeout(value: str | float, name: str = "query_timeout") -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_QUERY_TIMEOUT:  # also refuses nan
        raise ValueError(
            f"{name} must be a number of seconds above 0 and at most {MAX_QUERY_TIMEOUT:g} "
            f"(e.g. 10), not {value!r}"
        )
    return seconds


@dataclass(slots=True)
class SearchParams:
    """A search as it sits in a URL; empty values (an empty form field) mean no filter."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    timeout: float | None = None  # the server's budget for one search (not in the URL)

    def request(
        self,
        limit: int,
        offset: int,
        facets: bool = True,
        highlight: bool = True,
        facet_size: int | None = None,
    ) -> SearchRequest:
        """The parsed request; `QuerySyntaxError` names the bad token or parameter (by
        its URL name: `since`, not the CLI's `--since`)."""
        if offset + limit > MAX_WINDOW:
            raise QuerySyntaxError(
                f"results past the first {MAX_WINDOW:,} are not paged; narrow the search "
                "or export it",
                str(offset),
                0,
            )
        values = self.filters
        try:
            request = build_request(
                self.q,
                person=values.get("person", []),
                place=values.get("place", []),
                year=list(values.get("year", [])),
                language=values.get("language", []),
                source=values.get("source", []),
                status=values.get("status", []),
                since=self.since or None,
                until=self.until or None,
                sort=self.sort,
                limit=limit,
                offset=offset,
                facets=facets,
                highlight=highlight,
                timeout=self.timeout,
            )
        except QuerySyntaxError as error:
            raise _without_flags(error) from None
        return dataclasses.replace(request, facet_size=facet_size)

    def described_filters(self) -> dict[str, list[str]]:
        """Filters as an export's title page lists them."""
        described = {name: values for name, values in self.filters.items() if values}
        for name in ("since", "until"):
            if value := getattr(self, name):
                described[name] = [value]
        return described

    def pairs(self) -> list[tuple[str, str]]:
        """The URL's query parameters, in a stable order."""
        pairs = [("q", self.q)] if self.q else []
        for name in FILTERS:
            pairs.extend((name, value) for value in self.filters.get(name, []))
        pairs.extend(
            (name, getattr(self, name)) for name in ("since", "until") if getattr(self, name)
        )
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        return pairs

    def url(self, path: str = "/search", **extra: str | int) -> str:
        pairs = self.pairs() + [(k, str(v)) for k, v in extra.items() if v not in ("", None)]
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def with_filter(self, name: str, value: str) -> SearchParams:
        filters = {k: list(v) for k, v in self.filters.items()}
        if value not in filters.setdefault(name, []):
            filters[name].append(value)
        return SearchParams(self.q, filters, self.since, self.until, self.sort, self.timeout)

    def without_filter(self, name: str, value: str) -> SearchParams:
        filters = {
            k: [v for v in values if not (k == name and v == value)]
            for k, values in self.filters.items()
        }
        return SearchParams(self.q, filters, self.since, self.until, self.sort, self.timeout)

    def with_dates(self, since: date, until: date) -> SearchParams:
        """The search narrowed to these days (a bar of the chart by date published)."""
        return SearchParams(
            self.q, self.filters, since.isoformat(), until.isoformat(), self.sort, self.timeout
        )

    def with_sort(self, sort: str) -> SearchParams:
        return SearchParams(self.q, self.filters, self.since, self.until, sort, self.timeout)

    def active(self) -> list[tuple[str, str]]:
        """Every filter value in force, as (parameter, value)."""
        return [(name, value) for name in FILTERS for value in self.filters.get(name, [])]

    def has(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, [])

    def is_empty(self) -> bool:
        return not self.pairs() or self.pairs() == [("sort", self.sort)]


# The CLI's flags in the query module's messages; the web names its parameters.
_FLAG = re.compile(r"--(since|until|person|place|year|language|source|status)\b")
# How the search form labels a parameter, for the message on the page.
FORM_LABELS = {"since": "The “From” date", "until": "The “To” date"}


def _without_flags(error: QuerySyntaxError) -> QuerySyntaxError:
    """The same error, naming URL parameters (`since`) where it named CLI flags."""
    error.reason = _FLAG.sub(r"\1", error.reason)
    error.args = (_FLAG.sub(r"\1", str(error.args[0])), *error.args[1:])
    return error


def form_message(error: QuerySyntaxError) -> str:
    """An error as the search form words it: a date field by its label, without the
    parser's "at position 1" (the form field holds the whole value)."""
    reason = error.reason
    name = next((n for n in FORM_LABELS if reason.startswith(f"{n} ")), None)
    if name is None:
        return str(error)
    return f"{FORM_LABELS[name]}{reason[len(name) :]}, not {error.token!r}."


def _clean(values: list[str] | None) -> list[str]:
    return [value.strip() for value in values or [] if value and value.strip()]


def search_params(
    request: Request,
    q: Annotated[
        str,
        Query(
            description='The query: words, "phrases", OR, -word, (groups) and the filters '
            "person: place: year: language: source:"
        ),
    ] = "",
    person: Annotated[
        list[str] | None, Query(description="Only articles naming this person (repeatable).")
    ] = None,
    place: Annotated[
        list[str] | None, Query(description="Only articles mentioning this place.")
    ] = None,
    year: Annotated[
        list[str] | None, Query(description="Only articles mentioning this year.")
    ] = None,
    language: Annotated[
        list[str] | None, Query(description="ISO 639-1 code, e.g. en or zh.")
    ] = None,
    source: Annotated[
        list[str] | None, Query(description="Only articles from this source.")
    ] = None,
    since: Annotated[str, Query(description="Published on or after (YYYY-MM-DD).")] = "",
    until: Annotated[str, Query(description="Published on or before (YYYY-MM-DD).")] = "",
    sort: Annotated[
        str,
        Query(
            description="relevance or date (empty: relevance).",
            json_schema_extra={"enum": [*SORTS, ""]},
        ),
    ] = "relevance",
) -> SearchParams:
    """FastAPI dependency: the search a URL describes."""
    filters = {
        "person": _clean(person),
        "place": _clean(place),
        "year": _clean(year),
        "language": _clean(language),
        "source": _clean(source),
    }
    return SearchParams(
        q=q.strip(),
        filters=filters,
        since=since.strip(),
        until=until.strip(),
        sort=sort or "relevance",
        timeout=getattr(request.app.state, "query_timeout", None),
    )

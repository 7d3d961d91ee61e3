"""Saved searches on the web: the "Save this search" button, their pages, their Atom
feeds and the JSON API (`/api/watches`).

Every scraped field reaches the page through Jinja's autoescaping and the feed through
feedgen, which escapes XML; titles go into the feed as plain text. The access token
rule is the middleware's (web/security.py), the same for the feed as for every page.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from feedgen.feed import FeedGenerator
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from homeward.article import Article
from search.archive import Archive
from search.query import MAX_FILTER_VALUES, MAX_QUERY_CHARS, MAX_VALUE_CHARS, QuerySyntaxError
from search.sets import NAME_MAX, SetError
from search.watches import Watch, WatchError, mark_seen, stored_since
from web.api import NAME_PATTERN, WRITE, Problem, answers, problems
from web.dependencies import ArchiveDep, CsrfGuard
from web.i18n import tr
from web.rendering import render, render_error

router = APIRouter()
FILTER_FORM = ("person", "place", "year", "language", "source", "status")


def _matches(archive: Archive, watch: Watch) -> list[tuple[Article, str]]:
    """The watch's remembered matches still in the archive, newest match first."""
    found = []
    for match in watch.matches:
        article = archive.get(match["id"])
        if article is not None:
            found.append((article, match["matched_at"]))
    return found


# --- pages -----------------------------------------------------------------------------------


@router.post("/watches", dependencies=[CsrfGuard], include_in_schema=False)
def save_search(
    request: Request,
    archive: ArchiveDep,
    name: Annotated[str, Form()],
    q: Annotated[str, Form()] = "",
    person: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
    place: Annotated[list[str], Form()] = [],  # noqa: B006
    year: Annotated[list[str], Form()] = [],  # noqa: B006
    language: Annotated[list[str], Form()] = [],  # noqa: B006
    source: Annotated[list[str], Form()] = [],  # noqa: B006
    status: Annotated[list[str], Form()] = [],  # noqa: B006
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
) -> Response:
    filters = {
        "person": person,
        "place": place,
        "year": year,
        "language": language,
        "source": source,
        "status": status,
        "since": since,
        "until": until,
    }
    try:
        created = archive.create_watch(Watch.new(name, q, filters))
    except (WatchError, SetError) as problem:  # SetError: a name that is empty once cleaned
        return render_error(request, 400, str(problem))
    return RedirectResponse(f"/watch/{created.id}", status_code=303)


@router.get("/watches", response_class=HTMLResponse, include_in_schema=False)
def watches_page(request: Request, archive: ArchiveDep) -> HTMLResponse:
    return render(request, "watches.html", watches=archive.list_watches())


@router.get("/watch/{watch_id}", response_class=HTMLResponse, include_in_schema=False)
def watch_page(request: Request, archive: ArchiveDep, watch_id: str) -> HTMLResponse:
    """The saved search's matches, those stored since the previous visit marked new;
    this visit becomes the previous one."""
    watch = archive.get_watch(watch_id)
    if watch is None:
        return _missing_watch(request)
    rows = [
        (article, matched_at, stored_since(article, watch.last_seen_at))
        for article, matched_at in _matches(archive, watch)
    ]
    response = render(request, "watch.html", watch=watch, rows=rows)
    archive.update_watch(watch.id, mark_seen)
    return response


@router.post("/watch/{watch_id}/delete", dependencies=[CsrfGuard], include_in_schema=False)
def delete_watch(archive: ArchiveDep, watch_id: str) -> Response:
    archive.delete_watch(watch_id)
    return RedirectResponse("/watches", status_code=303)


@router.get("/watch/{watch_id}/feed.atom", include_in_schema=False)
def watch_feed(request: Request, archive: ArchiveDep, watch_id: str) -> Response:
    watch = archive.get_watch(watch_id)
    if watch is None:
        return _missing_watch(request)
    base = str(request.base_url).rstrip("/")
    feed = FeedGenerator()
    feed.id(f"{base}/watch/{watch.id}")
    feed.title(_xml_text(f"Homeward: {watch.name}"))
    feed.subtitle(_xml_text(f"New articles matching {watch.shown()}"))
    feed.link(href=f"{base}/watch/{watch.id}/feed.atom", rel="self")
    feed.link(href=f"{base}/watch/{watch.id}", rel="alternate")
    feed.updated(watch.last_run_at or watch.created_at)
    for article, matched_at in reversed(_matches(archive, watch)):  # feedgen prepends
        entry = feed.add_entry()
        entry.id(f"{base}/articles/{article.id}")
        entry.title(_xml_text(article.title or article.url))  # plain text: feedgen escapes it
        # One link, to the archived copy (feedgen drops a second link's rel): the
        # publisher's page may have changed or gone; the article page links to it.
        entry.link(href=f"{base}/articles/{article.id}", rel="alternate")
        entry.updated(matched_at)
        if article.published:
            entry.published(_aware(article.published))
        summary = _xml_text((article.text or "")[:500])
        if summary:
            entry.summary(summary)
        if article.source:
            entry.author(name=_xml_text(article.source))
    return Response(feed.atom_str(pretty=True), media_type="application/atom+xml")


# Characters XML 1.0 cannot hold (lxml, under feedgen, refuses the whole feed for one):
# scraped text may carry any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _aware(value: str) -> str:
    return value if len(value) > 10 else f"{value}T00:00:00+00:00"


# --- JSON API ----------------------------------------------------------------------------------


FilterValue = Annotated[str, Field(max_length=MAX_VALUE_CHARS)]
FilterValues = Annotated[list[FilterValue], Field(max_length=MAX_FILTER_VALUES)]


class WatchFilters(BaseModel):
    """The search's filters, named as /api/search's parameters; no others are kept."""

    model_config = ConfigDict(extra="forbid")

    person: FilterValues = Field(default_factory=list)
    place: FilterValues = Field(default_factory=list)
    year: Annotated[list[StrictInt | FilterValue], Field(max_length=MAX_FILTER_VALUES)] = Field(
        default_factory=list, description="Four-digit years"
    )
    language: FilterValues = Field(default_factory=list)
    source: FilterValues = Field(default_factory=list)
    status: FilterValues = Field(default_factory=list)
    since: FilterValue = Field(default="", description="A date like 2024-05-01")
    until: FilterValue = Field(default="", description="A date like 2024-05-01")


class WatchCreate(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN)
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    filters: WatchFilters = Field(default_factory=WatchFilters)
    email: list[str] = Field(default_factory=list, max_length=20)
    webhook: str | None = Field(default=None, max_length=2_000)
    mask_names: StrictBool = False  # JSON true or false, as the schema says (not 0 or 1)


@router.get("/api/watches", tags=["api"], summary="Saved searches", responses=answers(list[Watch]))
def api_watches(archive: ArchiveDep) -> list[dict[str, Any]]:
    return [watch.to_dict() for watch in archive.list_watches()]


@router.post(
    "/api/watches",
    tags=["api"],
    status_code=201,
    summary="Save a search",
    responses=answers(Watch, *WRITE, 409, status=201),
)
def api_create_watch(archive: ArchiveDep, body: WatchCreate) -> dict[str, Any]:
    try:
        watch = Watch.new(
            body.name,
            body.q,
            body.filters.model_dump(exclude_defaults=True),
            email=body.email,
            webhook=body.webhook,
            mask_names=body.mask_names,
        )
    except (WatchError, SetError) as error:  # SetError: a name that is empty once cleaned
        raise _refused(error) from None
    try:
        return archive.create_watch(watch).to_dict()
    except WatchError as error:
        taken = any(w.name_key == watch.name_key for w in archive.list_watches())
        raise Problem(409 if taken else 400, str(error)) from None


def _refused(error: Exception) -> Problem:
    """A 400; a search that does not parse names its token, as /api/search does."""
    cause = error.__cause__
    if isinstance(cause, QuerySyntaxError):
        return Problem(
            400, str(error), reason=cause.reason, token=cause.token, position=cause.position
        )
    return Problem(400, str(error))


@router.delete(
    "/api/watches/{watch_id}",
    tags=["api"],
    status_code=204,
    summary="Delete one",
    responses=problems(403, 404),
)
def api_delete_watch(archive: ArchiveDep, watch_id: str) -> Response:
    if not archive.delete_watch(watch_id):
        raise Problem(404, f"no saved search with id {watch_id}")
    return Response(status_code=204)


def _missing_watch(request: Request) -> Response:
    return render_error(
        request, 404, tr(request, "No such saved search; it may have been deleted.")
    )

"""The server-rendered pages: search, article, sets, sign-in and the API reference.

No JavaScript: facets, sorting and paging are links, changes are plain forms
(each with a CSRF token), and every state of a search lives in its URL.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from exports.charts import (
    Bar,
    chart_table,
    column_chart,
    date_bars,
    place_map,
    summary_facts,
    with_links,
    year_bars,
)
from exports.formats import REPORT_TYPES, WRITERS
from homeward.clock import utc_now
from homeward.runs import sources_health, unhealthy_after_default
from search.archive import FACET_SIZE, Archive, SearchResult
from search.evidence import EvidenceError
from search.facets import DATE_FACET, MAX_FACET_SIZE
from search.highlight import highlight_all
from search.query import QuerySyntaxError, QueryTimeout, Segment, highlight_terms, parse
from search.sets import ArticleSet, SetChange, SetError, SetNotFound, restored_set
from web.dependencies import ArchiveDep, CsrfGuard, ParamsDep
from web.evidence import captured_page, warc_record
from web.history import version_views
from web.i18n import gettext_for, tr
from web.params import MAX_WINDOW, PAGE_SIZE, SearchParams, form_message
from web.rendering import flash, render, render_error, render_missing_article, render_missing_set
from web.security import (
    AUTH_COOKIE,
    CAPTURE_CSP,
    cookie_value,
    safe_next,
)
from web.visits import COOKIE_DAYS, VISIT_COOKIE, is_new, visit_of

router = APIRouter(include_in_schema=False)

# Facets as the page shows them: (facet in SearchResult, URL parameter, heading).
FACET_GROUPS = (
    ("names", "person", "People"),
    ("places", "place", "Places"),
    ("language", "language", "Language"),
    ("source", "source", "Source"),
)
# Values on one page of a facet's "more" list.
FACET_PAGE = 100


# --- search --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, archive: ArchiveDep, params: ParamsDep, page: int = 1
) -> HTMLResponse:
    page = max(page, 1)
    result: SearchResult | None = None
    error: QuerySyntaxError | QueryTimeout | None = None
    try:
        # One facet value more than shown: whether a facet has "more".
        request_ = params.request(PAGE_SIZE, (page - 1) * PAGE_SIZE, facet_size=FACET_SIZE + 1)
        result = archive.search(request_)
    except (QuerySyntaxError, QueryTimeout) as problem:
        error = problem
    visit = visit_of(request.cookies.get(VISIT_COOKIE), utc_now())
    hits = result.hits if result else []
    sets = archive.list_sets()
    last_page = _last_page(result)
    here = params.url(page=page) if page > 1 else params.url()
    response = render(
        request,
        "search.html",
        status=(422 if isinstance(error, QueryTimeout) else 400) if error else 200,
        params=params,
        result=result,
        error=error,
        error_message=(
            query_error_text(error, gettext_for(request))
            if isinstance(error, QuerySyntaxError)
            else error
        ),
        page=page,
        page_size=PAGE_SIZE,
        last_page=last_page,
        past_end=result is not None and result.total > 0 and not hits and page > last_page,
        facets=_facets(result, params),
        published=published_chart(result, params, gettext_for(request)),
        years=_year_chart(result, params, gettext_for(request)),
        sets=sets,
        in_sets=_memberships(sets, {hit.article.id for hit in hits}),
        back=urlencode({"back": here}),
        here=here,
        formats=list(WRITERS),
        report_formats=list(REPORT_TYPES),
        marks=archive.marks_for(hit.article.id for hit in hits),
        new_ids={hit.article.id for hit in hits if is_new(hit.article.fetched_at, visit)},
        previous_visit=visit.previous,
    )
    response.set_cookie(
        VISIT_COOKIE,
        visit.cookie,
        max_age=COOKIE_DAYS * 86_400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _last_page(result: SearchResult | None) -> int:
    if result is None:
        return 1
    return max(1, -(-min(result.total, MAX_WINDOW) // PAGE_SIZE))


def _memberships(sets: list[ArticleSet], article_ids: set[str]) -> dict[str, list[ArticleSet]]:
    """The sets each of these articles is in ("in set X" on a result)."""
    found: dict[str, list[ArticleSet]] = {}
    for article_set in sets:
        for item in article_set.items:
            if item.article_id in article_ids:
                found.setdefault(item.article_id, []).append(article_set)
    return found


def _facet_values(
    buckets: list[tuple[Any, int]], parameter: str, params: SearchParams
) -> list[dict[str, Any]]:
    """Each value with its count and the link that adds (or, when in force, removes) it."""
    values = []
    for value, count in buckets:
        value = str(value)
        active = params.has(parameter, value)
        changed = (
            params.without_filter(parameter, value)
            if active
            else params.with_filter(parameter, value)
        )
        values.append({"value": value, "count": count, "active": active, "url": changed.url()})
    return values


def _facets(result: SearchResult | None, params: SearchParams) -> list[dict[str, Any]]:
    """The facets as the page lists them: the first FACET_SIZE values, and a "more" link
    when the search found one more (it asks for FACET_SIZE + 1)."""
    if result is None:
        return []
    groups = []
    for facet, parameter, heading in FACET_GROUPS:
        buckets = result.facets.get(facet, [])
        if not buckets:
            continue
        groups.append(
            {
                "heading": heading,
                "parameter": parameter,
                "values": _facet_values(buckets[:FACET_SIZE], parameter, params),
                "more": params.url(f"/facets/{parameter}") if len(buckets) > FACET_SIZE else None,
            }
        )
    return groups


@router.get("/facets/{parameter}", response_class=HTMLResponse)
def facet_page(
    request: Request, archive: ArchiveDep, params: ParamsDep, parameter: str, offset: int = 0
) -> HTMLResponse:
    """Every value of one facet of a search, FACET_PAGE at a time: the facet's "more"."""
    groups = {group[1]: group for group in FACET_GROUPS}
    if parameter not in groups:
        return render_error(
            request, 404, tr(request, "There is no facet %(name)s to list.", name=repr(parameter))
        )
    facet, _, heading = groups[parameter]
    offset = min(max(offset, 0), MAX_FACET_SIZE - FACET_PAGE)
    try:
        request_ = params.request(0, 0, highlight=False, facet_size=offset + FACET_PAGE + 1)
        result = archive.search(request_)
    except (QuerySyntaxError, QueryTimeout) as problem:
        message = form_message(problem) if isinstance(problem, QuerySyntaxError) else problem
        return render_error(request, 400, str(message))
    buckets = result.facets.get(facet, [])
    shown = buckets[offset : offset + FACET_PAGE]
    return render(
        request,
        "facet.html",
        params=params,
        heading=heading,
        parameter=parameter,
        total=result.total,
        values=_facet_values(shown, parameter, params),
        offset=offset,
        previous=params.url(f"/facets/{parameter}", offset=max(0, offset - FACET_PAGE))
        if offset
        else None,
        next=params.url(f"/facets/{parameter}", offset=offset + FACET_PAGE)
        if len(buckets) > offset + FACET_PAGE and offset + FACET_PAGE < MAX_FACET_SIZE - 1
        else None,
    )


def published_chart(
    result: SearchResult | None, params: SearchParams, _: Callable[[str], str]
) -> Markup | None:
    """Matching articles by date published, a bar per day, week, month or year (by the
    span), empty periods shown; each bar links to the search narrowed to its dates."""
    if result is None or not result.facets.get(DATE_FACET):
        return None
    counts = {date.fromisoformat(day): count for day, count in result.facets[DATE_FACET]}
    unit, bars = date_bars(counts)
    bars = with_links(bars, lambda bar: params.with_dates(bar.start, bar.end).url())
    return _chart(bars, "published-chart", _("Articles by date published"), unit, _)


# The charts sit in the filter column (17rem): drawn at about that size, their labels read.
CHART_WIDTH, CHART_HEIGHT = 300, 150
# A bar of several years links to a search for each of them, up to this many.
MAX_YEARS_PER_BAR = 10


def _year_chart(
    result: SearchResult | None, params: SearchParams, _: Callable[[str], str]
) -> Markup | None:
    """The years the articles mention on a true year axis (a gap is a gap); a bar links
    to the search narrowed to its year (or years)."""
    if result is None or not result.facets.get("years"):
        return None
    bars = year_bars({int(year): count for year, count in result.facets["years"]})

    def narrowed(bar: Bar) -> str:
        years = range(bar.start.year, bar.end.year + 1)
        if len(years) > MAX_YEARS_PER_BAR:
            return ""
        changed = params
        for year in years:
            changed = changed.with_filter("year", str(year))
        return changed.url()

    bars = [bar if bar.href else replace(bar, href=None) for bar in with_links(bars, narrowed)]
    return _chart(bars, "years-chart", _("Years mentioned in the articles"), "year", _)


def _chart(
    bars: list[Bar], chart_id: str, title: str, unit: str, _: Callable[[str], str]
) -> Markup:
    """The chart (exports/charts.py) and its numbers as a table, folded away; its words
    in the reader's language (`_`: gettext of the request)."""
    period = {"day": _("Day"), "week": _("Week"), "month": _("Month"), "year": _("Year")}
    table = chart_table(bars, caption=title, period=period.get(unit, unit), noun=_("Articles"))
    return Markup(
        '{chart}<details class="chart-numbers"><summary>{numbers}</summary>{table}</details>'
    ).format(
        chart=column_chart(
            bars,
            chart_id=chart_id,
            title=title,
            description=_summary(bars, _),
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        ),
        table=table,
        numbers=_("The numbers"),
    )


def _summary(bars: list[Bar], _: Callable[[str], str]) -> str:
    """The chart's one sentence for screen readers, in the reader's language."""
    if not bars:
        return _("No articles.")
    facts = summary_facts(bars)
    facts["period"] = _(facts["period"])
    sentence = (
        _(
            "%(total)s articles from %(first)s to %(last)s, one bar per %(period)s; "
            "the most, %(most)s, in %(busiest)s."
        )
        % facts
    )
    if facts["empty"]:
        sentence += " " + _("%(empty)s of %(periods)s periods have none.") % facts
    return sentence


def query_error_text(error: QuerySyntaxError, _: Callable[[str], str]) -> str:
    """A query error as the search form shows it, in the reader's language: the
    parser's reason when the catalogue has it (the fixed ones do), else as written."""
    if form_message(error) != str(error):  # a date field, named by its label
        field = "since" if error.reason.startswith("since ") else "until"
        label = _("The “From” date") if field == "since" else _("The “To” date")
        return _("%(label)s needs a date like 2024-05-01, not %(value)s.") % {
            "label": label,
            "value": repr(error.token),
        }
    reason = _(error.reason)
    if error.args and error.args[0] == error.reason:  # a limit names no position
        return reason
    return _("%(reason)s at position %(position)s: %(token)s") % {
        "reason": reason,
        "position": error.position + 1,
        "token": repr(error.token),
    }


# --- articles -------------------------------------------------------------------------------


def _query_words(back: str) -> list[Segment]:
    """The words of the search a page was opened from (its `q`), to mark in the text."""
    query = parse_qs(urlsplit(back).query).get("q", [""])[0]
    try:
        return highlight_terms(parse(query)) if query.strip() else []
    except QuerySyntaxError:
        return []


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    request: Request, archive: ArchiveDep, article_id: str, back: str = ""
) -> HTMLResponse:
    """An article; `back` is the search it was opened from (a path on this site): its
    "← Search" returns there and the query's words are marked in the text."""
    back = safe_next(back, "/")
    article = archive.get(article_id)
    if article is None:
        return render_missing_article(request, article_id)
    sets = archive.list_sets()
    evidence_problem = None
    if article.evidence is not None:
        try:
            captured_page(article.evidence, request.app.state.evidence_dirs)
        except (EvidenceError, OSError) as problem:
            evidence_problem = str(problem)
    return render(
        request,
        "article.html",
        article=article,
        paragraphs=_marked_paragraphs(article.text, _query_words(back)),
        back=back,
        here=f"/articles/{article.id}" + (f"?{urlencode({'back': back})}" if back != "/" else ""),
        sets=sets,
        memberships=[(s, s.item(article.id)) for s in sets if s.item(article.id)],
        mark=archive.marks_for([article.id]).get(article.id),
        place_map=place_map(article.places),
        evidence_problem=evidence_problem,
        versions=version_views(article),
    )


def _marked_paragraphs(text: str, words: list[Segment]) -> list[Markup]:
    """The article's paragraphs, escaped, the query's words in <mark> (search/highlight.py)."""
    return [
        Markup(highlight_all(paragraph.strip(), words))  # noqa: S704 - escaped by highlight_all
        for paragraph in text.split("\n")
        if paragraph.strip()
    ]


@router.get("/articles/{article_id}/capture")
def capture(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    """The page as captured, for a sandboxed frame: its own CSP forbids every script,
    every fetch and every plugin, even when opened on its own in a tab."""
    article = archive.get(article_id)
    if article is None or article.evidence is None:
        return render_error(request, 404, tr(request, "No capture of this article is kept."))
    try:
        media_type, body = captured_page(article.evidence, request.app.state.evidence_dirs)
    except (EvidenceError, OSError) as problem:
        return render_error(
            request, 404, tr(request, "The capture cannot be read: %(problem)s", problem=problem)
        )
    return Response(
        body,
        headers={
            "Content-Type": media_type,
            "Content-Security-Policy": CAPTURE_CSP,
            "X-Frame-Options": "SAMEORIGIN",
        },
    )


@router.get("/articles/{article_id}/evidence.warc.gz")
def evidence_download(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    article = archive.get(article_id)
    if article is None or article.evidence is None:
        return render_error(request, 404, tr(request, "No capture of this article is kept."))
    try:
        record = warc_record(article.evidence, request.app.state.evidence_dirs)
    except (EvidenceError, OSError) as problem:
        return render_error(
            request, 404, tr(request, "The capture cannot be read: %(problem)s", problem=problem)
        )
    name = f"homeward-{article.id}.warc.gz"
    return Response(
        record,
        media_type="application/warc",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- sets ----------------------------------------------------------------------------------


@router.get("/sets", response_class=HTMLResponse)
def sets_page(request: Request, archive: ArchiveDep) -> HTMLResponse:
    return render(request, "sets.html", sets=archive.list_sets())


@router.get("/sets/{set_id}", response_class=HTMLResponse)
def set_page(request: Request, archive: ArchiveDep, set_id: str) -> HTMLResponse:
    found = archive.get_set(set_id)
    if found is None:
        return render_missing_set(request)
    items = [(item, archive.get(item.article_id)) for item in found.items]
    return render(
        request,
        "set.html",
        article_set=found,
        items=items,
        formats=list(WRITERS),
        report_formats=list(REPORT_TYPES),
    )


def _changed(
    request: Request, archive: Archive, set_id: str, change: SetChange, next_url: str
) -> Response:
    try:
        archive.update_set(set_id, change)
    except SetNotFound:
        return render_missing_set(request)
    except SetError as problem:
        return render_error(request, 400, str(problem))
    return RedirectResponse(safe_next(next_url, f"/sets/{set_id}"), status_code=303)


@router.post("/sets", dependencies=[CsrfGuard])
def create_set(
    request: Request,
    archive: ArchiveDep,
    name: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        created = archive.create_set(ArticleSet.new(name, note))
    except SetError as problem:
        return render_error(request, 400, str(problem))
    return RedirectResponse(f"/sets/{created.id}", status_code=303)


@router.post("/sets/add", dependencies=[CsrfGuard])
def add_to_set(
    request: Request,
    archive: ArchiveDep,
    article_id: Annotated[str, Form()] = "",
    set_id: Annotated[str, Form()] = "",
    new_set: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """From a search result or an article page: into a chosen set, or a new one."""
    if archive.get(article_id) is None:
        return render_missing_article(request, article_id)
    if new_set.strip() or not set_id:  # a name typed for a new set wins over the list
        try:
            set_id = archive.create_set(ArticleSet.new(new_set)).id
        except SetError as problem:
            return render_error(request, 400, str(problem))
    before: dict[str, str | None] = {}

    def add(article_set: ArticleSet) -> None:
        item = article_set.item(article_id)
        before["note"] = item.note if item else None
        article_set.add(article_id, note or None)

    response = _changed(request, archive, set_id, add, next)
    if isinstance(response, RedirectResponse):
        stored = archive.get_set(set_id)
        if stored is not None:
            flash(
                request, response, _added_message(request, stored, article_id, before.get("note"))
            )
    return response


def _added_message(
    request: Request, article_set: ArticleSet, article_id: str, note_before: str | None
) -> str:
    """What an add did, said on the page it returns to."""
    item = article_set.item(article_id)
    name = article_set.name
    if note_before is None:
        return tr(request, "Added to the set “%(name)s”.", name=name)
    if item is not None and item.note != note_before:
        return tr(
            request,
            "Already in the set “%(name)s”: your note was added below the earlier one "
            "(edit it on the set's page).",
            name=name,
        )
    return tr(request, "Already in the set “%(name)s”; nothing changed.", name=name)


@router.post("/sets/{set_id}/rename", dependencies=[CsrfGuard])
def rename_set(
    request: Request,
    archive: ArchiveDep,
    set_id: str,
    name: Annotated[str, Form()] = "",
) -> Response:
    return _changed(request, archive, set_id, lambda s: s.rename(name), "")


@router.post("/sets/{set_id}/note", dependencies=[CsrfGuard])
def describe_set(
    request: Request,
    archive: ArchiveDep,
    set_id: str,
    note: Annotated[str, Form()] = "",
) -> Response:
    return _changed(request, archive, set_id, lambda s: s.describe(note), "")


@router.post("/sets/{set_id}/delete", dependencies=[CsrfGuard])
def delete_set(request: Request, archive: ArchiveDep, set_id: str) -> Response:
    """Delete (the set page asks first), then a page that can undo it: it carries the
    deleted set's record in a form, so "Undo" puts it back whole, with its id."""
    found = archive.get_set(set_id)
    if found is None or not archive.delete_set(set_id):
        return render_missing_set(request)
    record = json.dumps(found.to_dict(), ensure_ascii=False)
    return render(request, "set_deleted.html", article_set=found, record=record)


@router.post("/sets/restore", dependencies=[CsrfGuard])
def restore_set(
    request: Request, archive: ArchiveDep, record: Annotated[str, Form()] = ""
) -> Response:
    """Undo a delete: the set as it was, from the record the deleted page carried."""
    try:
        article_set = restored_set(json.loads(record))
    except (ValueError, RecursionError) as problem:  # SetError and JSON's are ValueErrors
        return render_error(
            request, 400, tr(request, "The set cannot be restored: %(problem)s", problem=problem)
        )
    response = RedirectResponse(f"/sets/{article_set.id}", status_code=303)
    if archive.get_set(article_set.id) is not None:  # Undo pressed twice
        return flash(
            request,
            response,
            tr(request, "The set “%(name)s” is already back.", name=article_set.name),
        )
    try:
        archive.create_set(article_set)
    except SetError as problem:  # its name was taken since
        return render_error(
            request, 400, tr(request, "The set cannot be restored: %(problem)s", problem=problem)
        )
    return flash(
        request, response, tr(request, "The set “%(name)s” is back.", name=article_set.name)
    )


@router.post("/sets/{set_id}/items/{article_id}/note", dependencies=[CsrfGuard])
def annotate_item(
    request: Request,
    archive: ArchiveDep,
    set_id: str,
    article_id: str,
    note: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    return _changed(request, archive, set_id, lambda s: s.annotate(article_id, note), next)


@router.post("/sets/{set_id}/items/{article_id}/remove", dependencies=[CsrfGuard])
def remove_item(
    request: Request,
    archive: ArchiveDep,
    set_id: str,
    article_id: str,
    next: Annotated[str, Form()] = "",
) -> Response:
    return _changed(request, archive, set_id, lambda s: s.remove(article_id), next)


# --- sign-in (only when the server has an access token) -----------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=safe_next(next, "/"), failed=False)


@router.post("/login", dependencies=[CsrfGuard])
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected: str | None = request.app.state.token
    if expected is None:
        return RedirectResponse(safe_next(next, "/"), status_code=303)
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return render(request, "login.html", status=401, next=safe_next(next, "/"), failed=True)
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    response.set_cookie(
        AUTH_COOKIE,
        cookie_value(expected),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", dependencies=[CsrfGuard])
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(AUTH_COOKIE)
    return response


# --- the API reference ----------------------------------------------------------------------


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI description as a plain page (Swagger UI would need a CDN and scripts)."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "docs.html", schema=schema, operations=operations)


# --- source health ----------------------------------------------------------------------------


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, archive: ArchiveDep) -> HTMLResponse:
    """Each source of the recent runs with its health (homeward/runs.py), and the last runs."""
    threshold = unhealthy_after_default()
    health = sources_health(archive, unhealthy_after=threshold)
    order = {"failing": 0, "ok": 1, "never crawled": 2}
    health.sort(key=lambda item: (order[item.status], item.name.casefold()))
    return render(
        request,
        "sources.html",
        health=health,
        runs=archive.list_runs(limit=20),
        threshold=threshold,
    )

"""The server-rendered pages: search, article, sets, sign-in and the API reference.

No JavaScript: facets, sorting and paging are links, changes are plain forms
(each with a CSRF token), and every state of a search lives in its URL.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exports.charts import place_map, year_histogram
from exports.formats import REPORT_TYPES, WRITERS
from homeward.runs import sources_health, unhealthy_after_default
from search.archive import Archive, SearchResult
from search.evidence import EvidenceError
from search.query import QuerySyntaxError, QueryTimeout
from search.sets import ArticleSet, SetChange, SetError, SetNotFound
from web.dependencies import ArchiveDep, CsrfGuard, ParamsDep
from web.evidence import captured_page, warc_record
from web.history import version_views
from web.params import MAX_WINDOW, PAGE_SIZE, SearchParams
from web.rendering import render, render_error
from web.security import (
    AUTH_COOKIE,
    CAPTURE_CSP,
    cookie_value,
    safe_next,
)

router = APIRouter(include_in_schema=False)

# Facets as the page shows them: (facet in SearchResult, URL parameter, heading).
FACET_GROUPS = (
    ("names", "person", "People"),
    ("places", "place", "Places"),
    ("language", "language", "Language"),
    ("source", "source", "Source"),
)


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
        result = archive.search(params.request(PAGE_SIZE, (page - 1) * PAGE_SIZE))
    except (QuerySyntaxError, QueryTimeout) as problem:
        error = problem
    return render(
        request,
        "search.html",
        status=(422 if isinstance(error, QueryTimeout) else 400) if error else 200,
        params=params,
        result=result,
        error=error,
        page=page,
        page_size=PAGE_SIZE,
        last_page=_last_page(result),
        facets=_facets(result, params),
        years=_year_chart(result, params),
        sets=archive.list_sets(),
        formats=list(WRITERS),
        report_formats=list(REPORT_TYPES),
    )


def _last_page(result: SearchResult | None) -> int:
    if result is None:
        return 1
    return max(1, -(-min(result.total, MAX_WINDOW) // PAGE_SIZE))


def _facets(result: SearchResult | None, params: SearchParams) -> list[dict[str, Any]]:
    if result is None:
        return []
    groups = []
    for facet, parameter, heading in FACET_GROUPS:
        values = []
        for value, count in result.facets.get(facet, []):
            value = str(value)
            active = params.has(parameter, value)
            changed = (
                params.without_filter(parameter, value)
                if active
                else params.with_filter(parameter, value)
            )
            values.append({"value": value, "count": count, "active": active, "url": changed.url()})
        groups.append({"heading": heading, "parameter": parameter, "values": values})
    return groups


def _year_chart(result: SearchResult | None, params: SearchParams) -> Any:
    if result is None or not result.facets.get("years"):
        return None
    bars = []
    for year, count in sorted(result.facets["years"]):
        value = str(year)
        active = params.has("year", value)
        changed = (
            params.without_filter("year", value) if active else params.with_filter("year", value)
        )
        bars.append((value, count, changed.url(), active))
    return year_histogram(bars)


# --- articles -------------------------------------------------------------------------------


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, archive: ArchiveDep, article_id: str) -> HTMLResponse:
    article = archive.get(article_id)
    if article is None:
        return render_error(request, 404, f"No article with id {article_id} is in the archive.")
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
        paragraphs=[p.strip() for p in article.text.split("\n") if p.strip()],
        sets=sets,
        memberships=[(s, s.item(article.id)) for s in sets if s.item(article.id)],
        place_map=place_map(article.places),
        evidence_problem=evidence_problem,
        versions=version_views(article),
    )


@router.get("/articles/{article_id}/capture")
def capture(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    """The page as captured, for a sandboxed frame: its own CSP forbids every script,
    every fetch and every plugin, even when opened on its own in a tab."""
    article = archive.get(article_id)
    if article is None or article.evidence is None:
        return render_error(request, 404, "No capture of this article is kept.")
    try:
        media_type, body = captured_page(article.evidence, request.app.state.evidence_dirs)
    except (EvidenceError, OSError) as problem:
        return render_error(request, 404, f"The capture cannot be read: {problem}")
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
        return render_error(request, 404, "No capture of this article is kept.")
    try:
        record = warc_record(article.evidence, request.app.state.evidence_dirs)
    except (EvidenceError, OSError) as problem:
        return render_error(request, 404, f"The capture cannot be read: {problem}")
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
        return render_error(request, 404, "No such set; it may have been deleted.")
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
        return render_error(request, 404, "No such set; it may have been deleted.")
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
        return render_error(request, 404, f"No article with id {article_id} is in the archive.")
    if new_set.strip() or not set_id:  # a name typed for a new set wins over the list
        try:
            set_id = archive.create_set(ArticleSet.new(new_set)).id
        except SetError as problem:
            return render_error(request, 400, str(problem))
    return _changed(request, archive, set_id, lambda s: s.add(article_id, note or None), next)


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
def delete_set(archive: ArchiveDep, set_id: str) -> Response:
    archive.delete_set(set_id)
    return RedirectResponse("/sets", status_code=303)


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

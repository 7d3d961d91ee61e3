""" "Probably the same case": suggestions for an article or a set, as a page and as JSON.

The ranking is `search.same_case`; this module only serves it. Each suggestion on a
page says why (the shared names, places and years) and carries one-click forms that
POST to the existing `/sets/add` (CSRF included), so adding it to a set is one click.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from search.same_case import DEFAULT_LIMIT, Suggestion, same_case, same_case_for_set
from web.api import Problem, problems
from web.dependencies import ArchiveDep
from web.rendering import render, render_missing_article, render_missing_set

MAX_SUGGESTIONS = 50
LimitParam = Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)]

router = APIRouter()


@router.get(
    "/api/articles/{article_id}/same-case",
    tags=["api"],
    summary="Articles probably about the same case, ranked, with the shared names, "
    "places and years",
    responses=problems(404, 422),
)
def article_same_case_api(
    archive: ArchiveDep, article_id: str, limit: LimitParam = DEFAULT_LIMIT
) -> dict[str, Any]:
    article = archive.get(article_id)
    if article is None:
        raise Problem(404, f"no article with id {article_id}")
    return _json(same_case(archive, article, limit))


@router.get(
    "/api/sets/{set_id}/same-case",
    tags=["api"],
    summary="Articles probably about the same case as a set, its members left out",
    responses=problems(404, 422),
)
def set_same_case_api(
    archive: ArchiveDep, set_id: str, limit: LimitParam = DEFAULT_LIMIT
) -> dict[str, Any]:
    found = archive.get_set(set_id)
    if found is None:
        raise Problem(404, f"no set with id {set_id}")
    return _json(same_case_for_set(archive, found, limit))


@router.get(
    "/articles/{article_id}/same-case", response_class=HTMLResponse, include_in_schema=False
)
def article_same_case_page(
    request: Request, archive: ArchiveDep, article_id: str, limit: LimitParam = DEFAULT_LIMIT
) -> HTMLResponse:
    article = archive.get(article_id)
    if article is None:
        return render_missing_article(request, article_id)
    return render(
        request,
        "same_case.html",
        heading=article.title,
        heading_language=article.language,
        back_url=f"/articles/{article.id}",
        suggestions=same_case(archive, article, limit),
        sets=archive.list_sets(),
        next_url=f"/articles/{article.id}/same-case",
    )


@router.get("/sets/{set_id}/same-case", response_class=HTMLResponse, include_in_schema=False)
def set_same_case_page(
    request: Request, archive: ArchiveDep, set_id: str, limit: LimitParam = DEFAULT_LIMIT
) -> HTMLResponse:
    found = archive.get_set(set_id)
    if found is None:
        return render_missing_set(request)
    return render(
        request,
        "same_case.html",
        heading=found.name,
        heading_language=None,
        back_url=f"/sets/{found.id}",
        suggestions=same_case_for_set(archive, found, limit),
        sets=[found],  # for a set, the one click adds to that set
        next_url=f"/sets/{found.id}/same-case",
    )


def _json(suggestions: list[Suggestion]) -> dict[str, Any]:
    return {"suggestions": [s.to_dict() for s in suggestions]}

"""Triage marks on the web: the two buttons under each result and on an article page,
and the JSON API (`/api/marks`, `/api/articles/{id}/mark`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from search.archive import Archive
from search.triage import MAX_NOTE, SPELLINGS, TriageError, TriageMark
from web.api import WRITE, Problem, Text, answers, problems
from web.dependencies import ArchiveDep, CsrfGuard
from web.rendering import render_error, render_missing_article
from web.security import safe_next

router = APIRouter()
CLEAR = "clear"


def _marked(archive: Archive, article_id: str, verdict: str, note: str) -> TriageMark | None:
    """Keep (or, for `clear`, forget) the mark; the mark kept, None when cleared."""
    if verdict == CLEAR:
        archive.clear_mark(article_id)
        return None
    mark = TriageMark.new(article_id, verdict, note)
    archive.set_mark(mark)
    return mark


@router.post("/articles/{article_id}/mark", dependencies=[CsrfGuard], include_in_schema=False)
def mark_article(
    request: Request,
    archive: ArchiveDep,
    article_id: str,
    verdict: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """From a search result or an article page: relevant, not about this topic, or clear."""
    if archive.get(article_id) is None:
        return render_missing_article(request, article_id)
    try:
        _marked(archive, article_id, verdict, note)
    except TriageError as problem:
        return render_error(request, 400, str(problem))
    target = safe_next(next, f"/articles/{article_id}")
    return RedirectResponse(f"{target}#a-{article_id}" if "#" not in target else target, 303)


class MarkChange(BaseModel):
    verdict: Text = Field(
        description="relevant, off-topic (not about this topic) or clear",
        json_schema_extra={"enum": [*SPELLINGS, CLEAR]},  # parse_verdict's spellings
    )
    note: Text = Field(default="", max_length=MAX_NOTE, description="Why, optional")


class MarkAnswer(BaseModel):
    article_id: str
    mark: TriageMark | None = Field(description="The mark kept; null once cleared")


@router.get(
    "/api/marks",
    tags=["api"],
    summary="Every triage mark, oldest first",
    responses=answers(list[TriageMark]),
)
def api_marks(archive: ArchiveDep) -> list[dict[str, Any]]:
    return [mark.to_dict() for mark in archive.iter_marks()]


@router.put(
    "/api/articles/{article_id}/mark",
    tags=["api"],
    summary="Mark an article",
    responses=answers(MarkAnswer, *WRITE, 404),
)
def api_mark(archive: ArchiveDep, article_id: str, body: MarkChange) -> dict[str, Any]:
    if archive.get(article_id) is None:
        raise Problem(404, f"no article with id {article_id}")
    try:
        mark = _marked(archive, article_id, body.verdict, body.note)
    except TriageError as error:
        raise Problem(400, str(error)) from None
    return {"article_id": article_id, "mark": mark.to_dict() if mark else None}


@router.delete(
    "/api/articles/{article_id}/mark",
    tags=["api"],
    status_code=204,
    summary="Clear a mark",
    responses=problems(403, 404),
)
def api_clear_mark(archive: ArchiveDep, article_id: str) -> Response:
    if not archive.clear_mark(article_id):
        raise Problem(404, f"article {article_id} has no triage mark")
    return Response(status_code=204)

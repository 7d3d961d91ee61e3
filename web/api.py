"""The JSON API: the same searches, articles, sets and exports as the pages and the CLI.

`GET /api/search` returns exactly what `homeward search --json` prints. Errors are
`{"error": {"status", "message", ...}}` with 400 for bad input (a query error
also names its `token` and `position`; a query past the limits says which), 404
for unknown ids, 409 for a set name already taken, 422 for a search stopped at
the time budget; user input never causes a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field

from exports.formats import REPORT_TYPES, WRITERS
from exports.job import search_job, set_job
from search.archive import Archive
from search.query import MAX_LIMIT, QuerySyntaxError, QueryTimeout
from search.sets import ArticleSet, SetError, SetNameTaken, SetNotFound
from web.dependencies import ArchiveDep, ParamsDep
from web.params import SearchParams
from web.streaming import export_response

router = APIRouter(prefix="/api", tags=["api"])


class Problem(Exception):
    """An error answer: status, message and any details (e.g. the bad token)."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details

    def response(self) -> JSONResponse:
        body = {"status": self.status, "message": self.message, **self.details}
        body = {key: _printable(value) for key, value in body.items()}
        return JSONResponse({"error": body}, status_code=self.status)

    @classmethod
    def from_query(cls, error: QuerySyntaxError) -> Problem:
        return cls(400, str(error), reason=error.reason, token=error.token, position=error.position)

    @classmethod
    def from_timeout(cls, error: QueryTimeout) -> Problem:
        """422: the search, as asked, cannot be answered in time; a narrower one can."""
        return cls(422, str(error), reason="timeout", seconds=error.seconds)

    @classmethod
    def from_set(cls, error: SetError | SetNotFound) -> Problem:
        if isinstance(error, SetNotFound):
            return cls(404, str(error))
        return cls(409 if isinstance(error, SetNameTaken) else 400, str(error))


def _printable(value: Any) -> Any:
    """Text that can go out as UTF-8 JSON even if it echoes a lone surrogate back."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def problem_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, Problem)
    return error.response()


# --- search and articles -----------------------------------------------------------------


@router.get("/search", summary="Search the archive (the JSON of `homeward search --json`)")
def api_search(
    archive: ArchiveDep,
    params: ParamsDep,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    try:
        return archive.search(params.request(limit, offset)).to_dict()
    except QuerySyntaxError as error:
        raise Problem.from_query(error) from None
    except QueryTimeout as error:
        raise Problem.from_timeout(error) from None


@router.get("/articles/{article_id}", summary="One article record")
def api_article(archive: ArchiveDep, article_id: str) -> dict[str, Any]:
    article = archive.get(article_id)
    if article is None:
        raise Problem(404, f"no article with id {article_id}")
    return article.to_dict()


# --- sets ------------------------------------------------------------------------------


def _storable(value: str) -> str:
    """JSON may spell a lone surrogate (`"\\ud800"`), which no archive can store as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"a lone surrogate at position {error.start + 1} is not text") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]


class SetCreate(BaseModel):
    name: Text = Field(description="Unique name, e.g. the case")
    note: Text = ""


class SetChange(BaseModel):
    name: Text | None = None
    note: Text | None = None


class ItemChange(BaseModel):
    note: Text | None = Field(default=None, description="Note on this article in the set")


def _change_set(archive: Archive, set_id: str, change: Any) -> dict[str, Any]:
    try:
        return archive.update_set(set_id, change).to_dict()
    except (SetError, SetNotFound) as error:
        raise Problem.from_set(error) from None


@router.get("/sets", summary="Every article set, by name")
def api_sets(archive: ArchiveDep) -> dict[str, Any]:
    return {"sets": [article_set.to_dict() for article_set in archive.list_sets()]}


@router.post("/sets", status_code=201, summary="Create a set")
def api_create_set(archive: ArchiveDep, body: SetCreate) -> dict[str, Any]:
    try:
        return archive.create_set(ArticleSet.new(body.name, body.note)).to_dict()
    except SetError as error:
        raise Problem.from_set(error) from None


@router.get("/sets/{set_id}", summary="One set, with its articles' ids and notes")
def api_set(archive: ArchiveDep, set_id: str) -> dict[str, Any]:
    found = archive.get_set(set_id)
    if found is None:
        raise Problem(404, f"no set with id {set_id}")
    return found.to_dict()


@router.patch("/sets/{set_id}", summary="Rename a set or change its note")
def api_change_set(archive: ArchiveDep, set_id: str, body: SetChange) -> dict[str, Any]:
    def change(article_set: ArticleSet) -> None:
        if body.name is not None:
            article_set.rename(body.name)
        if body.note is not None:
            article_set.describe(body.note)

    return _change_set(archive, set_id, change)


@router.delete("/sets/{set_id}", status_code=204, summary="Delete a set (not its articles)")
def api_delete_set(archive: ArchiveDep, set_id: str) -> Response:
    if not archive.delete_set(set_id):
        raise Problem(404, f"no set with id {set_id}")
    return Response(status_code=204)


@router.put(
    "/sets/{set_id}/articles/{article_id}", summary="Add an article to a set, or change its note"
)
def api_add_to_set(
    archive: ArchiveDep, set_id: str, article_id: str, body: ItemChange | None = None
) -> dict[str, Any]:
    if archive.get(article_id) is None:
        raise Problem(404, f"no article with id {article_id}")
    note = body.note if body else None
    return _change_set(archive, set_id, lambda s: s.add(article_id, note))


@router.delete("/sets/{set_id}/articles/{article_id}", summary="Remove an article from a set")
def api_remove_from_set(archive: ArchiveDep, set_id: str, article_id: str) -> dict[str, Any]:
    found = archive.get_set(set_id)
    if found is None:
        raise Problem(404, f"no set with id {set_id}")
    if found.item(article_id) is None:
        raise Problem(404, f"article {article_id} is not in the set {found.name!r}")
    return _change_set(archive, set_id, lambda s: s.remove(article_id))


# --- exports -----------------------------------------------------------------------------


@router.get("/export", summary="Download a search or a set as csv, xlsx, jsonl or report")
def api_export(
    archive: ArchiveDep,
    params: ParamsDep,
    format: Annotated[str, Query(description=", ".join(WRITERS))] = "csv",
    report_format: Annotated[str, Query(description="html or pdf (for report)")] = "html",
    mask_names: Annotated[bool, Query(description="People's names as initials")] = False,
    set: Annotated[str, Query(description="Export this set (id or name), not a search")] = "",
) -> Response:
    return build_export(archive, params, format, report_format, mask_names, set)


def build_export(
    archive: Archive,
    params: SearchParams,
    format_name: str,
    report_format: str,
    mask_names: bool,
    set_ref: str,
) -> Response:
    """Everything is checked before the first byte goes out: errors are still clean 4xx."""
    if format_name not in WRITERS:
        raise Problem(400, f"unknown format {format_name!r}; use one of {', '.join(WRITERS)}")
    if report_format not in REPORT_TYPES:
        raise Problem(400, f"unknown report_format {report_format!r}; use html or pdf")
    options = {"mask_names": mask_names, "report_format": report_format}
    if set_ref:
        if not params.is_empty():
            raise Problem(400, "export either a set or a search, not both")
        found = archive.find_set(set_ref)
        if found is None:
            raise Problem(404, f"no set with id or name {set_ref!r}")
        return export_response(set_job(archive, found, **options), format_name)
    try:
        request = params.request(limit=0, offset=0, facets=False, highlight=False)
    except QuerySyntaxError as error:
        raise Problem.from_query(error) from None
    job = search_job(archive, request, params.described_filters(), **options)
    return export_response(job, format_name)

"""The JSON API: the same searches, articles, sets and exports as the pages and the CLI.

`GET /api/search` returns exactly what `homeward search --json` prints. Errors are
`{"error": {"status", "message", ...}}` with 400 for bad input (a query error
also names its `token` and `position`; a query past the limits says which), 404
for unknown ids, 409 for a set name already taken, 422 for a search stopped at
the time budget; user input never causes a 500.

Every route declares each status it can answer (`problems`), in that one shape
(`ProblemBody`), so the OpenAPI description at /openapi.json is the truth a client
can rely on; tests/test_openapi.py holds it to that with Schemathesis.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from exports.formats import REPORT_TYPES, WRITERS
from exports.job import search_job, set_job
from search.archive import FACET_SIZE, Archive
from search.facets import MAX_FACET_SIZE
from search.query import MAX_LIMIT, QuerySyntaxError, QueryTimeout
from search.sets import NAME_MAX, NOTE_MAX, ArticleSet, SetError, SetNameTaken, SetNotFound
from web.dependencies import ArchiveDep, ParamsDep
from web.params import MAX_WINDOW, SearchParams
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


# --- what the OpenAPI description says of errors ---------------------------------------------


class ProblemDetail(BaseModel):
    """One error: its status and a sentence saying what to do; a query error adds the
    parser's `reason`, the bad `token` and its `position`, a timeout its `seconds`."""

    model_config = ConfigDict(extra="allow")

    status: int = Field(description="The HTTP status, repeated")
    message: str = Field(description="What went wrong and what to do instead")
    reason: str | None = Field(default=None, description="The rule the input broke")
    token: str | None = Field(default=None, description="The bad part of a query")
    position: int | None = Field(default=None, description="Where it starts (0-based)")
    seconds: float | None = Field(default=None, description="The time budget a search ran out of")


class ProblemBody(BaseModel):
    """Every error answer of the API, whatever its status."""

    error: ProblemDetail


# Why each error status happens; every route names the ones it can answer.
WHY = {
    400: "Bad input: a parameter or body the API cannot use, a query that does not parse "
    "(the answer names the `token` and `position`), or a rule across parameters the "
    "schema cannot say (e.g. `offset` + `limit` past 10,000); also a host name this "
    "server does not answer to",
    401: "An access token is needed (the server runs with HOMEWARD_TOKEN): send "
    "`Authorization: Bearer <token>`",
    403: "A cross-site request may not change the archive",
    404: "No such article, set or saved search",
    409: "The name is already taken",
    415: "The body is not `application/json`",
    422: "The search was stopped at the server's time budget (narrow it), or a stored "
    "article record cannot be read",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each error status it answers, in the Problem shape.
    Every route may answer 400 (bad input, or a host not served) and 401 (a token
    is needed); a route that changes the archive may also answer 403 and 415."""
    return {
        status: {"model": ProblemBody, "description": WHY[status]}
        for status in sorted({400, 401, *statuses})
    }


# The statuses a route that takes a JSON body to change the archive adds
# (web/security.py answers them before the route runs).
WRITE = (403, 415)


def answers(model: Any, *statuses: int, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """`problems`, and the success answer described by `model` (a dataclass the route
    sends as `to_dict()`, so the description is read from the code that makes it)."""
    return {status: {"model": model}, **problems(*statuses)}


# --- search and articles -----------------------------------------------------------------


@router.get(
    "/search",
    summary="Search the archive (the JSON of `homeward search --json`)",
    responses=problems(422),
)
def api_search(
    archive: ArchiveDep,
    params: ParamsDep,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Hits on this page")] = 20,
    offset: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_WINDOW,
            description=f"Hits to skip; `offset` + `limit` may not pass {MAX_WINDOW:,} "
            "(narrow the search or export it)",
        ),
    ] = 0,
    facet_size: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_FACET_SIZE,
            description="Values per facet (most frequent first); /api/facets/{facet} pages on.",
        ),
    ] = FACET_SIZE,
) -> dict[str, Any]:
    try:
        return archive.search(params.request(limit, offset, facet_size=facet_size)).to_dict()
    except QuerySyntaxError as error:
        raise Problem.from_query(error) from None
    except QueryTimeout as error:
        raise Problem.from_timeout(error) from None


@router.get("/articles/{article_id}", summary="One article record", responses=problems(404, 422))
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


# A name needs one character that is neither a space nor a control character (those
# are dropped when the name is stored): said in the schema as the code enforces it.
NAME_PATTERN = r"[^\s\x00-\x1f\x7f]"
# (The limits go before Text's validator: pydantic describes no limit checked after one.)
Name = Annotated[
    str,
    Field(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN),
    AfterValidator(_storable),
]
Note = Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_storable)]


class SetCreate(BaseModel):
    name: Name = Field(description="Unique name, e.g. the case")
    note: Note = ""


class SetChange(BaseModel):
    name: Name | None = None
    note: Note | None = None


class ItemChange(BaseModel):
    note: Note | None = Field(default=None, description="Note on this article in the set")


def _change_set(archive: Archive, set_id: str, change: Any) -> dict[str, Any]:
    try:
        return archive.update_set(set_id, change).to_dict()
    except (SetError, SetNotFound) as error:
        raise Problem.from_set(error) from None


class SetList(BaseModel):
    sets: list[ArticleSet]


@router.get("/sets", summary="Every article set, by name", responses=answers(SetList))
def api_sets(archive: ArchiveDep) -> dict[str, Any]:
    return {"sets": [article_set.to_dict() for article_set in archive.list_sets()]}


@router.post(
    "/sets",
    status_code=201,
    summary="Create a set",
    responses=answers(ArticleSet, *WRITE, 409, status=201),
)
def api_create_set(archive: ArchiveDep, body: SetCreate) -> dict[str, Any]:
    try:
        return archive.create_set(ArticleSet.new(body.name, body.note)).to_dict()
    except SetError as error:
        raise Problem.from_set(error) from None


@router.get(
    "/sets/{set_id}",
    summary="One set, with its articles' ids and notes",
    responses=answers(ArticleSet, 404),
)
def api_set(archive: ArchiveDep, set_id: str) -> dict[str, Any]:
    found = archive.get_set(set_id)
    if found is None:
        raise Problem(404, f"no set with id {set_id}")
    return found.to_dict()


@router.patch(
    "/sets/{set_id}",
    summary="Rename a set or change its note",
    responses=answers(ArticleSet, *WRITE, 404, 409),
)
def api_change_set(archive: ArchiveDep, set_id: str, body: SetChange) -> dict[str, Any]:
    def change(article_set: ArticleSet) -> None:
        if body.name is not None:
            article_set.rename(body.name)
        if body.note is not None:
            article_set.describe(body.note)

    return _change_set(archive, set_id, change)


@router.delete(
    "/sets/{set_id}",
    status_code=204,
    summary="Delete a set (not its articles)",
    responses=problems(403, 404),
)
def api_delete_set(archive: ArchiveDep, set_id: str) -> Response:
    if not archive.delete_set(set_id):
        raise Problem(404, f"no set with id {set_id}")
    return Response(status_code=204)


@router.put(
    "/sets/{set_id}/articles/{article_id}",
    summary="Add an article to a set; a new note goes below its earlier one",
    responses=answers(ArticleSet, *WRITE, 404, 422),
)
def api_add_to_set(
    archive: ArchiveDep, set_id: str, article_id: str, body: ItemChange | None = None
) -> dict[str, Any]:
    if archive.get(article_id) is None:
        raise Problem(404, f"no article with id {article_id}")
    note = body.note if body else None
    return _change_set(archive, set_id, lambda s: s.add(article_id, note))


@router.delete(
    "/sets/{set_id}/articles/{article_id}",
    summary="Remove an article from a set",
    responses=answers(ArticleSet, 403, 404),
)
def api_remove_from_set(archive: ArchiveDep, set_id: str, article_id: str) -> dict[str, Any]:
    found = archive.get_set(set_id)
    if found is None:
        raise Problem(404, f"no set with id {set_id}")
    if found.item(article_id) is None:
        raise Problem(404, f"article {article_id} is not in the set {found.name!r}")
    return _change_set(archive, set_id, lambda s: s.remove(article_id))


# --- exports -----------------------------------------------------------------------------


def _export_types() -> dict[str, dict[str, Any]]:
    """The media types an export answers with, each a file (read from the one registry,
    so a new format is declared as it is added)."""
    types = [w.media_type for w in WRITERS.values()] + [t for t, _ in REPORT_TYPES.values()]
    plain = dict.fromkeys(t.split(";")[0].strip() for t in types)
    return {t: {"schema": {"type": "string", "format": "binary"}} for t in plain}


@router.get(
    "/export",
    summary="Download a search or a set as csv, xlsx, jsonl or report",
    response_class=Response,
    responses={
        200: {
            "description": "The file, named by Content-Disposition: csv, jsonl, xlsx, or "
            "the report as HTML or PDF",
            "content": _export_types(),
        },
        **problems(404, 422),
    },
)
def api_export(
    archive: ArchiveDep,
    params: ParamsDep,
    format: Annotated[
        str, Query(description=", ".join(WRITERS), json_schema_extra={"enum": list(WRITERS)})
    ] = "csv",
    report_format: Annotated[
        str,
        Query(
            description="html or pdf (for report)",
            json_schema_extra={"enum": list(REPORT_TYPES)},
        ),
    ] = "html",
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
            raise Problem(400, "export either a set or a search, not both", reason="set and search")
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

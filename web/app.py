"""The web application: search pages and the JSON API over one archive.

`create_app` is the only entry point (`homeward serve` and the tests call it).
Route functions are plain `def`s: FastAPI runs them in its thread pool, which is
the async facade over the synchronous archive; they stay thin adapters around
`Archive`, the query language and the export writers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeward.article import ArticleError
from homeward.runs import unhealthy_after_default
from search.open import open_archive
from search.query import QuerySyntaxError, QueryTimeout
from web import api, entities, facets, i18n, pages, triage, watches
from web.cases import router as same_case_router
from web.dependencies import CsrfRefused
from web.evidence import evidence_dirs
from web.params import check_query_timeout, query_timeout_default
from web.rendering import make_templates, render_error
from web.security import LOOPBACK_HOSTS, check_token, is_api, make_middleware

DESCRIPTION = """Search the Homeward archive of reporting on child abduction and child
trafficking, read articles with their evidence copies, keep article sets, and export.
Parameters are named as the `homeward` command's flags; `q` is the query."""


def create_app(
    archive_url: str | None,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] | None = None,
    query_timeout: float | None = None,
) -> FastAPI:
    """The app for the archive at `archive_url` (see `open_archive`).

    With a `token`, every page and API call needs it and any host name is served;
    without one, only loopback host names are answered (`allowed_hosts` overrides).
    A search may take `query_timeout` seconds (default: HOMEWARD_QUERY_TIMEOUT_SECONDS,
    else 10) before it is stopped with a 422 saying to narrow it.
    """
    token = check_token(token)
    unhealthy_after_default()  # a bad HOMEWARD_UNHEALTHY_AFTER stops `serve` at once, named
    if query_timeout is None:
        query_timeout = query_timeout_default()  # a bad value stops `serve` at once, named
    else:
        query_timeout = check_query_timeout(query_timeout)
    archive = open_archive(archive_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        archive.close()

    app = FastAPI(
        title="Homeward",
        description=DESCRIPTION,
        version="0.1.0",
        docs_url=None,  # /docs is rendered by us: no CDN scripts, works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.archive = archive
    app.state.evidence_dirs = evidence_dirs(archive.url)
    app.state.templates = make_templates()
    app.state.token = token
    app.state.query_timeout = query_timeout
    if allowed_hosts is None and token is None:
        allowed_hosts = LOOPBACK_HOSTS
    app.middleware("http")(make_middleware(token, allowed_hosts))
    app.add_middleware(HeadAsGet)  # outermost: the guard sees a HEAD as the GET it is
    static = resources.files("web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(same_case_router)
    app.include_router(watches.router)
    app.include_router(triage.router)
    app.include_router(i18n.router)
    app.include_router(entities.router)
    app.include_router(facets.router)
    _add_error_handlers(app)
    app.openapi = truthful_openapi(app)  # type: ignore[method-assign]
    return app


def truthful_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's OpenAPI description without the 422 "Validation Error" it adds to
    every route with parameters: this app answers bad input with 400 in the Problem
    shape (`_add_error_handlers`), and each route declares its own statuses
    (`api.problems`), a 422 only where one can happen."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    if _fastapi_validation_error(operation.get("responses", {}).get("422")):
                        del operation["responses"]["422"]
                    for parameter in operation.get("parameters", []):
                        _without_null(parameter)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def _without_null(parameter: dict[str, Any]) -> None:
    """A query parameter is text or absent, never null: `list[str] | None` (a repeatable
    filter) is described as the array it is."""
    schema = parameter.get("schema", {})
    branches = schema.get("anyOf", [])
    kept = [branch for branch in branches if branch.get("type") != "null"]
    if parameter.get("in") == "query" and len(kept) == 1 < len(branches):
        del schema["anyOf"]
        schema.update(kept[0])


def _fastapi_validation_error(response: dict[str, Any] | None) -> bool:
    ref = (response or {}).get("content", {}).get("application/json", {}).get("schema", {})
    return ref.get("$ref", "").endswith("/HTTPValidationError")


def _add_error_handlers(app: FastAPI) -> None:
    """User input never gives a 500: bad parameters are 400, unknown paths 404, as JSON
    under /api and as a page elsewhere."""

    app.add_exception_handler(api.Problem, api.problem_handler)

    @app.exception_handler(QuerySyntaxError)
    async def bad_query(request: Request, error: QuerySyntaxError) -> Response:
        if is_api(request):
            return api.Problem.from_query(error).response()
        return render_error(request, 400, f"Query error: {error}")

    @app.exception_handler(ArticleError)
    async def unreadable_record(request: Request, error: ArticleError) -> Response:
        # A stored record that breaks the Article contract (written by an older release
        # or by hand): said as such, with what is wrong, never a 500.
        message = f"an article record in the archive cannot be read: {error}; import it again"
        return _error(request, 422, message)

    @app.exception_handler(QueryTimeout)
    async def too_slow(request: Request, error: QueryTimeout) -> Response:
        if is_api(request):
            return api.Problem.from_timeout(error).response()
        return render_error(request, 422, str(error))

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused) -> Response:
        return render_error(request, 403, str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
            for e in error.errors()
        )
        return _error(request, 400, f"bad request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:  # RFC 9110 15.5.6: a 405 says which methods work
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "GET, HEAD")
        return _error(request, error.status_code, str(error.detail), headers)


# The methods a route of this app can answer (HEAD is GET's, see HeadAsGet).
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path, for a 405's `Allow`. Starlette
    names only the first route that matched the path, and FastAPI makes one route
    per method, so `GET /api/sets` hid `POST /api/sets`: each method is asked of
    every route instead. Static files (a Mount) answer for themselves."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    allowed = [
        method
        for method in METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]
    if "GET" in allowed:
        allowed.insert(1, "HEAD")
    return ", ".join(allowed)


class HeadAsGet:
    """HEAD answered as GET without the body (RFC 9110 9.3.2): same status and headers,
    for every GET page and API call. FastAPI routes answer only the methods they
    name, so without this a HEAD (link checkers, monitors, curl -I) got 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def send_headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.body":
                if ended:
                    return
                ended = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if is_api(request):
        body = {"error": {"status": status, "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)
    response = render_error(request, status, message)
    response.headers.update(headers or {})
    return response

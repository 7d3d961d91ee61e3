"""The web application: search pages and the JSON API over one archive.

`create_app` is the only entry point (`homeward serve` and the tests call it).
Route functions are plain `def`s: FastAPI runs them in its thread pool, which is
the async facade over the synchronous archive; they stay thin adapters around
`Archive`, the query language and the export writers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeward.article import ArticleError
from homeward.runs import unhealthy_after_default
from search.open import open_archive
from search.query import QuerySyntaxError, QueryTimeout
from web import api, pages, watches
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
    _add_error_handlers(app)
    return app


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
        return _error(request, error.status_code, str(error.detail))


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


def _error(request: Request, status: int, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    return render_error(request, status, message)

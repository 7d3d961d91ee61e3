"""What stands between the archive and a hostile web: access token, CSRF, headers.

The archive holds searches about missing children and the notes of the people
looking for them; scraped pages are written by strangers. So:

- Bound to this computer (the default) the server answers only to loopback host
  names, which stops DNS-rebinding pages from reading it. On any other address
  it needs `HOMEWARD_TOKEN`: API clients send `Authorization: Bearer <token>`,
  browsers sign in once and keep an HttpOnly, SameSite=Strict cookie.
- Every form that changes something carries a CSRF token that must match the
  one in the visitor's cookie (OWASP's double-submit pattern), and cross-site
  requests (Sec-Fetch-Site / Origin) are refused outright. JSON API writes must
  be `application/json`, which a cross-site form cannot send without CORS.
- Every response carries a strict Content-Security-Policy (no scripts at all,
  no framing), `nosniff`, and a `same-origin` referrer policy, so a search never
  leaks to the news sites an advocate clicks through to (outbound links also say
  `rel=noreferrer`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse

TOKEN_ENV = "HOMEWARD_TOKEN"  # noqa: S105 - the variable's name, not a secret
TOKEN_MIN_LENGTH = 16
TOKEN_MIN_DISTINCT = 8  # "aaaaaaaaaaaaaaaa" is 16 characters and no secret
TOKEN_ADVICE = (
    f"use at least {TOKEN_MIN_LENGTH} random characters "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe())')"
)
AUTH_COOKIE = "homeward_auth"
CSRF_COOKIE = "homeward_csrf"
CSRF_FIELD = "csrf"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Reachable without the token: the sign-in page and the style sheet it uses.
PUBLIC_PATHS = ("/login", "/static/")

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# A captured page: shown only inside our own sandboxed frame, never able to run anything.
CAPTURE_CSP = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> str | None:
    """The configured token, or ValueError naming what is wrong with it: blank, with
    white space or control characters in it (a Bearer header could never carry it
    whole), too short, or too few different characters to guess slowly."""
    if token is None or token == "":
        return None
    if not token.strip():
        raise ValueError(f"{TOKEN_ENV} is blank (only spaces); {TOKEN_ADVICE}")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError(
            f"{TOKEN_ENV} holds spaces or control characters (a stray newline?); {TOKEN_ADVICE}"
        )
    if len(token) < TOKEN_MIN_LENGTH:
        raise ValueError(f"{TOKEN_ENV} is too short: {TOKEN_ADVICE}")
    if len(set(token)) < TOKEN_MIN_DISTINCT:
        raise ValueError(
            f"{TOKEN_ENV} is too weak: it repeats {len(set(token))} characters; {TOKEN_ADVICE}"
        )
    return token


def cookie_value(token: str) -> str:
    """What the sign-in cookie holds: a digest, so the token itself never sits in a cookie."""
    return hmac.new(token.encode(), b"homeward-browser-session", hashlib.sha256).hexdigest()


def authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and hmac.compare_digest(
        header[7:].strip().encode(), token.encode()
    ):
        return True
    cookie = request.cookies.get(AUTH_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), cookie_value(token).encode())


def cross_site(request: Request) -> bool:
    """A request another site's page made: the browser says so (Sec-Fetch-Site), or its
    Origin is another host. An opaque (`null`) Origin counts as foreign unless the
    browser vouches that the request is same-origin."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin == "null":
        return fetch_site != "same-origin"
    if origin:
        try:
            return urlsplit(origin).netloc != request.headers.get("host", "")
        except ValueError:  # not a URL ("http://["): no page of this site sent it
            return True
    return False


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def refusal(request: Request, status: int, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    return PlainTextResponse(message, status_code=status)


def csrf_token(request: Request) -> str:
    """This visitor's CSRF token (made on first sight; the middleware stores it in a cookie)."""
    token = getattr(request.state, "csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf = token
    return token


def csrf_valid(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def safe_next(target: str | None, default: str) -> str:
    """A redirect target that stays on this site (no `//host` or `\\host` tricks)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\\\r\n"):
        return default
    return target


def make_middleware(token: str | None, allowed_hosts: tuple[str, ...] | None):
    """One HTTP middleware doing, in order: host check, cross-site refusal, sign-in,
    JSON-only API writes; then headers and the CSRF cookie on the way out."""

    async def middleware(request: Request, call_next: Handler) -> Response:
        response = await _guard(request, call_next)
        _secure(request, response)
        return response

    async def _guard(request: Request, call_next: Handler) -> Response:
        host = request.url.hostname or ""
        if allowed_hosts is not None and host not in allowed_hosts:
            return refusal(
                request,
                400,
                f"this server answers only to {', '.join(allowed_hosts)}; "
                "set HOMEWARD_TOKEN to serve other host names",
            )
        if request.method in UNSAFE_METHODS and cross_site(request):
            return refusal(request, 403, "cross-site requests cannot change the archive")
        path = request.url.path
        if (
            token is not None
            and not path.startswith(PUBLIC_PATHS)
            and not authorised(request, token)
        ):
            if is_api(request) or request.method != "GET":
                return refusal(request, 401, "an access token is needed (Authorization: Bearer)")
            return RedirectResponse(f"/login?next={_quoted(request)}", status_code=303)
        if (
            is_api(request)
            and request.method in {"POST", "PUT", "PATCH"}
            and has_body(request)
            and not request.headers.get("content-type", "").startswith("application/json")
        ):
            return refusal(request, 415, "send the request body as application/json")
        return await call_next(request)

    return middleware


def has_body(request: Request) -> bool:
    """Whether a request says it carries a body (a Content-Length that is not 0, even
    one that is not a number, or a chunked transfer)."""
    length = request.headers.get("content-length", "").strip()
    return length not in ("", "0") or "transfer-encoding" in request.headers


def _quoted(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(target, safe="")


def _secure(request: Request, response: Response) -> None:
    for name, value in COMMON_HEADERS.items():
        response.headers.setdefault(name, value)
    if "content-security-policy" not in response.headers:
        response.headers["Content-Security-Policy"] = PAGE_CSP
        response.headers["X-Frame-Options"] = "DENY"
    made = getattr(request.state, "csrf", None)
    if made and request.cookies.get(CSRF_COOKIE) != made:
        response.set_cookie(
            CSRF_COOKIE, made, httponly=True, samesite="strict", secure=_https(request)
        )


def _https(request: Request) -> bool:
    return request.url.scheme == "https"

"""Templates and the few filters they use. Jinja autoescapes everything; the only
markup that reaches a page unescaped is ours (charts, and `<mark>` in snippets)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from homeward.article import parse_published
from web.i18n import install as install_translations
from web.i18n import request_locale, tr
from web.security import CSRF_FIELD, csrf_token

LANGUAGES = {"en": "English", "zh": "中文"}
# A message for the next page shown ("Added to the set …"): a cookie read once, so a
# redirect after a form can confirm what it did without a parameter left in the URL.
FLASH_COOKIE = "homeward_flash"
FLASH_MAX = 600  # characters kept of a message
_NOT_MARK = re.compile(r"<(?!/?mark>)")


def snippet(highlight: str | None) -> Markup:
    """A backend's highlight (already escaped, matches in <mark>) made safe to show even
    if a backend ever failed to escape: any tag other than <mark> is neutralised."""
    return Markup(_NOT_MARK.sub("&lt;", highlight or ""))  # noqa: S704 - sanitised above


def day(value: str | None) -> str:
    """An ISO date or datetime as the day it names (UTC), for lists and tables."""
    if not value:
        return ""
    try:
        return parse_published(value).date().isoformat()
    except ValueError:
        return value[:10]


def language_name(code: str | None) -> str:
    return LANGUAGES.get(code or "", code or "unknown")


def search_url(**params: Any) -> str:
    """A /search link filtering on one value (names, places and years on article pages)."""
    return "/search?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def entity_url(kind: str, name: str) -> str:
    """/people/<name> or /places/<name> (web/entities.py), the name quoted whole: a
    slash in a name is a character, not a path."""
    return f"/{kind}/{quote(name, safe='')}"


def make_templates() -> Jinja2Templates:
    directory = resources.files("web").joinpath("templates")
    templates = Jinja2Templates(directory=str(directory))
    templates.env.globals.update(
        language_name=language_name,
        search_url=search_url,
        entity_url=entity_url,
        csrf_field=CSRF_FIELD,
    )
    templates.env.filters.update(day=day, snippet=snippet)
    install_translations(templates.env)
    return templates


def flash(request: Request, response: Response, message: str) -> Response:
    """Leave `message` for the next page this browser is shown (plain text, escaped there)."""
    response.set_cookie(
        FLASH_COOKIE,
        quote(message[:FLASH_MAX]),
        max_age=120,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("signed_in", request.app.state.token is not None)
    context.setdefault("locale", request_locale(request))
    waiting = request.cookies.get(FLASH_COOKIE)
    context.setdefault("flash", unquote(waiting)[:FLASH_MAX] if waiting else None)
    response = templates.TemplateResponse(
        request, name, {"csrf": csrf_token(request), **context}, status_code=status
    )
    if waiting:
        response.delete_cookie(FLASH_COOKIE)
    return response


def render_missing_article(request: Request, article_id: str) -> HTMLResponse:
    """The 404 page of an article id the archive does not hold."""
    message = tr(request, "No article with id %(id)s is in the archive.", id=article_id)
    return render_error(request, 404, message)


def render_missing_set(request: Request) -> HTMLResponse:
    return render_error(request, 404, tr(request, "No such set; it may have been deleted."))


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)

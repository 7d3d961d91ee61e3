"""The interface in English, simplified Chinese and traditional Chinese.

Templates mark their words with `{% trans %}` and `_()` (Jinja's i18n extension,
gettext style), and the translations live in a gettext catalogue,
`web/locale/zh_Hans/LC_MESSAGES/messages.po`, which translators edit with any PO
tool (`pybabel extract -F babel.cfg -o messages.pot web/` lists every message).
Traditional Chinese is that catalogue converted by OpenCC (`s2twp`: Taiwan's
standard characters and phrases, 搜索 → 搜尋, 导出 → 匯出), so the two scripts never
drift apart and a new message needs one translation, not two.

Each request gets a locale: the one the reader chose with the switch at the foot of
every page (a cookie), else the best match of the browser's `Accept-Language`
(zh-TW, zh-HK and zh-Hant read traditional; other zh simplified), else English.
Scraped text is never translated: only the interface's own words.
"""

from __future__ import annotations

import io
from functools import cache
from gettext import NullTranslations
from importlib import resources
from typing import Annotated, Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from opencc import OpenCC

from web.dependencies import CsrfGuard
from web.security import safe_next

ENGLISH = "en"
SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
LOCALES = {ENGLISH: "English", SIMPLIFIED: "简体中文", TRADITIONAL: "繁體中文"}
LOCALE_COOKIE = "homeward_lang"
TRADITIONAL_REGIONS = ("tw", "hk", "mo")
MAX_ACCEPT_LANGUAGE = 500  # characters of the header read; no browser sends more

router = APIRouter(include_in_schema=False)


def negotiate(accept_language: str | None, chosen: str | None = None) -> str:
    """The locale of a request: the reader's choice, else the first language of the
    browser's list (by quality) that the interface speaks, else English."""
    if chosen in LOCALES:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "")[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        locale = _locale_of(tag)
        if locale:
            return locale
    return ENGLISH


def _locale_of(tag: str) -> str | None:
    subtags = tag.replace("_", "-").split("-")
    if subtags[0] == "en":
        return ENGLISH
    if subtags[0] in ("zh", "cmn", "yue"):
        rest = subtags[1:]
        if "hant" in rest or any(region in rest for region in TRADITIONAL_REGIONS):
            return TRADITIONAL
        return SIMPLIFIED
    return None


def request_locale(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), request.cookies.get(LOCALE_COOKIE))


@cache
def translations(locale: str) -> NullTranslations:
    """The gettext translations of a locale, read once from the catalogue."""
    if locale == ENGLISH:
        return NullTranslations()
    source = resources.files("web").joinpath("locale/zh_Hans/LC_MESSAGES/messages.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    if locale == TRADITIONAL:
        convert = OpenCC("s2twp").convert
        for message in catalog:
            if message.id and message.string:
                message.string = (
                    tuple(convert(s) for s in message.string)
                    if isinstance(message.string, (list, tuple))
                    else convert(message.string)
                )
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _of(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return _of(context).ngettext(singular, plural, count)


def _of(context: Context) -> NullTranslations:
    return translations(context.get("locale") or ENGLISH)


def install(environment: Environment) -> None:
    """Give the templates `{% trans %}`, `_()` and `ngettext()`, answering in the locale
    each render's context names."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.globals.update(locales=LOCALES)


def gettext_for(request: Request) -> Any:
    """`gettext` in the request's locale, for the words Python code puts on a page."""
    return translations(request_locale(request)).gettext


def tr(request: Request, message: str, **values: Any) -> str:
    """A message the server writes (an error, a confirmation) in the request's locale,
    `%(name)s` filled from `values` (found by `pybabel extract` through babel.cfg)."""
    text = gettext_for(request)(message)
    return text % values if values else text


@router.post("/language", dependencies=[CsrfGuard])
def choose_language(
    request: Request,
    lang: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """The switch: keep the reader's choice for a year (an unknown one resets to the
    browser's languages)."""
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if lang in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            lang,
            max_age=365 * 86_400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    else:
        response.delete_cookie(LOCALE_COOKIE)
    return response

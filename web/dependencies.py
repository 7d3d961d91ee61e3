"""The FastAPI dependencies the routers share: the archive, the search in the URL, and
the CSRF guard of every form that changes something.

A page route that changes state declares `dependencies=[CsrfGuard]`; the guard reads
the form's CSRF field and raises `CsrfRefused`, which `web.app` answers with the
403 page, before the handler runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request

from search.archive import Archive
from web.params import SearchParams, search_params
from web.security import CSRF_FIELD, csrf_valid


def get_archive(request: Request) -> Archive:
    """The archive the app serves (opened once by `create_app`)."""
    return request.app.state.archive


ArchiveDep = Annotated[Archive, Depends(get_archive)]
ParamsDep = Annotated[SearchParams, Depends(search_params)]


class CsrfRefused(Exception):
    """A form came without this visitor's CSRF token: expired, or sent by another site."""

    MESSAGE = "This form has expired or came from another site. Reload and retry."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def require_csrf(request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> None:
    """Refuse the request unless its form carries the token of the visitor's CSRF cookie."""
    if not csrf_valid(request, csrf):
        raise CsrfRefused


CsrfGuard = Depends(require_csrf)

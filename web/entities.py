"""Person and place pages: every article about one person or one place, in every form
the archive knows it by, over time, and who and where comes up with them.

A parent following one child wants one page for 王敏 that also holds the articles that
write Wang Min, and one for 山西 that holds Shanxi. The pages are a search (the
`person:` and `place:` filters match every form: homeward/forms.py) sorted by date,
shown with the coverage chart of the search page and the people and places its
articles mention most, the person or place itself (in any form) left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from homeward.article import Article
from homeward.forms import FORMS_SEPARATOR, name_keys, place_keys
from search.archive import Archive, SearchResult
from search.facets import DATE_FACET
from search.query import QuerySyntaxError, QueryTimeout
from web.api import Problem, problems
from web.dependencies import ArchiveDep
from web.i18n import gettext_for
from web.pages import published_chart
from web.params import SearchParams
from web.rendering import render, render_error

router = APIRouter()
LISTED = 20  # articles a page shows
COMPANIONS = 15  # people and places listed beside them
MAX_PAGE = 500  # LISTED × MAX_PAGE stays within the archives' paging window


@dataclass(frozen=True, slots=True)
class Kind:
    """People or places: the filter that finds their articles, the facet holding their
    forms, the facet of the others, and how two forms are known to be one."""

    path: str
    filter: str
    own_facet: str
    other_facet: str
    other_path: str
    keys: Callable[[str], set[str]]


KINDS = {
    "people": Kind("people", "person", "names", "places", "places", name_keys),
    "places": Kind("places", "place", "places", "names", "people", place_keys),
}


@dataclass(slots=True)
class EntityView:
    """What a person or place page shows, and what its JSON says."""

    kind: Kind
    name: str
    params: SearchParams
    result: SearchResult
    forms: list[str] = field(default_factory=list)
    with_them: list[tuple[str, int]] = field(default_factory=list)  # the other kind
    alongside: list[tuple[str, int]] = field(default_factory=list)  # others of this kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.path,
            "name": self.name,
            "forms": self.forms,
            "total": self.result.total,
            "articles": [
                {
                    "id": hit.article.id,
                    "url": hit.article.url,
                    "title": hit.article.title,
                    "source": hit.article.source,
                    "published": hit.article.published,
                    "language": hit.article.language,
                }
                for hit in self.result.hits
            ],
            "timeline": [[day, count] for day, count in self.result.facets.get(DATE_FACET, [])],
            self.kind.other_path: [[value, count] for value, count in self.with_them],
            f"other_{self.kind.path}": [[value, count] for value, count in self.alongside],
        }


def entity_view(archive: Archive, kind: Kind, name: str, page: int, timeout: float | None):
    """The articles about `name` (every form), newest first, page `page`, with the
    facets that say who and where comes up with them. QuerySyntaxError for a bad name."""
    params = SearchParams(filters={kind.filter: [name]}, sort="date", timeout=timeout)
    request = params.request(LISTED, (page - 1) * LISTED, highlight=False, facet_size=100)
    result = archive.search(request)
    own = kind.keys(name)
    forms: list[str] = [name]
    alongside = []
    for value, count in result.facets.get(kind.own_facet, []):
        value = str(value)
        if kind.keys(value) & own:
            forms += [f for f in value.split(FORMS_SEPARATOR.strip()) if f.strip()]
        else:
            alongside.append((value, count))
    for hit in result.hits:  # and as the articles of this page write them (山西 for Shanxi)
        forms += [form for form in written_forms(hit.article, kind) if kind.keys(form) & own]
    forms = list(dict.fromkeys(form.strip() for form in forms))
    with_them = [(str(v), c) for v, c in result.facets.get(kind.other_facet, [])[:COMPANIONS]]
    return EntityView(kind, name, params, result, forms, with_them, alongside[:COMPANIONS])


def written_forms(article: Article, kind: Kind) -> list[str]:
    """The names (or place names and the forms the text used) an article is tagged with."""
    if kind.filter == "person":
        return list(article.names)
    return [form for place in article.places for form in (place.name, place.mention) if form]


@router.get("/people/{name:path}", response_class=HTMLResponse, include_in_schema=False)
def person_page(request: Request, archive: ArchiveDep, name: str, page: int = 1) -> HTMLResponse:
    return _page(request, archive, KINDS["people"], name, page)


@router.get("/places/{name:path}", response_class=HTMLResponse, include_in_schema=False)
def place_page(request: Request, archive: ArchiveDep, name: str, page: int = 1) -> HTMLResponse:
    return _page(request, archive, KINDS["places"], name, page)


def _page(request: Request, archive: Archive, kind: Kind, name: str, page: int) -> HTMLResponse:
    page = min(max(page, 1), MAX_PAGE)
    try:
        view = entity_view(archive, kind, name, page, request.app.state.query_timeout)
    except QuerySyntaxError as error:
        return render_error(request, 400, str(error))
    except QueryTimeout as error:
        return render_error(request, 422, str(error))
    chart = published_chart(view.result, view.params, gettext_for(request))
    last_page = min(MAX_PAGE, max(1, -(-view.result.total // LISTED)))
    return render(
        request,
        "entity.html",
        view=view,
        chart=chart or Markup(""),
        page=page,
        last_page=last_page,
        search_link=view.params.url(),
    )


@router.get(
    "/api/people/{name:path}",
    tags=["api"],
    summary="Every article about a person (every form of the name), newest first",
    responses=problems(400, 422),
)
def api_person(request: Request, archive: ArchiveDep, name: str, page: int = 1) -> dict[str, Any]:
    return _json(request, archive, KINDS["people"], name, page)


@router.get(
    "/api/places/{name:path}",
    tags=["api"],
    summary="Every article about a place (every form of its name), newest first",
    responses=problems(400, 422),
)
def api_place(request: Request, archive: ArchiveDep, name: str, page: int = 1) -> dict[str, Any]:
    return _json(request, archive, KINDS["places"], name, page)


def _json(request: Request, archive: Archive, kind: Kind, name: str, page: int) -> dict[str, Any]:
    if not 1 <= page <= MAX_PAGE:
        raise Problem(400, f"page must be between 1 and {MAX_PAGE}", reason="page out of range")
    try:
        view = entity_view(archive, kind, name, page, request.app.state.query_timeout)
    except QuerySyntaxError as error:
        raise Problem.from_query(error) from None
    except QueryTimeout as error:
        raise Problem.from_timeout(error) from None
    return {**view.to_dict(), "page": page}

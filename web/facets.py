"""`GET /api/facets/{facet}`: every value of one facet of a search, a page at a time.

The search's own facets stop at `facet_size` values (20 unless asked); this endpoint
is their "more": the same search parameters as /api/search, and `offset`/`limit`
over the facet's values, ordered as search/facets.py orders them (count, then a
hash that favours no script).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from search.archive import FACETS
from search.facets import MAX_FACET_SIZE
from search.query import QuerySyntaxError, QueryTimeout
from web.api import Problem
from web.dependencies import ArchiveDep, ParamsDep

router = APIRouter(prefix="/api", tags=["api"])

# A facet by its name in /api/search's `facets`, or by its filter parameter.
ALIASES = {"person": "names", "place": "places", "year": "years"}
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@router.get(
    "/facets/{facet}",
    summary="One facet of a search, all its values a page at a time",
    responses={
        400: {"description": "A bad query or parameter"},
        404: {"description": "No such facet"},
        422: {"description": "The search ran past the time budget"},
    },
)
def api_facet(
    archive: ArchiveDep,
    params: ParamsDep,
    facet: Annotated[
        str,
        Path(
            description="language, source, years, names or places "
            "(or the filter names person, place, year)"
        ),
    ],
    offset: Annotated[int, Query(ge=0, le=MAX_FACET_SIZE - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """`values` from `offset`, at most `limit`; `more` says whether values follow."""
    name = ALIASES.get(facet, facet)
    if name not in FACETS:
        raise Problem(404, f"no facet {facet!r}; use one of {', '.join(FACETS)}")
    wanted = min(offset + limit + 1, MAX_FACET_SIZE)  # one more: are there more?
    try:
        result = archive.search(params.request(0, 0, highlight=False, facet_size=wanted))
    except QuerySyntaxError as error:
        raise Problem.from_query(error) from None
    except QueryTimeout as error:
        raise Problem.from_timeout(error) from None
    buckets = result.facets.get(name, [])
    shown = buckets[offset : offset + limit]
    return {
        "facet": name,
        "total_articles": result.total,
        "offset": offset,
        "limit": limit,
        "values": [{"value": value, "count": count} for value, count in shown],
        "more": len(buckets) > offset + limit,
    }

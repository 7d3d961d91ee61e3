"""The `Article` record: the one contract between crawler, pipeline stages and archives.

Every stage reads and writes plain `Article` objects, and every archive backend
stores exactly `Article.to_dict()`, so no two parts of Homeward can disagree on
what a field means. Validation happens once, here, and names the bad field so
that a broken import line or a buggy stage is found at once rather than deep
inside a backend.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any


class ArticleError(ValueError):
    """An article record that breaks the contract; the message names the field."""


ISO_LANGUAGE = re.compile(r"^[a-z]{2}$")
YEAR_RANGE = range(1000, 3000)


@dataclass(slots=True)
class Place:
    """A place the article mentions.

    `name` is the gazetteer's name when the place was resolved (so 北京 and
    Beijing become one facet value) and the text's own form otherwise; `mention`
    keeps what the text wrote. `country` is an ISO 3166-1 alpha-2 code.
    """

    name: str
    mention: str | None = None
    country: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None

    def match_keys(self) -> set[str]:
        """Lower-cased forms a `place:` filter matches: the place, as written (also
        without an administrative suffix: 山西省 -> 山西), its region and country."""
        values = [self.name, self.mention, self.region, self.country]
        if self.mention:
            values.append(strip_admin_suffix(self.mention))
        return {normalise_key(value) for value in values if value}


@dataclass(slots=True)
class Evidence:
    """Where the raw capture of the page sits, so a vanished page can be shown again."""

    captured_at: str
    sha256: str
    warc_file: str
    warc_offset: int
    status: int | None = None


@dataclass(slots=True)
class Version:
    """An earlier text of an article, kept when the publisher changed it: what the page
    said until `replaced_at`, with the capture that proves it."""

    fetched_at: str | None
    replaced_at: str
    title: str
    text: str
    evidence: Evidence | None = None


@dataclass(slots=True)
class Article:
    """One news article, as stored in the archive and exported to users."""

    id: str
    url: str
    title: str
    text: str
    language: str | None = None
    published: str | None = None
    source: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    fetched_at: str | None = None
    duplicates: list[str] = field(default_factory=list)
    relevance: float | None = None
    relevance_terms: list[str] = field(default_factory=list)
    evidence: Evidence | None = None
    # Upstream history: earlier texts (oldest first) and when the page disappeared.
    versions: list[Version] = field(default_factory=list)
    changed_at: str | None = None  # when the newest change was seen
    removed_at: str | None = None  # when the page was found gone (404/410, or sent home)
    revisited_at: str | None = None  # when the page was last looked at again

    def __post_init__(self) -> None:
        validate(self)

    @property
    def upstream_status(self) -> str:
        """removed, changed (and still there) or live: what `status:` filters on."""
        if self.removed_at:
            return "removed"
        return "changed" if self.versions else "live"

    # --- conversion -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Article:
        if not isinstance(data, Mapping):
            raise ArticleError(f"an article must be a JSON object, got {type(data).__name__}")
        unknown = set(data) - ARTICLE_FIELDS
        if unknown:
            raise ArticleError(
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"known fields: {', '.join(sorted(ARTICLE_FIELDS))}"
            )
        values = dict(data)
        if "id" not in values and isinstance(values.get("url"), str):
            values["id"] = article_id(values["url"])
        for required in ("id", "url", "title", "text"):
            if required not in values:
                raise ArticleError(f"field '{required}' is missing")
        values["places"] = [_place(value, i) for i, value in enumerate(values.get("places") or [])]
        if values.get("evidence") is not None:
            values["evidence"] = _evidence(values["evidence"])
        values["versions"] = [_version(v, i) for i, v in enumerate(values.get("versions") or [])]
        for list_field in ("authors", "names", "duplicates", "relevance_terms", "years"):
            if values.get(list_field) is None:
                values[list_field] = []
        return cls(**values)

    @classmethod
    def from_json(cls, line: str) -> Article:
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArticleError(f"not valid JSON: {error}") from error
        return cls.from_dict(data)

    def place_keys(self) -> set[str]:
        keys: set[str] = set()
        for place in self.places:
            keys |= place.match_keys()
        return keys

    def name_keys(self) -> set[str]:
        return {normalise_key(name) for name in self.names}


ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))
PLACE_FIELDS = frozenset(f.name for f in fields(Place))
EVIDENCE_FIELDS = frozenset(f.name for f in fields(Evidence))
VERSION_FIELDS = frozenset(f.name for f in fields(Version))
UPSTREAM_STATUSES = ("live", "changed", "removed")


def article_id(canonical_url: str) -> str:
    """One canonical URL is one article: the id is a stable hash of it."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


# Administrative suffixes Chinese text adds to place names (省 province, 市 city ...).
ADMIN_SUFFIXES = (
    "特别行政区",
    "特別行政區",
    "自治区",
    "自治區",
    "自治州",
    "自治县",
    "自治縣",
    "省",
    "市",
    "县",
    "縣",
    "区",
    "區",
    "镇",
    "鎮",
    "乡",
    "鄉",
    "村",
)


def strip_admin_suffix(name: str) -> str:
    """山西省 -> 山西, 杭州市 -> 杭州; a name the suffix is part of (广州, 区) stays whole."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def normalise_key(value: str) -> str:
    """The form filters compare: case-folded, with runs of white space made one space."""
    return " ".join(value.split()).casefold()


def parse_published(value: str) -> datetime:
    """Read an ISO date or datetime; a date or a naive time counts as UTC."""
    try:
        if len(value) == 10:
            parsed_date = date.fromisoformat(value)
            return datetime(parsed_date.year, parsed_date.month, parsed_date.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ArticleError(
            f"field 'published': {value!r} is not an ISO date or datetime (e.g. 2024-05-01)"
        ) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def published_timestamp(published: str | None) -> float | None:
    """Seconds since the epoch (UTC) of a published date: the one sort key both backends
    order by, and the age dedupe compares. None when missing or unreadable (a page's
    own date may be anything; a stored article's is already checked)."""
    if not published:
        return None
    try:
        return parse_published(published).timestamp()
    except ArticleError:
        return None


# --- validation ----------------------------------------------------------------


def validate(article: Article) -> None:
    for name in ("id", "url", "title", "text"):
        _require_str(name, getattr(article, name))
    if not article.id:
        raise ArticleError("field 'id' is empty")
    if not article.url:
        raise ArticleError("field 'url' is empty")
    for name in (
        "language",
        "published",
        "source",
        "site_name",
        "fetched_at",
        "changed_at",
        "removed_at",
        "revisited_at",
    ):
        value = getattr(article, name)
        if value is not None:
            _require_str(name, value)
    if article.language is not None and not ISO_LANGUAGE.match(article.language):
        raise ArticleError(
            f"field 'language': {article.language!r} is not an ISO 639-1 code (e.g. 'en', 'zh')"
        )
    if article.published:
        parse_published(article.published)
    if article.fetched_at:
        try:
            datetime.fromisoformat(article.fetched_at.replace("Z", "+00:00"))
        except ValueError as error:
            raise ArticleError(
                f"field 'fetched_at': {article.fetched_at!r} is not an ISO datetime"
            ) from error
    for name in ("authors", "names", "duplicates", "relevance_terms"):
        _require_str_list(name, getattr(article, name))
    if not isinstance(article.years, list):
        raise ArticleError("field 'years': expected a list of integers")
    for year in article.years:
        if isinstance(year, bool) or not isinstance(year, int) or year not in YEAR_RANGE:
            raise ArticleError(f"field 'years': {year!r} is not a year (an integer like 1997)")
    if not isinstance(article.places, list) or not all(
        isinstance(p, Place) for p in article.places
    ):
        raise ArticleError("field 'places': expected a list of places")
    if article.relevance is not None and (
        isinstance(article.relevance, bool) or not isinstance(article.relevance, int | float)
    ):
        raise ArticleError(f"field 'relevance': {article.relevance!r} is not a number")
    if article.evidence is not None and not isinstance(article.evidence, Evidence):
        raise ArticleError("field 'evidence': expected an evidence object")
    if not isinstance(article.versions, list) or not all(
        isinstance(v, Version) for v in article.versions
    ):
        raise ArticleError("field 'versions': expected a list of versions")


def _require_str(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise ArticleError(f"field '{name}': expected text, got {type(value).__name__}")


def _require_str_list(name: str, values: object) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ArticleError(f"field '{name}': expected a list of text values")


def _place(value: object, index: int) -> Place:
    where = f"field 'places[{index}]'"
    if isinstance(value, Place):
        return value
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        raise ArticleError(f"{where}: expected an object with a 'name'")
    unknown = set(value) - PLACE_FIELDS
    if unknown:
        raise ArticleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if not isinstance(value.get("name"), str) or not value["name"]:
        raise ArticleError(f"{where}: 'name' must be non-empty text")
    for coordinate in ("lat", "lon"):
        number = value.get(coordinate)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int | float)):
            raise ArticleError(f"{where}: '{coordinate}' must be a number")
    for text_key in ("mention", "country", "region"):
        if value.get(text_key) is not None and not isinstance(value[text_key], str):
            raise ArticleError(f"{where}: '{text_key}' must be text")
    return Place(**value)


def _evidence(value: object) -> Evidence:
    if isinstance(value, Evidence):
        return value
    if not isinstance(value, Mapping):
        raise ArticleError("field 'evidence': expected an object")
    unknown = set(value) - EVIDENCE_FIELDS
    if unknown:
        raise ArticleError(f"field 'evidence': unknown key(s) {', '.join(sorted(unknown))}")
    missing = {"captured_at", "sha256", "warc_file", "warc_offset"} - set(value)
    if missing:
        raise ArticleError(f"field 'evidence': missing {', '.join(sorted(missing))}")
    return Evidence(**value)


def _version(value: object, index: int) -> Version:
    where = f"field 'versions', item {index}"
    if isinstance(value, Version):
        return value
    if not isinstance(value, Mapping):
        raise ArticleError(f"{where}: expected an object")
    unknown = set(value) - VERSION_FIELDS
    if unknown:
        raise ArticleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    values = dict(value)
    for required in ("replaced_at", "title", "text"):
        if not isinstance(values.get(required), str):
            raise ArticleError(f"{where}: '{required}' must be text")
    if values.get("evidence") is not None:
        values["evidence"] = _evidence(values["evidence"])
    values.setdefault("fetched_at", None)
    return Version(**values)


def read_jsonl(lines: Iterable[str], source: str = "<input>") -> Iterable[Article]:
    """Articles from JSON lines; an error names the file and line number."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Article.from_json(line)
        except ArticleError as error:
            raise ArticleError(f"{source}, line {number}: {error}") from None

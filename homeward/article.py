"""The `Article` record: the one contract between crawler, pipeline stages and archives.

Every stage reads and writes plain `Article` objects, and every archive backend
stores exactly `Article.to_dict()`, so no two parts of Homeward can disagree on
what a field means. Validation happens once, here, and names the bad field so
that a broken import line or a buggy stage is found at once rather than deep
inside a backend.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any


class ArticleError(ValueError):
    """An article record that breaks the contract; the message names the field."""


ISO_LANGUAGE = re.compile(r"[a-z]{2}")  # matched whole (fullmatch)
YEAR_RANGE = range(1000, 3000)
# Elasticsearch refuses a document id longer than this (UTF-8 bytes); both archives
# take the same records, so the limit holds on SQLite too.
MAX_ID_BYTES = 512
# Half of a surrogate pair on its own: JSON may write one (\ud800), UTF-8 cannot hold it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
        return plain(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Article:
        if not isinstance(data, Mapping):
            raise ArticleError(f"an article must be a JSON object, got {_kind(data)}")
        unknown = set(data) - ARTICLE_FIELDS
        if unknown:
            raise ArticleError(
                f"unknown field(s) {', '.join(sorted(unknown))}; "
                f"known fields: {', '.join(sorted(ARTICLE_FIELDS))}"
            )
        values = dict(data)
        if "id" not in values:  # the id is made from the URL, so that one is checked first
            if "url" not in values:
                raise ArticleError("field 'url' is missing")
            _require_str("url", values["url"])
            values["id"] = article_id(values["url"])
        for required in ("id", "url", "title", "text"):
            if required not in values:
                raise ArticleError(f"field '{required}' is missing")
        for list_field in LIST_FIELDS:  # null means none; anything else must be a list
            values[list_field] = _list_of(list_field, values.get(list_field))
        values["places"] = [_place(value, i) for i, value in enumerate(values["places"])]
        if values.get("evidence") is not None:
            values["evidence"] = _evidence(values["evidence"])
        values["versions"] = [_version(v, i) for i, v in enumerate(values["versions"])]
        return cls(**values)

    @classmethod
    def from_json(cls, line: str) -> Article:
        """One record from a line of JSON; ArticleError says what is wrong with it."""
        return cls.from_dict(json_record(line))

    def place_keys(self) -> set[str]:
        keys: set[str] = set()
        for place in self.places:
            keys |= place.match_keys()
        return keys

    def name_keys(self) -> set[str]:
        return {normalise_key(name) for name in self.names}


ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))
_IMMUTABLE = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """What `dataclasses.asdict` makes of a record (dicts and lists, copied), made
    without its deep copy of every string: every stored article goes through here."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, list):
        return [plain(item) for item in value]
    names = _field_names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    return copy.deepcopy(value)


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass, None for any other type (looked up once)."""
    if kind not in _FIELD_NAMES:
        is_record = hasattr(kind, "__dataclass_fields__")
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind)) if is_record else None
    return _FIELD_NAMES[kind]


# Fields that hold lists: a lone value where a list belongs is refused, naming the field
# ("places": "Shanxi" would otherwise be read as six places S, h, a, n, x, i).
LIST_FIELDS = (
    "authors",
    "names",
    "places",
    "years",
    "duplicates",
    "relevance_terms",
    "versions",
)
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
    if len(article.id.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        raise ArticleError(f"field 'id': longer than {MAX_ID_BYTES} bytes")
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
    if article.language is not None and not ISO_LANGUAGE.fullmatch(article.language):
        raise ArticleError(
            f"field 'language': {_shown(article.language)} is not an ISO 639-1 code "
            "(e.g. 'en', 'zh')"
        )
    if article.published:
        parse_published(article.published)
    for name in ("fetched_at", "changed_at", "removed_at", "revisited_at"):
        _require_iso_datetime(name, getattr(article, name))
    for name in ("authors", "names", "duplicates", "relevance_terms"):
        _require_str_list(name, getattr(article, name))
    if not isinstance(article.years, list):
        raise ArticleError("field 'years': expected a list of integers")
    for year in article.years:
        if isinstance(year, bool) or not isinstance(year, int) or year not in YEAR_RANGE:
            raise ArticleError(
                f"field 'years': {_shown(year)} is not a year (an integer like 1997)"
            )
    if not isinstance(article.places, list) or not all(
        isinstance(p, Place) for p in article.places
    ):
        raise ArticleError("field 'places': expected a list of places")
    if article.relevance is not None and not _is_finite_number(article.relevance):
        raise ArticleError(f"field 'relevance': {_shown(article.relevance)} is not a number")
    if article.evidence is not None and not isinstance(article.evidence, Evidence):
        raise ArticleError("field 'evidence': expected an evidence object")
    if not isinstance(article.versions, list) or not all(
        isinstance(v, Version) for v in article.versions
    ):
        raise ArticleError("field 'versions': expected a list of versions")


def _require_str(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise ArticleError(f"field '{name}': expected text, got {_kind(value)}")


def _require_str_list(name: str, values: object) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ArticleError(f"field '{name}': expected a list of text values")


def _require_iso_datetime(name: str, value: str | None) -> None:
    """An ISO date or datetime (`Z` allowed), as the archives sort and filter them."""
    if not value:
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ArticleError(
            f"field '{name}': {_shown(value)} is not an ISO datetime (e.g. 2024-05-01T08:00:00Z)"
        ) from None


def _list_of(name: str, value: object) -> list[Any]:
    """A list field's value: null is an empty list; a lone value is refused, naming it."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    hint = f"; for one value write [{json.dumps(value, ensure_ascii=False)}]"
    if not isinstance(value, str | int | float) or len(hint) > 80:
        hint = ""
    raise ArticleError(f"field '{name}': expected a list, got {_kind(value)}{hint}")


def _is_finite_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _kind(value: object) -> str:
    """What a JSON value is, in a message about the wrong one."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {_shown(value)}"
    if isinstance(value, int | float):
        return f"the number {_shown(value)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _shown(value: object, limit: int = 60) -> str:
    """A value for a message: its repr, cut when long (a 5,000-digit number, a whole text)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"a number of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse_constant(name: str) -> float:
    """NaN and Infinity are not JSON, though Python's reader takes them by default."""
    raise ArticleError(f"not valid JSON: {name} is not a number JSON allows")


def _lone_surrogate(data: object) -> str | None:
    """Where in a decoded JSON value a lone surrogate sits ('title', 'places[0].name'),
    or None. Iterative, so a deeply nested value cannot exhaust the stack."""
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                return where or "(the record)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if LONE_SURROGATE.search(key):
                    return f"{where}.{_shown(key)}" if where else _shown(key)
                pending.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


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
    for coordinate, bound in (("lat", 90), ("lon", 180)):
        number = value.get(coordinate)
        if number is not None and not (_is_finite_number(number) and -bound <= number <= bound):
            raise ArticleError(
                f"{where}: '{coordinate}' must be a number from -{bound} to {bound}, "
                f"not {_shown(number)}"
            )
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
    for key in ("captured_at", "sha256", "warc_file"):
        if not isinstance(value[key], str) or not value[key]:
            raise ArticleError(f"field 'evidence': '{key}' must be text")
    _require_iso_datetime("evidence.captured_at", value["captured_at"])
    offset = value["warc_offset"]
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < 2**63:
        raise ArticleError(
            f"field 'evidence': 'warc_offset' must be a byte offset (a whole number 0 or "
            f"more), not {_shown(offset)}"
        )
    status = value.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 999
    ):
        raise ArticleError(
            f"field 'evidence': 'status' must be an HTTP status, not {_shown(status)}"
        )
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
    if values.get("fetched_at") is not None and not isinstance(values["fetched_at"], str):
        raise ArticleError(f"{where}: 'fetched_at' must be text")
    _require_iso_datetime(f"versions[{index}].replaced_at", values["replaced_at"])
    _require_iso_datetime(f"versions[{index}].fetched_at", values.get("fetched_at"))
    if values.get("evidence") is not None:
        values["evidence"] = _evidence(values["evidence"])
    values.setdefault("fetched_at", None)
    return Version(**values)


def json_record(line: str) -> Any:
    """One line of JSON read as our importers accept it: no NaN or Infinity, no number
    Python cannot read, no half surrogate pair; ArticleError says what is wrong."""
    try:
        data = json.loads(line, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ArticleError(f"not valid JSON: {error}") from None
    except RecursionError:  # the decoder recurses once per level of [ or {
        raise ArticleError("JSON nested too deep") from None
    except ValueError as error:  # int(): Python reads at most 4,300 digits
        raise ArticleError(f"a number is too long ({str(error).split(';')[0]})") from None
    if "\\u" in line:  # only an escape can bring in half a surrogate pair
        where = _lone_surrogate(data)
        if where is not None:
            raise ArticleError(
                f"field '{where}': contains half of a UTF-16 surrogate pair (a \\ud800-"
                "\\udfff escape on its own), which is not text"
            )
    return data


def read_jsonl(lines: Iterable[str], source: str = "<input>") -> Iterable[Article]:
    """Articles from JSON lines; an error names the file and line number."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Article.from_json(line)
        except ArticleError as error:
            raise ArticleError(f"{source}, line {number}: {error}") from None

"""The one query language, parsed once into a small tree that each backend renders.

Syntax: words, "phrases", OR (or ||), -exclusion (or NOT, !), (parentheses) and
the field filters person:, place:, year:, language:, source:. Words next to each
other must all match (AND or && may be written between them; it changes nothing).
Text is matched across scripts and word forms (homeward/forms.py): 拐賣 finds 拐卖,
"missing child" finds "missing children", and a person: or place: value matches
every form of the name (王敏, Wang Min, Wangmin; 山西, Shanxi). A user's text never
reaches SQLite or Elasticsearch as syntax: backends receive this tree, never the
raw string, so a stray quote or hyphen can only ever give a clear
`QuerySyntaxError` naming the token and its position.

Every query and request is held to the limits below (`QueryLimitError`, a
`QuerySyntaxError`), generous for a person and small enough that no request can
make either backend work for long: a query of 2,000 characters, 100 terms and
parentheses 20 deep, 50 values of one filter and 100 in all. A request may also
carry a time budget (`timeout`), which both backends enforce (`QueryTimeout`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from homeward.article import UPSTREAM_STATUSES, normalise_key, parse_published
from homeward.forms import fold_plurals, fold_script, has_irregular

FIELDS = ("person", "place", "year", "language", "source", "status")
SORTS = ("relevance", "date")
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000

# The limits (README, "The query language"). Terms are words, "phrases" and field filters.
MAX_QUERY_CHARS = 2000
MAX_TERMS = 100
MAX_DEPTH = 20
MAX_FILTER_VALUES = 50  # values of one filter (--person a --person b ...)
MAX_FILTER_VALUES_TOTAL = 100  # of all filters together
MAX_VALUE_CHARS = 200  # one filter value, or a date


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; `position` is the 0-based offset of the bad token."""

    def __init__(self, message: str, token: str, position: int) -> None:
        super().__init__(f"{message} at position {position + 1}: {token!r}")
        self.token = token
        self.position = position
        self.reason = message


class QueryLimitError(QuerySyntaxError):
    """A query or request past one of the limits; the message names the limit.

    `token` is what went past it (cut to 40 characters) and `position` where, so
    every caller of `QuerySyntaxError` shows it as it is; the message itself only
    names a position when it helps to find the place (nested parentheses)."""

    def __init__(self, message: str, token: str, position: int = 0, *, at: bool = False) -> None:
        shown = token if len(token) <= 40 else token[:39] + "…"
        super().__init__(message, shown, position)
        if not at:
            self.args = (message,)


class QueryTimeout(RuntimeError):
    """A search ran past the request's time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the search took longer than {seconds:g} s and was stopped; narrow it "
            "(fewer words or OR alternatives, a filter, a shorter period)"
        )
        self.seconds = seconds


# --- the tree -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Words the article text must contain; `phrase` keeps their order and adjacency."""

    value: str
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """A filter on a tagged field; `value` is already validated and normalised."""

    name: str
    value: str | int


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class DateRange:
    """--since / --until, inclusive, as UTC timestamps (seconds)."""

    since: float | None = None
    until: float | None = None


@dataclass(frozen=True, slots=True)
class Ids:
    """Only these articles (by id): how a saved search looks at one crawl's articles
    (search/watches.py); never parsed from a user's query."""

    values: tuple[str, ...]


Node = Text | Field | Not | And | Or | DateRange | Ids
MATCH_ALL = And(())


# --- words and scripts ----------------------------------------------------------

# Scripts written without spaces between words (Han, kana, Hangul): both backends index
# them as overlapping bigrams plus single characters, so 1- and 2-character words match.
CJK_CHARS = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f"
    "\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
LATIN_WORD = re.compile(f"[^\\W{CJK_CHARS}]+")
SEGMENT = re.compile(f"(?P<cjk>[{CJK_CHARS}]+)|(?P<latin>[^\\W{CJK_CHARS}]+)")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of one kind inside a Text: latin words (a phrase) or one CJK run."""

    kind: str  # "latin" | "cjk"
    tokens: tuple[str, ...]


def text_segments(value: str) -> list[Segment]:
    """Split query text into latin phrases and CJK runs, the units both backends match.

    Consecutive latin words stay one phrase (so `anti-trafficking` or a quoted
    phrase keeps its word order); each CJK run is matched as a run of its own, in
    simplified script (both archives index Chinese text folded the same way).
    """
    segments: list[Segment] = []
    latin: list[str] = []
    for match in SEGMENT.finditer(value):
        if match.group("latin"):
            latin.append(match.group("latin").lower())
            continue
        if latin:
            segments.append(Segment("latin", tuple(latin)))
            latin = []
        segments.append(Segment("cjk", (fold_script(match.group("cjk")),)))
    if latin:
        segments.append(Segment("latin", tuple(latin)))
    return segments


def plural_folded(segment: Segment) -> tuple[str, ...] | None:
    """A latin segment's words with irregular plurals made singular, when any of its
    words has another form (child, children): the archives then search that too."""
    if segment.kind != "latin" or not has_irregular(segment.tokens):
        return None
    return tuple(fold_plurals(token) for token in segment.tokens)


def latin_only(text: str) -> str:
    """Text with CJK runs blanked, so `2009年` indexes `2009` as a word of its own."""
    return CJK_RUN.sub(" ", text)


def cjk_bigrams(text: str) -> str:
    """Every CJK run as overlapping bigrams (a single character stays as it is)."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(grams)


def cjk_unigrams(text: str) -> str:
    return " ".join("".join(CJK_RUN.findall(text)))


# --- the request ----------------------------------------------------------------


@dataclass(slots=True)
class SearchRequest:
    """A parsed query plus the filters and paging every search entry point shares."""

    query: Node = MATCH_ALL
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    facets: bool = True
    highlight: bool = True
    raw_query: str = ""
    filters: list[Node] = field(default_factory=list)
    timeout: float | None = None  # seconds the backend may spend; None: no budget
    facet_size: int | None = None  # values per facet (search/facets.py); None: FACET_SIZE

    def tree(self) -> Node:
        """The query and the filters as one tree."""
        parts = [self.query, *self.filters]
        parts = [p for p in parts if p != MATCH_ALL]
        if not parts:
            return MATCH_ALL
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def effective_sort(self) -> str:
        """Relevance needs words to rank by; with none, both backends sort by date."""
        return "relevance" if self.sort == "relevance" and positive_texts(self.tree()) else "date"


def build_request(
    query: str = "",
    *,
    person: list[str] | tuple[str, ...] = (),
    place: list[str] | tuple[str, ...] = (),
    year: list[int | str] | tuple[int | str, ...] = (),
    language: list[str] | tuple[str, ...] = (),
    source: list[str] | tuple[str, ...] = (),
    status: list[str] | tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
    facets: bool = True,
    highlight: bool = True,
    timeout: float | None = None,
) -> SearchRequest:
    """A request from a query string and the CLI/API filters, validated in one place.

    Several values of one filter mean any of them; different filters must all hold.
    """
    if sort not in SORTS:
        raise QuerySyntaxError(f"unknown sort (use {' or '.join(SORTS)})", str(sort)[:40], 0)
    if not 0 <= limit <= MAX_LIMIT:
        raise QuerySyntaxError(f"limit must be between 0 and {MAX_LIMIT}", str(limit), 0)
    if not 0 <= offset <= MAX_OFFSET:
        raise QuerySyntaxError(f"offset must be between 0 and {MAX_OFFSET:,}", str(offset)[:40], 0)
    named = (
        ("person", person),
        ("place", place),
        ("year", year),
        ("language", language),
        ("source", source),
        ("status", status),
    )
    _check_filter_counts(named)
    filters: list[Node] = []
    for name, values in named:
        nodes = [Field(name, _filter_value(name, str(v))) for v in values]
        if nodes:
            filters.append(nodes[0] if len(nodes) == 1 else Or(tuple(nodes)))
    for flag, bound in (("--since", since), ("--until", until)):
        if bound:
            _check_text(bound, flag)
            if len(bound) > MAX_VALUE_CHARS:
                raise QueryLimitError(
                    f"{flag} too long: {len(bound):,} characters, at most {MAX_VALUE_CHARS:,}",
                    bound,
                )
    if since or until:
        filters.append(
            DateRange(_date_bound(since, "--since", False), _date_bound(until, "--until", True))
        )
    return SearchRequest(
        query=parse(query),
        sort=sort,
        limit=limit,
        offset=offset,
        facets=facets,
        highlight=highlight,
        raw_query=query,
        filters=filters,
        timeout=timeout,
    )


def _check_filter_counts(named: tuple[tuple[str, Any], ...]) -> None:
    total = 0
    for name, values in named:
        values = list(values)
        total += len(values)
        if len(values) > MAX_FILTER_VALUES:
            raise QueryLimitError(
                f"too many {name} values: {len(values):,}, at most {MAX_FILTER_VALUES}",
                str(values[MAX_FILTER_VALUES]),
            )
    if total > MAX_FILTER_VALUES_TOTAL:
        raise QueryLimitError(
            f"too many filter values: {total:,}, at most {MAX_FILTER_VALUES_TOTAL} in all",
            f"{total} values",
        )


def _filter_value(name: str, value: str) -> str | int:
    flag = f"--{name}"
    _check_text(value, flag)
    if len(value) > MAX_VALUE_CHARS:
        raise QueryLimitError(
            f"{flag} value too long: {len(value):,} characters, at most {MAX_VALUE_CHARS}", value
        )
    return _field_value(name, value, 0, flag)


def _check_text(value: str, what: str) -> None:
    """Text that cannot be stored as UTF-8 (a lone surrogate: undecodable bytes on a
    command line) is refused by name, before it reaches a backend."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = value[error.start].encode("unicode_escape").decode("ascii")
        raise QuerySyntaxError(
            f"{what} holds a character that is not valid text", bad, error.start
        ) from None


def _date_bound(value: str | None, flag: str, end_of_day: bool) -> float | None:
    if not value:
        return None
    try:
        moment = parse_published(value)
        if end_of_day and len(value) == 10:
            return moment.timestamp() + 86400 - 0.001
        return moment.timestamp()
    except (ValueError, OverflowError):  # OverflowError: past year 9999 in UTC
        raise QuerySyntaxError(f"{flag} needs a date like 2024-05-01", value, 0) from None


# --- the parser -----------------------------------------------------------------

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<phrase>"[^"]*"?)
  | (?P<field>[A-Za-z_]+:)
  | (?P<minus>-(?=[^\s-])|!(?=[^\s!=]))
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


# Operator words, written in capitals (lower-case `and`, `or`, `not` are words).
OPERATORS = {"OR": "or", "||": "or", "AND": "and", "&&": "and", "NOT": "not"}
# Where a field's value may run on into a second word: `person:Wang Min`.
NAME_FIELDS = ("person", "place", "source")
CAPITALISED = re.compile(r"[A-Z][a-z]")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    position: int


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    for match in TOKEN.finditer(query):
        kind = match.lastgroup or "word"
        text = match.group()
        if kind == "space":
            continue
        if kind == "phrase" and (len(text) < 2 or not text.endswith('"')):
            raise QuerySyntaxError("unclosed quote", text, match.start())
        if kind == "word":
            kind = OPERATORS.get(text, kind)
        tokens.append(Token(kind, text, match.start()))
    return tokens


def parse(query: str) -> Node:
    """The tree of a query string; an empty query matches every article.

    The limits are checked first: the length before anything is read, the number
    of terms before the tree is built, the depth of parentheses as it is built."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryLimitError(
            f"query too long: {len(query):,} characters, at most {MAX_QUERY_CHARS:,}",
            query[MAX_QUERY_CHARS:],
            MAX_QUERY_CHARS,
        )
    _check_text(query, "the query")
    tokens = tokenize(query)
    terms = [token for token in tokens if token.kind in ("word", "phrase")]  # person:x is one
    if len(terms) > MAX_TERMS:
        extra = terms[MAX_TERMS]
        raise QueryLimitError(
            f"too many terms: {len(terms):,}, at most {MAX_TERMS} "
            "(words, phrases and field filters)",
            extra.text,
            extra.position,
        )
    return _Parser(tokens).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            return MATCH_ALL
        node = self.and_expression()
        leftover = self.peek()
        if leftover is not None:
            raise QuerySyntaxError(
                "unmatched closing parenthesis", leftover.text, leftover.position
            )
        return node

    def and_expression(self) -> Node:
        """Terms side by side must all match; OR binds tighter, as in web search:
        `拐卖 OR 拐賣 儿童` is (拐卖 OR 拐賣) AND 儿童."""
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "rparen":
            if token.kind == "or":
                raise QuerySyntaxError("OR needs a term before it", token.text, token.position)
            if token.kind == "and":
                # Explicit AND is what words side by side already mean.
                if not parts:
                    raise QuerySyntaxError("AND needs a term before it", token.text, token.position)
                self.take()
                following = self.peek()
                if following is None or following.kind in ("or", "rparen", "and"):
                    raise QuerySyntaxError("AND needs a term after it", token.text, token.position)
                continue
            parts.append(self.or_expression())
        parts = [p for p in parts if p != MATCH_ALL]
        if not parts:
            return MATCH_ALL
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def or_expression(self) -> Node:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("or", "rparen", "and"):
                raise QuerySyntaxError("OR needs a term after it", token.text, token.position)
            parts.append(self.unary())
        if MATCH_ALL in parts:
            return MATCH_ALL
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def unary(self) -> Node:
        token = self.peek()
        assert token is not None
        if token.kind in ("minus", "not"):
            self.take()
            operand = self.peek()
            if operand is None or operand.kind in ("or", "rparen", "minus", "and", "not"):
                what = "NOT" if token.kind == "not" else repr(token.text)
                raise QuerySyntaxError(
                    f"{what} needs a word to exclude (write: trafficking NOT drug, or "
                    "trafficking -drug)",
                    token.text,
                    token.position,
                )
            child = self.primary()
            return MATCH_ALL if child == MATCH_ALL else Not(child)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "lparen":
            if self.depth >= MAX_DEPTH:
                raise QueryLimitError(
                    f"parentheses nested too deep: at most {MAX_DEPTH} levels",
                    token.text,
                    token.position,
                    at=True,
                )
            inner_start = self.peek()
            if inner_start is None:
                raise QuerySyntaxError("unclosed parenthesis", token.text, token.position)
            if inner_start.kind == "rparen":
                raise QuerySyntaxError("empty parentheses", "()", token.position)
            self.depth += 1
            node = self.and_expression()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError("unclosed parenthesis", token.text, token.position)
            self.take()
            return node
        if token.kind == "rparen":
            raise QuerySyntaxError("unmatched closing parenthesis", token.text, token.position)
        if token.kind == "phrase":
            return _text(token.text[1:-1], phrase=True)
        if token.kind == "field":
            return self.field(token)
        return _text(token.text, phrase=False)

    def field(self, token: Token) -> Node:
        name = token.text[:-1].lower()
        if name not in FIELDS:
            raise QuerySyntaxError(
                f"unknown field '{name}' (known: {', '.join(FIELDS)}; "
                'put text with a colon in "quotes")',
                token.text,
                token.position,
            )
        value_token = self.peek()
        adjacent = value_token is not None and value_token.position == token.position + len(
            token.text
        )
        if value_token is None or not adjacent or value_token.kind not in ("word", "phrase"):
            raise QuerySyntaxError(f"{name}: needs a value", token.text, token.position)
        self.take()
        raw = value_token.text[1:-1] if value_token.kind == "phrase" else value_token.text
        if value_token.kind == "word" and name in NAME_FIELDS:
            self._refuse_run_on(name, value_token)
        return Field(name, _field_value(name, raw, value_token.position, token.text + raw))

    def _refuse_run_on(self, name: str, value: Token) -> None:
        """`person:Wang Min` filters on a person called Wang and searches the text for
        Min, which finds almost nothing: said, with the form to use, rather than left
        to an empty page. A capitalised word after a capitalised value is the sign."""
        following = self.peek()
        if (
            following is not None
            and following.kind == "word"
            and CAPITALISED.match(value.text)
            and CAPITALISED.match(following.text)
        ):
            both = f"{value.text} {following.text}"
            raise QuerySyntaxError(
                f"{name}: takes one word; for a name of several words use quotes: "
                f'{name}:"{both}" (to search the text for {following.text!r} too, '
                f"write it in lower case or before the filter)",
                f"{name}:{both}",
                value.position - len(name) - 1,
            )


def _text(value: str, phrase: bool) -> Node:
    """A Text node, or MATCH_ALL for text that holds no searchable word (e.g. '&')."""
    segments = text_segments(value)
    if not segments:
        return MATCH_ALL
    single_word = len(segments) == 1 and len(segments[0].tokens) == 1
    return Text(value, phrase=phrase and not single_word)


def _field_value(name: str, raw: str, position: int, shown: str) -> str | int:
    value = " ".join(raw.split())
    if not value:
        raise QuerySyntaxError(f"{name}: needs a value", shown, position)
    if name == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QuerySyntaxError("year: needs a four-digit year", shown, position)
        return int(value)
    if name == "language":
        code = value.lower().replace("_", "-").split("-")[0]
        if not re.fullmatch(r"[a-z]{2}", code):
            raise QuerySyntaxError(
                "language: needs an ISO 639-1 code such as en or zh", shown, position
            )
        return code
    if name == "status":
        status = value.lower()
        if status not in UPSTREAM_STATUSES:
            raise QuerySyntaxError(
                f"status: needs one of {', '.join(UPSTREAM_STATUSES)} (as the publisher's "
                "page is now: still there, changed since it was stored, or gone)",
                shown,
                position,
            )
        return status
    return normalise_key(value)


# --- helpers the backends share -------------------------------------------------


def positive_texts(node: Node) -> list[Text]:
    """Text nodes that are not excluded: what ranking and highlighting look for."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, And | Or):
        return [text for child in node.children for text in positive_texts(child)]
    return []


def highlight_terms(node: Node) -> list[Segment]:
    return [segment for text in positive_texts(node) for segment in text_segments(text.value)]

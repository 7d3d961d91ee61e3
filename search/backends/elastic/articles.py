"""The articles index: its mapping, its documents and how they are written in bulk.

The mapping is explicit and strict: a field the `Article` model does not know is
refused, not silently guessed. It mirrors the SQLite backend's columns, so both give
the same hits, and analyses each piece of text once, since analysis (and the bytes
sent and stored) is where a bulk load spends its time:

- `title` and `text`, as published, with the `english` analyzer: stemming for latin
  words, and its standard tokenizer makes every Han (and hiragana) character a token
  of its own, so one-character words match, and a longer word is the phrase of its
  characters; highlights come from here. A text whose CJK runs are parted only by
  punctuation or spaces is stored as its pieces (a list, each piece starting at a
  run), which the node keeps apart by a position gap: a phrase never runs from one run
  into the next, as SQLite's bigrams do not (`"".join` of the pieces is the text);
- `title_folded` and `text_folded`, the CJK runs folded to simplified script, one
  token per character, each run a value of its own; only when the text as published
  differs from that: a traditional character, or a Hangul or katakana word, which the
  tokenizer keeps whole;
- irregular plurals ("children") have no copy: a query with one searches every form
  of the word (query.py), in the whole text, as SQLite's folded columns do.

The copies are made in Python with the functions SQLite uses (homeward/forms.py),
since the analyzers a node without analysis-common has cannot fold (no `mapping` char
filter, no `cjk_bigram` with unigrams, no `stemmer_override`). Version 3 of the index
also analysed every Chinese text a second time as bigrams (`*_cjk`), and kept folded
passages around plurals (`*_alt`); an archive on an earlier version is copied into
this one once (upgrade.py).
"""

from __future__ import annotations

import itertools
import random
import re
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

from elasticsearch import Elasticsearch, helpers

from homeward.article import Article, normalise_key
from homeward.forms import all_name_keys, all_place_keys, fold_script, script_table
from search.archive import BULK_CHUNK, WriteReport, chunked
from search.backends.elastic.connection import DATE, KEYWORD, REPLICAS, IndexBlocked
from search.query import CJK_CHARS, SEGMENT

INDEX_VERSION = 4
BULK_ATTEMPTS = 6
BULK_WORKERS = 2
# CJK characters the standard tokenizer keeps together in one token (Hangul, katakana,
# bopomofo): a run with any is spaced out in the folded copy, one token per character.
WHOLE_WORD_CJK = (
    "\u1100-\u11ff\u30a0-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
)
_WHOLE_WORD = re.compile(f"[{WHOLE_WORD_CJK}]")
# Any character from the first CJK one on: one range, which re tests in a step, where
# the many ranges of a run take a search through them for every character of a text.
_MAYBE_CJK = re.compile(f"[{CJK_CHARS[0]}-{CJK_CHARS[-1]}]")

# Fields stored only to filter on; they are not part of the Article record. The copies
# of earlier versions are named too: an upgrade reads their documents (upgrade.py).
FILTER_KEYS = (
    "source_key",
    "name_keys",
    "place_keys",
    "upstream",
    "title_folded",
    "text_folded",
    "title_cjk",
    "text_cjk",
    "title_zh",
    "text_zh",
    "title_alt",
    "text_alt",
)
# The record's texts, stored as pieces where their CJK runs must be kept apart.
PIECED_KEYS = ("title", "text")

# Fields added after the first release: put into an existing index's mapping on opening
# (new fields are the one change a live mapping accepts).
UPSTREAM_MAPPING: dict[str, Any] = {
    "versions": {"type": "object", "enabled": False},  # kept whole, read, never searched
    "changed_at": DATE,
    "removed_at": DATE,
    "revisited_at": DATE,
    "upstream": KEYWORD,
}

_TEXT_FIELD: dict[str, Any] = {"type": "text", "analyzer": "homeward_english"}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "url": KEYWORD,
        "title": _TEXT_FIELD,
        "text": _TEXT_FIELD,
        "language": KEYWORD,
        "published": DATE,
        "source": KEYWORD,
        "site_name": KEYWORD,
        "authors": KEYWORD,
        "names": KEYWORD,
        "places": {
            "properties": {
                "name": KEYWORD,
                "mention": KEYWORD,
                "country": KEYWORD,
                "region": KEYWORD,
                "lat": {"type": "double"},
                "lon": {"type": "double"},
            }
        },
        "years": {"type": "integer"},
        "fetched_at": DATE,
        "duplicates": KEYWORD,
        "relevance": {"type": "float"},
        "relevance_terms": KEYWORD,
        "evidence": {
            "properties": {
                "captured_at": DATE,
                "sha256": KEYWORD,
                "warc_file": KEYWORD,
                "warc_offset": {"type": "long"},
                "status": {"type": "integer"},
            }
        },
        "source_key": KEYWORD,
        "name_keys": KEYWORD,
        "place_keys": KEYWORD,
        "title_folded": _TEXT_FIELD,
        "text_folded": _TEXT_FIELD,
        **UPSTREAM_MAPPING,
    },
}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    **REPLICAS,
    # Elasticsearch's own `english` analyzer (porter stemming), the one every text has.
    "analysis": {"analyzer": {"homeward_english": {"type": "english"}}},
}


def to_document(article: Article) -> dict[str, Any]:
    """The Article record, its texts in pieces where needed, plus the normalised keys
    the filters compare and the folded copies (see the module's docstring)."""
    document = article.to_dict()
    document["source_key"] = normalise_key(article.source) if article.source else None
    document["name_keys"] = sorted(all_name_keys(article.names))
    document["place_keys"] = sorted(all_place_keys(article.places))
    document["upstream"] = article.upstream_status
    for name, value in (("title", article.title), ("text", article.text)):
        if value.isascii() or not _MAYBE_CJK.search(value):  # most English texts
            continue
        runs, cuts = _runs_and_cuts(value)
        if cuts:
            edges = [0, *cuts, len(value)]
            document[name] = [value[start:end] for start, end in itertools.pairwise(edges)]
        if folded := folded_runs(runs):
            document[f"{name}_folded"] = folded
    return document


def _runs_and_cuts(value: str) -> tuple[list[str], list[int]]:
    """The CJK runs of a text, and where to cut it into pieces: before each run that
    only punctuation or spaces part from the last one (a latin word between two runs is
    a token that parts them already). One pass over the words of both kinds."""
    runs: list[str] = []
    cuts: list[int] = []
    after_run = False
    for match in SEGMENT.finditer(value):
        is_run = match.lastgroup == "cjk"
        if is_run:
            runs.append(match.group())
            if after_run:
                cuts.append(match.start())
        after_run = is_run
    return runs, cuts


def folded_runs(runs: list[str]) -> list[str] | None:
    """The runs folded to simplified script, those with a Hangul or katakana word
    spaced out; None when they are the same as published (nothing to copy)."""
    if not _needs_copy().search("".join(runs)):  # one search, most texts stop here
        return None
    copy = [fold_script(run) for run in runs]
    return [" ".join(run) if _WHOLE_WORD.search(run) else run for run in copy]


@cache
def _needs_copy() -> re.Pattern[str]:
    """A character that makes a run differ from its folded copy: a traditional one, or
    one of a word the tokenizer keeps whole."""
    traditional = "".join(re.escape(char) for char in sorted(script_table()))
    return re.compile(f"[{traditional}{WHOLE_WORD_CJK}]")


def from_document(source: dict[str, Any]) -> Article:
    record = {key: value for key, value in source.items() if key not in FILTER_KEYS}
    for key in PIECED_KEYS:
        if isinstance(record.get(key), list):
            record[key] = "".join(record[key])
    return Article.from_dict(record)


def write_articles(client: Elasticsearch, index: str, articles: Iterable[Article]) -> WriteReport:
    """Bulk-index in chunks, BULK_WORKERS chunks in flight: the node analyses one
    chunk while the next is on its way. Memory stays bounded by the chunks in flight."""
    report = WriteReport()
    in_flight: deque[Future[WriteReport]] = deque()
    with ThreadPoolExecutor(max_workers=BULK_WORKERS) as pool:
        for chunk in chunked(articles, BULK_CHUNK):
            actions = [
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": article.id,
                    "_source": to_document(article),
                }
                for article in chunk
            ]
            in_flight.append(pool.submit(_bulk, client, actions))
            if len(in_flight) >= BULK_WORKERS:
                report.merge(in_flight.popleft().result())
        while in_flight:
            report.merge(in_flight.popleft().result())
    return report


def _bulk(client: Elasticsearch, actions: list[dict[str, Any]]) -> WriteReport:
    """One chunk; items refused with 429 or 5xx (or lost to a connection error) are
    retried with jittered exponential back-off, every other refusal is reported."""
    report = WriteReport()
    pending = actions
    for attempt in range(BULK_ATTEMPTS):
        retry: list[dict[str, Any]] = []
        by_id = {action["_id"]: action for action in pending}
        results = helpers.streaming_bulk(
            client,
            pending,
            chunk_size=BULK_CHUNK,
            max_retries=0,
            raise_on_error=False,
            raise_on_exception=False,
        )
        blocked: str | None = None
        for ok, result in results:  # read to the end: an abandoned one logs a traceback
            item = next(iter(result.values()))
            if ok:
                report.stored += 1
                continue
            status = item.get("status")
            reason = _failure_reason(item)
            if _retryable(status) and attempt < BULK_ATTEMPTS - 1:
                retry.append(by_id[item["_id"]])
            elif reason.startswith("cluster_block_exception"):
                blocked = blocked or reason
            else:
                report.failed.append((str(item.get("_id")), reason))
        if blocked:
            # The whole index refuses writes (a block, a full disk): said once, as the
            # archive's state, rather than once for every article of the file.
            raise IndexBlocked(blocked)
        if not retry:
            break
        pending = retry
        time.sleep(min(30.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.5))
    return report


def _retryable(status: object) -> bool:
    return status == 429 or (isinstance(status, int) and status >= 500) or status == "N/A"


def _failure_reason(item: dict[str, Any]) -> str:
    error = item.get("error") or item.get("exception") or "unknown error"
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return f"status {item.get('status')}: {error}"

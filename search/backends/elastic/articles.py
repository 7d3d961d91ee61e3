"""The articles index: its mapping, its documents and how they are written in bulk.

The mapping is explicit and strict: a field the `Article` model does not know is
refused, not silently guessed. It mirrors the SQLite backend's columns, so both give
the same hits, and analyses each piece of text once, since analysis is where a bulk
load spends its time:

- `title` and `text`, as published, with the `english` analyzer (stemming; its
  standard tokenizer makes every Han character a token of its own, so one-character
  words match here, and highlights come from here);
- `title_cjk` and `text_cjk`, the runs of Chinese (and other CJK) characters folded to
  simplified script, with the `cjk` analyzer (bigrams, for longer words); present only
  when the text has any;
- `title_zh` and `text_zh`, the same runs with the `english` analyzer, only when the
  folding changed a character (one-character words written in traditional script);
- `title_alt` and `text_alt`, the passages around irregular plurals ("children"), with
  the plurals made singular, searched beside the exact form, which so ranks first;
  present only where the text has such a plural. A passage reaches ALT_REACH
  characters on each side of its plural, so a phrase of up to that length that
  matches only in its folded form is found as surely as in a whole folded copy.

The copies are made in Python with the functions SQLite uses (homeward/forms.py),
since the analyzers a node without analysis-common has cannot fold (no `mapping` char
filter, no `stemmer_override`). Version 2 of the index analysed every text a second
time in a `cjk` sub-field, and whole folded copies of Chinese texts twice more; an
archive on an earlier version is copied into this one once (upgrade.py).
"""

from __future__ import annotations

import random
import re
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from elasticsearch import Elasticsearch, helpers

from homeward.article import Article, normalise_key
from homeward.forms import (
    all_name_keys,
    all_place_keys,
    fold_plurals,
    fold_script,
    plural_spans,
)
from search.archive import BULK_CHUNK, WriteReport, chunked
from search.backends.elastic.connection import DATE, KEYWORD, REPLICAS, IndexBlocked
from search.query import CJK_RUN, latin_only

INDEX_VERSION = 3
BULK_ATTEMPTS = 6
BULK_WORKERS = 2
# Characters kept on each side of an irregular plural in the *_alt passages, about 20
# words: a phrase searched for in the other form of its plural is seldom longer (a
# longer one, such as a pasted sentence, still finds the text that has it as written).
ALT_REACH = 120
_SPACE = re.compile(r"\s")

# Fields stored only to filter on; they are not part of the Article record.
FILTER_KEYS = (
    "source_key",
    "name_keys",
    "place_keys",
    "upstream",
    "title_cjk",
    "text_cjk",
    "title_zh",
    "text_zh",
    "title_alt",
    "text_alt",
)

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
_CJK_FIELD: dict[str, Any] = {"type": "text", "analyzer": "homeward_cjk"}

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
        "title_cjk": _CJK_FIELD,
        "text_cjk": _CJK_FIELD,
        "title_zh": _TEXT_FIELD,
        "text_zh": _TEXT_FIELD,
        "title_alt": _TEXT_FIELD,
        "text_alt": _TEXT_FIELD,
        **UPSTREAM_MAPPING,
    },
}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    **REPLICAS,
    # Elasticsearch's own `english` (porter stemming) and `cjk` (bigram) analyzers.
    "analysis": {
        "analyzer": {
            "homeward_english": {"type": "english"},
            "homeward_cjk": {"type": "cjk"},
        }
    },
}


def to_document(article: Article) -> dict[str, Any]:
    """The Article record plus the normalised keys the filters compare."""
    document = article.to_dict()
    document["source_key"] = normalise_key(article.source) if article.source else None
    document["name_keys"] = sorted(all_name_keys(article.names))
    document["place_keys"] = sorted(all_place_keys(article.places))
    document["upstream"] = article.upstream_status
    document.update(_copies("title", article.title))
    document.update(_copies("text", article.text))
    return document


def _copies(name: str, value: str) -> dict[str, str | list[str]]:
    """The folded copies of one text (see the module's docstring), only those it needs.
    The CJK runs are joined by a space, which the bigram analyzer does not bridge: one
    run's bigrams follow the last one's, as in SQLite's bigram column (cjk_bigrams)."""
    copies: dict[str, str | list[str]] = {}
    if runs := CJK_RUN.findall(value):
        chinese = " ".join(runs)
        copies[f"{name}_cjk"] = folded = fold_script(chinese)
        if folded != chinese:
            copies[f"{name}_zh"] = folded
    if passages := _plural_passages(value):
        copies[f"{name}_alt"] = passages
    return copies


def _plural_passages(value: str) -> list[str]:
    """The passages around the irregular plurals of a text (ALT_REACH characters each
    side, to a space), overlapping ones joined, CJK blanked and the plurals singular.
    They are the values of one field, so no phrase runs from one into the next."""
    passages: list[list[int]] = []
    for start, end, _ in plural_spans(value):
        left, right = max(0, start - ALT_REACH), min(len(value), end + ALT_REACH)
        if left and (space := _SPACE.search(value, left, start)):
            left = space.end()  # not half a word
        if space := _SPACE.search(value, right, right + ALT_REACH):
            right = space.start()
        if passages and left <= passages[-1][1]:
            passages[-1][1] = right
        else:
            passages.append([left, right])
    return [fold_plurals(latin_only(value[left:right])) for left, right in passages]


def from_document(source: dict[str, Any]) -> Article:
    record = {key: value for key, value in source.items() if key not in FILTER_KEYS}
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

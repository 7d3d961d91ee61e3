"""The articles index: its mapping, its documents and how they are written in bulk.

The mapping is explicit and strict: a field the `Article` model does not know is
refused, not silently guessed. Text is analysed twice, with the `english` analyzer
(stemming) and with the `cjk` analyzer (bigrams), plus single characters, mirroring
the SQLite backend so both give the same hits.

Two kinds of copies are searched beside the text as published, made in Python with
the functions SQLite uses (homeward/forms.py), since the analyzers this project's
node has cannot fold (no `mapping` char filter, no `stemmer_override`): `title_zh`
and `text_zh`, the Chinese of an article folded to simplified script (present only
when it has Chinese), which every CJK query searches; and `title_alt` and
`text_alt`, the English with irregular plurals made singular (present only where
that changes something), searched beside the exact form, which so ranks first.
Version 2 of the index added them and the name and place keys of every form; an
archive on a version-1 index is copied into version 2 once (upgrade.py).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from elasticsearch import Elasticsearch, helpers

from homeward.article import Article, normalise_key
from homeward.forms import all_name_keys, all_place_keys, fold_plurals, fold_script
from search.archive import BULK_CHUNK, WriteReport, chunked
from search.backends.elastic.connection import DATE, KEYWORD, IndexBlocked
from search.query import CJK_RUN, latin_only

INDEX_VERSION = 2
BULK_ATTEMPTS = 6
BULK_WORKERS = 2

# Fields stored only to filter on; they are not part of the Article record.
FILTER_KEYS = (
    "source_key",
    "name_keys",
    "place_keys",
    "upstream",
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

_TEXT_FIELD = {
    "type": "text",
    "analyzer": "homeward_english",
    # The english analyzer's standard tokenizer already makes every Han character a
    # token of its own, so one-character words match the main field; longer ones
    # match the bigrams of the cjk sub-field.
    "fields": {"cjk": {"type": "text", "analyzer": "homeward_cjk"}},
}
_ALT_FIELD = {"type": "text", "analyzer": "homeward_english"}

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
        "title_zh": _TEXT_FIELD,
        "text_zh": _TEXT_FIELD,
        "title_alt": _ALT_FIELD,
        "text_alt": _ALT_FIELD,
        **UPSTREAM_MAPPING,
    },
}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
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
    for name, value in (("title", article.title), ("text", article.text)):
        if CJK_RUN.search(value):
            document[f"{name}_zh"] = fold_script(value)
        latin = latin_only(value)
        if (folded := fold_plurals(latin)) != latin:
            document[f"{name}_alt"] = folded
    return document


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

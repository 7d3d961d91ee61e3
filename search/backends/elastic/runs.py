"""Run history: a small third index, `<alias>-runs`."""

from __future__ import annotations

from typing import Any

from homeward.runs import MAX_RUNS, RunChange, RunNotFound, RunRecord, looks_like_run_id
from search.backends.elastic.connection import KEYWORD, Connection, SmallIndex

RUNS_INDEX_VERSION = 1
# Strict like the others; the summaries are kept whole but not indexed (they are read,
# never searched), so a new counter in a summary needs no mapping change.
RUNS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        # date_nanos: runs started in one millisecond still sort as in SQLite.
        "started_at": {"type": "date_nanos"},
        "finished_at": {"type": "date_nanos"},
        "state": KEYWORD,
        "origin": KEYWORD,
        "schedule": KEYWORD,
        "sources": KEYWORD,
        "sources_file": KEYWORD,
        "host": KEYWORD,
        "pid": {"type": "long"},
        "message": {"type": "text", "index": False},
        "summary": {"type": "object", "enabled": False},
        "nodes": {"type": "object", "enabled": False},
    },
}


class RunsIndex(SmallIndex):
    """The crawl runs recorded in the archive behind `archive_alias`."""

    record_name = "run"

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(connection, f"{archive_alias}-runs", RUNS_INDEX_VERSION, RUNS_MAPPING)

    def record(self, run: RunRecord) -> None:
        self.ensure()
        self.client.index(index=self.alias, id=run.id, document=run.to_dict(), refresh=True)

    def valid_id(self, doc_id: str) -> bool:
        return looks_like_run_id(doc_id)

    def update(self, run_id: str, change: RunChange) -> RunRecord:
        # Two Scrapyd nodes finishing together each retry on the other's record.
        run = self.rewrite_record(run_id, RunRecord.from_dict, change, RunRecord.to_dict)
        if run is None:
            raise RunNotFound(f"no run with id {run_id}")
        return run

    def get(self, run_id: str) -> RunRecord | None:
        found = self.get_document(run_id)
        return RunRecord.from_dict(found["_source"]) if found else None

    def latest(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first, of one source or of all."""
        self.ensure()
        query: dict[str, Any] = (
            {"bool": {"filter": [{"term": {"sources": source}}]}}
            if source is not None
            else {"match_all": {}}
        )
        response = self.client.search(
            index=self.alias,
            query=query,
            sort=[{"started_at": "desc"}, {"id": "desc"}],
            size=min(max(limit, 0), MAX_RUNS),
        )
        return [RunRecord.from_dict(raw["_source"]) for raw in response["hits"]["hits"]]

"""Run history: a small third index, `<alias>-runs`."""

from __future__ import annotations

from typing import Any

from homeward.runs import MAX_RUNS, RunChange, RunNotFound, RunRecord, looks_like_run_id
from search.backends.elastic.connection import Connection, SmallIndex

RUNS_INDEX_VERSION = 1
_KEYWORD = {"type": "keyword"}
# Strict like the others; the summaries are kept whole but not indexed (they are read,
# never searched), so a new counter in a summary needs no mapping change.
RUNS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        # date_nanos: runs started in one millisecond still sort as in SQLite.
        "started_at": {"type": "date_nanos"},
        "finished_at": {"type": "date_nanos"},
        "state": _KEYWORD,
        "origin": _KEYWORD,
        "schedule": _KEYWORD,
        "sources": _KEYWORD,
        "sources_file": _KEYWORD,
        "host": _KEYWORD,
        "pid": {"type": "long"},
        "message": {"type": "text", "index": False},
        "summary": {"type": "object", "enabled": False},
        "nodes": {"type": "object", "enabled": False},
    },
}


class RunsIndex(SmallIndex):
    """The crawl runs recorded in the archive behind `archive_alias`."""

    def __init__(self, connection: Connection, archive_alias: str) -> None:
        super().__init__(connection, f"{archive_alias}-runs", RUNS_INDEX_VERSION, RUNS_MAPPING)

    def record(self, run: RunRecord) -> None:
        self.ensure()
        self.client.index(index=self.alias, id=run.id, document=run.to_dict(), refresh=True)

    def _get_document(self, run_id: str) -> dict[str, Any] | None:
        if not looks_like_run_id(run_id):  # also keeps over-long ids away from the server
            return None
        self.ensure()
        return self.connection.fetch(self.alias, run_id)

    def update(self, run_id: str, change: RunChange) -> RunRecord:
        # Two Scrapyd nodes finishing together each retry on the other's record.
        changed: list[RunRecord] = []

        def apply(source: dict[str, Any]) -> dict[str, Any]:
            run = RunRecord.from_dict(source)
            change(run)
            changed[:] = [run]
            return run.to_dict()

        found = self.connection.rewrite(
            self.alias,
            run_id,
            lambda: self._get_document(run_id),
            apply,
            f"run {run_id}",
        )
        if not found:
            raise RunNotFound(f"no run with id {run_id}")
        return changed[0]

    def get(self, run_id: str) -> RunRecord | None:
        found = self._get_document(run_id)
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

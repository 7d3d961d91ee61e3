"""The API's OpenAPI description tells the truth: Schemathesis against the app, in-process.

Schemathesis (a standard OpenAPI test client) reads /openapi.json and sends each API
operation what the description allows and what it forbids: boundary values, missing
and extra fields, wrong types, and methods the path does not take (TRACE, OPTIONS).
Every answer is checked against the description: no 500, every status declared, the
media type declared (the CSV export is text/csv, not JSON), JSON bodies that match
their schema (errors in the Problem shape), schema-valid requests accepted and
schema-violating ones refused, and every 405 naming the allowed methods in `Allow`.

One exception, and only one, is made for schema-valid requests: the query language
(the `q` query, filters, dates) is read by the parser the CLI uses, and a rule across
parameters (`offset` + `limit` past 10,000 hits; a set or a search to export, not
both) holds between values each valid alone; neither can be written as a JSON
Schema. Such a refusal is the declared 400 that names the rule it applies, its
`reason` (a query error also names the bad `token`); any other 400 for a valid
request fails the test.

The runs are deterministic (the same cases every time, no example database) and
bounded (MAX_EXAMPLES per operation and phase), over the sample archive on SQLite:
the description is the web layer's, the same whichever archive is behind it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure
from schemathesis.engine import Status, events
from schemathesis.specs.openapi.checks import positive_data_acceptance
from web_fixtures import load_archive

from web import create_app

BASE = "http://127.0.0.1"
MAX_EXAMPLES = 50  # per operation, in the fuzzing phase; the coverage phase is exhaustive
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
)
CONFIG = f"""
[generation]
deterministic = true
database = "none"
max-examples = {MAX_EXAMPLES}

[phases.examples]
enabled = true
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true

[checks]
{"".join(f"{name}.enabled = true{chr(10)}" for name in CHECKS)}
# Replaced by `schema_valid_requests_accepted` below (the one exception).
positive_data_acceptance.enabled = false
schema_valid_requests_accepted.enabled = true
"""


@schemathesis.check
def schema_valid_requests_accepted(ctx, response, case):
    """Schemathesis's positive_data_acceptance, except for the refusals the schema
    cannot state: a 400 naming the `reason` (the query language's, or a rule across
    parameters)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if not _query_refusal(response):
            raise
        return None


def _query_refusal(response) -> bool:
    if response.status_code != 400:
        return False
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(error.get("reason"))


def make_app(root: Path):
    """The app over the sample archive (its own, in `root`)."""
    archive_url = f"sqlite:///{root / 'archive.sqlite'}"
    load_archive(archive_url, root / "evidence")
    # Schemathesis's in-process client calls itself "testserver"; the default allows
    # only loopback names (the host check is tests/test_web_api.py's).
    return create_app(archive_url, allowed_hosts=("127.0.0.1", "testserver"))


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(make_app(tmp_path), base_url=BASE)


@dataclass
class Run:
    """What one Schemathesis run did: cases sent, and each failure found."""

    cases: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_schemathesis(app) -> Run:
    """Every phase (examples, coverage, fuzzing, stateful) over every API operation, as
    `schemathesis run` does, in-process."""
    config = SchemathesisConfig.from_str(CONFIG)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    run = Run()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.cases += len(event.recorder.cases)
            run.by_phase[event.phase.value] += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                run.failures.extend(
                    f"{event.recorder.label}: {check.name}: {check.failure_info.failure.title}"
                    f"\n{check.failure_info.code_sample}"
                    for check in checks
                    if check.status is Status.FAILURE and check.failure_info
                )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(repr(event))
    return run


def test_the_api_answers_as_its_openapi_description_says(tmp_path: Path):
    # An app of its own: Schemathesis ends the app's lifespan (closing its archive)
    # when the run is over.
    run = run_schemathesis(make_app(tmp_path))
    assert run.errors == []
    assert run.cases > 1000  # every operation and phase ran (1,901 cases with Schemathesis 4.32)
    assert {"coverage", "fuzzing", "stateful"} <= {p for p, n in run.by_phase.items() if n}
    unique = sorted(set(run.failures))
    assert unique == [], f"{len(unique)} failures in {run.cases} cases:\n" + "\n".join(unique)


# --- what Schemathesis found, said directly -------------------------------------------------


def test_the_export_declares_the_files_it_sends(client):
    export = client.get("/openapi.json").json()["paths"]["/api/export"]["get"]
    declared = export["responses"]["200"]["content"]
    assert "application/json" not in declared
    assert {"text/csv", "application/x-ndjson", "text/html", "application/pdf"} <= set(declared)
    assert any("spreadsheetml" in media_type for media_type in declared)
    answer = client.get("/api/export", params={"q": "trafficking", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == "text/csv"


def test_every_api_error_status_is_declared_in_the_problem_shape(client):
    description = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in description["components"]["schemas"]  # 400, not 422
    problem = description["components"]["schemas"]["ProblemBody"]
    assert problem["required"] == ["error"]
    search = description["paths"]["/api/search"]["get"]["responses"]
    assert {"200", "400", "401", "422"} <= set(search)
    assert search["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ProblemBody")
    create_set = description["paths"]["/api/sets"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "415"} <= set(create_set)
    assert "422" not in create_set  # bad input is a 400 here, never a 422
    taken = client.post("/api/sets", json={"name": "Case A"})
    again = client.post("/api/sets", json={"name": "Case A"})
    assert (taken.status_code, again.status_code) == (201, 409)
    assert again.json()["error"]["status"] == 409


def test_a_405_names_every_method_the_path_takes(client):
    answer = client.request("TRACE", "/api/sets")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD, POST"  # both routes of the path, not one
    assert answer.json()["error"]["status"] == 405
    one_set = client.request("POST", "/api/sets/0123456789abcdef")
    assert one_set.headers["allow"] == "GET, HEAD, PATCH, DELETE"
    page = client.request("PUT", "/search")
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD"


def test_a_blank_saved_search_name_is_a_400_not_a_500(client):
    for name in ("", "   ", "\x01"):
        answer = client.post("/api/watches", json={"name": name})
        assert answer.status_code == 400, (name, answer.text)
    taken = client.post("/api/watches", json={"name": "Shanxi"})
    again = client.post("/api/watches", json={"name": " shanxi "})
    assert (taken.status_code, again.status_code) == (201, 409)
    unparsed = client.post("/api/watches", json={"name": "Dates", "filters": {"since": "soon"}})
    assert unparsed.status_code == 400
    assert unparsed.json()["error"]["token"] == "soon"
    unknown = client.post("/api/watches", json={"name": "Other", "filters": {"colour": ["red"]}})
    assert unknown.status_code == 400

#!/usr/bin/env bash
# Set everything up and run the whole test suite, Elasticsearch included.
# Extra arguments go to pytest (e.g. scripts/test.sh -k sqlite -x).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

started_here=0
if ! bash scripts/elasticsearch.sh status >/dev/null 2>&1; then
  started_here=1
fi
es_url="$(bash scripts/elasticsearch.sh start)"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ "$started_here" = 1 ]; then
    bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
export HOMEWARD_TEST_ES_URL="$es_url"
echo "test: Elasticsearch at $es_url" >&2

echo "test: ruff check" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || {
  echo "test: ruff format would change files; run .venv/bin/ruff format ." >&2
  exit 1
}

echo "test: pip-audit of requirements.lock (scripts/audit_dependencies.py)" >&2
.venv/bin/python scripts/audit_dependencies.py requirements.lock

status=0
.venv/bin/python -m pytest -p no:cacheprovider "$@" || status=$?
if [ "$status" = 5 ]; then
  echo "test: pytest collected no tests; that is a failure here" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Re-make requirements.lock from pyproject.toml after a dependency change.
# Every machine then installs exactly what the lock says (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "uv>=0.4"
.venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
  --output-file requirements.lock --quiet
echo "lock: requirements.lock updated; commit it with pyproject.toml" >&2

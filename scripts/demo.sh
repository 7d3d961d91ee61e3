#!/usr/bin/env bash
# Set everything up and run the demo on the embedded (SQLite) archive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
exec "$root/.venv/bin/homeward" demo "$@"

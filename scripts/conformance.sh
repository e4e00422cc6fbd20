#!/usr/bin/env bash
# The exchange-format conformance check (shared/formats/conformance.py) against the installed `perfbudget`.
# The script lives beside the project, not in it: a checkout without it skips this stage with a note.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
script=../shared/formats/conformance.py
if [ ! -f "$script" ]; then
  echo "conformance: $script is not beside the project; skipped"
  exit 0
fi
exec python3 "$script" .venv/bin/perfbudget

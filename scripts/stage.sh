#!/usr/bin/env bash
# Run one stage of `make test`: print a header, time it, and append "name<TAB>seconds<TAB>exit" to
# test-artifacts/stages.tsv so that scripts/test_summary.py can report every stage at the end.
#
#   scripts/stage.sh [--allow-empty] NAME -- COMMAND [ARGS...]
#
# --allow-empty: pytest's exit code 5 ("no tests collected") counts as success, for a stage that may
# legitimately hold no test yet (a marker-selected suite). Any other non-zero exit is a failure.
set -uo pipefail

allow_empty=0
if [ "${1:-}" = --allow-empty ]; then allow_empty=1; shift; fi
name=${1:?stage name}; shift
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "stage.sh: no command for stage $name" >&2; exit 2; }

artifacts=${TEST_ARTIFACTS:-test-artifacts}
mkdir -p "$artifacts"
printf '\n=== [%s] %s\n' "$name" "$*"
start=$(date +%s.%N)
"$@"
rc=$?
seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if [ "$rc" -eq 5 ] && [ "$allow_empty" -eq 1 ]; then
  echo "[$name] no tests collected: allowed for this stage"
  rc=0
fi
printf '%s\t%s\t%s\n' "$name" "$seconds" "$rc" >>"$artifacts/stages.tsv"
if [ "$rc" -eq 0 ]; then
  printf '=== [%s] ok in %ss\n' "$name" "$seconds"
else
  printf '=== [%s] FAILED (exit %s) after %ss\n' "$name" "$rc" "$seconds"
fi
exit "$rc"

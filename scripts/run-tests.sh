#!/bin/sh
# run-tests.sh BUILD — what `make test` runs:
#   1. the CUnit suites (build/glass-tests), with CUnit's run summary;
#   2. the command-line and integration tests, tests/sh/*.sh, each against
#      the real build/glass (and the openssl command as an oracle);
#   3. the size rules (scripts/check-size.sh: files <= 800 lines, functions
#      <= 120, tests included);
#   4. every NIST vector file, through `glass vectors`; its last line
#      "vectors: N passed, M failed, K skipped" is the last line printed.
# Exit status is non-zero if anything failed.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
GLASS="$ROOT/$BUILD/glass"
export GLASS ROOT BUILD
status=0

echo "== unit tests (CUnit)"
"$BUILD/glass-tests" || status=1

echo "== command-line and integration tests (tests/sh)"
pass=0; fail=0
for t in tests/sh/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    log=$(mktemp)
    start=$(date +%s)
    if timeout 600 sh "$t" >"$log" 2>&1; then
        pass=$((pass + 1)); echo "  PASS $name ($(( $(date +%s) - start ))s)"
    else
        fail=$((fail + 1)); echo "  FAIL $name"; sed 's/^/    | /' "$log" | tail -n 40
    fi
    rm -f "$log"
done
echo "shell tests: $pass passed, $fail failed"
[ $fail -eq 0 ] || status=1

echo "== sizes (make check-size)"
sh scripts/check-size.sh || status=1

echo "== NIST vectors"
"$GLASS" vectors vectors tests/data/vectors 2>&1 || status=1
exit $status
